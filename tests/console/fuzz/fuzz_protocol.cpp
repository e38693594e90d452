// The WebSocket message decoder: any frame is a message or refused, and a
// decoded resize encodes back to the same frame.
#include "protocol.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view frame(reinterpret_cast<const char*>(data), size);
    const auto message = console::protocol::decode_client(frame);
    if (!message) return 0;
    if (message->opcode != console::protocol::client_resize) return 0;
    const auto window = console::protocol::decode_resize(message->payload);
    if (window && console::protocol::encode_resize(*window) != frame) std::abort();
    return 0;
}
