// Wiring of the front: discovery feeding the registry the sessions read.
#include "front/front_server.hpp"

#include "front/front_session.hpp"
#include "front/front_state.hpp"
#include "front/peer_discovery.hpp"

namespace console {

std::shared_ptr<listener> make_front_listener(boost::asio::io_context& ioc,
                                              const std::shared_ptr<const server_state>& state) {
    auto front = std::make_shared<front_state>(state->config);
    std::make_shared<peer_discovery>(ioc, state->config, front)->run();
    auto start = [state, front](boost::asio::ip::tcp::socket&& socket) {
        std::make_shared<front_session>(std::move(socket), state, front)->run();
    };
    return std::make_shared<listener>(ioc, state, std::move(start));
}

}  // namespace console
