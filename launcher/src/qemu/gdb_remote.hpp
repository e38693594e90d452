#pragma once
// A client of QEMU's gdbstub in the GDB remote serial protocol: each request
// is one packet "$payload#checksum", each reply one packet back, and each
// packet received is acknowledged with "+". QEMU connects to a socket the
// launcher listens on (the monitor command "gdbserver unix:PATH").
#include "qemu/unix_channel.hpp"

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace launcher {

// "$payload#xx": xx is the sum of the payload's bytes modulo 256, in hex.
std::string gdb_packet(std::string_view payload);

// Cuts a byte stream into packets. Acknowledgements between packets are
// skipped, "}" escapes undone; run-length encoding is not expected (QEMU's
// gdbstub does not send it).
class gdb_packet_reader {
public:
    using packet_handler = std::function<void(std::string_view payload, bool intact)>;
    // Calls `on_packet` for each packet completed by `bytes`, with whether its
    // checksum matched.
    void feed(std::string_view bytes, const packet_handler& on_packet);

private:
    std::string buffer_;
};

class gdb_remote {
public:
    using reply_handler = std::function<void(const std::string& reply)>;

    explicit gdb_remote(std::shared_ptr<unix_channel> channel);

    // Sends one request; `on_reply` gets the payload of the packet that answers it.
    void request(std::string_view payload, reply_handler on_reply);

private:
    void on_data(std::string_view bytes);
    void on_packet(std::string_view payload, bool intact);

    std::shared_ptr<unix_channel> channel_;
    gdb_packet_reader reader_;
    std::deque<reply_handler> pending_;  // the stub answers in the order asked
};

}  // namespace launcher
