// Unit: the front's DNS query, the answers it accepts and refuses, and resolv.conf.
#include "catch.hpp"
#include "front/dns_message.hpp"
#include "front/peer_discovery.hpp"
#include "front/resolv_conf.hpp"

#include <cstdint>
#include <string>
#include <vector>

using console::dns_answer;
using console::parse_dns_answer;
using outcome = console::dns_answer::outcome;

namespace {

constexpr std::uint16_t id = 0x1234;
const std::string name = "vms.default.svc.cluster.local";

std::string u16(unsigned value) {
    return {static_cast<char>((value >> 8) & 0xff), static_cast<char>(value & 0xff)};
}

// A name as labels; no compression.
std::string labels(const std::string& dotted) {
    std::string out;
    std::size_t start = 0;
    while (start < dotted.size()) {
        const auto end = std::min(dotted.find('.', start), dotted.size());
        out += static_cast<char>(end - start);
        out += dotted.substr(start, end - start);
        start = end + 1;
    }
    return out + '\0';
}

std::string header(unsigned flags, unsigned answers, std::uint16_t with_id = id) {
    return u16(with_id) + u16(flags) + u16(1) + u16(answers) + u16(0) + u16(0);
}

std::string question(const std::string& asked = name, unsigned type = 1) {
    return labels(asked) + u16(type) + u16(1);
}

// A record whose owner is `owner` (already encoded: labels or a pointer).
std::string record(const std::string& owner, unsigned type, const std::string& data) {
    return owner + u16(type) + u16(1) + std::string("\0\0\0\x05", 4) +
           u16(static_cast<unsigned>(data.size())) + data;
}

std::string a(unsigned char x, unsigned char y, unsigned char z, unsigned char w) {
    return std::string{static_cast<char>(x), static_cast<char>(y), static_cast<char>(z),
                       static_cast<char>(w)};
}

const std::string to_question = u16(0xc00c);  // a pointer to the question's name

std::vector<std::string> texts(const dns_answer& answer) {
    std::vector<std::string> out;
    for (const auto& address : answer.addresses)
        out.push_back(address.to_string());
    return out;
}

}  // namespace

TEST_CASE("the query asks for A records, recursively, offering 4096 bytes", "[dns]") {
    const auto query = console::encode_dns_query(id, "vms.svc");
    CHECK(query == header(0x0100, 0).substr(0, 10) + u16(1) + labels("vms.svc") + u16(1) + u16(1) +
                       '\0' + u16(41) + u16(4096) + u16(0) + u16(0) + u16(0));
    CHECK(console::encode_dns_query(id, "").empty());
    CHECK(console::encode_dns_query(id, "a..b").empty());
    CHECK(console::encode_dns_query(id, std::string(64, 'a') + ".b").empty());
    CHECK(console::encode_dns_query(id, std::string(254, 'a')).empty());
}

TEST_CASE("every A record of the name, compressed or not, sorted", "[dns]") {
    const auto packet = header(0x8180, 4) + question() + record(to_question, 1, a(10, 0, 0, 7)) +
                        record(labels(name), 1, a(10, 0, 0, 5)) +
                        record(to_question, 1, a(10, 0, 0, 7)) +
                        record(to_question, 28, std::string(16, '\1'));  // AAAA: skipped
    const auto answer = parse_dns_answer(packet, id, name);
    CHECK(answer.result == outcome::addresses);
    CHECK(texts(answer) == std::vector<std::string>{"10.0.0.5", "10.0.0.7"});
    CHECK_FALSE(answer.truncated);
    // The question's name in another case is the same name.
    const auto upper = header(0x8180, 1) + question("VMS.default.svc.cluster.local") +
                       record(to_question, 1, a(10, 0, 0, 9));
    CHECK(texts(parse_dns_answer(upper, id, name)) == std::vector<std::string>{"10.0.0.9"});
}

TEST_CASE("CNAMEs are followed, records of other names are not answers", "[dns]") {
    const std::string target = "pods.example";
    const auto packet = header(0x8180, 3) + question() + record(to_question, 5, labels(target)) +
                        record(labels(target), 1, a(10, 1, 1, 1)) +
                        record(labels("evil.example"), 1, a(6, 6, 6, 6));
    CHECK(texts(parse_dns_answer(packet, id, name)) == std::vector<std::string>{"10.1.1.1"});
}

TEST_CASE("a PTR query asks for the names of an address, and its answer gives them", "[dns]") {
    const auto address = boost::asio::ip::make_address_v4("10.244.0.17");
    const auto reverse = console::reverse_name(address);
    CHECK(reverse == "17.0.244.10.in-addr.arpa");
    CHECK(console::encode_dns_query(id, reverse, console::dns_type::ptr) ==
          header(0x0100, 0).substr(0, 10) + u16(1) + labels(reverse) + u16(12) + u16(1) + '\0' +
              u16(41) + u16(4096) + u16(0) + u16(0) + u16(0));
    const std::string pod = "vm-2.vms-headless.default.svc.cluster.local";
    const auto packet =
        header(0x8180, 3) + question(reverse, 12) +
        record(to_question, 12, labels("VM-2.vms-headless.default.svc.cluster.local")) +
        record(to_question, 12, labels(pod)) +
        record(labels("1.0.0.10.in-addr.arpa"), 12, labels("other.example"));
    const auto answer = parse_dns_answer(packet, id, reverse, console::dns_type::ptr);
    CHECK(answer.result == outcome::addresses);
    CHECK(answer.names == std::vector<std::string>{pod});
    CHECK(answer.addresses.empty());
    // An A answer to a PTR query, or a PTR answer to an A query, is not the answer.
    CHECK(parse_dns_answer(packet, id, reverse).result == outcome::failed);
    CHECK(
        parse_dns_answer(header(0x8180, 0) + question(reverse), id, reverse, console::dns_type::ptr)
            .result == outcome::failed);
    // A PTR record that names the root names nothing.
    const auto root = parse_dns_answer(
        header(0x8180, 1) + question(reverse, 12) + record(to_question, 12, std::string(1, '\0')),
        id, reverse, console::dns_type::ptr);
    CHECK(root.result == outcome::addresses);
    CHECK(root.names.empty());
    // A PTR record whose name overruns its data length is refused.
    CHECK(parse_dns_answer(header(0x8180, 1) + question(reverse, 12) +
                               record(to_question, 12, labels(pod) + "x"),
                           id, reverse, console::dns_type::ptr)
              .result == outcome::failed);
}

TEST_CASE("a VM's name comes from a PTR name under the Service looked up", "[dns]") {
    const auto address = boost::asio::ip::make_address_v4("10.244.0.17");
    const auto name_of = [&](const std::vector<std::string>& names, std::string_view service) {
        return console::vm_name_of_pointers(names, service, address);
    };
    const std::string pod =
        "fleet-qemu-riscv64-2.fleet-qemu-riscv64-headless.vms.svc.cluster.local";
    CHECK(name_of({pod}, "fleet-qemu-riscv64-headless") == "fleet-qemu-riscv64-2");
    CHECK(name_of({pod}, "Fleet-qemu-riscv64-headless.vms.svc.cluster.local.") ==
          "fleet-qemu-riscv64-2");
    // Not under the Service, a pod without a host name, a label that is no VM name.
    CHECK(name_of({pod}, "other-headless").empty());
    CHECK(name_of({pod}, "fleet-qemu-riscv64-head").empty());
    CHECK(name_of({"10-244-0-17.fleet-qemu-riscv64-headless.vms.svc.cluster.local"},
                  "fleet-qemu-riscv64-headless")
              .empty());
    CHECK(name_of({"-x.fleet-qemu-riscv64-headless"}, "fleet-qemu-riscv64-headless").empty());
    CHECK(name_of({"fleet-qemu-riscv64-headless"}, "fleet-qemu-riscv64-headless").empty());
    // The first name that qualifies.
    CHECK(name_of({"a.elsewhere", pod}, "fleet-qemu-riscv64-headless") == "fleet-qemu-riscv64-2");
}

TEST_CASE("no such name, no records, a failing server", "[dns]") {
    CHECK(parse_dns_answer(header(0x8183, 0) + question(), id, name).result ==
          outcome::no_such_name);
    const auto empty = parse_dns_answer(header(0x8180, 0) + question(), id, name);
    CHECK(empty.result == outcome::addresses);
    CHECK(empty.addresses.empty());
    CHECK(parse_dns_answer(header(0x8182, 0) + question(), id, name).result == outcome::failed);
    CHECK(parse_dns_answer(header(0x8185, 0) + question(), id, name).result == outcome::failed);
    const auto cut = parse_dns_answer(
        header(0x8380, 1) + question() + record(to_question, 1, a(10, 0, 0, 1)), id, name);
    CHECK(cut.truncated);
    CHECK(cut.addresses.size() == 1);
}

TEST_CASE("anything that is not the answer to this query is refused", "[dns]") {
    const auto good_record = record(to_question, 1, a(10, 0, 0, 1));
    const auto body = question() + good_record;
    for (const std::string& packet : std::vector<std::string>{
             std::string(), header(0x8180, 1).substr(0, 11),
             header(0x8180, 1, id + 1) + body,                             // another id
             header(0x0180, 1) + body,                                     // a query, not an answer
             header(0x8980, 1) + body,                                     // opcode 1
             header(0x8180, 1) + question("other.example") + good_record,  // another question
             header(0x8180, 1) + question(name, 28) + good_record,         // AAAA asked
             u16(id) + u16(0x8180) + u16(2) + u16(1) + u16(0) + u16(0) + body,  // two questions
             header(0x8180, 2) + body,  // one record missing
             header(0x8180, 1) + question() + good_record.substr(0, good_record.size() - 1),
             header(0x8180, 1) + question() + record(to_question, 1, a(10, 0, 0, 1) + "x"),
             header(0x8180, 1) + question() + u16(0xc0ff) + good_record.substr(2),  // outside
             header(0x8180, 1) + question() + u16(0xc000 | 30) + good_record.substr(2),
             header(0x8180, 1) + question() + '\x40' + good_record.substr(2),  // label type 01
         }) {
        CAPTURE(packet.size());
        CHECK(parse_dns_answer(packet, id, name).result == outcome::failed);
    }
}

TEST_CASE("compression loops end", "[dns]") {
    // A record whose owner points at itself.
    const auto head = header(0x8180, 1) + question();
    const auto self = u16(0xc000 | static_cast<unsigned>(head.size()));
    const auto packet = head + record(self, 1, a(10, 0, 0, 1));
    CHECK(parse_dns_answer(packet, id, name).result == outcome::failed);
}

TEST_CASE("resolv.conf: servers, search list, ndots", "[dns]") {
    const auto config = console::parse_resolv_conf(
        "# kubelet's\nsearch default.svc.cluster.local svc.cluster.local cluster.local\n"
        "nameserver 10.96.0.10\nnameserver 10.96.0.11 # second\n; nameserver 1.1.1.1\n"
        "options ndots:5 timeout:2\n");
    CHECK(config.nameservers == std::vector<std::string>{"10.96.0.10", "10.96.0.11"});
    CHECK(config.search.size() == 3);
    CHECK(config.ndots == 5);
    const auto empty = console::parse_resolv_conf("");
    CHECK(empty.nameservers.empty());
    CHECK(empty.ndots == 1);
    CHECK(console::parse_resolv_conf("search a b\ndomain c\n").search ==
          std::vector<std::string>{"c"});
    CHECK(console::parse_resolv_conf("options ndots:x\n").ndots == 1);
    CHECK(console::parse_resolv_conf("options ndots:99\n").ndots == 15);
}

TEST_CASE("a short name is tried with each search domain first, as glibc does", "[dns]") {
    const auto config = console::parse_resolv_conf(
        "search default.svc.cluster.local svc.cluster.local\noptions ndots:5\n");
    CHECK(console::candidate_names("vms-headless", config) ==
          std::vector<std::string>{"vms-headless.default.svc.cluster.local",
                                   "vms-headless.svc.cluster.local", "vms-headless"});
    CHECK(console::candidate_names("vms.example.", config) ==
          std::vector<std::string>{"vms.example"});
    const auto one_dot = console::parse_resolv_conf("search lab\n");
    CHECK(console::candidate_names("vms.example", one_dot) ==
          std::vector<std::string>{"vms.example", "vms.example.lab"});
}
