#include "relay/stdout_mirror.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <iostream>

namespace launcher {
namespace {

namespace net = boost::asio;

constexpr std::size_t coalesce_limit = 64 * 1024;  // bytes per queued piece

}  // namespace

stdout_mirror::stdout_mirror(net::io_context& io, int fd, std::size_t queue_limit)
    : out_(io), queue_limit_(queue_limit) {
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (copy < 0) {
        broken_ = true;
        return;
    }
    // The flag belongs to the open file, shared with fd: restored at the end.
    saved_flags_ = ::fcntl(copy, F_GETFL);
    if (saved_flags_ >= 0) ::fcntl(copy, F_SETFL, saved_flags_ | O_NONBLOCK);
    out_.assign(copy);
}

stdout_mirror::~stdout_mirror() {
    close();
}

void stdout_mirror::close() {
    broken_ = true;
    if (!out_.is_open()) return;
    if (saved_flags_ >= 0) ::fcntl(out_.native_handle(), F_SETFL, saved_flags_);
    boost::system::error_code ignored;
    out_.close(ignored);
    if (dropped_bytes_ > 0)
        std::cerr << "launcher: " << dropped_bytes_
                  << " bytes of guest output were not mirrored to stdout (not read)\n";
}

void stdout_mirror::write(std::string_view bytes) {
    if (broken_ || bytes.empty()) return;
    if (queued_bytes_ + bytes.size() > queue_limit_) {
        if (dropped_bytes_ == 0)
            std::cerr << "launcher: stdout is not being read: dropping guest output there "
                         "(telnet clients still get all of it)\n";
        dropped_bytes_ += bytes.size();
        return;
    }
    // Small pieces (typed echo) join the last waiting one: few queue entries.
    const bool last_waits = queue_.size() > (writing_ ? 1U : 0U);
    if (last_waits && queue_.back().size() + bytes.size() <= coalesce_limit)
        queue_.back().append(bytes);
    else
        queue_.emplace_back(bytes);
    queued_bytes_ += bytes.size();
    if (!writing_) do_write();
}

void stdout_mirror::do_write() {
    writing_ = true;
    out_.async_write_some(net::buffer(queue_.front()),
                          [self = shared_from_this()](auto ec, auto n) { self->on_write(ec, n); });
}

void stdout_mirror::on_write(boost::system::error_code ec, std::size_t n) {
    writing_ = false;
    if (ec == net::error::operation_aborted) return;
    if (ec) {
        // A closed stdout (EPIPE) is ignored: the VM runs on without a log.
        broken_ = true;
        queue_.clear();
        queued_bytes_ = 0;
        return;
    }
    queued_bytes_ -= n;
    if (n == queue_.front().size())
        queue_.pop_front();
    else
        queue_.front().erase(0, n);
    if (!queue_.empty()) do_write();
}

}  // namespace launcher
