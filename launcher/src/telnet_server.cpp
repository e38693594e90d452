#include "telnet_server.hpp"

#include <functional>
#include <iostream>

#include "telnet_session.hpp"

namespace launcher {
namespace {

using tcp = net::ip::tcp;

void fail(boost::system::error_code ec, const char* what) {
    if (ec == net::error::operation_aborted) return;
    std::cerr << "launcher: telnet " << what << ": " << ec.message() << "\n";
}

}  // namespace

telnet_server::telnet_server(net::io_context& io, unsigned short port, console_hub& hub)
    : acceptor_(io), hub_(hub) {
    const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
}

void telnet_server::stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
}

void telnet_server::do_accept() {
    acceptor_.async_accept(std::bind_front(&telnet_server::on_accept, shared_from_this()));
}

void telnet_server::on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (ec) {
        fail(ec, "accept");
        if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    } else {
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<telnet_session>(std::move(socket), hub_)->start();
    }
    do_accept();
}

}  // namespace launcher
