// A request path at the front: whatever it is, a VM route names a DNS label
// that is not one of the front's own, and the path it sends on has no '%',
// no '\' and no '.' or '..' segment.
#include "front/front_routes.hpp"
#include "vm_status.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view path(reinterpret_cast<const char*>(data), size);
    const auto route = console::route_front_path(path);
    if (route.page != console::front_page::vm && route.page != console::front_page::vm_slash)
        return 0;
    if (!console::is_vm_name(route.vm) || console::is_reserved_name(route.vm)) std::abort();
    const std::string_view rest = route.rest;
    if (route.page == console::front_page::vm &&
        (!rest.starts_with('/') || rest.find_first_of("%\\") != std::string_view::npos ||
         rest.find("/./") != std::string_view::npos ||
         rest.find("/../") != std::string_view::npos || rest.ends_with("/.") ||
         rest.ends_with("/..")))
        std::abort();
    return 0;
}
