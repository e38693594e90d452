#include "qemu/unix_channel.hpp"

#include <functional>
#include <iostream>

namespace launcher {
namespace {

using unix_socket = net::local::stream_protocol;

void fail(boost::system::error_code ec, const std::string& name, const char* what) {
    if (ec == net::error::operation_aborted || ec == net::error::eof ||
        ec == net::error::connection_reset) {
        return;
    }
    std::cerr << "launcher: " << name << " " << what << ": " << ec.message() << "\n";
}

}  // namespace

unix_channel::unix_channel(net::io_context& io, const std::string& path, std::string name,
                           std::size_t queue_limit)
    : acceptor_(io, unix_socket::endpoint(path)),
      socket_(io),
      name_(std::move(name)),
      queue_limit_(queue_limit) {}

void unix_channel::start() {
    acceptor_.async_accept(socket_, std::bind_front(&unix_channel::on_accept, shared_from_this()));
}

void unix_channel::on_accept(boost::system::error_code ec) {
    if (ec) return fail(ec, name_, "accept");
    // One peer only: QEMU.
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    if (on_connect_) on_connect_();
    do_read();
    if (!queue_.empty() && !writing_) do_write();
}

void unix_channel::do_read() {
    socket_.async_read_some(net::buffer(input_),
                            std::bind_front(&unix_channel::on_read, shared_from_this()));
}

void unix_channel::on_read(boost::system::error_code ec, std::size_t n) {
    if (ec) {
        fail(ec, name_, "read");
        close();
        if (on_close_) on_close_();
        return;
    }
    if (on_data_) on_data_(std::string_view(input_.data(), n));
    if (socket_.is_open()) do_read();
}

void unix_channel::send(std::string_view bytes) {
    if (queued_bytes_ + bytes.size() > queue_limit_) {
        std::cerr << "launcher: " << name_ << " is not reading; dropped " << bytes.size()
                  << " bytes\n";
        return;
    }
    queue_.emplace_back(bytes);
    queued_bytes_ += bytes.size();
    if (!writing_ && socket_.is_open()) do_write();
}

void unix_channel::do_write() {
    writing_ = true;
    net::async_write(socket_, net::buffer(queue_.front()),
                     std::bind_front(&unix_channel::on_write, shared_from_this()));
}

void unix_channel::on_write(boost::system::error_code ec, std::size_t) {
    writing_ = false;
    if (ec) return fail(ec, name_, "write");
    queued_bytes_ -= queue_.front().size();
    queue_.pop_front();
    if (!queue_.empty() && socket_.is_open()) do_write();
}

void unix_channel::close() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    socket_.close(ignored);
}

}  // namespace launcher
