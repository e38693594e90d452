// One HTTP connection: reads requests, serves the page, assets and probes,
// and hands a checked WebSocket upgrade on /ws to a bridge_session.
#pragma once

#include "http_responses.hpp"
#include "server_state.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <memory>
#include <optional>

namespace console {

class http_session : public std::enable_shared_from_this<http_session> {
public:
    http_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<const server_state> state);
    void run();

private:
    void do_read();
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void route(request&& req);
    void upgrade(request&& req);
    void check_ready(const request& req);
    void send(response&& res);
    void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
    void do_close();

    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    std::shared_ptr<const server_state> state_;
    std::shared_ptr<response> response_;  // kept alive until its write completes
};

}  // namespace console
