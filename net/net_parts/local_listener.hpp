#pragma once
// A unix socket's accept loop: the path bound at once (a stale socket file
// replaced, its mode set when asked), each accepted connection handed over,
// a failing accept (EMFILE) waited out with accept_backoff, and the file
// removed when the listener goes.
#include "net_parts/accept_backoff.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace net_parts {

class local_listener : public std::enable_shared_from_this<local_listener> {
public:
    using socket = boost::asio::local::stream_protocol::socket;

    // Throws std::runtime_error "<setting>='<path>': cannot listen: <reason>";
    // a failing accept is reported as "<setting> accept (backing off)".
    local_listener(const boost::asio::any_io_executor& executor, std::string path,
                   const std::string& setting, std::optional<mode_t> mode,
                   std::function<void(socket)> on_client);
    ~local_listener();
    local_listener(const local_listener&) = delete;
    local_listener& operator=(const local_listener&) = delete;

    void start() { do_accept(); }
    void stop();

private:
    void do_accept();
    void on_accept(boost::system::error_code ec, socket peer);
    void on_backoff(boost::system::error_code ec);

    std::string path_;
    std::string setting_;
    boost::asio::local::stream_protocol::acceptor acceptor_;
    accept_backoff backoff_;
    std::function<void(socket)> on_client_;
};

}  // namespace net_parts
