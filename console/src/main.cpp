// console: serves the VM's serial console to browsers, or, as the front, the
// list of a fleet's VMs and each one's console (see console/README.md).
#include "console_config.hpp"
#include "front/front_server.hpp"
#include "listener.hpp"
#include "server_state.hpp"

#include <boost/asio/signal_set.hpp>

#include <iostream>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
    console::console_config config;
    int exit_code = 0;
    if (!console::parse_config(argc, argv, config, exit_code)) return exit_code;
    try {
        auto state = std::make_shared<const console::server_state>(config);
        boost::asio::io_context ioc(static_cast<int>(config.threads));
        const bool front = config.role == console::console_role::front;
        auto server = front ? console::make_front_listener(ioc, state)
                            : console::make_console_listener(ioc, state);
        server->run();
        // SIGTERM (Kubernetes) and SIGINT stop the server at once; sessions just end.
        boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&ioc](auto, int) { ioc.stop(); });
        const auto where = server->local_endpoint();
        std::cout << "console: serving http://" << where.address().to_string() << ":"
                  << where.port() << " "
                  << (front ? "as the front of " + console::describe_peers(config.peers)
                            : "for telnet " + console::describe(config.telnet))
                  << std::endl;
        if (!config.base_path.empty())
            std::cout << "console: under base path " << config.base_path << "/" << std::endl;
        std::vector<std::thread> workers;
        for (unsigned i = 1; i < config.threads; ++i)
            workers.emplace_back([&ioc] { ioc.run(); });
        ioc.run();
        for (auto& worker : workers)
            worker.join();
    } catch (const std::exception& error) {
        std::cerr << "console: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
