// Asks a DNS server over UDP for the A records of a name, trying the names
// the search list makes of it (resolv_conf) until one exists. The front's own
// stub resolver: its image has no NSS configuration, and it needs every
// address of a headless Service, fresh each time.
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

// Resolves `name` through `server`: each candidate name is asked twice at
// most, 1 s apart; a reply that is not the answer (another id, another
// question) is ignored. `done` gets the addresses (empty when no candidate
// exists), or nullopt when the server failed or did not answer.
void resolve_name(const boost::asio::any_io_executor& executor,
                  const boost::asio::ip::udp::endpoint& server, const resolver_config& config,
                  const std::string& name, std::function<void(std::optional<address_list>)> done);

}  // namespace console
