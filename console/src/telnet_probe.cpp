// The readiness probe's connection attempt.
#include "telnet_probe.hpp"
#include "namespaces.hpp"

#include <boost/asio/ip/tcp.hpp>
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
        : resolver(executor), stream(executor), done(std::move(callback)) {}

    void start(const endpoint& target) {
        resolver.async_resolve(target.host, std::to_string(target.port),
                               [self = shared_from_this()](auto ec, auto results) {
                                   if (ec) return self->done(false);
                                   self->connect(results);
                               });
    }

    void connect(const tcp::resolver::results_type& results) {
        stream.expires_after(probe_timeout);
        stream.async_connect(results, [self = shared_from_this()](auto ec, auto) {
            self->stream.close();
            self->done(!ec);
        });
    }

    tcp::resolver resolver;
    boost::beast::tcp_stream stream;
    std::function<void(bool)> done;
};

}  // namespace

void probe_telnet(const net::any_io_executor& executor, const endpoint& target,
                  std::function<void(bool)> done) {
    std::make_shared<probe>(executor, std::move(done))->start(target);
}

}  // namespace console
