// The disk image kept to one launcher and one QEMU, waiting while another holds it.
#include "qemu/disk_lock.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <iostream>
#include <stdexcept>

namespace launcher {
namespace {

constexpr off_t launcher_byte = 400;    // beyond QEMU's lock bytes
constexpr off_t qemu_first_byte = 100;  // QEMU: 100 + permission, 200 + unshared permission
constexpr off_t qemu_bytes = 200;

flock lock_range(short type, off_t start, off_t length) {
    flock range{};
    range.l_type = type;
    range.l_whence = SEEK_SET;
    range.l_start = start;
    range.l_len = length;
    return range;
}

}  // namespace

disk_lock::disk_lock(boost::asio::io_context& io, std::string path)
    : path_(std::move(path)), retry_(io) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0)
        throw std::runtime_error("VM_DRIVE='" + path_ +
                                 "': cannot be opened for writing: " + std::strerror(errno));
}

disk_lock::~disk_lock() {
    // Closing the only descriptor of the open file releases its lock.
    if (fd_ >= 0) ::close(fd_);
}

std::string disk_lock::other_holder() {
    flock mine = lock_range(F_WRLCK, launcher_byte, 1);
    if (::fcntl(fd_, F_OFD_SETLK, &mine) != 0) return "another launcher";
    flock qemu = lock_range(F_WRLCK, qemu_first_byte, qemu_bytes);
    if (::fcntl(fd_, F_OFD_GETLK, &qemu) == 0 && qemu.l_type != F_UNLCK) return "a QEMU process";
    return {};
}

void disk_lock::acquire(std::function<void()> then) {
    then_ = std::move(then);
    first_try_ = std::chrono::steady_clock::now();
    do_try();
}

void disk_lock::do_try() {
    const std::string holder = other_holder();
    if (holder.empty()) {
        if (waited_) {
            const std::chrono::duration<double> took =
                std::chrono::steady_clock::now() - first_try_;
            std::cerr << "launcher: " << path_ << " is free after "
                      << static_cast<int>(took.count()) << " s: starting the VM\n";
        }
        return then_();
    }
    if (!waited_) {
        std::cerr << "launcher: " << path_ << " is in use by " << holder
                  << " (its image lock): waiting until it lets go; one disk never runs in two "
                     "VMs\n";
        waited_ = true;
    }
    retry_.expires_after(std::chrono::seconds(1));
    retry_.async_wait(std::bind_front(&disk_lock::on_retry, this));
}

void disk_lock::on_retry(boost::system::error_code ec) {
    if (!ec) do_try();
}

}  // namespace launcher
