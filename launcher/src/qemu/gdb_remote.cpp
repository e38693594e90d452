// A client of QEMU's gdbstub: packets framed, checksummed and matched to their requests.
#include "qemu/gdb_remote.hpp"

#include <cstdio>
#include <functional>

namespace launcher {

std::string gdb_packet(std::string_view payload) {
    unsigned sum = 0;
    for (const char c : payload)
        sum += static_cast<unsigned char>(c);
    char checksum[3];
    std::snprintf(checksum, sizeof checksum, "%02x", sum % 256);
    return "$" + std::string(payload) + "#" + checksum;
}

void gdb_packet_reader::feed(std::string_view bytes, const packet_handler& on_packet) {
    buffer_.append(bytes);
    for (;;) {
        const auto start = buffer_.find('$');
        if (start == std::string::npos) {
            buffer_.clear();  // acknowledgements only
            return;
        }
        const auto end = buffer_.find('#', start);
        // The two checksum digits must be there too.
        if (end == std::string::npos || buffer_.size() < end + 3) {
            buffer_.erase(0, start);
            return;
        }
        const std::string_view framed(buffer_.data() + start + 1, end - start - 1);
        unsigned sum = 0;
        std::string payload;
        for (std::size_t i = 0; i < framed.size(); ++i) {
            sum += static_cast<unsigned char>(framed[i]);
            // "}" escapes the next byte, which is sent XORed with 0x20.
            if (framed[i] == '}' && i + 1 < framed.size()) {
                sum += static_cast<unsigned char>(framed[++i]);
                payload += static_cast<char>(framed[i] ^ 0x20);
            } else {
                payload += framed[i];
            }
        }
        unsigned sent = 0;
        const bool readable = std::sscanf(buffer_.c_str() + end + 1, "%2x", &sent) == 1;
        const bool intact = readable && sent == sum % 256;
        buffer_.erase(0, end + 3);
        on_packet(payload, intact);
    }
}

gdb_remote::gdb_remote(std::shared_ptr<unix_channel> channel) : channel_(std::move(channel)) {
    // `this` is owned by whoever owns the channel's run.
    channel_->on_data(std::bind_front(&gdb_remote::on_data, this));
}

void gdb_remote::on_data(std::string_view bytes) {
    reader_.feed(bytes, std::bind_front(&gdb_remote::on_packet, this));
}

void gdb_remote::request(std::string_view payload, reply_handler on_reply) {
    pending_.push_back(std::move(on_reply));
    channel_->send(gdb_packet(payload));
}

void gdb_remote::on_packet(std::string_view payload, bool intact) {
    // A damaged packet is asked for again ("-"); QEMU sends it once more.
    channel_->send(intact ? "+" : "-");
    if (!intact || pending_.empty()) return;
    const reply_handler handler = std::move(pending_.front());
    pending_.pop_front();
    handler(std::string(payload));
}

}  // namespace launcher
