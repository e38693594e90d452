// One HTTP connection of either role: reads requests within their limits,
// answers them one at a time, and holds the checks both roles make before
// routing (the Host allowlist, the base path, the method, Basic credentials
// with the failed-login delay). Each role routes in its own subclass.
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
#include <string_view>

namespace console {

class http_connection : public std::enable_shared_from_this<http_connection> {
public:
    // Holds one of server_state's connection slots, given back when it ends.
    http_connection(boost::asio::ip::tcp::socket&& socket,
                    std::shared_ptr<const server_state> state);
    virtual ~http_connection();
    http_connection(const http_connection&) = delete;
    http_connection& operator=(const http_connection&) = delete;

    void run();

protected:
    // Answers `req`, through send() or by taking the stream (an upgrade).
    virtual void route(request&& req) = 0;

    // The path below the base path of a request that passed the Host, base
    // path and method checks; nullopt when the answer has been sent already.
    std::optional<std::string_view> admit(const request& req);
    // True when the Host names this machine or an allowed name.
    bool known_host(const request& req) const;
    // Right or no credentials needed; a wrong attempt is counted for its address.
    bool authorized(const request& req);
    // 401 at once for a first visit, after the address's back-off for a wrong password.
    void refuse_login(const request& req);
    // True, with a session slot taken, when `req` may become a WebSocket: an
    // upgrade, an allowed Origin, a free slot. Otherwise the refusal is sent.
    bool admit_upgrade(const request& req);
    void send(response&& res);
    std::string client_address();

    // This connection as its subclass, for handlers bound to the subclass's methods.
    template <typename Session>
    std::shared_ptr<Session> self() {
        return std::static_pointer_cast<Session>(shared_from_this());
    }

    boost::beast::tcp_stream stream_;
    std::shared_ptr<const server_state> state_;

private:
    void do_read();
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void on_login_delay(const std::shared_ptr<boost::asio::steady_timer>& timer, response res,
                        boost::beast::error_code ec);
    void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
    void do_close();

    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    std::shared_ptr<response> response_;        // kept alive until its write completes
    std::chrono::milliseconds login_delay_{0};  // wait before the next 401
};

// The path without its query string.
std::string_view path_of(const request& req);

}  // namespace console
