// The readiness probe's connection attempt.
#include "telnet_probe.hpp"

#include "namespaces.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <memory>

namespace console {

using tcp = net::ip::tcp;

namespace {

constexpr auto probe_timeout = std::chrono::seconds(2);  // under the kubelet's usual 3 s

// Owns resolver and stream until the attempt ends.
struct probe : std::enable_shared_from_this<probe> {
    probe(const net::any_io_executor& executor, std::function<void(bool)> callback)
        : resolver(executor), unix_stream(executor), stream(executor), done(std::move(callback)) {}

    void start(const endpoint& target) {
        if (!target.unix_path.empty()) return connect_unix(target.unix_path);
        resolver.async_resolve(target.host, std::to_string(target.port),
                               beast::bind_front_handler(&probe::on_resolve, shared_from_this()));
    }

    void on_resolve(beast::error_code ec, const tcp::resolver::results_type& results) {
        if (ec) return done(false);
        stream.expires_after(probe_timeout);
        stream.async_connect(results,
                             beast::bind_front_handler(&probe::on_connect, shared_from_this()));
    }

    void on_connect(beast::error_code ec, const tcp::endpoint&) {
        stream.close();
        done(!ec);
    }

    void connect_unix(const std::string& path) {
        unix_stream.async_connect(
            net::local::stream_protocol::endpoint(path),
            beast::bind_front_handler(&probe::on_unix_connect, shared_from_this()));
    }

    void on_unix_connect(beast::error_code ec) {
        unix_stream.close();
        done(!ec);
    }

    tcp::resolver resolver;
    net::local::stream_protocol::socket unix_stream;  // connects at once or fails
    boost::beast::tcp_stream stream;
    std::function<void(bool)> done;
};

}  // namespace

void probe_telnet(const net::any_io_executor& executor, const endpoint& target,
                  std::function<void(bool)> done) {
    std::make_shared<probe>(executor, std::move(done))->start(target);
}

}  // namespace console
