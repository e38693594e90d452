#pragma once
// passt (VM_NETWORK=passt): the guest takes the host's address, and host
// ports are forwarded to the same guest ports. The launcher starts passt
// before QEMU, waits for its socket, relays its messages to stderr and stops
// it after QEMU. passt runs with --no-map-gw, so the gateway address the
// guest sees is never the host's loopback.
#include "asio.hpp"
#include "process/child_process.hpp"
#include "qemu/passt_lease.hpp"
#include "settings/settings.hpp"

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace launcher {

// passt's argv: one-off, foreground, no gateway mapping, every port of `ports`
// (VM_PASST_PORTS as it fits, TCP and UDP) but the pod's own ports and the
// forwards' host ports, then the forwards. `run_as` is "UID:GID" or empty.
std::vector<std::string> build_passt_argv(const vm_settings& vm,
                                          const std::vector<port_range>& ports,
                                          const std::string& socket, std::uint16_t telnet_port,
                                          const std::string& run_as);

// The first folder on the way to `dir` (itself included) that `uid`:`gid`,
// without supplementary groups, may not enter, with its mode ("/tmp/x (mode
// 0700)"); empty when there is none.
std::string closed_folder(const std::string& dir, uid_t uid, gid_t gid);

// passt's lines worth showing: its banner and syslog complaints are dropped.
bool worth_relaying(const std::string& line);

class passt_process {
public:
    // Makes passt's private directory under VM_RUNTIME_DIR; throws naming it.
    passt_process(boost::asio::io_context& io, const vm_settings& vm);
    ~passt_process();
    passt_process(const passt_process&) = delete;
    passt_process& operator=(const passt_process&) = delete;

    std::string socket_path() const { return dir_ + "/passt.sock"; }
    // Starts passt and waits for its socket; throws with passt's last words.
    // `lease`, when given, is the address passt hands the guest instead of
    // this host's own (a hibernated guest's, which it still holds).
    void start(std::uint16_t telnet_port, const std::optional<dhcp_lease>& lease = std::nullopt);
    // The IPv4 lease passt said it gives the guest, once it said so.
    std::optional<dhcp_lease> lease() const { return lease_reader_.lease(); }
    // The wait status once passt has exited, reaping it; nullopt while it runs.
    std::optional<int> poll();
    // SIGTERM while it runs.
    void stop();

private:
    void wait_for_socket();
    std::string drain_messages();
    void do_read();
    void on_read(boost::system::error_code ec, std::size_t n);
    void relay(std::string_view text);

    const vm_settings& vm_;
    std::string dir_;
    std::string run_as_;  // passt's --runas, empty when the launcher is not root
    boost::asio::posix::stream_descriptor messages_;
    std::array<char, 4096> input_{};
    std::string partial_line_;
    lease_reader lease_reader_;
    std::optional<child_process> child_;  // once started
};

}  // namespace launcher
