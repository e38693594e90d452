#pragma once
// Accepts telnet clients of the serial console on 127.0.0.1 only.
#include <memory>
#include "asio.hpp"

#include "console_hub.hpp"

namespace launcher {

class telnet_server : public std::enable_shared_from_this<telnet_server> {
public:
    // Binds at once, so a taken port fails before QEMU starts; port 0 picks one.
    telnet_server(boost::asio::io_context& io, unsigned short port, console_hub& hub);

    void start() { do_accept(); }
    void stop();
    unsigned short port() const { return acceptor_.local_endpoint().port(); }

private:
    void do_accept();
    void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

    boost::asio::ip::tcp::acceptor acceptor_;
    console_hub& hub_;
};

}  // namespace launcher
