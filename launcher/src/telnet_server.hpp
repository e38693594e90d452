#pragma once
// Accepts telnet clients of the serial console on 127.0.0.1 only: at most
// `max_clients` at once (later ones are told so and closed), and backing
// off while accept fails (EMFILE) instead of spinning.
#include <chrono>
#include <memory>
#include "asio.hpp"

#include "console_hub.hpp"

namespace launcher {

class telnet_server : public std::enable_shared_from_this<telnet_server> {
public:
    // Binds at once, so a taken port fails before QEMU starts; port 0 picks one.
    telnet_server(boost::asio::io_context& io, unsigned short port, console_hub& hub,
                  std::size_t max_clients);

    void start() { do_accept(); }
    void stop();
    unsigned short port() const { return acceptor_.local_endpoint().port(); }

private:
    void do_accept();
    void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
    void back_off(boost::system::error_code ec);

    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer backoff_timer_;  // waits between failing accepts
    std::chrono::milliseconds backoff_{0};     // current wait, 0 while accepts succeed
    console_hub& hub_;
    std::size_t max_clients_;
};

}  // namespace launcher
