// One HTTP connection of the console: serves the page, assets, probes and
// /status, and hands a checked WebSocket upgrade on /ws to a bridge_session.
#pragma once

#include "http_connection.hpp"

#include <optional>
#include <string>

namespace console {

class http_session : public http_connection {
public:
    using http_connection::http_connection;

private:
    void route(request&& req) override;
    void upgrade(request&& req);
    void download_recording(const request& req);
    void check_ready(const request& req);
    void on_status_probe(const request& req, const std::optional<std::string>& reply);
    void scrape(const request& req);
    void on_scrape(const request& req, const std::optional<std::string>& reply);
    void on_telnet_probe(const request& req, bool reachable);
    void report_status(const request& req);
    void on_status_report(const request& req, const std::optional<std::string>& reply);
    void on_telnet_status(const request& req, bool reachable);
};

}  // namespace console
