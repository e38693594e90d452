// Request routing: the page, its assets, the probes, /status and the WebSocket upgrade.
//
// Probes, /metrics and /status answer without credentials at this machine's
// own names; the page, the assets and /ws need them when --auth is set.
#include "http_session.hpp"

#include "bridge_session.hpp"
#include "launcher_status.hpp"
#include "metrics.hpp"
#include "namespaces.hpp"
#include "recording_download.hpp"
#include "status_probe.hpp"
#include "telnet_probe.hpp"
#include "vm_status.hpp"

#include <utility>

namespace console {

void http_session::route(request&& req) {
    const auto path = admit(req);
    if (!path) return;
    // The probes need no credentials, but only at this machine's own names.
    const bool probe =
        *path == "/healthz" || *path == "/readyz" || *path == "/metrics" || *path == "/status";
    if (!(probe && known_host(req)) && !authorized(req)) return refuse_login(req);
    if (*path == "/healthz") return send(text_response(req, http::status::ok, "ok"));
    if (*path == "/readyz") return check_ready(req);
    if (*path == "/metrics") return scrape(req);
    if (*path == "/status") return report_status(req);
    if (*path == "/ws") return upgrade(std::move(req));
    if (*path == "/recording.cast") return download_recording(req);
    if (const asset* file = state_->assets.find(*path))
        return send(asset_response(req, *file, state_->assets.etag()));
    send(text_response(req, http::status::not_found, "not found"));
}

void http_session::upgrade(request&& req) {
    if (!admit_upgrade(req)) return;
    // The bridge takes the slot just opened and gives it back when it ends.
    stream_.expires_never();
    std::make_shared<bridge_session>(stream_.release_socket(), state_)->run(req);
}

// The launcher streams the file; the download holds this connection until it ends.
void http_session::download_recording(const request& req) {
    const auto& config = state_->config;
    if (config.recording_socket.empty())
        return send(text_response(req, http::status::not_found,
                                  "no recording: this console was started without --recording"));
    auto session = self<http_session>();
    std::make_shared<recording_download>(
        stream_, session, config.recording_socket, req,
        (config.vm_name.empty() ? "console" : config.vm_name) + ".cast",
        [session](response&& res) { session->send(std::move(res)); })
        ->start();
}

void http_session::check_ready(const request& req) {
    if (!state_->config.status_socket.empty())
        return probe_status(
            stream_.get_executor(), state_->config.status_socket,
            beast::bind_front_handler(&http_session::on_status_probe, self<http_session>(), req));
    probe_telnet(
        stream_.get_executor(), state_->config.telnet,
        beast::bind_front_handler(&http_session::on_telnet_probe, self<http_session>(), req));
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
                 beast::bind_front_handler(&http_session::on_scrape, self<http_session>(), req));
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

// /status asks the launcher as /metrics does; without --status, as /readyz does.
void http_session::report_status(const request& req) {
    if (!state_->config.status_socket.empty())
        return probe_status(
            stream_.get_executor(), state_->config.status_socket,
            beast::bind_front_handler(&http_session::on_status_report, self<http_session>(), req));
    probe_telnet(
        stream_.get_executor(), state_->config.telnet,
        beast::bind_front_handler(&http_session::on_telnet_status, self<http_session>(), req));
}

void http_session::on_status_report(const request& req, const std::optional<std::string>& reply) {
    const auto launcher = reply ? parse_launcher_status(*reply) : std::nullopt;
    const auto status = describe_vm(state_->config.vm_name, state_->open_sessions(), launcher);
    send(json_response(req, format_vm_status(status)));
}

// Without a status socket the telnet target is all there is to ask.
void http_session::on_telnet_status(const request& req, bool reachable) {
    auto status = describe_vm(state_->config.vm_name, state_->open_sessions(), std::nullopt);
    if (reachable) status.state = "ready";
    send(json_response(req, format_vm_status(status)));
}

}  // namespace console
