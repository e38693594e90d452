// The stub resolver: one connected UDP socket per look-up, a timer per try.
#include "front/dns_resolver.hpp"

#include "front/dns_message.hpp"
#include "namespaces.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <random>

namespace console {

using udp = net::ip::udp;

namespace {

constexpr auto try_timeout = std::chrono::seconds(1);
constexpr int tries_per_name = 2;

// A query id nobody off the path can guess, against forged answers.
std::uint16_t random_id() {
    thread_local std::mt19937 generator{std::random_device{}()};
    return static_cast<std::uint16_t>(generator());
}

// Owns the socket, the timer and the names left to try.
struct dns_lookup : std::enable_shared_from_this<dns_lookup> {
    dns_lookup(const net::any_io_executor& executor, std::vector<std::string> candidates,
               dns_type asked_type, std::function<void(std::optional<dns_answer>)> callback)
        : socket(executor),
          timer(executor),
          names(std::move(candidates)),
          type(asked_type),
          done(std::move(callback)) {}

    void start(const udp::endpoint& server) {
        beast::error_code ec;
        socket.open(server.protocol(), ec);
        if (!ec) socket.connect(server, ec);  // replies from elsewhere never arrive
        if (ec || names.empty()) return finish(std::nullopt);
        do_query();
    }

    void do_query() {
        id = random_id();
        query = encode_dns_query(id, names[next_name], type);
        if (query.empty()) return next_candidate();
        ++tries;
        socket.async_send(net::buffer(query),
                          beast::bind_front_handler(&dns_lookup::on_send, shared_from_this()));
        timer.expires_after(try_timeout);
        timer.async_wait(beast::bind_front_handler(&dns_lookup::on_timeout, shared_from_this()));
        do_receive();
    }

    void on_send(beast::error_code ec, std::size_t) {
        if (ec) finish(std::nullopt);
    }

    void do_receive() {
        socket.async_receive(net::buffer(reply), beast::bind_front_handler(&dns_lookup::on_receive,
                                                                           shared_from_this(), id));
    }

    void on_receive(std::uint16_t asked, beast::error_code ec, std::size_t size) {
        if (finished || asked != id) return;
        // A refused port (ICMP) or a reply that is not ours: wait for the timer.
        if (ec) return;
        auto answer =
            parse_dns_answer(std::string_view(reply.data(), size), id, names[next_name], type);
        switch (answer.result) {
            case dns_answer::outcome::addresses:
                return finish(std::move(answer));
            case dns_answer::outcome::no_such_name:
                timer.cancel();
                return next_candidate();
            case dns_answer::outcome::failed:
                return do_receive();
        }
    }

    void on_timeout(beast::error_code ec) {
        if (ec || finished) return;
        socket.cancel();
        if (tries < tries_per_name) return do_query();
        finish(std::nullopt);
    }

    void next_candidate() {
        tries = 0;
        if (++next_name == names.size())
            return finish(dns_answer{dns_answer::outcome::no_such_name, {}, {}, false});
        do_query();
    }

    // `answer`: records (none when no candidate exists), or nullopt: no answer.
    void finish(std::optional<dns_answer> answer) {
        if (finished) return;
        finished = true;
        timer.cancel();
        beast::error_code ignored;
        socket.close(ignored);
        done(std::move(answer));
    }

    udp::socket socket;
    net::steady_timer timer;
    std::vector<std::string> names;
    std::size_t next_name = 0;
    int tries = 0;
    dns_type type;
    std::uint16_t id = 0;
    std::string query;
    std::array<char, dns_payload_size> reply{};
    bool finished = false;
    std::function<void(std::optional<dns_answer>)> done;
};

}  // namespace

void resolve_name(const net::any_io_executor& executor, const udp::endpoint& server,
                  const resolver_config& config, const std::string& name,
                  std::function<void(std::optional<address_list>)> done) {
    std::make_shared<dns_lookup>(
        executor, candidate_names(name, config), dns_type::a,
        [done = std::move(done)](std::optional<dns_answer> answer) {
            done(answer ? std::optional(std::move(answer->addresses)) : std::nullopt);
        })
        ->start(server);
}

void resolve_address(const net::any_io_executor& executor, const udp::endpoint& server,
                     const net::ip::address_v4& address,
                     std::function<void(std::optional<name_list>)> done) {
    std::make_shared<dns_lookup>(
        executor, std::vector{reverse_name(address)}, dns_type::ptr,
        [done = std::move(done)](std::optional<dns_answer> answer) {
            done(answer ? std::optional(std::move(answer->names)) : std::nullopt);
        })
        ->start(server);
}

}  // namespace console
