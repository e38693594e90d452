// Readiness: VM_READY_PATTERN over serial output as it arrives, and the agent's signal.
#include "catch.hpp"
#include "readiness.hpp"

TEST_CASE("the pattern matches across chunks and in an unfinished line", "[readiness]") {
    launcher::readiness watch("debian login:");
    int calls = 0;
    watch.on_ready([&calls] { ++calls; });
    watch.feed("Debian GNU/Linux 13 riscv\r\n\r\ndebian lo");
    CHECK_FALSE(watch.ready());
    watch.feed("gin: ");  // a prompt: no newline follows
    CHECK(watch.ready());
    watch.feed("\ndebian login: ");
    CHECK(calls == 1);
}

TEST_CASE("a match needs one line: a newline in between breaks it", "[readiness]") {
    launcher::readiness watch("guest ready");
    watch.feed("guest\nready\n");
    CHECK_FALSE(watch.ready());
    watch.feed("qemu-riscv64 busybox guest ready: riscv64\n");
    CHECK(watch.ready());
}

TEST_CASE("regex patterns and an empty pattern", "[readiness]") {
    launcher::readiness regex("^[a-z-]+ login: $");
    regex.feed("riscv-debian login: ");
    CHECK(regex.ready());
    launcher::readiness none("");
    none.feed("login: anything\n");
    CHECK_FALSE(none.ready());
    none.mark_ready("the guest agent opened its port");
    CHECK(none.ready());
}

TEST_CASE("a long line without the pattern is bounded and does not match later", "[readiness]") {
    launcher::readiness watch("READY");
    watch.feed(std::string(100000, 'x'));
    CHECK_FALSE(watch.ready());
    watch.feed("READY");
    CHECK(watch.ready());
}
