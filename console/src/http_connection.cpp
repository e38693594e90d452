// Reading and answering requests, and the checks every route goes through.
#include "http_connection.hpp"

#include "namespaces.hpp"
#include "net_parts/errors.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <utility>

namespace console {

namespace {

constexpr std::size_t header_limit = 8 * 1024;  // request line and headers
constexpr std::size_t body_limit = 1024;        // only GET and HEAD are served
constexpr auto request_timeout = std::chrono::seconds(30);

bool is_read_method(const request& req) {
    return req.method() == http::verb::get || req.method() == http::verb::head;
}

}  // namespace

std::string_view path_of(const request& req) {
    const std::string_view target = req.target();
    return target.substr(0, target.find('?'));
}

http_connection::http_connection(net::ip::tcp::socket&& socket,
                                 std::shared_ptr<const server_state> state)
    : stream_(std::move(socket)), state_(std::move(state)) {}

http_connection::~http_connection() {
    state_->close_connection();
}

void http_connection::run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&http_connection::do_read, shared_from_this()));
}

void http_connection::do_read() {
    parser_.emplace();
    parser_->header_limit(header_limit);
    parser_->body_limit(body_limit);
    stream_.expires_after(request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&http_connection::on_read, shared_from_this()));
}

void http_connection::on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout) return do_close();
    if (ec == http::error::header_limit || ec == http::error::body_limit) {
        auto res = text_response(request{}, http::status::payload_too_large, "request too large");
        res.keep_alive(false);
        return send(std::move(res));
    }
    if (ec) return net_parts::fail(ec, "console: http read");
    route(parser_->release());
}

std::optional<std::string_view> http_connection::admit(const request& req) {
    auto path = path_of(req);
    // DNS rebinding: a page on another site may point its own name at this
    // address, but its origin never holds the credentials. With auth on, any
    // Host is served after them (a load balancer's or node's address); with
    // auth off, a foreign Host gets nothing, on any route.
    if (!known_host(req) && !state_->policy.requires_auth()) {
        send(text_response(req, http::status::forbidden, "host not allowed"));
        return std::nullopt;
    }
    // Under a base path, only it and what lies below it exist; "/vm1" becomes "/vm1/".
    const std::string& base = state_->config.base_path;
    if (!base.empty()) {
        const std::string_view target = req.target();
        if (path == base) {
            send(redirect_response(req, base + "/" + std::string(target.substr(path.size()))));
            return std::nullopt;
        }
        if (path.size() <= base.size() || !path.starts_with(base) || path[base.size()] != '/') {
            send(text_response(req, http::status::not_found, "not found"));
            return std::nullopt;
        }
        path.remove_prefix(base.size());
    }
    if (!is_read_method(req)) {
        send(text_response(req, http::status::method_not_allowed, "only GET and HEAD"));
        return std::nullopt;
    }
    return path;
}

bool http_connection::known_host(const request& req) const {
    return state_->hosts.allowed(req[http::field::host]);
}

bool http_connection::authorized(const request& req) {
    const auto header = req[http::field::authorization];
    const bool ok = state_->policy.authorized(header);
    if (state_->policy.requires_auth() && !header.empty()) {
        if (ok)
            state_->logins.record_success(client_address());
        else
            login_delay_ = state_->logins.record_failure(client_address());
    }
    return ok;
}

void http_connection::refuse_login(const request& req) {
    auto res = unauthorized_response(req);
    const auto delay = std::exchange(login_delay_, {});
    if (delay.count() == 0) return send(std::move(res));
    auto timer = std::make_shared<net::steady_timer>(stream_.get_executor(), delay);
    timer->async_wait(beast::bind_front_handler(&http_connection::on_login_delay,
                                                shared_from_this(), timer, std::move(res)));
}

// The timer rides along so that it lives until it fires.
void http_connection::on_login_delay(const std::shared_ptr<net::steady_timer>&, response res,
                                     beast::error_code) {
    send(std::move(res));
}

bool http_connection::admit_upgrade(const request& req) {
    if (!beast::websocket::is_upgrade(req)) {
        send(text_response(req, http::status::upgrade_required, "this is a WebSocket endpoint"));
        return false;
    }
    // Cross-site WebSocket hijacking: another site's page may not drive the console.
    if (!state_->policy.origin_allowed(req[http::field::origin], req[http::field::host])) {
        send(text_response(req, http::status::forbidden, "origin not allowed"));
        return false;
    }
    if (!state_->try_open_session()) {
        send(text_response(req, http::status::service_unavailable, "too many sessions"));
        return false;
    }
    return true;
}

std::string http_connection::client_address() {
    beast::error_code ec;
    const auto peer = stream_.socket().remote_endpoint(ec);
    return ec ? std::string() : peer.address().to_string();
}

void http_connection::send(response&& res) {
    response_ = std::make_shared<response>(std::move(res));
    stream_.expires_after(request_timeout);
    http::async_write(stream_, *response_,
                      beast::bind_front_handler(&http_connection::on_write, shared_from_this(),
                                                response_->keep_alive()));
}

void http_connection::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    if (ec) return net_parts::fail(ec, "console: http write");
    response_.reset();
    if (!keep_alive) return do_close();
    do_read();
}

void http_connection::do_close() {
    beast::error_code ec;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace console
