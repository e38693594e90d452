// VM_PASST_PORTS against the open-file limit: the arithmetic, and its one line.
#include "qemu/passt_ports.hpp"

#include <algorithm>

namespace launcher {
namespace {

constexpr unsigned long most_kept_files = 2048;  // passt's own and the guest's connections

unsigned long kept_files(unsigned long hard_limit) {
    return std::min(most_kept_files, hard_limit / 4);
}

}  // namespace

unsigned long count_ports(const std::vector<port_range>& ranges) {
    unsigned long ports = 0;
    for (const auto& range : ranges)
        ports += static_cast<unsigned long>(range.last - range.first) + 1;
    return ports;
}

std::string ranges_text(const std::vector<port_range>& ranges) {
    std::string text;
    for (const auto& range : ranges) {
        text += text.empty() ? "" : ",";
        text += std::to_string(range.first);
        if (range.last != range.first) text += "-" + std::to_string(range.last);
    }
    return text.empty() ? "none" : text;
}

port_fit fit_passt_ports(const std::vector<port_range>& ranges, unsigned long forwards,
                         unsigned long hard_limit) {
    port_fit fit;
    fit.wanted = count_ports(ranges) * passt_files_per_port + forwards;
    const unsigned long usable = hard_limit - kept_files(hard_limit);
    fit.room = usable > forwards ? (usable - forwards) / passt_files_per_port : 0;
    if (count_ports(ranges) <= fit.room) {
        fit.ports = ranges;
        return fit;
    }
    // The first ports of the ranges, in their order, as many as there is room for.
    fit.narrowed = true;
    unsigned long left = fit.room;
    for (const auto& range : ranges) {
        if (left == 0) break;
        const unsigned long size = count_ports({range});
        const unsigned long taken = std::min(size, left);
        fit.ports.push_back({range.first, static_cast<std::uint16_t>(range.first + taken - 1)});
        left -= taken;
    }
    return fit;
}

std::string narrowing_note(const std::vector<port_range>& asked, const port_fit& fit,
                           unsigned long hard_limit) {
    return "launcher: passt forwards only " + ranges_text(fit.ports) + " (" +
           std::to_string(count_ports(fit.ports)) +
           " ports), not VM_PASST_PORTS=" + ranges_text(asked) + ": that needs " +
           std::to_string(fit.wanted) + " open files in passt (" +
           std::to_string(passt_files_per_port) +
           " per port: TCP, and UDP over IPv4 and IPv6) and the hard limit is " +
           std::to_string(hard_limit) + " (ulimit -Hn), " + std::to_string(kept_files(hard_limit)) +
           " of them kept for connections; set VM_PASST_PORTS to at most " +
           std::to_string(fit.room) + " ports, or raise the hard limit";
}

}  // namespace launcher
