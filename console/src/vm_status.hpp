// What a console tells the front about its VM: GET /status answers one flat
// JSON object (name, state, how it started, uptime, vCPUs, memory, viewers).
// The console writes it, the front reads it back strictly: the reply crosses
// the network and is not trusted.
#pragma once

#include "launcher_status.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace console {

// Most a /status reply may hold; a longer one is refused whole.
inline constexpr std::size_t max_vm_status_reply = 4096;

struct vm_status {
    std::string name;                         // the VM's name: a DNS label (the pod's name)
    std::string state;                        // booting, ready, unready or stopped
    std::string start;                        // cold, warm, hibernate or empty (not known)
    std::optional<double> uptime_seconds;     // the launcher's
    std::optional<std::uint64_t> vcpus;       // the guest's CPUs
    std::optional<std::uint64_t> memory_mib;  // the guest's RAM
    std::uint64_t viewers = 0;                // WebSocket sessions open on the console
};

// The VM as its console sees it: the launcher's reply, or "stopped" when the
// launcher gave none (not started, shutting down, saving its guest).
vm_status describe_vm(const std::string& name, std::uint64_t viewers,
                      const std::optional<launcher_status>& launcher);

// The JSON object of GET /status: known values only, no whitespace.
std::string format_vm_status(const vm_status& status);

// A /status reply, or nullopt when anything is wrong: not one JSON object
// (nlohmann-json's parser), a name that is not a DNS label, an unknown state,
// a value of the wrong type or out of range, a key twice, over
// max_vm_status_reply. Members this front does not know are skipped (a newer
// console may say more).
std::optional<vm_status> parse_vm_status(std::string_view reply);

// A DNS label as Kubernetes names pods: 1 to 63 of a-z, 0-9 and '-', starting
// and ending with a letter or digit.
bool is_vm_name(std::string_view name);

// This machine's host name as a VM name (a pod's host name is the pod's name):
// lower-cased, its first label; "vm" when that is not a DNS label.
std::string default_vm_name();

// The /status object, for a document that holds it (the front's vms.json).
nlohmann::ordered_json vm_status_json(const vm_status& status);

// JSON text of `value`, compact; never throws (bytes that are not UTF-8 become U+FFFD).
std::string dump_json(const nlohmann::ordered_json& value);

}  // namespace console
