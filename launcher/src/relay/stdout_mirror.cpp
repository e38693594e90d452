// Guest output on the launcher's stdout, never blocking: an outbox on a non-blocking descriptor.
#include "relay/stdout_mirror.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <functional>
#include <iostream>

namespace launcher {
namespace {

namespace net = boost::asio;

constexpr std::size_t coalesce_limit = 64 * 1024;  // bytes per write

}  // namespace

stdout_mirror::stdout_mirror(net::io_context& io, int fd, std::size_t queue_limit)
    : out_(io), outbox_(queue_limit, coalesce_limit) {
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
    if (!outbox_.fits(bytes.size())) {
        if (dropped_bytes_ == 0)
            std::cerr << "launcher: stdout is not being read: dropping guest output there "
                         "(telnet clients still get all of it)\n";
        dropped_bytes_ += bytes.size();
        return;
    }
    // Small pieces (typed echo) join the last waiting one: few writes.
    outbox_.append({}, bytes);
    do_write();
}

// One write in flight; a partial write is finished by async_write.
void stdout_mirror::do_write() {
    if (const std::string* message = outbox_.start_write())
        net::async_write(out_, net::buffer(*message),
                         std::bind_front(&stdout_mirror::on_write, shared_from_this()));
}

void stdout_mirror::on_write(boost::system::error_code ec, std::size_t) {
    if (ec == net::error::operation_aborted) return;
    if (ec) {
        // A closed stdout (EPIPE) is ignored: the VM runs on without a log.
        broken_ = true;
        outbox_.clear();
        return;
    }
    outbox_.finish_write();
    do_write();
}

}  // namespace launcher
