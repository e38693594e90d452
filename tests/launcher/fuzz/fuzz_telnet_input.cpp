// What a telnet client sends to the launcher's console: libtelnet parsing,
// CR NUL handling and keystrokes towards the guest, on a session that is
// not connected (its replies are queued and dropped with it).
#include "relay/console_hub.hpp"
#include "relay/telnet_session.hpp"

#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    boost::asio::io_context io;
    std::string typed;
    launcher::console_hub hub(
        4096, [](std::string_view) {}, [&typed](std::string_view keys) { typed.append(keys); });
    auto session =
        std::make_shared<launcher::telnet_session>(boost::asio::ip::tcp::socket(io), hub);
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    // In two reads, as a network would split it.
    const auto half = input.size() / 2;
    session->receive(input.substr(0, half));
    session->receive(input.substr(half));
    // Guest output with IAC bytes back to the same session.
    hub.publish(input);
    return 0;
}
