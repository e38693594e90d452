// Accepts TCP connections and hands each to an http_session on its own strand.
#pragma once

#include "net_parts/accept_backoff.hpp"
#include "server_state.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>

namespace console {

class listener : public std::enable_shared_from_this<listener> {
public:
    // Opens, binds and listens; throws boost::system::system_error naming the address.
    listener(boost::asio::io_context& ioc, std::shared_ptr<const server_state> state);

    void run() { do_accept(); }
    boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

private:
    void do_accept();
    void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
    void on_backoff(boost::system::error_code ec);

    boost::asio::io_context& ioc_;
    boost::asio::ip::tcp::acceptor acceptor_;
    net_parts::accept_backoff backoff_;  // waits between failing accepts
    std::shared_ptr<const server_state> state_;
};

}  // namespace console
