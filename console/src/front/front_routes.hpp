// The front's paths: its own pages, and /<vm-name>/... for each VM's console.
// Pure: the session asks, then answers.
#pragma once

#include <string>
#include <string_view>

namespace console {

enum class front_page {
    index,      // "/": the list of VMs
    vm_list,    // "/vms.json": what the index shows, for its script
    asset,      // "/assets/...": the index's script, style and icon
    healthz,    // the process runs
    readyz,     // the first look for VMs is done
    metrics,    // the front's counters and the VMs by state
    vm,         // "/<vm>/<rest>": proxied to that VM's console
    vm_slash,   // "/<vm>": 301 to "/<vm>/"
    bad_path,   // traversal or encoding: 400
    not_found,  // anything else: 404
};

struct front_route {
    front_page page;
    std::string_view vm;    // vm, vm_slash: the VM's name (a DNS label)
    std::string_view rest;  // vm: the path below "/<vm>", starting with '/'
};

// Where a path below the front's base path (starting with '/', no query) goes.
// Refused as bad_path: '%' (no encoded '/', '.' or anything else), '\', bytes
// outside printable ASCII, an empty, '.' or '..' segment.
front_route route_front_path(std::string_view path);

// The names of the front's own routes, which no VM can take.
bool is_reserved_name(std::string_view name);

// The path at a VM's console: its base path ("" or "/x"), then `rest`.
std::string peer_target(std::string_view peer_base_path, std::string_view rest);

}  // namespace console
