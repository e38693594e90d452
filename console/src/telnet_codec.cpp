// libtelnet wrapper: option table, event dispatch and NAWS.
#include "telnet_codec.hpp"

#include <array>
#include <new>

namespace console {

namespace {

// What this client accepts: the server may echo, suppress go-ahead and use
// binary both ways; we report our window size when asked (QEMU's
// telnet server opens with WILL ECHO, WILL SGA, WILL BINARY, DO BINARY).
const std::array<telnet_telopt_t, 5> options{{
    {TELNET_TELOPT_ECHO, TELNET_WONT, TELNET_DO},
    {TELNET_TELOPT_SGA, TELNET_WONT, TELNET_DO},
    {TELNET_TELOPT_BINARY, TELNET_WILL, TELNET_DO},
    {TELNET_TELOPT_NAWS, TELNET_WILL, TELNET_DONT},
    {-1, 0, 0},
}};

}  // namespace

telnet_codec::telnet_codec(callbacks handlers)
    : handlers_(std::move(handlers)),
      telnet_(telnet_init(options.data(), &telnet_codec::on_event, 0, this), &telnet_free) {
    if (!telnet_) throw std::bad_alloc();
}

void telnet_codec::receive(std::string_view bytes) {
    // Fast path: plain data outside any command is passed on as it is, which is
    // exactly what libtelnet would do, without its byte-by-byte loop.
    if (state_ == parse_state::data && bytes.find('\xff') == std::string_view::npos) {
        if (!bytes.empty()) handlers_.on_data(bytes);
        return;
    }
    track(bytes);
    telnet_recv(telnet_.get(), bytes.data(), bytes.size());
}

void telnet_codec::track(std::string_view bytes) {
    constexpr auto IAC = static_cast<unsigned char>(TELNET_IAC);
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        switch (state_) {
            case parse_state::data:
                if (byte == IAC) state_ = parse_state::iac;
                break;
            case parse_state::iac:
                if (byte == TELNET_SB)
                    state_ = parse_state::sub;
                else if (byte >= TELNET_WILL && byte <= TELNET_DONT)
                    state_ = parse_state::option;
                else
                    state_ = parse_state::data;  // IAC IAC or a two-byte command
                break;
            case parse_state::option:
                state_ = parse_state::data;
                break;
            case parse_state::sub:
                if (byte == IAC) state_ = parse_state::sub_iac;
                break;
            case parse_state::sub_iac:
                state_ = byte == TELNET_SE ? parse_state::data : parse_state::sub;
                break;
        }
    }
}

void telnet_codec::send_input(std::string_view bytes) {
    telnet_send(telnet_.get(), bytes.data(), bytes.size());
}

void telnet_codec::resize(std::uint16_t columns, std::uint16_t rows) {
    columns_ = columns;
    rows_ = rows;
    if (naws_enabled_) send_naws();
}

void telnet_codec::on_event(telnet_t*, telnet_event_t* event, void* user_data) {
    static_cast<telnet_codec*>(user_data)->handle(*event);
}

void telnet_codec::handle(const telnet_event_t& event) {
    switch (event.type) {
        case TELNET_EV_DATA:
            handlers_.on_data({event.data.buffer, event.data.size});
            break;
        case TELNET_EV_SEND:
            handlers_.on_send({event.data.buffer, event.data.size});
            break;
        case TELNET_EV_DO:
            // libtelnet has already answered WILL NAWS; the size follows it.
            if (event.neg.telopt == TELNET_TELOPT_NAWS) {
                naws_enabled_ = true;
                if (columns_ != 0) send_naws();
            }
            break;
        case TELNET_EV_DONT:
            if (event.neg.telopt == TELNET_TELOPT_NAWS) naws_enabled_ = false;
            break;
        case TELNET_EV_ERROR:
            handlers_.on_error(event.error.msg);
            break;
        default:
            break;
    }
}

void telnet_codec::send_naws() {
    const char size[4] = {static_cast<char>(columns_ >> 8), static_cast<char>(columns_ & 0xff),
                          static_cast<char>(rows_ >> 8), static_cast<char>(rows_ & 0xff)};
    // telnet_send inside a sub-negotiation doubles a 255 byte, as RFC 1073 asks.
    telnet_begin_sb(telnet_.get(), TELNET_TELOPT_NAWS);
    telnet_send(telnet_.get(), size, sizeof size);
    telnet_finish_sb(telnet_.get());
}

}  // namespace console
