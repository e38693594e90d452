#pragma once
// A tiny qcow2 file written byte by byte: 512-byte clusters, header, L1 at
// 1024, refcount table at 1536, one refcount block at 2048, one snapshot
// entry at 2560 named `snapshot` with 4096 bytes of VM state. `refcount` is
// the first cluster's: 2 when shared with the snapshot, 1 once written after it.
#include <cstdint>
#include <string>

namespace launcher_test {

inline std::string tiny_qcow2(const std::string& snapshot, std::uint64_t refcount = 2) {
    std::string file(3072, '\0');
    const auto put = [&file](std::size_t at, std::uint64_t value, int width) {
        for (int i = width - 1; i >= 0; --i, value >>= 8)
            file[at + static_cast<std::size_t>(i)] = static_cast<char>(value & 0xff);
    };
    file.replace(0, 4, "QFI\xfb");
    put(4, 3, 4);                        // version
    put(20, 9, 4);                       // cluster bits
    put(24, 1 << 20, 8);                 // virtual size
    put(36, 1, 4);                       // L1 entries
    put(40, 1024, 8);                    // L1 offset
    put(48, 1536, 8);                    // refcount table offset
    put(56, 1, 4);                       // refcount table clusters
    put(60, 1, 4);                       // snapshots
    put(64, 2560, 8);                    // snapshot table offset
    put(1536, 2048, 8);                  // refcount block
    put(2048, refcount, 2);              // a cluster shared by the snapshot and the active image
    put(2560 + 12, 1, 2);                // id size
    put(2560 + 14, snapshot.size(), 2);  // name size
    put(2560 + 32, 4096, 4);             // VM state size
    file.replace(2560 + 40, 1 + snapshot.size(), "1" + snapshot);
    return file;
}

}  // namespace launcher_test
