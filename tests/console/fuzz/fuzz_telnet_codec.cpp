// The console's telnet codec: what the VM's telnet server (QEMU, the
// launcher) sends, split in two reads, then keystrokes and a resize back.
#include "telnet_codec.hpp"

#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string terminal;
    std::string to_server;
    bool failed = false;
    console::telnet_codec codec({[&](std::string_view bytes) { terminal.append(bytes); },
                                 [&](std::string_view bytes) { to_server.append(bytes); },
                                 [&](std::string_view) {
                                     failed = true;
                                 }});
    const auto half = input.size() / 2;
    codec.receive(input.substr(0, half));
    codec.receive(input.substr(half));
    if (failed) return 0;
    codec.send_input(input);
    if (size >= 4)
        codec.resize(static_cast<std::uint16_t>(data[0] << 8 | data[1]),
                     static_cast<std::uint16_t>(data[2] << 8 | data[3]));
    return 0;
}
