// One QEMU chardev socket: listen, accept QEMU, read, write through an outbox.
#include "qemu/unix_channel.hpp"

#include "net_parts/errors.hpp"

#include <functional>
#include <iostream>

namespace launcher {
namespace {

using unix_socket = net::local::stream_protocol;

void fail(boost::system::error_code ec, const std::string& name, const char* what) {
    net_parts::fail(ec, "launcher: " + name + " " + what);
}

}  // namespace

unix_channel::unix_channel(net::io_context& io, const std::string& path, std::string name,
                           std::size_t queue_limit)
    : acceptor_(io, unix_socket::endpoint(path)),
      socket_(io),
      name_(std::move(name)),
      outbox_(queue_limit) {}

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
    do_write();
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
    if (!outbox_.fits(bytes.size())) {
        std::cerr << "launcher: " << name_ << " is not reading; dropped " << bytes.size()
                  << " bytes\n";
        return;
    }
    outbox_.push(std::string(bytes));
    do_write();
}

// One write in flight, once QEMU is connected.
void unix_channel::do_write() {
    if (!socket_.is_open()) return;
    if (const std::string* message = outbox_.start_write())
        net::async_write(socket_, net::buffer(*message),
                         std::bind_front(&unix_channel::on_write, shared_from_this()));
}

void unix_channel::on_write(boost::system::error_code ec, std::size_t) {
    if (ec) return fail(ec, name_, "write");
    outbox_.finish_write();
    do_write();
}

void unix_channel::close() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    socket_.close(ignored);
}

}  // namespace launcher
