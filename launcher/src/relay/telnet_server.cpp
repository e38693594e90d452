// The telnet console's accept loop, on 127.0.0.1 and on a unix socket.
#include "relay/telnet_server.hpp"

#include "relay/telnet_session.hpp"

#include <sys/stat.h>

#include <functional>
#include <string_view>

namespace launcher {
namespace {

using tcp = net::ip::tcp;
using unix_socket = net::local::stream_protocol;

// A socket file nobody answers on is what a killed launcher left behind.
void remove_stale_socket(net::io_context& io, const std::string& path) {
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0 || !S_ISSOCK(info.st_mode)) return;
    unix_socket::socket probe(io);
    boost::system::error_code ec;
    probe.connect(unix_socket::endpoint(path), ec);
    if (!ec)
        throw std::runtime_error("VM_TELNET_SOCKET='" + path + "': another launcher serves it");
    ::unlink(path.c_str());
}

}  // namespace

std::shared_ptr<telnet_server> telnet_server::on_loopback(net::io_context& io, unsigned short port,
                                                          console_hub& hub,
                                                          std::size_t max_clients) {
    try {
        const tcp::endpoint where(net::ip::make_address("127.0.0.1"), port);
        return std::make_shared<telnet_server>(io, endpoint(where), hub, max_clients);
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("VM_TELNET_PORT='" + std::to_string(port) +
                                 "': cannot listen on 127.0.0.1: " + e.code().message());
    }
}

std::shared_ptr<telnet_server> telnet_server::on_unix_socket(net::io_context& io,
                                                             const std::string& path,
                                                             console_hub& hub,
                                                             std::size_t max_clients) {
    try {
        remove_stale_socket(io, path);
        auto server = std::make_shared<telnet_server>(io, endpoint(unix_socket::endpoint(path)),
                                                      hub, max_clients);
        // The console container (same user, or the pod's group) connects to it.
        ::chmod(path.c_str(), 0660);
        return server;
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("VM_TELNET_SOCKET='" + path +
                                 "': cannot listen: " + e.code().message());
    }
}

telnet_server::telnet_server(net::io_context& io, const endpoint& where, console_hub& hub,
                             std::size_t max_clients)
    : acceptor_(io), backoff_(io.get_executor()), hub_(hub), max_clients_(max_clients) {
    acceptor_.open(where.protocol());
    if (where.protocol().family() != AF_UNIX)
        acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(where);
    acceptor_.listen(net::socket_base::max_listen_connections);
}

unsigned short telnet_server::port() const {
    const endpoint local = acceptor_.local_endpoint();
    if (local.protocol().family() != AF_INET) return 0;
    return ntohs(reinterpret_cast<const sockaddr_in*>(local.data())->sin_port);
}

void telnet_server::stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    backoff_.cancel();
}

void telnet_server::do_accept() {
    acceptor_.async_accept(std::bind_front(&telnet_server::on_accept, shared_from_this()));
}

void telnet_server::on_accept(boost::system::error_code ec,
                              net::generic::stream_protocol::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    // Out of descriptors (EMFILE): wait before trying again, never spin.
    if (ec)
        return backoff_.retry(ec, "launcher: telnet accept (backing off)",
                              std::bind_front(&telnet_server::on_backoff, shared_from_this()));
    backoff_.succeeded();
    boost::system::error_code ignored;
    if (hub_.client_count() >= max_clients_) {
        // Told why without waiting for it to read, then closed.
        static constexpr std::string_view full = "launcher: too many console clients\r\n";
        socket.non_blocking(true, ignored);
        socket.write_some(net::buffer(full), ignored);
        socket.close(ignored);
    } else {
        socket.set_option(tcp::no_delay(true), ignored);  // no such option on a unix socket
        std::make_shared<telnet_session>(std::move(socket), hub_)->start();
    }
    do_accept();
}

void telnet_server::on_backoff(boost::system::error_code ec) {
    if (!ec) do_accept();
}

}  // namespace launcher
