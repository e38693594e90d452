#pragma once
// One VM per disk: before QEMU starts, the launcher takes a lock of its own on
// the disk image (an open-file-description write lock on byte 400, held until
// the launcher exits, so through a hibernate save after QEMU has quit) and
// checks QEMU's image lock (the bytes 100-299 that QEMU locks with
// file.locking=on). While another launcher or QEMU holds either, it waits,
// saying so once.
#include "asio.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace launcher {

class disk_lock {
public:
    disk_lock(boost::asio::io_context& io, std::string path);
    ~disk_lock();
    disk_lock(const disk_lock&) = delete;
    disk_lock& operator=(const disk_lock&) = delete;

    // Calls `then` once the image is the launcher's; retries every second.
    void acquire(std::function<void()> then);
    void cancel() { retry_.cancel(); }

    // Who holds the image now besides this launcher; empty when nobody (public for tests).
    std::string other_holder();

private:
    void do_try();
    void on_retry(boost::system::error_code ec);

    std::string path_;
    int fd_ = -1;
    boost::asio::steady_timer retry_;
    std::function<void()> then_;
    std::chrono::steady_clock::time_point first_try_;
    bool waited_ = false;
};

}  // namespace launcher
