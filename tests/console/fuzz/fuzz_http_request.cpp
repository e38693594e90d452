// The HTTP request path: the bytes a client sends, through a real
// http_session on loopback (parsing, limits, Host allowlist, routing, Origin,
// Authorization with the failed-login delay), answered or refused, never a crash.
#include "http_session.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/system_error.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

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

// Connects client to a new server socket through the acceptor. Both sides
// run on the event loop: libFuzzer's timeout alarm (SIGALRM) interrupts a
// blocking connect() with EINTR, and an interrupted connect cannot be retried.
void connect_loopback(net::io_context& io, tcp::acceptor& acceptor, tcp::socket& client,
                      tcp::socket& server) {
    std::optional<boost::system::error_code> connected;
    std::optional<boost::system::error_code> accepted;
    client.async_connect(acceptor.local_endpoint(), [&](auto ec) { connected = ec; });
    acceptor.async_accept(server, [&](auto ec) { accepted = ec; });
    io.restart();
    while (!connected || !accepted)
        io.run_one();
    if (connected->failed()) throw boost::system::system_error(*connected, "connect");
    if (accepted->failed()) throw boost::system::system_error(*accepted, "accept");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static net::io_context io;
    static tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    tcp::socket client(io);
    tcp::socket server(io);
    connect_loopback(io, acceptor, client, server);
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
