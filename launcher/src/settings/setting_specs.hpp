#pragma once
// The table of settings: each variable, its flag twin, its default, its
// range when it is a number, and its help.
#include <optional>
#include <string>
#include <vector>

namespace launcher {

// The whole numbers a numeric setting takes, both ends included.
struct setting_range {
    int low;
    int high;
};

struct setting_spec {
    const char* key;                       // environment and vm.conf name, e.g. VM_MEMORY
    const char* flag;                      // command-line twin, e.g. --memory
    const char* fallback;                  // built-in default, as text
    const char* help;                      // one line for --help, without the range
    std::optional<setting_range> range{};  // numeric settings only: the values allowed
    bool secret = false;                   // never printed: messages show *** for its value
};

// Every setting the launcher reads, in --help order.
const std::vector<setting_spec>& setting_specs();

// The spec of `key`, or nullptr when the launcher knows no such variable.
const setting_spec* find_spec(const std::string& key);

// "1 to 512": the range as --help, the errors and launcher/README.md write it.
std::string range_text(const setting_range& range);

// The spec's help with its range, if any, appended: "Virtual CPUs (-smp), 1 to 512".
std::string help_text(const setting_spec& spec);

// Default firmware and kernel: Debian's OpenSBI fw_jump and U-Boot S-mode.
// The raw .bin, loaded at the start of RAM: Debian 13's fw_jump.elf is linked
// at address 0 (position independent) and overlaps QEMU's reset ROM there.
inline constexpr const char* default_bios =
    "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin";
inline constexpr const char* default_kernel = "/usr/lib/u-boot/qemu-riscv64_smode/uboot.elf";

}  // namespace launcher
