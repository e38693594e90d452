// capture_output: a child's whole output, even when signals interrupt the reads.
#include "catch.hpp"
#include "process/child_process.hpp"

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

extern char** environ;

namespace {

void ignore_signal(int) {}

}  // namespace

TEST_CASE("capture_output reads on through signals", "[process]") {
    // A handler without SA_RESTART, as for the signals the launcher handles:
    // each delivery cuts a blocked read short with EINTR.
    struct sigaction action = {};
    struct sigaction previous = {};
    action.sa_handler = ignore_signal;
    sigemptyset(&action.sa_mask);
    REQUIRE(::sigaction(SIGUSR1, &action, &previous) == 0);

    std::atomic<bool> done{false};
    const pthread_t reader = ::pthread_self();
    std::thread interrupter([&] {
        while (!done) {
            ::pthread_kill(reader, SIGUSR1);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });
    // The child writes only after a few signals have reached the blocked read.
    const std::string output =
        launcher::capture_output({"/bin/sh", "-c", "sleep 0.3; echo first; sleep 0.2; echo second"},
                                 launcher::whole_environment(environ), "");
    done = true;
    interrupter.join();
    ::sigaction(SIGUSR1, &previous, nullptr);
    CHECK(output == "first\nsecond\n");
}
