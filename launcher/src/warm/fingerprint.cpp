// FNV-1a fingerprints of files and bytes for the warm-start manifest.
#include "warm/fingerprint.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace launcher {

void fingerprint::add(std::string_view bytes) {
    for (const char c : bytes) {
        state_ ^= static_cast<unsigned char>(c);
        state_ *= 0x100000001b3ULL;
    }
}

std::string fingerprint::hex() const {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(state_));
    return text;
}

std::string file_fingerprint(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot be read");
    fingerprint hash;
    std::vector<char> buffer(1 << 20);
    std::uint64_t size = 0;
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
        const auto n = static_cast<std::size_t>(in.gcount());
        hash.add(std::string_view(buffer.data(), n));
        size += n;
    }
    return std::to_string(size) + ":" + hash.hex();
}

}  // namespace launcher
