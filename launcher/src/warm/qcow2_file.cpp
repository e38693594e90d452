// The qcow2 disk's header, snapshot table and metadata, read from the file.
#include "warm/qcow2_file.hpp"

#include "warm/fingerprint.hpp"

#include <fstream>
#include <stdexcept>

namespace launcher {
namespace {

constexpr std::uint64_t offset_mask = 0x00fffffffffffe00ULL;  // refcount table entries
constexpr std::uint64_t l1_offset_mask = 0x00fffffffffffe00ULL;
constexpr std::uint64_t metadata_limit = 64ULL << 20;  // bigger tables mean a damaged file

std::uint64_t big_endian(const std::string& bytes, std::size_t at, std::size_t width) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < width; ++i)
        value = value << 8 | static_cast<unsigned char>(bytes.at(at + i));
    return value;
}

// Reads from a file, every short read an error naming the file.
class reader {
public:
    explicit reader(const std::string& path) : path_(path), in_(path, std::ios::binary) {
        if (!in_) throw std::runtime_error(path + ": cannot be read");
    }

    std::string bytes(std::uint64_t offset, std::uint64_t count) {
        if (count > metadata_limit) fail("a table of " + std::to_string(count) + " bytes");
        std::string out(count, '\0');
        in_.clear();
        in_.seekg(static_cast<std::streamoff>(offset));
        in_.read(out.data(), static_cast<std::streamsize>(count));
        if (static_cast<std::uint64_t>(in_.gcount()) != count) fail("cut short");
        return out;
    }

    [[noreturn]] void fail(const std::string& what) const {
        throw std::runtime_error(path_ + ": damaged qcow2 file: " + what);
    }

private:
    std::string path_;
    std::ifstream in_;
};

std::vector<qcow2_snapshot> read_snapshots(reader& file, std::uint64_t offset,
                                           std::uint32_t count) {
    std::vector<qcow2_snapshot> snapshots;
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::string fixed = file.bytes(offset, 40);
        const auto id_size = big_endian(fixed, 12, 2);
        const auto name_size = big_endian(fixed, 14, 2);
        const auto extra_size = big_endian(fixed, 36, 4);
        const std::string strings = file.bytes(offset + 40 + extra_size, id_size + name_size);
        qcow2_snapshot snapshot;
        snapshot.id = strings.substr(0, id_size);
        snapshot.name = strings.substr(id_size);
        snapshot.date_seconds = static_cast<std::uint32_t>(big_endian(fixed, 16, 4));
        snapshot.vm_state_bytes = big_endian(fixed, 32, 4);
        // Version 3 keeps the 64-bit state size in the extra data.
        if (extra_size >= 8) snapshot.vm_state_bytes = big_endian(file.bytes(offset + 40, 8), 0, 8);
        snapshots.push_back(snapshot);
        // Entries are padded to a multiple of 8 bytes.
        offset += (40 + extra_size + id_size + name_size + 7) / 8 * 8;
    }
    return snapshots;
}

}  // namespace

const qcow2_snapshot* qcow2_summary::find(const std::string& name) const {
    for (const auto& snapshot : snapshots) {
        if (snapshot.name == name) return &snapshot;
    }
    return nullptr;
}

std::optional<qcow2_summary> read_qcow2(const std::string& path) {
    reader file(path);
    std::string header;
    try {
        header = file.bytes(0, 72);
    } catch (const std::runtime_error&) {
        return std::nullopt;  // too short to be qcow2
    }
    if (header.compare(0, 4, "QFI\xfb") != 0) return std::nullopt;
    const auto cluster_bits = big_endian(header, 20, 4);
    if (cluster_bits < 9 || cluster_bits > 21)
        file.fail("cluster_bits " + std::to_string(cluster_bits));
    const std::uint64_t cluster = 1ULL << cluster_bits;

    qcow2_summary summary;
    summary.virtual_bytes = big_endian(header, 24, 8);
    summary.snapshots = read_snapshots(file, big_endian(header, 64, 8),
                                       static_cast<std::uint32_t>(big_endian(header, 60, 4)));

    fingerprint hash;
    hash.add(file.bytes(big_endian(header, 40, 8) & l1_offset_mask, big_endian(header, 36, 4) * 8));
    const std::string table =
        file.bytes(big_endian(header, 48, 8), big_endian(header, 56, 4) * cluster);
    hash.add(table);
    for (std::size_t at = 0; at + 8 <= table.size(); at += 8) {
        const std::uint64_t block = big_endian(table, at, 8) & offset_mask;
        if (block != 0) hash.add(file.bytes(block, cluster));
    }
    summary.metadata_fingerprint = hash.hex();
    return summary;
}

}  // namespace launcher
