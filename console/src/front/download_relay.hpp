// A VM's /recording.cast through the front: its console's chunked answer read
// a piece at a time and passed on as chunks, so a recording of any size goes
// through with one 64 KiB piece in memory (other pages the front fetches
// whole, up to 4 MiB).
#pragma once

#include "http_responses.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <functional>
#include <memory>
#include <optional>

namespace console {

class download_relay : public std::enable_shared_from_this<download_relay> {
public:
    // What the browser's connection answers instead when the VM's console
    // cannot be reached or does not answer 200.
    using refusal = std::function<void(response&&)>;

    // Relays `to_vm`'s answer from the console at `address` onto `browser`,
    // which `owner` (its connection) keeps alive; the connection ends with it.
    download_relay(boost::beast::tcp_stream& browser, std::shared_ptr<void> owner,
                   const boost::asio::ip::tcp::endpoint& address, request to_vm, const request& req,
                   refusal refuse);

    void start();

private:
    void unreachable(boost::beast::error_code ec);
    void on_connect(boost::beast::error_code ec);
    void on_request_sent(boost::beast::error_code ec, std::size_t);
    void on_vm_header(boost::beast::error_code ec, std::size_t);
    void on_header_sent(boost::beast::error_code ec, std::size_t);
    void read_piece();
    void on_piece(boost::beast::error_code ec, std::size_t);
    void on_chunk_sent(boost::beast::error_code ec, std::size_t);
    void close();

    boost::beast::tcp_stream& browser_;
    std::shared_ptr<void> owner_;
    boost::beast::tcp_stream vm_;
    boost::asio::ip::tcp::endpoint address_;
    request to_vm_;
    request request_;  // the browser's, for the refusals and the header
    refusal refuse_;
    boost::beast::flat_buffer buffer_;
    boost::beast::http::response_parser<boost::beast::http::buffer_body> parser_;
    download_head header_;
    std::optional<boost::beast::http::response_serializer<boost::beast::http::empty_body>>
        serializer_;
    std::array<char, 64 * 1024> piece_{};
};

}  // namespace console
