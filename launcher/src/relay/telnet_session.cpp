#include "relay/telnet_session.hpp"

#include <functional>
#include <iostream>
#include <vector>

namespace launcher {
namespace {

// As QEMU's own telnet server: we echo, suppress go-ahead, 8-bit both ways.
const telnet_telopt_t telnet_options[] = {
    {TELNET_TELOPT_ECHO, TELNET_WILL, TELNET_DONT},
    {TELNET_TELOPT_SGA, TELNET_WILL, TELNET_DO},
    {TELNET_TELOPT_BINARY, TELNET_WILL, TELNET_DO},
    {-1, 0, 0},
};

constexpr std::size_t max_gather = 64;  // chunks per write

void fail(boost::system::error_code ec, const char* what) {
    if (ec == net::error::eof || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::broken_pipe) {
        return;
    }
    std::cerr << "launcher: telnet " << what << ": " << ec.message() << "\n";
}

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
        fail(ec, "read");
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
    if (queued_bytes_ + piece->size() > queue_limit) {
        std::cerr << "launcher: dropping a telnet client that fell " << queued_bytes_
                  << " bytes behind\n";
        return close();
    }
    queue_.push_back(piece);
    queued_bytes_ += piece->size();
    if (in_flight_ == 0) do_write();
}

// One write in flight, gathering the queued chunks without copying them.
void telnet_session::do_write() {
    std::vector<net::const_buffer> buffers;
    in_flight_ = std::min(queue_.size(), max_gather);
    buffers.reserve(in_flight_);
    for (std::size_t i = 0; i < in_flight_; ++i)
        buffers.push_back(net::buffer(*queue_[i]));
    net::async_write(socket_, buffers,
                     std::bind_front(&telnet_session::on_write, shared_from_this()));
}

void telnet_session::on_write(boost::system::error_code ec, std::size_t) {
    if (ec) {
        fail(ec, "write");
        return close();
    }
    for (; in_flight_ > 0; --in_flight_) {
        queued_bytes_ -= queue_.front()->size();
        queue_.pop_front();
    }
    if (!queue_.empty() && !closed_) do_write();
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
