// The front role put together: its state, the discovery, and a listener
// that gives each connection a front_session.
#pragma once

#include "listener.hpp"
#include "server_state.hpp"

#include <boost/asio/io_context.hpp>

#include <memory>

namespace console {

// Starts the discovery and returns the listener (not yet accepting).
std::shared_ptr<listener> make_front_listener(boost::asio::io_context& ioc,
                                              const std::shared_ptr<const server_state>& state);

}  // namespace console
