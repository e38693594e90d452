// The readiness probe's question to the launcher.
#include "status_probe.hpp"

#include "namespaces.hpp"

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <string_view>

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
        timer.async_wait(beast::bind_front_handler(&status_query::on_timeout, shared_from_this()));
        socket.async_connect(
            stream::endpoint(path),
            beast::bind_front_handler(&status_query::on_connect, shared_from_this()));
    }

    void on_timeout(beast::error_code ec) {
        if (!ec) socket.close();  // the pending connect or read ends with an error
    }

    void on_connect(beast::error_code ec) {
        if (ec) return finish(false);
        do_read();
    }

    // Reads to end of file (the launcher closes after its line) or a full buffer.
    void do_read() {
        net::async_read(socket, net::buffer(reply),
                        beast::bind_front_handler(&status_query::on_read, shared_from_this()));
    }

    void on_read(beast::error_code, std::size_t n) {
        finish(std::string_view(reply.data(), n) == "ready\n");
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
