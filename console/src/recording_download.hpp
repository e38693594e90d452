// GET /recording.cast: the launcher's recording socket relayed to one browser
// as a chunked download. The console never reads the VM's data folder: the
// launcher sends the file, as it is at the connect, and closes.
#pragma once

#include "http_responses.hpp"

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace console {

class recording_download : public std::enable_shared_from_this<recording_download> {
public:
    // What the connection answers instead when no byte of the recording came.
    using refusal = std::function<void(response&&)>;

    // Streams on `stream`, which `owner` (its connection) keeps alive; the
    // connection ends with the download.
    recording_download(boost::beast::tcp_stream& stream, std::shared_ptr<void> owner,
                       const std::string& socket_path, const request& req, std::string file_name,
                       refusal refuse);

    void start();

private:
    void on_connect(boost::beast::error_code ec);
    void on_first_read(boost::beast::error_code ec, std::size_t bytes);
    void on_header_sent(boost::beast::error_code ec, std::size_t);
    void read_more();
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void on_chunk_sent(boost::beast::error_code ec, std::size_t);
    void on_last_sent(boost::beast::error_code ec, std::size_t);
    void close();

    boost::beast::tcp_stream& stream_;
    std::shared_ptr<void> owner_;
    boost::asio::local::stream_protocol::socket launcher_;
    std::string socket_path_;
    request request_;  // for the refusals and the header (method, version, keep-alive)
    std::string file_name_;
    refusal refuse_;
    download_head header_;
    std::optional<boost::beast::http::response_serializer<boost::beast::http::empty_body>>
        serializer_;
    std::array<char, 64 * 1024> piece_{};
    std::size_t piece_bytes_ = 0;
};

}  // namespace console
