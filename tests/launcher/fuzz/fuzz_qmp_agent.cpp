// QMP and guest-agent replies: the first byte chooses the reader, the rest is
// the byte stream QEMU (or the agent, after a sync with id 7) would send.
#include "agent/agent_commands.hpp"
#include "qemu/qmp_client.hpp"

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace {

// A private folder for the channels' socket paths, made once.
const std::filesystem::path& socket_dir() {
    static const std::filesystem::path dir = [] {
        std::string pattern = (std::filesystem::temp_directory_path() / "fuzz-qmp-XXXXXX").string();
        return std::filesystem::path(::mkdtemp(pattern.data()));
    }();
    return dir;
}

std::shared_ptr<launcher::unix_channel> channel(boost::asio::io_context& io, const char* name) {
    const auto path = socket_dir() / name;
    std::filesystem::remove(path);
    return std::make_shared<launcher::unix_channel>(io, path.string(), name, 65536);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    boost::asio::io_context io;
    auto monitor = channel(io, "qmp");
    auto agent = channel(io, "qga");
    if (data[0] % 2 == 0) {
        launcher::qmp_client qmp(monitor, agent);
        // The channel's reader: the bytes as two reads.
        qmp.handle_line(bytes);
        launcher::line_splitter lines(256);
        lines.feed(bytes, [&qmp](std::string_view line) { qmp.handle_line(line); });
    } else {
        launcher::agent_commands credentials(agent, "s3cret", "ssh-ed25519 AAAA k");
        credentials.start_with_id(7);
        const auto half = bytes.size() / 2;
        credentials.on_data(bytes.substr(0, half));
        credentials.on_data(bytes.substr(half));
    }
    return 0;
}
