#pragma once
// One QEMU chardev socket (serial line, QMP, guest agent): the launcher
// listens on a path before QEMU starts, QEMU connects as the client.
// Incoming bytes go to a handler; outgoing ones through a bounded outbox.
#include "asio.hpp"
#include "net_parts/outbox.hpp"

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace launcher {

class unix_channel : public std::enable_shared_from_this<unix_channel> {
public:
    using data_handler = std::function<void(std::string_view)>;
    using event_handler = std::function<void()>;

    // Binds and listens on `path` at once; `name` labels log lines.
    unix_channel(boost::asio::io_context& io, const std::string& path, std::string name,
                 std::size_t queue_limit);

    void on_data(data_handler handler) { on_data_ = std::move(handler); }
    void on_connect(event_handler handler) { on_connect_ = std::move(handler); }
    void on_close(event_handler handler) { on_close_ = std::move(handler); }

    // Accepts the one connection and reads it until end of file.
    void start();
    // Queues bytes for QEMU; beyond the queue limit they are dropped with a warning.
    void send(std::string_view bytes);
    void close();
    bool connected() const { return socket_.is_open(); }
    boost::asio::any_io_executor get_executor() { return socket_.get_executor(); }

private:
    void on_accept(boost::system::error_code ec);
    void do_read();
    void on_read(boost::system::error_code ec, std::size_t n);
    void do_write();
    void on_write(boost::system::error_code ec, std::size_t n);

    boost::asio::local::stream_protocol::acceptor acceptor_;
    boost::asio::local::stream_protocol::socket socket_;
    std::string name_;
    std::array<char, 65536> input_{};
    net_parts::outbox outbox_;  // each send() one message, as it was given
    data_handler on_data_;
    event_handler on_connect_;
    event_handler on_close_;
};

}  // namespace launcher
