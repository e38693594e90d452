// A DNS server's reply, as the front's resolver reads it, to an A query and
// to a PTR query: any bytes are an answer or refused, never a read outside
// them; addresses and names come only with a NOERROR answer, sorted and
// without repeats, each only for its own query type. The first two bytes
// choose the query id, so the fuzzer can make replies that match it.
#include "front/dns_message.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

template <typename List>
void check_sorted_once(const List& list) {
    if (!std::is_sorted(list.begin(), list.end()) ||
        std::adjacent_find(list.begin(), list.end()) != list.end())
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const auto id = static_cast<std::uint16_t>((data[0] << 8) | data[1]);
    const std::string_view packet(reinterpret_cast<const char*>(data), size);
    const auto a = console::parse_dns_answer(packet, id, "vms.default.svc.cluster.local");
    const auto ptr =
        console::parse_dns_answer(packet, id, "17.0.244.10.in-addr.arpa", console::dns_type::ptr);
    for (const auto& answer : {a, ptr}) {
        if (answer.result != console::dns_answer::outcome::addresses &&
            (!answer.addresses.empty() || !answer.names.empty()))
            std::abort();
        check_sorted_once(answer.addresses);
        check_sorted_once(answer.names);
    }
    if (!a.names.empty() || !ptr.addresses.empty()) std::abort();
    for (const auto& name : ptr.names)
        if (name.empty() || name.size() > 253) std::abort();
    return 0;
}
