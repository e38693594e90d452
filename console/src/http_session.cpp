// Request routing: the page, its assets, the probes and the WebSocket upgrade.
//
// Probes and /metrics answer without credentials at this machine's own names;
// the page, the assets and /ws need them when --auth is set.
#include "http_session.hpp"

#include "bridge_session.hpp"
#include "launcher_status.hpp"
#include "metrics.hpp"
#include "namespaces.hpp"
#include "net_parts/errors.hpp"
#include "status_probe.hpp"
#include "telnet_probe.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <utility>

namespace console {

namespace {

constexpr std::size_t header_limit = 8 * 1024;  // request line and headers
constexpr std::size_t body_limit = 1024;        // only GET and HEAD are served
constexpr auto request_timeout = std::chrono::seconds(30);

bool is_read_method(const request& req) {
    return req.method() == http::verb::get || req.method() == http::verb::head;
}

// The path without its query string.
std::string_view path_of(const request& req) {
    const std::string_view target = req.target();
    return target.substr(0, target.find('?'));
}

}  // namespace

http_session::http_session(net::ip::tcp::socket&& socket, std::shared_ptr<const server_state> state)
    : stream_(std::move(socket)), state_(std::move(state)) {}

void http_session::run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&http_session::do_read, shared_from_this()));
}

void http_session::do_read() {
    parser_.emplace();
    parser_->header_limit(header_limit);
    parser_->body_limit(body_limit);
    stream_.expires_after(request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout) return do_close();
    if (ec == http::error::header_limit || ec == http::error::body_limit) {
        auto res = text_response(request{}, http::status::payload_too_large, "request too large");
        res.keep_alive(false);
        return send(std::move(res));
    }
    if (ec) return net_parts::fail(ec, "console: http read");
    route(parser_->release());
}

http_session::~http_session() {
    state_->close_connection();
}

void http_session::route(request&& req) {
    auto path = path_of(req);
    // DNS rebinding: a page on another site may point its own name at this
    // address, but its origin never holds the credentials. With auth on, any
    // Host is served after them (a load balancer's or node's address); with
    // auth off, a foreign Host gets nothing, on any route.
    const bool known_host = state_->hosts.allowed(req[http::field::host]);
    if (!known_host && !state_->policy.requires_auth())
        return send(text_response(req, http::status::forbidden, "host not allowed"));
    // Under a base path, only it and what lies below it exist; "/vm1" becomes "/vm1/".
    const std::string& base = state_->config.base_path;
    if (!base.empty()) {
        const std::string_view target = req.target();
        if (path == base)
            return send(
                redirect_response(req, base + "/" + std::string(target.substr(path.size()))));
        if (path.size() <= base.size() || !path.starts_with(base) || path[base.size()] != '/')
            return send(text_response(req, http::status::not_found, "not found"));
        path.remove_prefix(base.size());
    }
    if (!is_read_method(req))
        return send(text_response(req, http::status::method_not_allowed, "only GET and HEAD"));
    // The probes and /metrics need no credentials, but only at this machine's own names.
    const bool probe = path == "/healthz" || path == "/readyz" || path == "/metrics";
    if (!(probe && known_host) && !authorized(req)) return refuse_login(req);
    if (path == "/healthz") return send(text_response(req, http::status::ok, "ok"));
    if (path == "/readyz") return check_ready(req);
    if (path == "/metrics") return scrape(req);
    if (path == "/ws") return upgrade(std::move(req));
    if (const asset* file = state_->assets.find(path))
        return send(asset_response(req, *file, state_->assets.etag()));
    send(text_response(req, http::status::not_found, "not found"));
}

void http_session::upgrade(request&& req) {
    if (!beast::websocket::is_upgrade(req))
        return send(
            text_response(req, http::status::upgrade_required, "this is a WebSocket endpoint"));
    if (!state_->policy.origin_allowed(req[http::field::origin], req[http::field::host]))
        return send(text_response(req, http::status::forbidden, "origin not allowed"));
    if (!state_->try_open_session())
        return send(text_response(req, http::status::service_unavailable, "too many sessions"));
    // The bridge takes the slot just opened and gives it back when it ends.
    stream_.expires_never();
    std::make_shared<bridge_session>(stream_.release_socket(), state_)->run(req);
}

// Right or no credentials needed; a wrong attempt is counted for its address.
bool http_session::authorized(const request& req) {
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

// 401 at once for a first visit, after the address's back-off for a wrong password.
void http_session::refuse_login(const request& req) {
    auto res = unauthorized_response(req);
    const auto delay = std::exchange(login_delay_, {});
    if (delay.count() == 0) return send(std::move(res));
    auto timer = std::make_shared<net::steady_timer>(stream_.get_executor(), delay);
    timer->async_wait(beast::bind_front_handler(&http_session::on_login_delay, shared_from_this(),
                                                timer, std::move(res)));
}

// The timer rides along so that it lives until it fires.
void http_session::on_login_delay(const std::shared_ptr<net::steady_timer>&, response res,
                                  beast::error_code) {
    send(std::move(res));
}

std::string http_session::client_address() {
    beast::error_code ec;
    const auto peer = stream_.socket().remote_endpoint(ec);
    return ec ? std::string() : peer.address().to_string();
}

void http_session::check_ready(const request& req) {
    if (!state_->config.status_socket.empty())
        return probe_status(
            stream_.get_executor(), state_->config.status_socket,
            beast::bind_front_handler(&http_session::on_status_probe, shared_from_this(), req));
    probe_telnet(
        stream_.get_executor(), state_->config.telnet,
        beast::bind_front_handler(&http_session::on_telnet_probe, shared_from_this(), req));
}

void http_session::on_status_probe(const request& req, const std::optional<std::string>& reply) {
    send(reply && says_ready(*reply)
             ? text_response(req, http::status::ok, "ready")
             : text_response(req, http::status::service_unavailable, "the guest is not up yet"));
}

// The launcher is asked on every scrape; without --status only the console's own values.
void http_session::scrape(const request& req) {
    if (state_->config.status_socket.empty()) return on_scrape(req, std::nullopt);
    probe_status(stream_.get_executor(), state_->config.status_socket,
                 beast::bind_front_handler(&http_session::on_scrape, shared_from_this(), req));
}

void http_session::on_scrape(const request& req, const std::optional<std::string>& reply) {
    const auto launcher = reply ? parse_launcher_status(*reply) : std::nullopt;
    send(metrics_response(req, format_metrics(state_->sample(), launcher)));
}

void http_session::on_telnet_probe(const request& req, bool reachable) {
    send(reachable ? text_response(req, http::status::ok, "ready")
                   : text_response(req, http::status::service_unavailable,
                                   "telnet target not reachable"));
}

void http_session::send(response&& res) {
    response_ = std::make_shared<response>(std::move(res));
    stream_.expires_after(request_timeout);
    http::async_write(stream_, *response_,
                      beast::bind_front_handler(&http_session::on_write, shared_from_this(),
                                                response_->keep_alive()));
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
    if (ec) return net_parts::fail(ec, "console: http write");
    response_.reset();
    if (!keep_alive) return do_close();
    do_read();
}

void http_session::do_close() {
    beast::error_code ec;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace console
