// The accept loop.
#include "listener.hpp"

#include "http_session.hpp"
#include "namespaces.hpp"

#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

namespace console {

using tcp = net::ip::tcp;

namespace {

tcp::endpoint resolve_listen(net::io_context& ioc, const endpoint& where) {
    tcp::resolver resolver(ioc);
    return resolver.resolve(where.host, std::to_string(where.port), tcp::resolver::passive)
        .begin()
        ->endpoint();
}

}  // namespace

listener::listener(net::io_context& ioc, std::shared_ptr<const server_state> state,
                   session_starter start_session)
    : ioc_(ioc),
      acceptor_(net::make_strand(ioc)),
      backoff_(acceptor_.get_executor()),
      state_(std::move(state)),
      start_session_(std::move(start_session)) {
    const auto& where = state_->config.listen;
    const auto address = where.host + ":" + std::to_string(where.port);
    try {
        const auto local = resolve_listen(ioc, where);
        acceptor_.open(local.protocol());
        acceptor_.set_option(net::socket_base::reuse_address(true));
        acceptor_.bind(local);
        acceptor_.listen(net::socket_base::max_listen_connections);
    } catch (const boost::system::system_error& error) {
        throw std::runtime_error("CONSOLE_LISTEN/--listen '" + address + "': " + error.what());
    }
}

void listener::do_accept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    // Out of descriptors (EMFILE): wait before trying again, never spin.
    if (ec)
        return backoff_.retry(ec, "console: accept (backing off)",
                              beast::bind_front_handler(&listener::on_backoff, shared_from_this()));
    backoff_.succeeded();
    if (state_->try_open_connection()) {
        start_session_(std::move(socket));
    } else {
        // Over --max-connections: closed at once, never queued.
        boost::system::error_code ignored;
        socket.close(ignored);
    }
    do_accept();
}

void listener::on_backoff(boost::system::error_code ec) {
    if (!ec) do_accept();
}

std::shared_ptr<listener> make_console_listener(net::io_context& ioc,
                                                const std::shared_ptr<const server_state>& state) {
    auto start = [state](tcp::socket&& socket) {
        std::make_shared<http_session>(std::move(socket), state)->run();
    };
    return std::make_shared<listener>(ioc, state, std::move(start));
}

}  // namespace console
