#pragma once
// QEMU before 10.2 leaves each CPU's supervisor timer (the QEMU timer behind
// the Sstc stimecmp register) out of its snapshots: after a loadvm the timer
// interrupt a CPU was waiting for never comes, and a CPU idling until it does
// waits for ever. Writing stimecmp again arms that timer. No monitor command
// writes a CSR; QEMU's gdbstub does, so between the loadvm and the cont the
// launcher opens the gdbstub on a socket of its own, writes each CPU's
// stimecmp back unchanged, and closes it again.
#include "asio.hpp"
#include "qemu/gdb_remote.hpp"
#include "qemu/qmp_client.hpp"
#include "qemu/unix_channel.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace launcher {

// The gdbstub's number for stimecmp in its riscv-csr.xml feature: its own
// entry's regnum, else sstatus's moved from CSR 0x100 to CSR 0x14d (the stub
// numbers CSR n as a base plus n, and QEMU 7.2 leaves stimecmp out of the XML
// while still reading and writing it).
std::optional<unsigned> stimecmp_register(std::string_view csr_xml);

// The thread ids (one per CPU) in a qfThreadInfo or qsThreadInfo reply ("m01,02").
std::vector<std::string> thread_ids(std::string_view reply);

class timer_rearmer {
public:
    // `socket_path` is where the launcher listens for the gdbstub; `label` starts
    // its line ("warm start", "hibernate") and `off_setting` turns resumes off.
    timer_rearmer(boost::asio::io_context& io, qmp_client& qmp, std::string socket_path,
                  std::string label = "warm start", std::string off_setting = "VM_WARM_START");

    // The snapshot is loaded and QEMU paused: re-arms every CPU's timer, says
    // how it went in one line, closes the gdbstub, then calls `then`.
    void start(std::function<void()> then);

private:
    void on_connect();
    void on_close();
    void on_deadline(boost::system::error_code ec);
    void on_gdbserver(const std::string& output);
    void read_feature(std::size_t offset);
    void on_feature(std::size_t offset, const std::string& reply);
    void list_threads(const std::string& query);
    void on_threads(const std::string& reply);
    void rearm_cpu(std::size_t index);
    void on_cpu_picked(std::size_t index, const std::string& picked);
    void write_back(std::size_t index, const std::string& value);
    void on_written(std::size_t index, const std::string& written);
    void finish(const std::string& failure);
    void on_stub_gone(const std::string& output);

    boost::asio::io_context& io_;
    qmp_client& qmp_;
    std::string socket_path_;
    std::string label_;
    std::string off_setting_;
    boost::asio::steady_timer deadline_;
    std::shared_ptr<unix_channel> channel_;
    std::unique_ptr<gdb_remote> remote_;
    std::function<void()> then_;
    std::string csr_xml_;
    unsigned stimecmp_ = 0;
    std::vector<std::string> threads_;
    bool finished_ = false;
};

}  // namespace launcher
