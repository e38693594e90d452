// The front's routing: its own pages, then the VMs' consoles behind it.
//
// The checks are the console's: the Host allowlist, Basic credentials (the
// release's one password), the Origin of an upgrade. A path names a VM only
// once it is clean (front_routes) and the name is one the discovery listed:
// nothing else is ever connected to.
#include "front/front_session.hpp"

#include "browser_websocket.hpp"
#include "front/download_relay.hpp"
#include "front/front_routes.hpp"
#include "front/ws_relay.hpp"
#include "namespaces.hpp"
#include "net_parts/errors.hpp"

#include <chrono>
#include <utility>

namespace console {

namespace {

// The largest file a console serves (xterm.js) with room to spare.
constexpr upstream_limits page_limits{4 * 1024 * 1024, std::chrono::seconds(10)};

// The response headers of a VM's console that reach the browser; the front's
// own safety headers replace the rest.
response pass_on(const request& req, upstream_response& from_vm) {
    auto content_type = from_vm[http::field::content_type];
    auto res = make_response(req, from_vm.result(),
                             content_type.empty() ? "application/octet-stream" : content_type,
                             std::move(from_vm.body()));
    for (const auto field : {http::field::etag, http::field::cache_control})
        if (const auto value = from_vm[field]; !value.empty()) res.set(field, value);
    return res;
}

}  // namespace

front_session::front_session(net::ip::tcp::socket&& socket,
                             std::shared_ptr<const server_state> state,
                             std::shared_ptr<const front_state> front)
    : http_connection(std::move(socket), std::move(state)), front_(std::move(front)) {}

void front_session::route(request&& req) {
    const auto path = admit(req);
    if (!path) return;
    const auto where = route_front_path(*path);
    // The probes need no credentials, but only at this machine's own names.
    const bool probe = where.page == front_page::healthz || where.page == front_page::readyz ||
                       where.page == front_page::metrics;
    if (!(probe && known_host(req)) && !authorized(req)) return refuse_login(req);
    switch (where.page) {
        case front_page::index:
        case front_page::asset:
            return serve_asset(req, *path);
        case front_page::vm_list:
            return send(json_response(req, format_vm_list(*front_->registry.current())));
        case front_page::healthz:
            return send(text_response(req, http::status::ok, "ok"));
        case front_page::readyz:
            return send(front_->registry.current()->complete
                            ? text_response(req, http::status::ok, "ready")
                            : text_response(req, http::status::service_unavailable,
                                            "no look for VMs has finished yet"));
        case front_page::metrics:
            return send(metrics_response(
                req, format_front_metrics(front_->sample(*state_), *front_->registry.current())));
        case front_page::bad_path:
            return send(text_response(req, http::status::bad_request, "bad path"));
        case front_page::not_found:
            return send(text_response(req, http::status::not_found, "not found"));
        default:
            break;
    }
    // A VM: only a name the discovery listed.
    const auto vm = front_->registry.find(where.vm);
    if (!vm) return send(text_response(req, http::status::not_found, "no such VM"));
    if (where.page == front_page::vm_slash)
        return send(
            redirect_response(req, state_->config.base_path + "/" + std::string(where.vm) + "/"));
    if (where.rest == "/ws") return upgrade(std::move(req), *vm, where.rest);
    if (where.rest == "/recording.cast") return relay_download(req, *vm, where.rest);
    proxy(req, *vm, where.rest);
}

void front_session::serve_asset(const request& req, std::string_view path) {
    if (const asset* file = state_->assets.find(path))
        return send(asset_response(req, *file, state_->assets.etag()));
    send(text_response(req, http::status::not_found, "not found"));
}

// A page, an asset or a probe of the VM's console: fetched whole, then passed on.
void front_session::proxy(const request& req, const vm_entry& vm, std::string_view rest) {
    ++front_->counters.http_requests;
    auto upstream = upstream_get(vm.address, peer_target(front_->peer_base_path, rest),
                                 front_->vm_authorization);
    if (const auto etag = req[http::field::if_none_match]; !etag.empty())
        upstream.set(http::field::if_none_match, etag);
    fetch_upstream(
        stream_.get_executor(), vm.address, std::move(upstream), page_limits,
        beast::bind_front_handler(&front_session::on_proxied, self<front_session>(), req));
}

// The recording, of any size: relayed a piece at a time; the connection ends with it.
void front_session::relay_download(const request& req, const vm_entry& vm, std::string_view rest) {
    ++front_->counters.http_requests;
    auto session = self<front_session>();
    auto to_vm = upstream_get(vm.address, peer_target(front_->peer_base_path, rest),
                              front_->vm_authorization);
    std::make_shared<download_relay>(stream_, session, vm.address, std::move(to_vm), req,
                                     [session](response&& res) {
                                         ++session->front_->counters.upstream_failures;
                                         session->send(std::move(res));
                                     })
        ->start();
}

void front_session::on_proxied(const request& req, beast::error_code ec, upstream_response res) {
    if (ec) {
        ++front_->counters.upstream_failures;
        net_parts::fail(ec, "console: front: VM request");
        return send(text_response(req, http::status::bad_gateway, "VM console not reachable"));
    }
    // The VM refusing the front's credentials is the front's problem, not the browser's.
    if (res.result() == http::status::unauthorized)
        return send(text_response(req, http::status::bad_gateway,
                                  "the VM's console refused the front's credentials"));
    send(pass_on(req, res));
}

void front_session::upgrade(request&& req, const vm_entry& vm, std::string_view rest) {
    if (!admit_upgrade(req)) return;
    // The VM's side first: a VM that cannot be reached is a 502, not a session that ends.
    upstream_upgrade to_vm{vm.address, peer_target(front_->peer_base_path, rest),
                           front_->vm_authorization, offers_tty(req)};
    open_upstream_websocket(stream_.get_executor(), std::move(to_vm),
                            state_->config.ping_interval_seconds,
                            beast::bind_front_handler(&front_session::on_vm_websocket,
                                                      self<front_session>(), std::move(req)));
}

void front_session::on_vm_websocket(const request& req, beast::error_code ec,
                                    std::unique_ptr<vm_websocket> vm) {
    if (ec) {
        state_->close_session();
        ++front_->counters.upstream_failures;
        net_parts::fail(ec, "console: front: VM WebSocket");
        return send(text_response(req, http::status::bad_gateway, "VM console not reachable"));
    }
    // The relay takes the slot opened in upgrade() and gives it back when it ends.
    stream_.expires_never();
    std::make_shared<ws_relay>(stream_.release_socket(), std::move(vm), state_, front_)->run(req);
}

}  // namespace console
