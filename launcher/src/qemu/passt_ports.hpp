#pragma once
// How much of VM_PASST_PORTS passt can bind under the open-file limit it
// inherits (passt raises its soft limit to the hard one, never beyond). Each
// forwarded port costs passt one TCP socket and two UDP ones (IPv4 and IPv6:
// measured with Debian 12's passt), each VM_FORWARD_PORTS forward one more;
// a quarter of the limit, at most 2048 files, is kept for passt's own files
// and the guest's connections. Ranges that do not fit are cut to their first
// ports that do.
#include "settings/settings.hpp"

#include <string>
#include <vector>

namespace launcher {

constexpr unsigned long passt_files_per_port = 3;

struct port_fit {
    std::vector<port_range> ports;  // what passt is given
    unsigned long wanted = 0;       // files the ranges asked for need
    unsigned long room = 0;         // ports the limit leaves room for
    bool narrowed = false;          // `ports` is less than what was asked
};

// Ports in `ranges`, an overlap counted twice (as passt binds it twice).
unsigned long count_ports(const std::vector<port_range>& ranges);
// The ranges as VM_PASST_PORTS writes them ("1024-7007,9000"), "none" when empty.
std::string ranges_text(const std::vector<port_range>& ranges);
// `ranges` cut to fit `hard_limit` open files with `forwards` forwards.
port_fit fit_passt_ports(const std::vector<port_range>& ranges, unsigned long forwards,
                         unsigned long hard_limit);
// The one line saying what was cut, why and what to do about it.
std::string narrowing_note(const std::vector<port_range>& asked, const port_fit& fit,
                           unsigned long hard_limit);

}  // namespace launcher
