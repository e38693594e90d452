#pragma once
// Accepts telnet clients of the serial console: on 127.0.0.1 only, or on a
// unix socket (for the console container of a pod). At most `max_clients` at
// once (later ones are told so and closed); while accept fails (EMFILE) it
// backs off instead of spinning.
#include "asio.hpp"
#include "net_parts/accept_backoff.hpp"
#include "relay/console_hub.hpp"

#include <memory>
#include <string>

namespace launcher {

class telnet_server : public std::enable_shared_from_this<telnet_server> {
public:
    using endpoint = boost::asio::generic::stream_protocol::endpoint;

    // Both bind at once, so a taken port or path fails before QEMU starts.
    // 127.0.0.1:port; port 0 picks one.
    static std::shared_ptr<telnet_server> on_loopback(boost::asio::io_context& io,
                                                      unsigned short port, console_hub& hub,
                                                      std::size_t max_clients);
    // A unix socket at `path` (mode 0660); a stale socket left there is replaced.
    static std::shared_ptr<telnet_server> on_unix_socket(boost::asio::io_context& io,
                                                         const std::string& path, console_hub& hub,
                                                         std::size_t max_clients);

    telnet_server(boost::asio::io_context& io, const endpoint& where, console_hub& hub,
                  std::size_t max_clients);

    void start() { do_accept(); }
    void stop();
    // The TCP port (on_loopback only).
    unsigned short port() const;

private:
    void do_accept();
    void on_accept(boost::system::error_code ec,
                   boost::asio::generic::stream_protocol::socket socket);
    void on_backoff(boost::system::error_code ec);

    boost::asio::basic_socket_acceptor<boost::asio::generic::stream_protocol> acceptor_;
    net_parts::accept_backoff backoff_;  // waits between failing accepts
    console_hub& hub_;
    std::size_t max_clients_;
};

}  // namespace launcher
