// The VMs the front knows: each discovery round's answers merged with the last
// list, published for the sessions (index, proxy) to read from any thread.
#pragma once

#include "vm_status.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace console {

struct vm_entry {
    vm_status status;  // state "failed" when its console stopped answering, "starting"
                       // when it never answered but DNS names the address's VM
    boost::asio::ip::tcp::endpoint address;
};

// One address's answer to GET /status in a round; nullopt: none, or not usable.
struct peer_answer {
    boost::asio::ip::tcp::endpoint address;
    std::optional<vm_status> status;
    std::string dns_name;  // without a status: the VM DNS names at the address, if any
};

struct vm_list {
    std::vector<vm_entry> vms;  // by name, "vm-2" before "vm-10"
    std::size_t unlisted = 0;   // addresses without a usable answer and never named
    bool complete = false;      // a discovery round has made it
};

// The list after a round: each answering address with its VM (a name taken
// by an earlier address, or one of the front's own routes, is not listed);
// an address that stopped answering keeps its last VM, turned "failed"; an
// address that never answered is listed "starting" under the name DNS gives
// it, else only counted. Addresses no longer looked up are gone.
vm_list merge_round(const vm_list& previous, std::vector<peer_answer> answers);

// vms.json: {"vms":[{name, state, start, uptime_seconds, vcpus, memory_mib,
// viewers}...],"unlisted":N}; no addresses.
std::string format_vm_list(const vm_list& list);

// Natural order of names: digit runs compare as numbers ("vm-2" < "vm-10").
bool natural_less(std::string_view a, std::string_view b);

class vm_registry {
public:
    vm_registry() : current_(std::make_shared<const vm_list>()) {}

    // The list now; it stays valid while held.
    std::shared_ptr<const vm_list> current() const;
    // The VM called `name`, if listed.
    std::optional<vm_entry> find(std::string_view name) const;
    // Replaces the list; says on stdout which VMs came and went.
    void publish(vm_list list);

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const vm_list> current_;
};

}  // namespace console
