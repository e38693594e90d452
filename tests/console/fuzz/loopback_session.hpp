// The harness of the fuzz targets that drive a real HTTP session: the
// input's bytes go to a new server-side session over loopback, and the
// answers are read until the session closes. Both sides run on one event
// loop: libFuzzer's timeout alarm (SIGALRM) interrupts a blocking connect()
// with EINTR, and an interrupted connect cannot be retried.
#pragma once

#include "server_state.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/system_error.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

namespace fuzz_harness {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// Connects client to a new server socket through the acceptor.
inline void connect_loopback(net::io_context& io, tcp::acceptor& acceptor, tcp::socket& client,
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

// Hands the server side of a new loopback connection to `start_session`,
// sends it `data`, and reads answers until it closes (timers, such as a
// login delay, run meanwhile).
template <typename StartSession>
void feed_session(net::io_context& io, tcp::acceptor& acceptor, const std::uint8_t* data,
                  std::size_t size, StartSession start_session) {
    tcp::socket client(io);
    tcp::socket server(io);
    connect_loopback(io, acceptor, client, server);
    if (!start_session(std::move(server))) return;
    boost::system::error_code ec;
    net::write(client, net::buffer(data, size), ec);
    client.shutdown(tcp::socket::shutdown_send, ec);
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
}

// One input through a new `Session` (http_session or front_session) made from
// `state` and `more`, on a loopback connection; as the listener does, the
// session takes a connection slot, and each input starts with a clean
// failed-login record, as a new client would.
template <typename Session, typename... More>
void fuzz_session(const std::uint8_t* data, std::size_t size,
                  const std::shared_ptr<const console::server_state>& state, const More&... more) {
    static net::io_context io;
    static tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    state->logins.record_success("127.0.0.1");
    feed_session(io, acceptor, data, size, [&](tcp::socket&& server) {
        if (!state->try_open_connection()) return false;
        std::make_shared<Session>(std::move(server), state, more...)->run();
        return true;
    });
}

}  // namespace fuzz_harness
