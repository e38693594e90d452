// Merging a round's answers, the list's JSON, and its publication.
#include "front/vm_registry.hpp"

#include "front/front_routes.hpp"
#include "front/upstream_request.hpp"

#include <algorithm>
#include <iostream>
#include <set>

namespace console {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// The VM last seen at `address`, if any.
const vm_entry* last_at(const vm_list& previous, const boost::asio::ip::tcp::endpoint& address) {
    const auto found = std::find_if(previous.vms.begin(), previous.vms.end(),
                                    [&](const vm_entry& vm) { return vm.address == address; });
    return found == previous.vms.end() ? nullptr : &*found;
}

}  // namespace

bool natural_less(std::string_view a, std::string_view b) {
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size()) {
        if (is_digit(a[i]) && is_digit(b[j])) {
            // Compare the runs as numbers: fewer digits (without leading zeros) is smaller.
            const auto run = [](std::string_view s, std::size_t& at) {
                while (at < s.size() && s[at] == '0')
                    ++at;
                const auto start = at;
                while (at < s.size() && is_digit(s[at]))
                    ++at;
                return s.substr(start, at - start);
            };
            const auto x = run(a, i);
            const auto y = run(b, j);
            if (x.size() != y.size()) return x.size() < y.size();
            if (x != y) return x < y;
            continue;
        }
        if (a[i] != b[j]) return a[i] < b[j];
        ++i;
        ++j;
    }
    return a.size() - i < b.size() - j;
}

vm_list merge_round(const vm_list& previous, std::vector<peer_answer> answers) {
    vm_list next;
    next.complete = true;
    std::sort(answers.begin(), answers.end(),
              [](const peer_answer& x, const peer_answer& y) { return x.address < y.address; });
    for (auto& answer : answers)
        if (answer.status && is_reserved_name(answer.status->name)) answer.status.reset();
    std::set<std::string> names;
    // Answering consoles first: a VM that moved to a new address is listed there.
    for (auto& answer : answers) {
        if (!answer.status) continue;
        if (names.insert(answer.status->name).second)
            next.vms.push_back({std::move(*answer.status), answer.address});
        else
            ++next.unlisted;
    }
    // Silent now: the VM last seen there turns failed; one never seen is starting
    // under the name DNS gives it (or gave it last round); else only counted.
    for (const auto& answer : answers) {
        if (answer.status) continue;
        const vm_entry* last = last_at(previous, answer.address);
        const bool seen = last != nullptr && last->status.state != "starting";
        vm_entry silent;
        if (seen) {
            silent = *last;
            silent.status.state = "failed";
            silent.status.viewers = 0;
        } else {
            silent.status.name = !answer.dns_name.empty() ? answer.dns_name
                                 : last != nullptr        ? last->status.name
                                                          : std::string{};
            silent.status.state = "starting";
            silent.address = answer.address;
        }
        const auto& name = silent.status.name;
        if (name.empty() || is_reserved_name(name) || !names.insert(name).second) {
            ++next.unlisted;
            continue;
        }
        next.vms.push_back(std::move(silent));
    }
    std::sort(next.vms.begin(), next.vms.end(), [](const vm_entry& x, const vm_entry& y) {
        return natural_less(x.status.name, y.status.name);
    });
    return next;
}

std::string format_vm_list(const vm_list& list) {
    auto vms = nlohmann::ordered_json::array();
    for (const auto& vm : list.vms)
        vms.push_back(vm_status_json(vm.status));
    return dump_json({{"vms", std::move(vms)}, {"unlisted", list.unlisted}});
}

std::shared_ptr<const vm_list> vm_registry::current() const {
    const std::lock_guard lock(mutex_);
    return current_;
}

std::optional<vm_entry> vm_registry::find(std::string_view name) const {
    const auto list = current();
    for (const auto& vm : list->vms)
        if (vm.status.name == name) return vm;
    return std::nullopt;
}

void vm_registry::publish(vm_list list) {
    auto next = std::make_shared<const vm_list>(std::move(list));
    std::shared_ptr<const vm_list> last;
    {
        const std::lock_guard lock(mutex_);
        last = std::exchange(current_, next);
    }
    const auto listed = [](const vm_list& in, const vm_entry& vm) {
        return std::any_of(in.vms.begin(), in.vms.end(), [&](const vm_entry& other) {
            return other.status.name == vm.status.name && other.address == vm.address;
        });
    };
    for (const auto& vm : next->vms)
        if (!listed(*last, vm))
            std::cout << "console: front: VM " << vm.status.name << " at "
                      << host_header(vm.address) << "\n";
    for (const auto& vm : last->vms)
        if (!listed(*next, vm)) std::cout << "console: front: VM " << vm.status.name << " gone\n";
    std::cout.flush();
}

}  // namespace console
