// The HTTP request path: the bytes a client sends, through a real
// http_session on loopback (parsing, limits, Host allowlist, routing, Origin,
// Authorization with the failed-login delay), answered or refused, never a crash.
#include <cstdint>
#include <memory>
#include <string_view>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "http_session.hpp"

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// One console state for every input: auth on, an extra host and origin.
std::shared_ptr<const console::server_state> shared_state() {
    static const auto state = [] {
        console::console_config config;
        config.auth = "admin:s3cret";
        config.allow_host = "console.example,*.example.org";
        config.allow_origin = "https://trusted\\.example";
        config.telnet = {"127.0.0.1", 1};  // nothing listens: an upgrade ends at once
        return std::make_shared<const console::server_state>(config);
    }();
    return state;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static net::io_context io;
    static tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    tcp::socket client(io);
    client.connect(acceptor.local_endpoint());
    tcp::socket server(io);
    acceptor.accept(server);
    // Each input starts with a clean failed-login record, as a new client would.
    shared_state()->logins.record_success("127.0.0.1");
    // The listener takes a connection slot for each session.
    if (!shared_state()->try_open_connection()) return 0;
    std::make_shared<console::http_session>(std::move(server), shared_state())->run();
    boost::system::error_code ec;
    net::write(client, net::buffer(data, size), ec);
    client.shutdown(tcp::socket::shutdown_send, ec);
    // Read answers until the session closes; a login delay runs on the timer.
    std::array<char, 4096> sink{};
    client.non_blocking(true);
    for (int round = 0; round < 1000 && !ec.failed(); ++round) {
        io.restart();
        io.run_for(std::chrono::milliseconds(5));
        while (client.read_some(net::buffer(sink), ec) > 0) {
        }
        if (ec == net::error::would_block) ec = {};
    }
    client.close(ec);
    io.restart();
    io.poll();
    return 0;
}
