// Structured values and the run directory: forwards, CPU property names.
#include "catch.hpp"
#include "qemu/run_directory.hpp"
#include "settings/value_parsers.hpp"
#include "temp_dir.hpp"

#include <sys/stat.h>

#include <stdexcept>

TEST_CASE("forward ports: [hostPort:]guestPort, comma-separated", "[values]") {
    const auto forwards = launcher::parse_forward_ports("2222:22,8080");
    REQUIRE(forwards.size() == 2);
    CHECK(forwards[0].host_port == 2222);
    CHECK(forwards[0].guest_port == 22);
    CHECK(forwards[1].host_port == 8080);
    CHECK(forwards[1].guest_port == 8080);
    CHECK(launcher::parse_forward_ports("").empty());
    REQUIRE_THROWS_AS(launcher::parse_forward_ports("0"), std::invalid_argument);
    REQUIRE_THROWS_AS(launcher::parse_forward_ports("65536"), std::invalid_argument);
    REQUIRE_THROWS_AS(launcher::parse_forward_ports("ssh"), std::invalid_argument);
    REQUIRE_THROWS_AS(launcher::parse_forward_ports("22,"), std::invalid_argument);
    REQUIRE_THROWS_AS(launcher::parse_forward_ports("1:2:3"), std::invalid_argument);
}

TEST_CASE("port ranges, port lists and network modes", "[values]") {
    const auto ranges = launcher::parse_port_ranges("1024-49151,60000");
    REQUIRE(ranges.size() == 2);
    CHECK(ranges[0].first == 1024);
    CHECK(ranges[0].last == 49151);
    CHECK(ranges[1].first == 60000);
    CHECK(ranges[1].last == 60000);
    CHECK(launcher::parse_port_ranges("").empty());
    REQUIRE_THROWS_AS(launcher::parse_port_ranges("2000-1000"), std::invalid_argument);
    REQUIRE_THROWS_AS(launcher::parse_port_ranges("0-10"), std::invalid_argument);
    REQUIRE_THROWS_AS(launcher::parse_port_ranges("1-2-3"), std::invalid_argument);
    CHECK(launcher::parse_port_list("8080,9090") == std::vector<std::uint16_t>{8080, 9090});
    REQUIRE_THROWS_AS(launcher::parse_port_list("http"), std::invalid_argument);
    CHECK(launcher::parse_network_mode("passt") == launcher::network_mode::passt);
    CHECK(launcher::parse_network_mode("user") == launcher::network_mode::user);
    CHECK(launcher::parse_network_mode("none") == launcher::network_mode::none);
    REQUIRE_THROWS_AS(launcher::parse_network_mode("slirp"), std::invalid_argument);
}

TEST_CASE("CPU features: names with optional values", "[values]") {
    const auto names = launcher::parse_cpu_feature_names("v=true,vlen=256,vext_spec=v1.0,zba");
    REQUIRE(names.size() == 4);
    CHECK(names[0] == "v");
    CHECK(names[2] == "vext_spec");
    CHECK(names[3] == "zba");
    REQUIRE_THROWS_AS(launcher::parse_cpu_feature_names("v=true,,vlen=256"), std::invalid_argument);
    REQUIRE_THROWS_AS(launcher::parse_cpu_feature_names("v=tr ue"), std::invalid_argument);
    REQUIRE_THROWS_AS(launcher::parse_cpu_feature_names("=1"), std::invalid_argument);
}

TEST_CASE("the run directory is private and removed afterwards", "[values]") {
    launcher_test::temp_dir base;
    std::string run_path;
    {
        launcher::run_directory run(base.path().string());
        run_path = run.base();
        struct stat dir_info {};
        REQUIRE(::stat(run_path.c_str(), &dir_info) == 0);
        CHECK((dir_info.st_mode & 0777) == 0700);
        CHECK(run.path("qga.sock") == run_path + "/qga.sock");
    }
    CHECK_FALSE(std::filesystem::exists(run_path));
    REQUIRE_THROWS(launcher::run_directory("/no/such/runtime/dir"));
}
