#pragma once
// One VM run: listens for the serial line, QMP and guest agent, serves the
// console over telnet, starts QEMU, hands root's credentials to the guest
// agent, and turns SIGTERM into a guest shutdown.
#include <memory>
#include <optional>
#include "asio.hpp"

#include "console_hub.hpp"
#include "guest_credentials.hpp"
#include "qemu_process.hpp"
#include "qmp_client.hpp"
#include "readiness.hpp"
#include "run_directory.hpp"
#include "settings.hpp"
#include "status_server.hpp"
#include "stdout_mirror.hpp"
#include "telnet_server.hpp"
#include "unix_channel.hpp"

namespace launcher {

class supervisor {
public:
    // Binds every socket; throws naming the setting when one cannot be bound.
    explicit supervisor(const vm_settings& vm);

    // Starts QEMU and runs until it has exited; returns the launcher's exit code.
    int run();

private:
    void wait_signal();
    void on_signal(boost::system::error_code ec, int signal_number);
    void on_child_exit();
    void begin_shutdown();
    void stop_qemu();
    void finish(int status);

    const vm_settings& vm_;
    boost::asio::io_context io_{1};
    boost::asio::signal_set signals_;
    boost::asio::steady_timer timer_;
    run_directory dir_;
    std::shared_ptr<stdout_mirror> mirror_;
    console_hub hub_;
    std::shared_ptr<unix_channel> serial_;
    std::shared_ptr<unix_channel> monitor_;
    std::shared_ptr<unix_channel> agent_;
    std::unique_ptr<qmp_client> qmp_;
    guest_credentials credentials_;
    readiness readiness_;
    std::shared_ptr<status_server> status_;  // null without VM_STATUS_SOCKET
    std::shared_ptr<telnet_server> telnet_;
    std::optional<qemu_process> qemu_;
    bool shutting_down_ = false;
    int exit_code_ = 1;
};

}  // namespace launcher
