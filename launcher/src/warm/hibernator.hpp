#pragma once
// Hibernate's stop side, on SIGTERM: pause the guest (QMP stop) and save its
// RAM and device state into its qcow2 disk (savevm hibernate), within a time
// limit. The supervisor then quits QEMU and, once the disk is closed, writes
// hibernate.conf (hibernate_plan.hpp).
#include "asio.hpp"
#include "qemu/qmp_client.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace launcher {

enum class hibernate_outcome {
    saved,      // the snapshot is in the disk; quit QEMU
    failed,     // QEMU refused (the reason says why); the guest runs again
    timed_out,  // savevm still busy at the limit: QEMU cannot be asked anything
};

class hibernator {
public:
    using done_handler = std::function<void(hibernate_outcome, const std::string& reason)>;

    hibernator(boost::asio::io_context& io, qmp_client& qmp, std::chrono::seconds limit,
               done_handler on_done);

    void start();
    // Between start() and the outcome.
    bool saving() const { return !done_; }
    // Seconds from start() to the end of the save.
    double seconds() const;

private:
    void do_stop();
    void on_stopped(std::string_view reply);
    void on_saved(const std::string& output);
    void on_deadline(boost::system::error_code ec);
    void finish(hibernate_outcome outcome, const std::string& reason);

    qmp_client& qmp_;
    std::chrono::seconds limit_;
    done_handler on_done_;
    boost::asio::steady_timer deadline_;
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point ended_;
    bool done_ = false;
};

}  // namespace launcher
