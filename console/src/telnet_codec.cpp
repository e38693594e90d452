// libtelnet wrapper: option table, event dispatch and NAWS.
#include "telnet_codec.hpp"

#include <array>

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

} // namespace

telnet_codec::telnet_codec(callbacks handlers)
    : handlers_(std::move(handlers)),
      telnet_(telnet_init(options.data(), &telnet_codec::on_event, 0, this), &telnet_free) {
    if (!telnet_) throw std::bad_alloc();
}

void telnet_codec::receive(std::string_view bytes) {
    telnet_recv(telnet_.get(), bytes.data(), bytes.size());
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
    const char size[4] = {
        static_cast<char>(columns_ >> 8), static_cast<char>(columns_ & 0xff),
        static_cast<char>(rows_ >> 8), static_cast<char>(rows_ & 0xff)};
    // telnet_send inside a sub-negotiation doubles a 255 byte, as RFC 1073 asks.
    telnet_begin_sb(telnet_.get(), TELNET_TELOPT_NAWS);
    telnet_send(telnet_.get(), size, sizeof size);
    telnet_finish_sb(telnet_.get());
}

} // namespace console
