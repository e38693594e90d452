// How the front finds its VMs without the Kubernetes API: every poll interval
// it looks up each --peers name (all A records of a headless Service), asks
// every address's console for GET /status, asks DNS for the name of each
// address whose console does not answer (a pod still starting: its init
// containers, its console), and publishes the merged list. One round at a
// time, all on one strand.
#pragma once

#include "console_config.hpp"
#include "front/dns_resolver.hpp"
#include "front/front_state.hpp"
#include "front/upstream_request.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace console {

// The VM name in the PTR names of `address`, found by looking up `service`:
// the first label of a name that lies under `service` (as Kubernetes DNS names
// a headless Service's pod, <pod>.<service>.<namespace>.svc.<zone>), when
// that label is a VM name and not the address written with dashes (the name
// of a pod without a host name); empty when none is.
std::string vm_name_of_pointers(const std::vector<std::string>& names, std::string_view service,
                                const boost::asio::ip::address_v4& address);

class peer_discovery : public std::enable_shared_from_this<peer_discovery> {
public:
    // Reads /etc/resolv.conf when a peer is a name and no --dns-server is given.
    peer_discovery(boost::asio::io_context& ioc, const console_config& config,
                   std::shared_ptr<front_state> front);

    // The first round now, the next one poll interval after each.
    void run();

private:
    void do_round();
    void on_resolved(std::size_t peer, std::optional<address_list> addresses);
    void ask_consoles();
    void on_status(std::size_t index, boost::beast::error_code ec, upstream_response res);
    void note_refusal(const boost::asio::ip::tcp::endpoint& address, bool refused);
    void name_silent_addresses();
    void on_address_names(std::size_t index, std::optional<name_list> names);
    void finish_round();
    void on_timer(boost::beast::error_code ec);

    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    boost::asio::steady_timer timer_;
    const console_config config_;
    std::shared_ptr<front_state> front_;
    resolver_config resolver_;
    boost::asio::ip::udp::endpoint dns_server_;
    // Per --peers entry: its addresses as last looked up (kept when DNS fails).
    std::vector<std::vector<boost::asio::ip::tcp::endpoint>> peer_addresses_;
    std::vector<peer_answer> answers_;       // this round's, one per address
    std::vector<std::size_t> answer_peers_;  // the --peers entry each came from
    std::vector<bool> http_answered_;        // each's console gave an HTTP answer (usable or not)
    std::size_t pending_ = 0;                // look-ups or requests still out
    std::set<boost::asio::ip::tcp::endpoint> refused_;  // answered 401, said once
};

}  // namespace console
