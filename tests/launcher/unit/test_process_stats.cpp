// The status socket's reply: QEMU's CPU time and RSS read from /proc, and the
// `name value` lines after the readiness word.
#include "catch.hpp"
#include "health/process_stats.hpp"

#include <unistd.h>

#include <string>

using launcher::format_status;
using launcher::stat_cpu_ticks;
using launcher::status_report;
using launcher::status_rss_bytes;

TEST_CASE("stat_cpu_ticks adds utime and stime after the command name") {
    const std::string stat =
        "4242 (qemu-system-ris) S 1 4242 4242 0 -1 4194560 12345 0 7 0 1500 234 0 0 20 0 4 0 "
        "98765 2147483648 51200 18446744073709551615\n";
    CHECK(stat_cpu_ticks(stat) == 1734);
    // A command name with spaces and parentheses of its own.
    CHECK(stat_cpu_ticks("7 (a) b) c) R 1 7 7 0 -1 0 0 0 0 0 10 5 0 0 20 0 1 0 1 1 1") == 15);
    CHECK_FALSE(stat_cpu_ticks("").has_value());
    CHECK_FALSE(stat_cpu_ticks("7 (x R 1 7 7 0 -1 0 0 0 0 0 10 5").has_value());
    CHECK_FALSE(stat_cpu_ticks("7 (x) R 1 7 7 0 -1 0 0 0 0 0 10").has_value());
    CHECK_FALSE(stat_cpu_ticks("7 (x) R 1 7 7 0 -1 0 0 0 0 0 1x 5").has_value());
    CHECK_FALSE(stat_cpu_ticks("7 (x) R 1 7 7 0 -1 0 0 0 0 0 -1 5").has_value());
}

TEST_CASE("status_rss_bytes reads VmRSS in kB") {
    CHECK(status_rss_bytes("Name:\tqemu\nVmPeak:\t 999 kB\nVmRSS:\t  204800 kB\nThreads: 4\n") ==
          204800ULL * 1024);
    CHECK_FALSE(status_rss_bytes("Name:\tkthreadd\nThreads: 1\n").has_value());
    CHECK_FALSE(status_rss_bytes("VmRSS:\t12 MB\n").has_value());
    CHECK_FALSE(status_rss_bytes("VmRSS:\t kB\n").has_value());
}

TEST_CASE("read_process_stats reads this process and nothing for a missing one") {
    const auto self = launcher::read_process_stats(::getpid());
    REQUIRE(self.has_value());
    CHECK(self->rss_bytes > 1024 * 1024);
    CHECK(self->cpu_seconds >= 0);
    CHECK_FALSE(launcher::read_process_stats(-1).has_value());
}

TEST_CASE("format_status keeps the word first and adds name value lines") {
    status_report report;
    report.word = "booting";
    report.uptime_seconds = 0.5;
    CHECK(format_status(report) ==
          "booting\nlauncher_uptime_seconds 0.500\ntelnet_clients 0\ntelnet_clients_dropped 0\n"
          "stdout_dropped_bytes 0\ncpu_count 0\nmemory_mib 0\n");

    report.word = "ready";
    report.qemu = launcher::process_stats{12.3456, 123456};
    report.guest_start = "warm";
    report.guest_start_seconds = 1.7;
    report.uptime_seconds = 30;
    report.telnet_clients = 2;
    report.telnet_clients_dropped = 1;
    report.stdout_dropped_bytes = 99;
    report.cpu_count = 2;
    report.memory_mib = 2048;
    CHECK(format_status(report) ==
          "ready\nqemu_cpu_seconds 12.346\nqemu_rss_bytes 123456\nguest_start warm\n"
          "guest_start_seconds 1.700\nlauncher_uptime_seconds 30.000\ntelnet_clients 2\n"
          "telnet_clients_dropped 1\nstdout_dropped_bytes 99\ncpu_count 2\nmemory_mib 2048\n");
}
