// One HTTP connection of the front: the index of VMs, its list, probes and
// /metrics, and /<vm-name>/... proxied to that VM's console (HTTP requests
// fetched, a WebSocket upgrade handed to a ws_relay).
#pragma once

#include "front/front_state.hpp"
#include "front/upstream_request.hpp"
#include "front/upstream_websocket.hpp"
#include "http_connection.hpp"

#include <memory>
#include <string_view>

namespace console {

class front_session : public http_connection {
public:
    front_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<const server_state> state,
                  std::shared_ptr<const front_state> front);

private:
    void route(request&& req) override;
    void serve_asset(const request& req, std::string_view path);
    void proxy(const request& req, const vm_entry& vm, std::string_view rest);
    void relay_download(const request& req, const vm_entry& vm, std::string_view rest);
    void on_proxied(const request& req, boost::beast::error_code ec, upstream_response res);
    void upgrade(request&& req, const vm_entry& vm, std::string_view rest);
    void on_vm_websocket(const request& req, boost::beast::error_code ec,
                         std::unique_ptr<vm_websocket> vm);

    std::shared_ptr<const front_state> front_;
};

}  // namespace console
