// A console's /status reply, as the front reads it: any bytes are a status or
// refused; an accepted one has a DNS-label name and a known state, and
// written back and read again it is the same.
#include "vm_status.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view reply(reinterpret_cast<const char*>(data), size);
    const auto status = console::parse_vm_status(reply);
    if (!status) return 0;
    if (!console::is_vm_name(status->name)) std::abort();
    const auto again = console::parse_vm_status(console::format_vm_status(*status));
    if (!again || again->name != status->name || again->state != status->state ||
        again->start != status->start || again->vcpus != status->vcpus ||
        again->memory_mib != status->memory_mib || again->viewers != status->viewers ||
        again->uptime_seconds.has_value() != status->uptime_seconds.has_value())
        std::abort();
    return 0;
}
