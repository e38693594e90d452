// Each CPU's stimecmp timer armed again through QEMU's gdbstub after a loadvm.
#include "warm/timer_rearmer.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <regex>

namespace launcher {
namespace {

using namespace std::chrono_literals;

constexpr auto gdbstub_patience = 20s;  // the exchange takes milliseconds
constexpr unsigned csr_sstatus = 0x100;
constexpr unsigned csr_stimecmp = 0x14d;

std::optional<unsigned> regnum_of(std::string_view xml, const std::string& name) {
    const std::regex reg("<reg name=\"" + name + "\"[^>]*regnum=\"([0-9]+)\"");
    std::match_results<std::string_view::const_iterator> match;
    if (!std::regex_search(xml.begin(), xml.end(), match, reg)) return std::nullopt;
    return static_cast<unsigned>(std::stoul(match[1].str()));
}

std::string hex(std::size_t n) {
    char text[17];
    std::snprintf(text, sizeof text, "%zx", n);
    return text;
}

std::string cpu_name(std::size_t index) {
    return "CPU " + std::to_string(index);
}

bool is_register_value(const std::string& reply) {
    if (reply.empty() || reply.size() % 2 != 0) return false;
    for (const char c : reply) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

}  // namespace

std::optional<unsigned> stimecmp_register(std::string_view csr_xml) {
    if (const auto own = regnum_of(csr_xml, "stimecmp")) return own;
    const auto sstatus = regnum_of(csr_xml, "sstatus");
    if (!sstatus || *sstatus < csr_sstatus) return std::nullopt;
    return *sstatus - csr_sstatus + csr_stimecmp;
}

std::vector<std::string> thread_ids(std::string_view reply) {
    std::vector<std::string> ids;
    if (reply.empty() || reply.front() != 'm') return ids;
    reply.remove_prefix(1);
    while (!reply.empty()) {
        const auto comma = reply.find(',');
        ids.emplace_back(reply.substr(0, comma));
        if (comma == std::string_view::npos) break;
        reply.remove_prefix(comma + 1);
    }
    return ids;
}

timer_rearmer::timer_rearmer(boost::asio::io_context& io, qmp_client& qmp, std::string socket_path,
                             std::string label, std::string off_setting)
    : io_(io),
      qmp_(qmp),
      socket_path_(std::move(socket_path)),
      label_(std::move(label)),
      off_setting_(std::move(off_setting)),
      deadline_(io) {}

void timer_rearmer::start(std::function<void()> then) {
    then_ = std::move(then);
    // QEMU's chardev options are comma-separated: a comma cannot be in the path.
    if (socket_path_.find(',') != std::string::npos)
        return finish("the runtime folder's path has a comma, which QEMU's gdbserver cannot take");
    try {
        channel_ = std::make_shared<unix_channel>(io_, socket_path_, "gdbstub", 4096);
    } catch (const std::exception& e) {
        return finish(socket_path_ + ": " + e.what());
    }
    remote_ = std::make_unique<gdb_remote>(channel_);
    channel_->on_connect(std::bind_front(&timer_rearmer::on_connect, this));
    channel_->on_close(std::bind_front(&timer_rearmer::on_close, this));
    channel_->start();
    deadline_.expires_after(gdbstub_patience);
    deadline_.async_wait(std::bind_front(&timer_rearmer::on_deadline, this));
    // QEMU connects to the launcher's socket, then waits, paused, for requests.
    qmp_.human_command("gdbserver unix:" + socket_path_,
                       std::bind_front(&timer_rearmer::on_gdbserver, this));
}

void timer_rearmer::on_connect() {
    read_feature(0);
}

void timer_rearmer::on_close() {
    finish("QEMU's gdbstub closed the connection");
}

void timer_rearmer::on_deadline(boost::system::error_code ec) {
    if (!ec) finish("QEMU's gdbstub did not answer in 20 s");
}

void timer_rearmer::on_gdbserver(const std::string& output) {
    if (output.find("Waiting for gdb connection") == std::string::npos)
        finish("gdbserver: " + output.substr(0, output.find('\n')));
}

// riscv-csr.xml comes in pieces: "m" and more to follow, "l" and the last.
void timer_rearmer::read_feature(std::size_t offset) {
    remote_->request("qXfer:features:read:riscv-csr.xml:" + hex(offset) + ",800",
                     std::bind_front(&timer_rearmer::on_feature, this, offset));
}

void timer_rearmer::on_feature(std::size_t offset, const std::string& reply) {
    if (reply.empty() || (reply[0] != 'm' && reply[0] != 'l'))
        return finish("no riscv-csr.xml from QEMU's gdbstub (" + reply + ")");
    csr_xml_ += reply.substr(1);
    if (reply[0] == 'm') return read_feature(offset + reply.size() - 1);
    const auto stimecmp = stimecmp_register(csr_xml_);
    if (!stimecmp) return finish("no stimecmp in QEMU's riscv-csr.xml");
    stimecmp_ = *stimecmp;
    list_threads("qfThreadInfo");
}

void timer_rearmer::list_threads(const std::string& query) {
    remote_->request(query, std::bind_front(&timer_rearmer::on_threads, this));
}

void timer_rearmer::on_threads(const std::string& reply) {
    if (reply.empty() || reply[0] == 'E')
        return finish("QEMU's gdbstub listed no CPUs (" + reply + ")");
    if (reply[0] == 'l') {
        if (threads_.empty()) return finish("QEMU's gdbstub listed no CPUs");
        return rearm_cpu(0);
    }
    for (auto& id : thread_ids(reply))
        threads_.push_back(std::move(id));
    list_threads("qsThreadInfo");
}

// Hg picks the CPU, p reads its stimecmp, P writes the same value back.
void timer_rearmer::rearm_cpu(std::size_t index) {
    if (index == threads_.size()) return finish("");
    remote_->request("Hg" + threads_[index],
                     std::bind_front(&timer_rearmer::on_cpu_picked, this, index));
}

void timer_rearmer::on_cpu_picked(std::size_t index, const std::string& picked) {
    if (picked != "OK") return finish(cpu_name(index) + " not selectable (" + picked + ")");
    remote_->request("p" + hex(stimecmp_),
                     std::bind_front(&timer_rearmer::write_back, this, index));
}

void timer_rearmer::write_back(std::size_t index, const std::string& value) {
    if (!is_register_value(value))
        return finish(cpu_name(index) + "'s stimecmp unreadable (" + value +
                      "); does it have Sstc?");
    remote_->request("P" + hex(stimecmp_) + "=" + value,
                     std::bind_front(&timer_rearmer::on_written, this, index));
}

void timer_rearmer::on_written(std::size_t index, const std::string& written) {
    if (written != "OK")
        return finish(cpu_name(index) + "'s stimecmp not written (" + written + ")");
    rearm_cpu(index + 1);
}

void timer_rearmer::finish(const std::string& failure) {
    if (finished_) return;
    finished_ = true;
    deadline_.cancel();
    if (failure.empty()) {
        std::cerr << "launcher: " << label_ << ": timers re-armed on " << threads_.size()
                  << " CPUs\n";
    } else {
        std::cerr << "launcher: " << label_ << ": caution: the timers were not re-armed ("
                  << failure << "): the resumed guest may stall until each CPU is woken; "
                  << off_setting_ << "=off boots cold\n";
    }
    // The stub goes; the guest stays paused until the loader's cont.
    qmp_.human_command("gdbserver none", std::bind_front(&timer_rearmer::on_stub_gone, this));
}

void timer_rearmer::on_stub_gone(const std::string&) {
    if (channel_) channel_->close();
    then_();
}

}  // namespace launcher
