// The recording, read from the launcher's socket a piece at a time and sent
// as HTTP chunks: one piece in memory per download, however long the file.
#include "recording_download.hpp"

#include "namespaces.hpp"

#include <chrono>

namespace console {
namespace {

using namespace std::chrono_literals;

constexpr auto write_timeout = 30s;  // a browser that reads nothing for this long is cut off

}  // namespace

recording_download::recording_download(beast::tcp_stream& stream, std::shared_ptr<void> owner,
                                       const std::string& socket_path, const request& req,
                                       std::string file_name, refusal refuse)
    : stream_(stream),
      owner_(std::move(owner)),
      launcher_(stream.get_executor()),
      socket_path_(socket_path),
      request_(req),
      file_name_(std::move(file_name)),
      refuse_(std::move(refuse)) {}

void recording_download::start() {
    launcher_.async_connect(socket_path_, beast::bind_front_handler(&recording_download::on_connect,
                                                                    shared_from_this()));
}

void recording_download::on_connect(beast::error_code ec) {
    if (ec)
        return refuse_(text_response(request_, http::status::service_unavailable,
                                     "no recording: the launcher's recording socket does not "
                                     "answer (" +
                                         ec.message() + ")"));
    launcher_.async_read_some(
        net::buffer(piece_),
        beast::bind_front_handler(&recording_download::on_first_read, shared_from_this()));
}

// Nothing sent yet: a launcher that closes at once (busy, or no recording) still gets a status.
void recording_download::on_first_read(beast::error_code, std::size_t bytes) {
    if (bytes == 0)
        return refuse_(text_response(request_, http::status::service_unavailable,
                                     "no recording now: the launcher sent none (too many "
                                     "downloads at once, or the recording has stopped)"));
    piece_bytes_ = bytes;
    header_ = chunked_download_head(request_.version(), "application/x-asciicast",
                                    "attachment; filename=\"" + file_name_ + "\"");
    serializer_.emplace(header_);
    stream_.expires_after(write_timeout);
    http::async_write_header(
        stream_, *serializer_,
        beast::bind_front_handler(&recording_download::on_header_sent, shared_from_this()));
}

void recording_download::on_header_sent(beast::error_code ec, std::size_t) {
    if (ec) return close();
    if (request_.method() == http::verb::head) return close();
    stream_.expires_after(write_timeout);
    net::async_write(
        stream_, http::make_chunk(net::buffer(piece_.data(), piece_bytes_)),
        beast::bind_front_handler(&recording_download::on_chunk_sent, shared_from_this()));
}

void recording_download::on_chunk_sent(beast::error_code ec, std::size_t) {
    if (ec) return close();
    read_more();
}

void recording_download::read_more() {
    launcher_.async_read_some(
        net::buffer(piece_),
        beast::bind_front_handler(&recording_download::on_read, shared_from_this()));
}

void recording_download::on_read(beast::error_code ec, std::size_t bytes) {
    if (bytes > 0) {
        stream_.expires_after(write_timeout);
        return net::async_write(
            stream_, http::make_chunk(net::buffer(piece_.data(), bytes)),
            beast::bind_front_handler(&recording_download::on_chunk_sent, shared_from_this()));
    }
    // The launcher closed: the whole file was sent. Any other end cuts the
    // download short, without the last chunk, so the browser sees it failed.
    if (ec != net::error::eof) return close();
    stream_.expires_after(write_timeout);
    net::async_write(
        stream_, http::make_chunk_last(),
        beast::bind_front_handler(&recording_download::on_last_sent, shared_from_this()));
}

void recording_download::on_last_sent(beast::error_code, std::size_t) {
    close();
}

void recording_download::close() {
    beast::error_code ignored;
    launcher_.close(ignored);
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    stream_.close();
}

}  // namespace console
