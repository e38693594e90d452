// Readiness both ways: VM_READY_PATTERN over serial output as it arrives, the
// agent's signal, and what takes readiness away again (the kernel's panic and
// halt lines, QMP STOP/RESUME/RESET, a silent agent), each change said once.
#include "catch.hpp"
#include "health/readiness.hpp"

#include <iostream>
#include <sstream>

namespace {

// std::cerr captured for one scope.
class captured_cerr {
public:
    captured_cerr() : old_(std::cerr.rdbuf(text_.rdbuf())) {}
    ~captured_cerr() { std::cerr.rdbuf(old_); }
    // What was said since the last call.
    std::string take() {
        std::string text = text_.str();
        text_.str("");
        return text;
    }

private:
    std::ostringstream text_;
    std::streambuf* old_;
};

constexpr const char* busybox_ready = "qemu-riscv64 busybox guest ready: riscv64 6.12\r\n";

}  // namespace

TEST_CASE("the pattern matches across chunks and in an unfinished line", "[readiness]") {
    captured_cerr log;
    launcher::readiness watch("debian login:");
    watch.feed("Debian GNU/Linux 13 riscv\r\n\r\ndebian lo");
    CHECK_FALSE(watch.ready());
    CHECK(watch.status() == "booting");
    watch.feed("gin: ");  // a prompt: no newline follows
    CHECK(watch.ready());
    watch.feed("\ndebian login: ");
    CHECK(log.take() == "\nlauncher: guest ready (the serial output matched VM_READY_PATTERN)\n");
}

TEST_CASE("a match needs one line: a newline in between breaks it", "[readiness]") {
    captured_cerr log;
    launcher::readiness watch("guest ready");
    watch.feed("guest\nready\n");
    CHECK_FALSE(watch.ready());
    watch.feed("qemu-riscv64 busybox guest ready: riscv64\n");
    CHECK(watch.ready());
}

TEST_CASE("regex patterns and an empty pattern", "[readiness]") {
    captured_cerr log;
    launcher::readiness regex("^[a-z-]+ login: $");
    regex.feed("riscv-debian login: ");
    CHECK(regex.ready());
    launcher::readiness none("");
    none.feed("login: anything\n");
    CHECK_FALSE(none.ready());
    none.mark_ready("the guest agent opened its port");
    CHECK(none.ready());
}

TEST_CASE("a pattern without regex syntax is plain text, one with it a regex", "[readiness]") {
    captured_cerr log;
    launcher::readiness text("root@vm:~# ");
    text.feed("root@vm:~ ");
    CHECK_FALSE(text.ready());
    text.feed("\nroot@vm:~# ");
    CHECK(text.ready());
    launcher::readiness dot("a.c");  // `.` is regex syntax: any character
    dot.feed("abc");
    CHECK(dot.ready());
    launcher::readiness escaped(R"(a\.c)");
    escaped.feed("abc\n");
    CHECK_FALSE(escaped.ready());
    escaped.feed("a.c");
    CHECK(escaped.ready());
}

TEST_CASE("a long line without the pattern is bounded and does not match later", "[readiness]") {
    captured_cerr log;
    launcher::readiness watch("READY");
    watch.feed(std::string(100000, 'x'));
    CHECK_FALSE(watch.ready());
    watch.feed("READY");
    CHECK(watch.ready());
}

TEST_CASE("the kernel's own panic, halt and restart lines are recognised", "[readiness]") {
    using launcher::down_reason;
    CHECK(std::string(down_reason("[    7.278065] Kernel panic - not syncing: sysrq triggered "
                                  "crash\r")) == "kernel panic on the serial console");
    CHECK(down_reason("Kernel panic - not syncing: VFS: Unable to mount root fs") != nullptr);
    CHECK(down_reason("\r[12345.000001] reboot: System halted") != nullptr);
    CHECK(down_reason("[   20.1] reboot: Power down") != nullptr);
    CHECK(down_reason("[   20.1] reboot: Restarting system") != nullptr);
    // Someone's text that mentions them is not the kernel's line.
    CHECK(down_reason("root@riscv-busybox:~# echo Kernel panic - not syncing") == nullptr);
    CHECK(down_reason("[ note ] Kernel panic - not syncing") == nullptr);
    CHECK(down_reason("[    7.286509] [<ffffffff80007020>] dump_backtrace+0x28/0x30") == nullptr);
    CHECK(down_reason("") == nullptr);
}

TEST_CASE("a panic takes readiness away until the ready line comes again", "[readiness]") {
    captured_cerr log;
    launcher::readiness watch("busybox guest ready");
    watch.feed(busybox_ready);
    log.take();
    // The panic line arrives in two pieces; one line said.
    watch.feed("[    7.278065] Kernel pan");
    CHECK(watch.ready());
    watch.feed("ic - not syncing: sysrq triggered crash\r\n");
    CHECK_FALSE(watch.ready());
    CHECK(watch.status() == "unready");
    watch.feed(
        "[    7.301434] ---[ end Kernel panic - not syncing: sysrq triggered crash ]---\r\n");
    CHECK(log.take() == "\nlauncher: guest not ready: kernel panic on the serial console\n");
    // After a reboot, the ready line again.
    watch.feed("OpenSBI v1.2\r\n");
    CHECK_FALSE(watch.ready());
    watch.feed(busybox_ready);
    CHECK(watch.ready());
    CHECK(log.take() ==
          "\nlauncher: guest ready again: the serial output matched VM_READY_PATTERN\n");
}

TEST_CASE("QMP STOP and RESUME pause and resume readiness", "[readiness]") {
    captured_cerr log;
    launcher::readiness watch("busybox guest ready");
    // Paused before it was ever up: still booting, and nothing is said.
    watch.qmp_event("STOP");
    watch.qmp_event("RESUME");
    CHECK(log.take().empty());
    watch.feed(busybox_ready);
    log.take();
    watch.qmp_event("STOP");
    CHECK_FALSE(watch.ready());
    CHECK(watch.paused());
    CHECK(watch.status() == "unready");
    watch.qmp_event("STOP");  // no change: no line
    watch.qmp_event("VSERPORT_CHANGE");
    CHECK(log.take() == "\nlauncher: guest not ready: QEMU paused the guest (QMP STOP)\n");
    watch.qmp_event("RESUME");
    CHECK(watch.ready());
    CHECK(log.take() == "\nlauncher: guest ready again: QEMU resumed the guest (QMP RESUME)\n");
}

TEST_CASE("a reset takes readiness away until the agent opens its port again", "[readiness]") {
    captured_cerr log;
    launcher::readiness watch("");  // an agent guest without a pattern
    watch.mark_ready("the guest agent opened its port");
    watch.qmp_event("RESET");
    CHECK_FALSE(watch.ready());
    watch.feed(busybox_ready);  // serial text cannot bring it back without a pattern
    CHECK_FALSE(watch.ready());
    watch.mark_ready("the guest agent opened its port");
    CHECK(watch.ready());
    CHECK(log.take() ==
          "\nlauncher: guest ready (the guest agent opened its port)\n"
          "\nlauncher: guest not ready: the guest was reset (QMP RESET)\n"
          "\nlauncher: guest ready again: the guest agent opened its port\n");
}

TEST_CASE("a silent agent, and a cause cleared while another remains", "[readiness]") {
    captured_cerr log;
    launcher::readiness watch("ready");
    watch.feed("ready\n");
    log.take();
    watch.set_agent_silent(true, "the guest agent did not answer its ping in 5 s");
    CHECK_FALSE(watch.ready());
    watch.qmp_event("STOP");  // a second cause while not ready: no line
    CHECK(log.take() ==
          "\nlauncher: guest not ready: the guest agent did not answer its ping in 5 s\n");
    watch.qmp_event("RESUME");
    CHECK_FALSE(watch.ready());
    CHECK(log.take() ==
          "\nlauncher: guest still not ready: the guest agent did not answer its ping in 5 s "
          "(QEMU resumed the guest (QMP RESUME))\n");
    watch.set_agent_silent(false, "the guest agent answers its ping");
    CHECK(watch.ready());
    CHECK(log.take() == "\nlauncher: guest ready again: the guest agent answers its ping\n");
    CHECK(watch.booted());
}

TEST_CASE("down lines before the first ready change nothing", "[readiness]") {
    captured_cerr log;
    launcher::readiness watch("busybox guest ready");
    watch.feed("[    1.0] Kernel panic - not syncing: VFS: Unable to mount root fs\r\n");
    CHECK(watch.status() == "booting");
    CHECK_FALSE(watch.booted());
    CHECK(log.take().empty());
}
