// Asks a DNS server over UDP for the A records of a name, trying the names
// the search list makes of it (resolv_conf) until one exists, or for the
// names of an address (PTR). The front's own stub resolver: its image has no
// NSS configuration, and it needs every address of a headless Service, fresh
// each time.
#pragma once

#include "front/resolv_conf.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/udp.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace console {

using address_list = std::vector<boost::asio::ip::address_v4>;
using name_list = std::vector<std::string>;

// Resolves `name` through `server`: each candidate name is asked twice at
// most, 1 s apart; a reply that is not the answer (another id, another
// question) is ignored. `done` gets the addresses (empty when no candidate
// exists), or nullopt when the server failed or did not answer.
void resolve_name(const boost::asio::any_io_executor& executor,
                  const boost::asio::ip::udp::endpoint& server, const resolver_config& config,
                  const std::string& name, std::function<void(std::optional<address_list>)> done);

// The names `address` has (its PTR records under in-addr.arpa), asked of
// `server` as resolve_name asks; `done` gets them (empty when it has none),
// or nullopt when the server failed or did not answer.
void resolve_address(const boost::asio::any_io_executor& executor,
                     const boost::asio::ip::udp::endpoint& server,
                     const boost::asio::ip::address_v4& address,
                     std::function<void(std::optional<name_list>)> done);

}  // namespace console
