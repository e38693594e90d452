// A unix socket's accept loop, shared by the launcher's local sockets.
#include "net_parts/local_listener.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <stdexcept>

namespace net_parts {
namespace {

using stream = boost::asio::local::stream_protocol;

stream::acceptor bind_path(const boost::asio::any_io_executor& executor, const std::string& path,
                           const std::string& setting, std::optional<mode_t> mode) {
    ::unlink(path.c_str());  // left by an earlier run of this container
    try {
        stream::acceptor acceptor(executor, stream::endpoint(path));
        if (mode) ::chmod(path.c_str(), *mode);
        return acceptor;
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error(setting + "='" + path + "': cannot listen: " + e.code().message());
    }
}

}  // namespace

local_listener::local_listener(const boost::asio::any_io_executor& executor, std::string path,
                               const std::string& setting, std::optional<mode_t> mode,
                               std::function<void(socket)> on_client)
    : path_(std::move(path)),
      setting_(setting),
      acceptor_(bind_path(executor, path_, setting, mode)),
      backoff_(executor),
      on_client_(std::move(on_client)) {}

local_listener::~local_listener() {
    ::unlink(path_.c_str());
}

void local_listener::stop() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    backoff_.cancel();
}

void local_listener::do_accept() {
    acceptor_.async_accept([self = shared_from_this()](boost::system::error_code ec, socket peer) {
        self->on_accept(ec, std::move(peer));
    });
}

void local_listener::on_accept(boost::system::error_code ec, socket peer) {
    if (ec == boost::asio::error::operation_aborted) return;
    // Out of descriptors (EMFILE): wait before trying again, never spin.
    if (ec)
        return backoff_.retry(ec, setting_ + " accept (backing off)",
                              [self = shared_from_this()](boost::system::error_code wait) {
                                  self->on_backoff(wait);
                              });
    backoff_.succeeded();
    on_client_(std::move(peer));
    do_accept();
}

void local_listener::on_backoff(boost::system::error_code ec) {
    if (!ec) do_accept();
}

}  // namespace net_parts
