#pragma once
// The launcher's console relay in-process: the serial channel, the hub and
// the telnet server on an io_context thread, fed by a fake QEMU serial source.
#include "qemu/unix_channel.hpp"
#include "relay/console_hub.hpp"
#include "relay/telnet_server.hpp"
#include "temp_dir.hpp"
#include "test_socket.hpp"

#include <future>
#include <thread>

namespace launcher_test {

class relay_fixture {
public:
    relay_fixture()
        : serial_(std::make_shared<launcher::unix_channel>(
              io_, (dir_.path() / "serial.sock").string(), "serial line", 65536)),
          hub_(
              64 * 1024, [this](std::string_view bytes) { mirrored_.append(bytes); },
              [this](std::string_view keys) { serial_->send(keys); }),
          telnet_(launcher::telnet_server::on_loopback(io_, 0, hub_, 64)),
          telnet_unix_(launcher::telnet_server::on_unix_socket(io_, unix_path(), hub_, 64)),
          port_(telnet_->port()) {
        serial_->on_data([this](std::string_view bytes) { hub_.publish(bytes); });
        serial_->start();
        telnet_->start();
        telnet_unix_->start();
        thread_ = std::thread([this] { io_.run(); });
        guest = std::make_unique<test_socket>(
            test_socket::unix_client((dir_.path() / "serial.sock").string()));
    }

    ~relay_fixture() {
        work_.reset();
        io_.stop();
        thread_.join();
    }

    test_socket client(int receive_buffer = 0) const {
        return test_socket::tcp(port_, receive_buffer);
    }
    // A client of the same console on its unix socket (VM_TELNET_SOCKET).
    test_socket unix_client() const { return test_socket::unix_client(unix_path()); }
    std::string unix_path() const { return (dir_.path() / "console.sock").string(); }

    // Runs `query` on the relay's thread and returns its result.
    template <typename Query>
    auto on_relay(Query query) {
        std::packaged_task<decltype(query())()> task(query);
        auto result = task.get_future();
        boost::asio::post(io_, [&task] { task(); });
        return result.get();
    }

    std::size_t clients() {
        return on_relay([this] { return hub_.client_count(); });
    }
    std::string mirrored() {
        return on_relay([this] { return mirrored_; });
    }

    std::unique_ptr<test_socket> guest;  // the fake QEMU end of the serial line

private:
    temp_dir dir_;
    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
        io_.get_executor()};
    std::shared_ptr<launcher::unix_channel> serial_;
    std::string mirrored_;
    launcher::console_hub hub_;
    std::shared_ptr<launcher::telnet_server> telnet_;
    std::shared_ptr<launcher::telnet_server> telnet_unix_;
    unsigned short port_;
    std::thread thread_;
};

}  // namespace launcher_test
