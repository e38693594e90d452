// The telnet side of the bridge, without I/O: libtelnet parses what the VM's
// telnet server sends and escapes what the browser types. Network bytes go in
// through receive(); callbacks hand out terminal data and bytes to send.
#pragma once

// libtelnet.h uses size_t without including <cstddef>: the two stay in this order.
// clang-format off
#include <cstddef>
#include <libtelnet.h>
// clang-format on

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace console {

class telnet_codec {
public:
    struct callbacks {
        std::function<void(std::string_view)> on_data;   // terminal bytes for the browser
        std::function<void(std::string_view)> on_send;   // bytes for the telnet socket
        std::function<void(std::string_view)> on_error;  // protocol error: close the link
    };

    explicit telnet_codec(callbacks handlers);

    // Parses bytes read from the telnet server (negotiation replies go to on_send).
    void receive(std::string_view bytes);
    // Sends keystrokes, doubling every IAC byte.
    void send_input(std::string_view bytes);
    // Records the window size; sends NAWS now if the server asked for it, else after its DO NAWS.
    void resize(std::uint16_t columns, std::uint16_t rows);

    bool naws_enabled() const { return naws_enabled_; }

private:
    // Where the parser stands between reads: plain data, or inside a command.
    enum class parse_state { data, iac, option, sub, sub_iac };

    static void on_event(telnet_t* telnet, telnet_event_t* event, void* user_data);
    void handle(const telnet_event_t& event);
    void send_naws();
    void track(std::string_view bytes);

    callbacks handlers_;
    std::unique_ptr<telnet_t, decltype(&telnet_free)> telnet_;
    parse_state state_ = parse_state::data;  // mirrors libtelnet's, for the fast path
    bool naws_enabled_ = false;
    std::uint16_t columns_ = 0;
    std::uint16_t rows_ = 0;
};

}  // namespace console
