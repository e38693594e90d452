// Accepts TCP connections and hands each to a session of the role on its own strand.
#pragma once

#include "net_parts/accept_backoff.hpp"
#include "server_state.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>

namespace console {

// Starts the session of one accepted connection (which holds a connection slot).
using session_starter = std::function<void(boost::asio::ip::tcp::socket&&)>;

class listener : public std::enable_shared_from_this<listener> {
public:
    // Opens, binds and listens; throws boost::system::system_error naming the address.
    listener(boost::asio::io_context& ioc, std::shared_ptr<const server_state> state,
             session_starter start_session);

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
    session_starter start_session_;
};

// The listener of the console role: an http_session per connection.
std::shared_ptr<listener> make_console_listener(boost::asio::io_context& ioc,
                                                const std::shared_ptr<const server_state>& state);

}  // namespace console
