#pragma once
// One telnet client of the serial console: libtelnet parses what it types,
// guest output reaches it through a bounded outbox with one write in flight.
// libtelnet.h uses size_t without including <cstddef>: the two stay in this order.
// clang-format off
#include <cstddef>
#include <libtelnet.h>
// clang-format on

#include "asio.hpp"
#include "net_parts/outbox.hpp"
#include "relay/console_hub.hpp"

#include <array>
#include <memory>

namespace launcher {

class telnet_session : public console_client, public std::enable_shared_from_this<telnet_session> {
public:
    // Past this many queued bytes the client is dropped, never waited for.
    static constexpr std::size_t queue_limit = 1024 * 1024;

    // A TCP or unix-domain connection.
    telnet_session(boost::asio::generic::stream_protocol::socket socket, console_hub& hub);

    // Negotiates options as QEMU's telnet server does, joins the hub, reads.
    void start();
    void deliver(const chunk& piece) override;
    // Bytes the client sent: telnet commands answered, keystrokes to the guest.
    void receive(std::string_view bytes);

private:
    struct telnet_deleter {
        void operator()(telnet_t* t) const { telnet_free(t); }
    };
    static void on_telnet_event(telnet_t* t, telnet_event_t* ev, void* user);

    void do_read();
    void on_read(boost::system::error_code ec, std::size_t n);
    void do_write();
    void on_write(boost::system::error_code ec, std::size_t n);
    void forward_keys(const char* data, std::size_t size);
    void close();

    boost::asio::generic::stream_protocol::socket socket_;
    console_hub& hub_;
    std::unique_ptr<telnet_t, telnet_deleter> telnet_;
    std::array<char, 4096> input_{};
    net_parts::outbox outbox_{queue_limit};
    bool after_cr_ = false;  // the last typed byte was CR
    bool closed_ = false;
};

}  // namespace launcher
