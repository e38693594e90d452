// SIGTERM with hibernate on: the guest paused and saved into its disk, in time or not at all.
#include "warm/hibernator.hpp"

#include "warm/snapshot_loader.hpp"

#include <functional>

namespace launcher {

hibernator::hibernator(boost::asio::io_context& io, qmp_client& qmp, std::chrono::seconds limit,
                       done_handler on_done)
    : qmp_(qmp), limit_(limit), on_done_(std::move(on_done)), deadline_(io) {}

void hibernator::start() {
    started_ = std::chrono::steady_clock::now();
    deadline_.expires_after(limit_);
    deadline_.async_wait(std::bind_front(&hibernator::on_deadline, this));
    do_stop();
}

double hibernator::seconds() const {
    const auto end = done_ ? ended_ : std::chrono::steady_clock::now();
    return std::chrono::duration<double>(end - started_).count();
}

// Paused first: nothing the guest does after this point is lost or half-saved.
void hibernator::do_stop() {
    qmp_.execute("{\"execute\": \"stop\"}\n", std::bind_front(&hibernator::on_stopped, this));
}

void hibernator::on_stopped(std::string_view reply) {
    if (done_) return;
    if (reply.find("\"error\"") != std::string_view::npos)
        return finish(hibernate_outcome::failed, "QMP stop: " + std::string(reply));
    // savevm replaces an older snapshot of the same name, and flushes the disk.
    qmp_.human_command("savevm hibernate", std::bind_front(&hibernator::on_saved, this));
}

void hibernator::on_saved(const std::string& output) {
    if (done_) return;
    const std::string reason = loadvm_failure(output);
    if (reason.empty()) return finish(hibernate_outcome::saved, {});
    // The guest goes on running, to be powered off the usual way.
    qmp_.execute("{\"execute\": \"cont\"}\n", [](std::string_view) {});
    finish(hibernate_outcome::failed, "savevm: " + reason);
}

void hibernator::on_deadline(boost::system::error_code ec) {
    if (ec || done_) return;
    finish(hibernate_outcome::timed_out,
           "the save did not end within " + std::to_string(limit_.count()) + " s");
}

void hibernator::finish(hibernate_outcome outcome, const std::string& reason) {
    done_ = true;
    ended_ = std::chrono::steady_clock::now();
    deadline_.cancel();
    on_done_(outcome, reason);
}

}  // namespace launcher
