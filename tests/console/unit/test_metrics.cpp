// The launcher's status reply parsed strictly, and /metrics's exposition text.
#include "catch.hpp"
#include "launcher_status.hpp"
#include "metrics.hpp"

#include <string>

using console::format_metrics;
using console::parse_launcher_status;

TEST_CASE("a launcher status reply parses into its values") {
    const auto status = parse_launcher_status(
        "ready\nqemu_cpu_seconds 12.340\nqemu_rss_bytes 123456\nguest_start warm\n"
        "guest_start_seconds 1.7\nlauncher_uptime_seconds 30\ntelnet_clients 2\n"
        "telnet_clients_dropped 1\nstdout_dropped_bytes 9\nfrom_a_newer_launcher 5\n");
    REQUIRE(status.has_value());
    CHECK(status->word == "ready");
    CHECK(status->qemu_cpu_seconds == Approx(12.34));
    CHECK(status->qemu_rss_bytes == 123456U);
    CHECK(status->guest_start == "warm");
    CHECK(status->guest_start_seconds == Approx(1.7));
    CHECK(status->launcher_uptime_seconds == Approx(30));
    CHECK(status->telnet_clients == 2U);
    CHECK(status->telnet_clients_dropped == 1U);
    CHECK(status->stdout_dropped_bytes == 9U);
    // The one line of an older launcher.
    const auto old = parse_launcher_status("booting\n");
    REQUIRE(old.has_value());
    CHECK(old->word == "booting");
    CHECK_FALSE(old->qemu_cpu_seconds.has_value());
}

TEST_CASE("a malformed launcher status reply is refused whole") {
    for (const char* reply : {"",
                              "ready",
                              "READY\n",
                              "ready \n",
                              "ready\r\n",
                              "up\n",
                              "ready\n\n",
                              "ready\nx\n",
                              "ready\nqemu_cpu_seconds -1\n",
                              "ready\nqemu_cpu_seconds 1e3\n",
                              "ready\nqemu_cpu_seconds .5\n",
                              "ready\nqemu_cpu_seconds 5.\n",
                              "ready\nqemu_cpu_seconds 0x10\n",
                              "ready\nqemu_cpu_seconds nan\n",
                              "ready\nqemu_rss_bytes 1.5\n",
                              "ready\nqemu_rss_bytes +1\n",
                              "ready\nqemu_rss_bytes 18446744073709551616\n",
                              "ready\nqemu_rss_bytes 1 2\n",
                              "ready\nqemu_rss_bytes 1\nqemu_rss_bytes 1\n",
                              "ready\nguest_start sideways\n",
                              "ready\nBad 1\n",
                              "ready\n9lives 1\n",
                              "ready\nname{a=\"b\"} 1\n",
                              "ready\n 1\n",
                              "ready\nname \n"}) {
        INFO(reply);
        CHECK_FALSE(parse_launcher_status(reply).has_value());
    }
    CHECK_FALSE(parse_launcher_status(std::string("ready\0\n", 7)).has_value());
    std::string longest = "ready\n";
    while (longest.size() <= console::max_status_reply)
        longest += "unknown_name 1\n";
    CHECK_FALSE(parse_launcher_status(longest).has_value());
}

TEST_CASE("says_ready reads only the first line") {
    CHECK(console::says_ready("ready\n"));
    CHECK(console::says_ready("ready\nqemu_rss_bytes 1\n"));
    CHECK_FALSE(console::says_ready("ready"));
    CHECK_FALSE(console::says_ready("readyz\n"));
    CHECK_FALSE(console::says_ready("unready\n"));
}

TEST_CASE("the exposition has HELP and TYPE for every family and _total counters") {
    console::console_sample sample{2, 5, 1, 1000, 20};
    const std::string without = format_metrics(sample, std::nullopt);
    CHECK(without.find("# HELP qemu_riscv64_console_sessions WebSocket sessions open now") !=
          std::string::npos);
    CHECK(without.find("# TYPE qemu_riscv64_console_sessions gauge\n"
                       "qemu_riscv64_console_sessions 2\n") != std::string::npos);
    CHECK(without.find("# TYPE qemu_riscv64_console_sent_bytes_total counter\n"
                       "qemu_riscv64_console_sent_bytes_total 1000\n") != std::string::npos);
    CHECK(without.find("qemu_riscv64_launcher_up 0\n") != std::string::npos);
    CHECK(without.find("qemu_riscv64_guest_state{state=\"ready\"} 0\n") != std::string::npos);
    CHECK(without.find("qemu_cpu") == std::string::npos);

    const auto status = parse_launcher_status(
        "unready\nqemu_cpu_seconds 1.250\nqemu_rss_bytes 4096\nguest_start hibernate\n"
        "guest_start_seconds 0.5\n");
    const std::string with = format_metrics(sample, status);
    CHECK(with.find("qemu_riscv64_launcher_up 1\n") != std::string::npos);
    CHECK(with.find("qemu_riscv64_guest_state{state=\"booting\"} 0\n"
                    "qemu_riscv64_guest_state{state=\"ready\"} 0\n"
                    "qemu_riscv64_guest_state{state=\"unready\"} 1\n") != std::string::npos);
    CHECK(with.find("qemu_riscv64_guest_start{start=\"hibernate\"} 1\n") != std::string::npos);
    CHECK(with.find("# TYPE qemu_riscv64_qemu_cpu_seconds_total counter\n"
                    "qemu_riscv64_qemu_cpu_seconds_total 1.25\n") != std::string::npos);
    CHECK(with.find("qemu_riscv64_qemu_resident_memory_bytes 4096\n") != std::string::npos);
    CHECK(with.find("qemu_riscv64_guest_start_seconds 0.5\n") != std::string::npos);
    CHECK(with.find("launcher_uptime") == std::string::npos);  // not in the reply

    // Every TYPE line follows its HELP line, and every counter ends in _total.
    std::size_t at = 0;
    int families = 0;
    while ((at = with.find("# TYPE ", at)) != std::string::npos) {
        const auto end = with.find('\n', at);
        const std::string line = with.substr(at, end - at);
        const std::string name = line.substr(7, line.find(' ', 7) - 7);
        CHECK(with.find("# HELP " + name + " ") != std::string::npos);
        if (line.ends_with(" counter")) CHECK(name.ends_with("_total"));
        ++families;
        at = end;
    }
    CHECK(families == 11);
}

TEST_CASE("the launcher's vCPUs and memory are read for /status") {
    const auto status = parse_launcher_status("booting\ncpu_count 4\nmemory_mib 1024\n");
    REQUIRE(status.has_value());
    CHECK(status->cpu_count == 4U);
    CHECK(status->memory_mib == 1024U);
    CHECK_FALSE(parse_launcher_status("booting\ncpu_count four\n"));
}
