// VM_PASST_PORTS against the open-file limit: what fits, what is cut, what is said;
// and which folder keeps passt, as nobody, from its socket.
#include "catch.hpp"
#include "qemu/passt_ports.hpp"
#include "qemu/passt_process.hpp"
#include "temp_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

using launcher::port_range;

namespace {

bool same(const std::vector<port_range>& a, const std::vector<port_range>& b) {
    return launcher::ranges_text(a) == launcher::ranges_text(b);
}

}  // namespace

TEST_CASE("ports are counted per range, a range's ends included", "[passt-ports]") {
    CHECK(launcher::count_ports({}) == 0);
    CHECK(launcher::count_ports({{1024, 49151}}) == 48128);
    CHECK(launcher::count_ports({{22, 22}, {1000, 1009}}) == 11);
    CHECK(launcher::ranges_text({{1024, 7007}, {9000, 9000}}) == "1024-7007,9000");
    CHECK(launcher::ranges_text({}) == "none");
}

TEST_CASE("ranges that fit the limit are left as they are", "[passt-ports]") {
    // A pod's usual hard limit: 48,128 ports need 144,384 files.
    const auto fit = launcher::fit_passt_ports({{1024, 49151}}, 1, 1048576);
    CHECK_FALSE(fit.narrowed);
    CHECK(same(fit.ports, {{1024, 49151}}));
    CHECK(fit.wanted == 48128 * 3 + 1);
    // Exactly full: 3 files a port, a quarter of 4000 (1000) kept.
    CHECK_FALSE(launcher::fit_passt_ports({{2000, 2999}}, 0, 4000).narrowed);
    CHECK(launcher::fit_passt_ports({{2000, 3000}}, 0, 4000).narrowed);
}

TEST_CASE("the default range under a hard limit of 20,000 files", "[passt-ports]") {
    // 2048 kept, 17,952 left: 5984 ports of three files each.
    const auto fit = launcher::fit_passt_ports({{1024, 49151}}, 0, 20000);
    CHECK(fit.narrowed);
    CHECK(fit.room == 5984);
    CHECK(same(fit.ports, {{1024, 7007}}));
    CHECK(launcher::count_ports(fit.ports) * 3 + 2048 <= 20000);
    // Each forward is one more TCP socket.
    CHECK(same(launcher::fit_passt_ports({{1024, 49151}}, 3, 20000).ports, {{1024, 7006}}));
}

TEST_CASE("the first ports of several ranges are kept, in their order", "[passt-ports]") {
    // 1024 files: 256 kept, 768 left, 256 ports.
    const auto fit = launcher::fit_passt_ports({{5000, 5099}, {80, 80}, {6000, 6999}}, 0, 1024);
    CHECK(fit.room == 256);
    CHECK(same(fit.ports, {{5000, 5099}, {80, 80}, {6000, 6154}}));
    // No room at all: no ports.
    const auto none = launcher::fit_passt_ports({{1024, 2047}}, 10, 12);
    CHECK(none.narrowed);
    CHECK(none.ports.empty());
}

TEST_CASE("the narrowing line says what, why and how to change it", "[passt-ports]") {
    const auto fit = launcher::fit_passt_ports({{1024, 49151}}, 0, 20000);
    const auto note = launcher::narrowing_note({{1024, 49151}}, fit, 20000);
    CHECK(note ==
          "launcher: passt forwards only 1024-7007 (5984 ports), not VM_PASST_PORTS=1024-49151: "
          "that needs 144384 open files in passt (3 per port: TCP, and UDP over IPv4 and IPv6) "
          "and the hard limit is 20000 (ulimit -Hn), 2048 of them kept for connections; set "
          "VM_PASST_PORTS to at most 5984 ports, or raise the hard limit");
}

TEST_CASE("a folder nobody may not enter is found on the way to the runtime folder",
          "[passt-ports]") {
    launcher_test::temp_dir dir;
    const auto inner = dir.path() / "run";
    std::filesystem::create_directory(inner);
    const uid_t nobody = 65534;
    ::chmod(dir.path().c_str(), 0755);
    ::chmod(inner.c_str(), 0711);
    CHECK(launcher::closed_folder(inner.string(), nobody, nobody).empty());
    ::chmod(dir.path().c_str(), 0700);  // what mktemp -d gives
    CHECK(launcher::closed_folder(inner.string(), nobody, nobody) ==
          dir.path().string() + " (mode 0700)");
    CHECK(launcher::closed_folder(dir.path().string(), nobody, nobody) ==
          dir.path().string() + " (mode 0700)");
    // Its owner, or its group with x, may enter.
    CHECK(launcher::closed_folder(inner.string(), ::getuid(), nobody).empty());
    ::chmod(dir.path().c_str(), 0710);
    CHECK(launcher::closed_folder(inner.string(), nobody, ::getgid()).empty());
}
