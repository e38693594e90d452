// One request to a VM's console and its response, bounded in size and time.
#include "front/upstream_request.hpp"

#include "namespaces.hpp"

#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <memory>
#include <optional>

namespace console {

namespace {

constexpr std::size_t header_limit = 8 * 1024;

// Owns the stream, the request and the parser until the response is in.
struct upstream_fetch : std::enable_shared_from_this<upstream_fetch> {
    upstream_fetch(const net::any_io_executor& executor, request message, upstream_limits bounds,
                   std::function<void(beast::error_code, upstream_response)> callback)
        : stream(executor), req(std::move(message)), done(std::move(callback)) {
        parser.emplace();
        parser->header_limit(header_limit);
        parser->body_limit(bounds.body);
        stream.expires_after(bounds.time);  // one deadline for the whole exchange
    }

    void start(const net::ip::tcp::endpoint& address) {
        stream.async_connect(
            address, beast::bind_front_handler(&upstream_fetch::on_connect, shared_from_this()));
    }

    void on_connect(beast::error_code ec) {
        if (ec) return done(ec, {});
        http::async_write(stream, req,
                          beast::bind_front_handler(&upstream_fetch::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        if (ec) return done(ec, {});
        http::async_read(stream, buffer, *parser,
                         beast::bind_front_handler(&upstream_fetch::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        beast::error_code ignored;
        stream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
        if (ec) return done(ec, {});
        done({}, parser->release());
    }

    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    request req;
    std::optional<http::response_parser<http::string_body>> parser;
    std::function<void(beast::error_code, upstream_response)> done;
};

}  // namespace

std::string host_header(const net::ip::tcp::endpoint& address) {
    const auto host = address.address().to_string();
    const auto port = std::to_string(address.port());
    return address.address().is_v6() ? "[" + host + "]:" + port : host + ":" + port;
}

request upstream_get(const net::ip::tcp::endpoint& address, const std::string& target,
                     const std::string& authorization) {
    request req{http::verb::get, target, 11};
    req.set(http::field::host, host_header(address));
    req.set(http::field::user_agent, "qemu-riscv64-front");
    if (!authorization.empty()) req.set(http::field::authorization, authorization);
    req.keep_alive(false);
    return req;
}

void fetch_upstream(const net::any_io_executor& executor, const net::ip::tcp::endpoint& address,
                    request req, upstream_limits limits,
                    std::function<void(beast::error_code, upstream_response)> done) {
    std::make_shared<upstream_fetch>(executor, std::move(req), limits, std::move(done))
        ->start(address);
}

}  // namespace console
