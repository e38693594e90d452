// Path to route, every byte checked before a VM's name is looked at.
#include "front/front_routes.hpp"

#include "vm_status.hpp"

#include <algorithm>
#include <array>

namespace console {

namespace {

constexpr std::array<std::string_view, 4> reserved_names = {"assets", "healthz", "readyz",
                                                            "metrics"};

// Printable ASCII without '%' and '\', and no empty, "." or ".." segment
// (an empty last segment, a trailing '/', is fine).
bool clean_path(std::string_view path) {
    if (path.empty() || path.front() != '/') return false;
    const bool plain = std::all_of(path.begin(), path.end(), [](char c) {
        return c > ' ' && c < 0x7f && c != '%' && c != '\\';
    });
    if (!plain) return false;
    std::size_t start = 1;
    while (start < path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        const auto segment = path.substr(start, end - start);
        if (segment == "." || segment == ".." || (segment.empty() && end < path.size()))
            return false;
        start = end + 1;
    }
    return true;
}

}  // namespace

bool is_reserved_name(std::string_view name) {
    return std::find(reserved_names.begin(), reserved_names.end(), name) != reserved_names.end();
}

front_route route_front_path(std::string_view path) {
    if (!clean_path(path)) return {front_page::bad_path, {}, {}};
    if (path == "/") return {front_page::index, {}, {}};
    if (path == "/vms.json") return {front_page::vm_list, {}, {}};
    if (path == "/healthz") return {front_page::healthz, {}, {}};
    if (path == "/readyz") return {front_page::readyz, {}, {}};
    if (path == "/metrics") return {front_page::metrics, {}, {}};
    if (path.starts_with("/assets/")) return {front_page::asset, {}, {}};
    const auto name_end = std::min(path.find('/', 1), path.size());
    const auto name = path.substr(1, name_end - 1);
    if (!is_vm_name(name) || is_reserved_name(name)) return {front_page::not_found, {}, {}};
    if (name_end == path.size()) return {front_page::vm_slash, name, {}};
    return {front_page::vm, name, path.substr(name_end)};
}

std::string peer_target(std::string_view peer_base_path, std::string_view rest) {
    return std::string(peer_base_path) + std::string(rest);
}

}  // namespace console
