// A DNS server's reply, as the front's resolver reads it: any bytes are an
// answer or refused, never a read outside them; addresses come only with a
// NOERROR answer, sorted and without repeats. The first two bytes choose
// the query id, so the fuzzer can make replies that match it.
#include "front/dns_message.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const auto id = static_cast<std::uint16_t>((data[0] << 8) | data[1]);
    const std::string_view packet(reinterpret_cast<const char*>(data), size);
    const auto answer = console::parse_dns_answer(packet, id, "vms.default.svc.cluster.local");
    if (answer.result != console::dns_answer::outcome::addresses && !answer.addresses.empty())
        std::abort();
    if (!std::is_sorted(answer.addresses.begin(), answer.addresses.end()) ||
        std::adjacent_find(answer.addresses.begin(), answer.addresses.end()) !=
            answer.addresses.end())
        std::abort();
    return 0;
}
