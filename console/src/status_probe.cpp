// The readiness probe's question to the launcher.
#include "status_probe.hpp"

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <string_view>

#include "namespaces.hpp"

namespace console {

using stream = net::local::stream_protocol;

namespace {

constexpr auto probe_timeout = std::chrono::seconds(2);  // under the kubelet's usual 3 s

// Owns socket, timer and reply until the answer is known.
struct status_query : std::enable_shared_from_this<status_query> {
    status_query(const net::any_io_executor& executor, std::function<void(bool)> callback)
        : socket(executor), timer(executor), done(std::move(callback)) {}

    void start(const std::string& path) {
        timer.expires_after(probe_timeout);
        timer.async_wait([self = shared_from_this()](auto ec) {
            if (!ec) self->socket.close();  // the pending connect or read ends with an error
        });
        socket.async_connect(stream::endpoint(path), [self = shared_from_this()](auto ec) {
            if (ec) return self->finish(false);
            self->read();
        });
    }

    // Reads to end of file (the launcher closes after its line) or a full buffer.
    void read() {
        net::async_read(socket, net::buffer(reply),
                        [self = shared_from_this()](auto, std::size_t n) {
                            const std::string_view line(self->reply.data(), n);
                            self->finish(line == "ready\n");
                        });
    }

    void finish(bool ready) {
        timer.cancel();
        boost::system::error_code ignored;
        socket.close(ignored);
        done(ready);
    }

    stream::socket socket;
    net::steady_timer timer;
    std::array<char, 16> reply{};
    std::function<void(bool)> done;
};

}  // namespace

void probe_status(const net::any_io_executor& executor, const std::string& path,
                  std::function<void(bool)> done) {
    std::make_shared<status_query>(executor, std::move(done))->start(path);
}

}  // namespace console
