#pragma once
// What the warm start needs from a qcow2 disk, read straight from the file
// (big-endian header, snapshot table, refcounts): no QEMU process needed.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace launcher {

// One internal snapshot (savevm): its name and the size of its saved VM state.
struct qcow2_snapshot {
    std::string id;
    std::string name;
    std::uint64_t vm_state_bytes = 0;
    std::uint32_t date_seconds = 0;  // when it was taken, Unix time
};

struct qcow2_summary {
    std::uint64_t virtual_bytes = 0;
    std::vector<qcow2_snapshot> snapshots;
    // A hash of the active L1 table, the refcount table and every refcount
    // block. After a savevm every cluster is shared with the snapshot, so any
    // later write (copy-on-write, allocation, discard) changes a refcount.
    std::string metadata_fingerprint;

    const qcow2_snapshot* find(const std::string& name) const;
};

// The summary of a qcow2 file; nullopt when `path` is not qcow2 (no magic);
// throws std::runtime_error naming the file when it is cut short or damaged.
std::optional<qcow2_summary> read_qcow2(const std::string& path);

}  // namespace launcher
