#pragma once
// What the QEMU binary says about itself, asked before the run (through
// process/child_process, with QEMU's scrubbed environment): the properties
// its rv64 CPU accepts, for VM_CPU_FEATURES, and its version, for warm start.
#include <string>
#include <vector>

namespace launcher {

// The properties QEMU's rv64 CPU accepts (QMP's qom-list-properties and
// `-device rv64-riscv-cpu,help`); empty when the binary cannot be asked.
std::vector<std::string> query_cpu_properties(const std::string& qemu);

// The first line of `qemu --version`, e.g. "QEMU emulator version 7.2.22 (...)".
std::string query_qemu_version(const std::string& qemu);

}  // namespace launcher
