// One HTTP connection: reads requests, serves the page, assets and probes,
// and hands a checked WebSocket upgrade on /ws to a bridge_session.
#pragma once

#include "http_responses.hpp"
#include "server_state.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace console {

class http_session : public std::enable_shared_from_this<http_session> {
public:
    // Holds one of server_state's connection slots, given back when it ends.
    http_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<const server_state> state);
    ~http_session();
    void run();

private:
    void do_read();
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void route(request&& req);
    void upgrade(request&& req);
    bool authorized(const request& req);
    void refuse_login(const request& req);
    void on_login_delay(const std::shared_ptr<boost::asio::steady_timer>& timer, response res,
                        boost::beast::error_code ec);
    std::string client_address();
    void check_ready(const request& req);
    void on_status_probe(const request& req, const std::optional<std::string>& reply);
    void scrape(const request& req);
    void on_scrape(const request& req, const std::optional<std::string>& reply);
    void on_telnet_probe(const request& req, bool reachable);
    void send(response&& res);
    void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
    void do_close();

    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    std::shared_ptr<const server_state> state_;
    std::shared_ptr<response> response_;        // kept alive until its write completes
    std::chrono::milliseconds login_delay_{0};  // wait before the next 401
};

}  // namespace console
