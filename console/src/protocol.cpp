// Encoding and decoding of the console's frames (opcodes in protocol.hpp).
#include "protocol.hpp"

namespace console::protocol {

namespace {

bool takes_no_payload(char opcode) {
    return opcode == client_pause || opcode == client_resume || opcode == client_keepalive;
}

std::uint16_t read_u16(std::string_view bytes) {
    const auto high = static_cast<unsigned char>(bytes[0]);
    const auto low = static_cast<unsigned char>(bytes[1]);
    return static_cast<std::uint16_t>(high << 8 | low);
}

}  // namespace

std::optional<client_message> decode_client(std::string_view frame) {
    if (frame.empty()) return std::nullopt;
    const client_message message{frame.front(), frame.substr(1)};
    if (message.opcode == client_input) return message;
    if (message.opcode == client_resize)
        return message.payload.size() == 4 ? std::optional{message} : std::nullopt;
    if (takes_no_payload(message.opcode) && message.payload.empty()) return message;
    return std::nullopt;
}

std::optional<window_size> decode_resize(std::string_view payload) {
    if (payload.size() != 4) return std::nullopt;
    const window_size size{read_u16(payload), read_u16(payload.substr(2))};
    if (size.columns == 0 || size.rows == 0) return std::nullopt;
    return size;
}

std::string encode(char opcode, std::string_view payload) {
    std::string frame;
    frame.reserve(payload.size() + 1);
    frame.push_back(opcode);
    frame.append(payload);
    return frame;
}

std::string encode_resize(window_size size) {
    const char payload[4] = {
        static_cast<char>(size.columns >> 8), static_cast<char>(size.columns & 0xff),
        static_cast<char>(size.rows >> 8), static_cast<char>(size.rows & 0xff)};
    return encode(client_resize, std::string_view(payload, 4));
}

}  // namespace console::protocol
