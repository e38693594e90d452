// VM_RECORDING_SOCKET: the recording, streamed from its files, one copy per connection.
#include "relay/recording_server.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <functional>
#include <vector>

namespace launcher {
namespace {

using stream = net::local::stream_protocol;

constexpr std::size_t max_downloads = 4;  // at once; more are closed at once
constexpr std::size_t piece_bytes = 64 * 1024;

// One client's copy: the parts' bytes as they were at the connect, read in
// pieces, one write at a time.
class recording_download : public std::enable_shared_from_this<recording_download> {
public:
    recording_download(stream::socket socket, std::vector<recording_part> parts,
                       std::shared_ptr<std::size_t> downloads)
        : socket_(std::move(socket)), parts_(std::move(parts)), downloads_(std::move(downloads)) {
        ++*downloads_;
    }
    ~recording_download() { --*downloads_; }
    recording_download(const recording_download&) = delete;
    recording_download& operator=(const recording_download&) = delete;

    void start() { send_next(); }

private:
    void send_next() {
        while (part_ < parts_.size()) {
            const recording_part& part = parts_[part_];
            const std::size_t left = part.length - sent_;
            const auto got = left == 0
                                 ? 0
                                 : ::pread(*part.fd, piece_.data(), std::min(left, piece_.size()),
                                           static_cast<off_t>(part.offset + sent_));
            if (got > 0) {
                sent_ += static_cast<std::size_t>(got);
                net::async_write(socket_, net::buffer(piece_.data(), static_cast<std::size_t>(got)),
                                 std::bind_front(&recording_download::on_sent, shared_from_this()));
                return;
            }
            // This part is done (or shorter than it was): the next one.
            sent_ = 0;
            ++part_;
        }
        error_code ignored;
        socket_.shutdown(stream::socket::shutdown_both, ignored);
    }

    void on_sent(error_code ec, std::size_t) {
        if (!ec) send_next();
    }

    stream::socket socket_;
    std::vector<recording_part> parts_;
    std::shared_ptr<std::size_t> downloads_;
    std::size_t part_ = 0;
    std::size_t sent_ = 0;  // of the current part
    std::array<char, piece_bytes> piece_{};
};

}  // namespace

recording_server::recording_server(net::io_context& io, const std::string& path,
                                   console_recording& recording)
    : recording_(recording),
      downloads_(std::make_shared<std::size_t>(0)),
      listener_(std::make_shared<net_parts::local_listener>(
          io.get_executor(), path, "VM_RECORDING_SOCKET", 0660,
          [this](stream::socket peer) { send(std::move(peer)); })) {}

// Too many at once: closed unanswered (the console says the recording is busy).
void recording_server::send(stream::socket peer) {
    if (*downloads_ < max_downloads)
        std::make_shared<recording_download>(std::move(peer), recording_.parts(), downloads_)
            ->start();
}

}  // namespace launcher
