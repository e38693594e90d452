#pragma once
// A stable 64-bit content fingerprint (FNV-1a), the same on every build and
// machine: what the warm-start manifest records of files and disk metadata.
#include <cstdint>
#include <string>
#include <string_view>

namespace launcher {

class fingerprint {
public:
    void add(std::string_view bytes);
    // 16 lower-case hex digits.
    std::string hex() const;

private:
    std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

// "SIZE:HASH" of a whole file; throws std::runtime_error naming it when unreadable.
std::string file_fingerprint(const std::string& path);

}  // namespace launcher
