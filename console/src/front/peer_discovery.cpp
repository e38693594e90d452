// The discovery round: names to addresses, addresses to VMs.
#include "front/peer_discovery.hpp"

#include "front/front_routes.hpp"
#include "namespaces.hpp"
#include "vm_status.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <set>

namespace console {

using tcp = net::ip::tcp;

namespace {

constexpr upstream_limits status_limits{max_vm_status_reply, std::chrono::seconds(2)};
constexpr std::size_t max_addresses = 1024;  // consoles asked in one round at most

// The address of a peer given as one, else nullopt (a name to look up).
std::optional<net::ip::address> literal_address(const std::string& host) {
    beast::error_code ec;
    const auto address = net::ip::make_address(host, ec);
    return ec ? std::nullopt : std::optional(address);
}

bool any_name(const std::vector<endpoint>& peers) {
    return std::any_of(peers.begin(), peers.end(),
                       [](const endpoint& peer) { return !literal_address(peer.host); });
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// --dns-server, else resolv.conf's first nameserver, else the local one, as glibc.
net::ip::udp::endpoint dns_server_of(const console_config& config,
                                     const resolver_config& resolver) {
    if (!config.dns_server.host.empty())
        return {net::ip::make_address(config.dns_server.host), config.dns_server.port};
    for (const auto& server : resolver.nameservers)
        if (const auto address = literal_address(server)) return {*address, 53};
    return {net::ip::make_address("127.0.0.1"), 53};
}

// `host` lower-cased, without a trailing dot.
std::string dns_form(std::string_view host) {
    std::string out(host);
    if (!out.empty() && out.back() == '.') out.pop_back();
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

std::string vm_name_of_pointers(const std::vector<std::string>& names, std::string_view service,
                                const net::ip::address_v4& address) {
    const auto under = dns_form(service);
    auto dashed = address.to_string();
    std::replace(dashed.begin(), dashed.end(), '.', '-');
    for (const auto& name : names) {
        const auto dot = name.find('.');
        if (dot == std::string::npos) continue;
        const std::string_view label(name.data(), dot);
        const std::string_view rest = std::string_view(name).substr(dot + 1);
        const bool below = rest == under || (rest.size() > under.size() &&
                                             rest.starts_with(under) && rest[under.size()] == '.');
        if (below && is_vm_name(label) && label != dashed) return std::string(label);
    }
    return {};
}

peer_discovery::peer_discovery(net::io_context& ioc, const console_config& config,
                               std::shared_ptr<front_state> front)
    : strand_(net::make_strand(ioc)),
      timer_(strand_),
      config_(config),
      front_(std::move(front)),
      peer_addresses_(config.peers.size()) {
    if (any_name(config.peers)) resolver_ = parse_resolv_conf(read_file("/etc/resolv.conf"));
    dns_server_ = dns_server_of(config, resolver_);
}

void peer_discovery::run() {
    net::dispatch(strand_,
                  beast::bind_front_handler(&peer_discovery::do_round, shared_from_this()));
}

// Each name is looked up again every round: VMs come and go with the Service's records.
void peer_discovery::do_round() {
    pending_ = config_.peers.size();
    for (std::size_t peer = 0; peer < config_.peers.size(); ++peer) {
        const auto& where = config_.peers[peer];
        if (const auto address = literal_address(where.host)) {
            net::post(strand_, beast::bind_front_handler(&peer_discovery::on_resolved,
                                                         shared_from_this(), peer, std::nullopt));
            peer_addresses_[peer] = {{*address, where.port}};
            continue;
        }
        resolve_name(
            strand_, dns_server_, resolver_, where.host,
            beast::bind_front_handler(&peer_discovery::on_resolved, shared_from_this(), peer));
    }
}

void peer_discovery::on_resolved(std::size_t peer, std::optional<address_list> addresses) {
    const auto& where = config_.peers[peer];
    if (addresses) {
        peer_addresses_[peer].clear();
        for (const auto& address : *addresses)
            peer_addresses_[peer].emplace_back(address, where.port);
    } else if (!literal_address(where.host)) {
        // No answer: keep what the last look-up found rather than drop every VM.
        ++front_->counters.dns_failures;
        std::cerr << "console: front: no DNS answer for " << where.host << "\n";
    }
    if (--pending_ == 0) ask_consoles();
}

void peer_discovery::ask_consoles() {
    std::map<tcp::endpoint, std::size_t> addresses;  // each with the first peer that gave it
    for (std::size_t peer = 0; peer < peer_addresses_.size(); ++peer)
        for (const auto& address : peer_addresses_[peer])
            if (addresses.size() < max_addresses) addresses.emplace(address, peer);
    answers_.clear();
    answer_peers_.clear();
    http_answered_.assign(addresses.size(), false);
    for (const auto& [address, peer] : addresses) {
        answers_.push_back({address, std::nullopt, {}});
        answer_peers_.push_back(peer);
    }
    pending_ = answers_.size();
    if (pending_ == 0) return finish_round();
    for (std::size_t index = 0; index < answers_.size(); ++index) {
        const auto& address = answers_[index].address;
        fetch_upstream(
            strand_, address,
            upstream_get(address, peer_target(front_->peer_base_path, "/status"),
                         front_->vm_authorization),
            status_limits,
            beast::bind_front_handler(&peer_discovery::on_status, shared_from_this(), index));
    }
}

void peer_discovery::on_status(std::size_t index, beast::error_code ec, upstream_response res) {
    http_answered_[index] = !ec;
    if (!ec && res.result() == http::status::ok)
        answers_[index].status = parse_vm_status(res.body());
    note_refusal(answers_[index].address, !ec && res.result() == http::status::unauthorized);
    if (--pending_ == 0) name_silent_addresses();
}

// A console that wants other credentials is not listed: said once, as the cause to fix.
void peer_discovery::note_refusal(const tcp::endpoint& address, bool refused) {
    if (!refused) {
        refused_.erase(address);
        return;
    }
    if (refused_.insert(address).second)
        std::cerr << "console: front: the console at " << host_header(address)
                  << " refused the front's credentials (give the front and the consoles the "
                     "same CONSOLE_AUTH_FILE)\n";
}

// A looked-up address where no console answers HTTP yet: its pod may be
// starting. DNS names it (the PTR record Kubernetes DNS keeps for a headless
// Service's pod), so the list can show the VM before its console answers. An
// address whose console did answer, unusably or refusing the front's
// credentials, is a console to fix, not one starting: it stays unlisted.
void peer_discovery::name_silent_addresses() {
    std::vector<std::size_t> silent;
    for (std::size_t index = 0; index < answers_.size(); ++index) {
        const auto& address = answers_[index].address.address();
        if (!answers_[index].status && !http_answered_[index] && address.is_v4() &&
            !literal_address(config_.peers[answer_peers_[index]].host))
            silent.push_back(index);
    }
    pending_ = silent.size();
    if (pending_ == 0) return finish_round();
    for (const auto index : silent)
        resolve_address(strand_, dns_server_, answers_[index].address.address().to_v4(),
                        beast::bind_front_handler(&peer_discovery::on_address_names,
                                                  shared_from_this(), index));
}

void peer_discovery::on_address_names(std::size_t index, std::optional<name_list> names) {
    if (names)
        answers_[index].dns_name =
            vm_name_of_pointers(*names, config_.peers[answer_peers_[index]].host,
                                answers_[index].address.address().to_v4());
    if (--pending_ == 0) finish_round();
}

void peer_discovery::finish_round() {
    front_->registry.publish(merge_round(*front_->registry.current(), std::move(answers_)));
    ++front_->counters.discovery_rounds;
    answers_.clear();
    answer_peers_.clear();
    timer_.expires_after(std::chrono::seconds(config_.poll_interval_seconds));
    timer_.async_wait(beast::bind_front_handler(&peer_discovery::on_timer, shared_from_this()));
}

void peer_discovery::on_timer(beast::error_code ec) {
    if (!ec) do_round();
}

}  // namespace console
