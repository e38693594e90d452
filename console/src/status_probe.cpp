// The question /readyz and /metrics ask the launcher.
#include "status_probe.hpp"

#include "launcher_status.hpp"
#include "namespaces.hpp"

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include <array>
#include <chrono>
#include <memory>

namespace console {

using stream = net::local::stream_protocol;

namespace {

constexpr auto probe_timeout = std::chrono::seconds(2);  // under the kubelet's usual 3 s

// Owns socket, timer and reply until the answer is known.
struct status_query : std::enable_shared_from_this<status_query> {
    status_query(const net::any_io_executor& executor,
                 std::function<void(std::optional<std::string>)> callback)
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
        if (ec) return finish(std::nullopt);
        do_read();
    }

    // Reads to end of file (the launcher closes after its reply) or a full
    // buffer: one byte more than a reply may hold, so a longer one is seen.
    void do_read() {
        net::async_read(socket, net::buffer(reply),
                        beast::bind_front_handler(&status_query::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t n) {
        if (ec != net::error::eof || n > max_status_reply) return finish(std::nullopt);
        finish(std::string(reply.data(), n));
    }

    void finish(std::optional<std::string> answer) {
        timer.cancel();
        boost::system::error_code ignored;
        socket.close(ignored);
        done(std::move(answer));
    }

    stream::socket socket;
    net::steady_timer timer;
    std::array<char, max_status_reply + 1> reply{};
    std::function<void(std::optional<std::string>)> done;
};

}  // namespace

void probe_status(const net::any_io_executor& executor, const std::string& path,
                  std::function<void(std::optional<std::string>)> done) {
    std::make_shared<status_query>(executor, std::move(done))->start(path);
}

}  // namespace console
