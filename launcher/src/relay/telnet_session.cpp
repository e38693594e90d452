// One telnet client: libtelnet negotiation, keystrokes to the guest, output through an outbox.
#include "relay/telnet_session.hpp"

#include "net_parts/errors.hpp"

#include <functional>
#include <iostream>

namespace launcher {
namespace {

// As QEMU's own telnet server: we echo, suppress go-ahead, 8-bit both ways.
const telnet_telopt_t telnet_options[] = {
    {TELNET_TELOPT_ECHO, TELNET_WILL, TELNET_DONT},
    {TELNET_TELOPT_SGA, TELNET_WILL, TELNET_DO},
    {TELNET_TELOPT_BINARY, TELNET_WILL, TELNET_DO},
    {-1, 0, 0},
};

}  // namespace

telnet_session::telnet_session(net::generic::stream_protocol::socket socket, console_hub& hub)
    : socket_(std::move(socket)),
      hub_(hub),
      telnet_(telnet_init(telnet_options, &telnet_session::on_telnet_event, 0, this)) {}

void telnet_session::start() {
    telnet_negotiate(telnet_.get(), TELNET_WILL, TELNET_TELOPT_ECHO);
    telnet_negotiate(telnet_.get(), TELNET_WILL, TELNET_TELOPT_SGA);
    telnet_negotiate(telnet_.get(), TELNET_WILL, TELNET_TELOPT_BINARY);
    telnet_negotiate(telnet_.get(), TELNET_DO, TELNET_TELOPT_BINARY);
    hub_.join(shared_from_this());
    do_read();
}

void telnet_session::on_telnet_event(telnet_t*, telnet_event_t* ev, void* user) {
    auto* self = static_cast<telnet_session*>(user);
    switch (ev->type) {
        case TELNET_EV_DATA:
            self->forward_keys(ev->data.buffer, ev->data.size);
            break;
        case TELNET_EV_SEND:  // negotiation replies share the output queue
            self->deliver(std::make_shared<const std::string>(ev->data.buffer, ev->data.size));
            break;
        case TELNET_EV_ERROR:
            std::cerr << "launcher: telnet protocol error: " << ev->error.msg << "\n";
            self->close();
            break;
        default:
            break;
    }
}

// A telnet NVT sends Enter as CR NUL: the guest gets the CR alone.
void telnet_session::forward_keys(const char* data, std::size_t size) {
    std::string keys;
    keys.reserve(size);
    for (std::size_t i = 0; i < size; ++i) {
        if (!(after_cr_ && data[i] == '\0')) keys += data[i];
        after_cr_ = data[i] == '\r';
    }
    hub_.type(keys);
}

void telnet_session::do_read() {
    socket_.async_read_some(net::buffer(input_),
                            std::bind_front(&telnet_session::on_read, shared_from_this()));
}

void telnet_session::on_read(boost::system::error_code ec, std::size_t n) {
    if (ec) {
        net_parts::fail(ec, "launcher: telnet read");
        return close();
    }
    receive(std::string_view(input_.data(), n));
    if (!closed_) do_read();
}

void telnet_session::receive(std::string_view bytes) {
    if (!closed_) telnet_recv(telnet_.get(), bytes.data(), bytes.size());
}

void telnet_session::deliver(const chunk& piece) {
    if (closed_) return;
    if (!outbox_.fits(piece->size())) {
        std::cerr << "launcher: dropping a telnet client that fell " << outbox_.queued_bytes()
                  << " bytes behind\n";
        hub_.count_dropped();
        return close();
    }
    // Pieces that arrive while a write is under way join into the next one.
    outbox_.append({}, *piece);
    do_write();
}

// One write in flight.
void telnet_session::do_write() {
    if (const std::string* message = outbox_.start_write())
        net::async_write(socket_, net::buffer(*message),
                         std::bind_front(&telnet_session::on_write, shared_from_this()));
}

void telnet_session::on_write(boost::system::error_code ec, std::size_t) {
    if (ec) {
        net_parts::fail(ec, "launcher: telnet write");
        return close();
    }
    outbox_.finish_write();
    if (!closed_) do_write();
}

void telnet_session::close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    socket_.shutdown(net::socket_base::shutdown_both, ignored);
    socket_.close(ignored);
    hub_.leave(shared_from_this());
}

}  // namespace launcher
