// Unit: the front's list of VMs from each round's answers, its JSON and /metrics.
#include "catch.hpp"
#include "front/front_metrics.hpp"
#include "front/vm_registry.hpp"

#include <boost/asio/ip/address.hpp>

#include <string>
#include <vector>

using console::merge_round;
using console::peer_answer;
using console::vm_list;
using console::vm_status;
using tcp = boost::asio::ip::tcp;

namespace {

tcp::endpoint at(const char* address) {
    return {boost::asio::ip::make_address(address), 8080};
}

peer_answer answer(const char* address, const std::string& name, const char* state = "ready") {
    return {at(address), vm_status{name, state, {}, {}, {}, {}, 1}, {}};
}

// No /status answer; `dns_name`: the VM DNS names at the address.
peer_answer silent(const char* address, const std::string& dns_name = {}) {
    return {at(address), std::nullopt, dns_name};
}

std::vector<std::string> names_and_states(const vm_list& list) {
    std::vector<std::string> out;
    for (const auto& vm : list.vms)
        out.push_back(vm.status.name + " " + vm.status.state);
    return out;
}

}  // namespace

TEST_CASE("every answering console is listed, in natural order", "[front]") {
    const auto list =
        merge_round({}, {answer("10.0.0.3", "vm-10"), answer("10.0.0.1", "vm-2", "booting"),
                         answer("10.0.0.2", "vm-1")});
    CHECK(list.complete);
    CHECK(names_and_states(list) ==
          std::vector<std::string>{"vm-1 ready", "vm-2 booting", "vm-10 ready"});
    CHECK(list.unlisted == 0);
    CHECK(console::natural_less("vm-9", "vm-10"));
    CHECK(console::natural_less("vm-009", "vm-10"));
    CHECK_FALSE(console::natural_less("vm-10", "vm-10"));
    CHECK(console::natural_less("a", "ab"));
}

TEST_CASE("a console that stops answering turns its VM failed, one never heard is counted",
          "[front]") {
    const auto first = merge_round({}, {answer("10.0.0.1", "vm-0"), answer("10.0.0.2", "vm-1")});
    const auto second =
        merge_round(first, {silent("10.0.0.1"), answer("10.0.0.2", "vm-1"), silent("10.0.0.9")});
    CHECK(names_and_states(second) == std::vector<std::string>{"vm-0 failed", "vm-1 ready"});
    CHECK(second.vms.front().status.viewers == 0);
    CHECK(second.unlisted == 1);
    // Its address gone from DNS: gone from the list.
    const auto third = merge_round(second, {answer("10.0.0.2", "vm-1")});
    CHECK(names_and_states(third) == std::vector<std::string>{"vm-1 ready"});
}

TEST_CASE("a name is listed once, the front's own names never", "[front]") {
    // A VM that moved: the answering address wins over the silent one.
    const auto before = merge_round({}, {answer("10.0.0.1", "vm-0")});
    const auto moved = merge_round(before, {silent("10.0.0.1"), answer("10.0.0.7", "vm-0")});
    REQUIRE(moved.vms.size() == 1);
    CHECK(moved.vms.front().address == at("10.0.0.7"));
    CHECK(moved.vms.front().status.state == "ready");
    CHECK(moved.unlisted == 1);
    const auto twice = merge_round({}, {answer("10.0.0.2", "vm-0"), answer("10.0.0.1", "vm-0"),
                                        answer("10.0.0.3", "metrics")});
    REQUIRE(twice.vms.size() == 1);
    CHECK(twice.vms.front().address == at("10.0.0.1"));
    CHECK(twice.unlisted == 2);
}

TEST_CASE("an address DNS names lists its VM as starting until its console answers", "[front]") {
    const auto first = merge_round(
        {}, {answer("10.0.0.1", "vm-0"), silent("10.0.0.2", "vm-1"), silent("10.0.0.3")});
    CHECK(names_and_states(first) == std::vector<std::string>{"vm-0 ready", "vm-1 starting"});
    CHECK(first.unlisted == 1);
    // Still silent, and this round's PTR look-up failed: the name it had stays.
    const auto second = merge_round(first, {answer("10.0.0.1", "vm-0"), silent("10.0.0.2")});
    CHECK(names_and_states(second) == std::vector<std::string>{"vm-0 ready", "vm-1 starting"});
    // Its console answers: its own state; silent after that: failed.
    const auto third =
        merge_round(second, {answer("10.0.0.1", "vm-0"), answer("10.0.0.2", "vm-1", "booting")});
    CHECK(names_and_states(third) == std::vector<std::string>{"vm-0 ready", "vm-1 booting"});
    const auto fourth =
        merge_round(third, {answer("10.0.0.1", "vm-0"), silent("10.0.0.2", "vm-1")});
    CHECK(names_and_states(fourth) == std::vector<std::string>{"vm-0 ready", "vm-1 failed"});
    // A DNS name taken by an answering console, or one of the front's routes: counted only.
    const auto taken = merge_round({}, {answer("10.0.0.1", "vm-0"), silent("10.0.0.2", "vm-0"),
                                        silent("10.0.0.3", "metrics")});
    CHECK(names_and_states(taken) == std::vector<std::string>{"vm-0 ready"});
    CHECK(taken.unlisted == 2);
}

TEST_CASE("vms.json lists the VMs without their addresses", "[front]") {
    auto list = merge_round({}, {answer("10.0.0.1", "vm-0"), silent("10.0.0.2")});
    CHECK(console::format_vm_list(list) ==
          R"({"vms":[{"name":"vm-0","state":"ready","viewers":1}],"unlisted":1})");
    CHECK(console::format_vm_list({}) == R"({"vms":[],"unlisted":0})");
}

TEST_CASE("the front's /metrics counts VMs by state", "[front]") {
    const auto list = merge_round({}, {answer("10.0.0.1", "vm-0"), answer("10.0.0.2", "vm-1"),
                                       answer("10.0.0.3", "vm-2", "stopped")});
    const auto text = console::format_front_metrics({1, 2, 3, 4, 5, 6, 7, 8}, list);
    CHECK(text.find("qemu_riscv64_front_vms{state=\"ready\"} 2\n") != std::string::npos);
    CHECK(text.find("qemu_riscv64_front_vms{state=\"stopped\"} 1\n") != std::string::npos);
    CHECK(text.find("qemu_riscv64_front_vms{state=\"failed\"} 0\n") != std::string::npos);
    CHECK(text.find("qemu_riscv64_front_vms{state=\"starting\"} 0\n") != std::string::npos);
    CHECK(text.find("qemu_riscv64_front_sent_bytes_total 3\n") != std::string::npos);
    CHECK(text.find("# TYPE qemu_riscv64_front_dns_failures_total counter\n") != std::string::npos);
}
