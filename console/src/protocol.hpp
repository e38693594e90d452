// The console's WebSocket wire protocol: the single source of its opcodes.
// The page reads the same values from protocol.js, which the build generates
// from the `inline constexpr char` lines below (see console/cmake/protocol_js.cmake).
//
// Every message is a binary frame whose first byte is an opcode; the rest is
// the payload. '0' both ways is ttyd's: keystrokes up, terminal output down.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace console::protocol {

// Client to server.
inline constexpr char client_input = '0';      // payload: keystrokes, raw bytes
inline constexpr char client_resize = '1';     // payload: columns, rows (uint16 big-endian each)
inline constexpr char client_pause = '2';      // no payload: stop sending output (page is busy)
inline constexpr char client_resume = '3';     // no payload: send output again
inline constexpr char client_keepalive = '4';  // no payload: ignored; keeps idle proxies open

// Server to client.
inline constexpr char server_output = '0';     // payload: terminal bytes from the VM, raw
inline constexpr char server_title = '1';      // payload: UTF-8 title of the VM
inline constexpr char server_read_only = '2';  // no payload: keystrokes will be dropped

// The largest message a client may send; the page splits pastes below it.
inline constexpr std::size_t max_client_message = 64 * 1024;

// A decoded client message; `payload` views the frame it came from.
struct client_message {
    char opcode;
    std::string_view payload;
};

struct window_size {
    std::uint16_t columns;
    std::uint16_t rows;
};

// Splits a client frame; nullopt when it is empty or has an unknown opcode
// or a payload of the wrong size.
std::optional<client_message> decode_client(std::string_view frame);

// Reads a resize payload; nullopt unless it is exactly four bytes, both non-zero.
std::optional<window_size> decode_resize(std::string_view payload);

// Encoders, used by the server and by the tests that play the page.
std::string encode(char opcode, std::string_view payload = {});
std::string encode_resize(window_size size);

}  // namespace console::protocol
