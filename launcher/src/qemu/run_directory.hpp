#pragma once
// A private directory under VM_RUNTIME_DIR for one launcher run: the sockets
// QEMU connects to. Removed when the run ends.
#include <filesystem>
#include <string>

namespace launcher {

class run_directory {
public:
    // Creates `<base>/launcher-XXXXXX` (mode 0700); throws naming `base`.
    explicit run_directory(const std::string& base);
    ~run_directory();
    run_directory(const run_directory&) = delete;
    run_directory& operator=(const run_directory&) = delete;

    std::string base() const { return dir_.string(); }
    // The path of `name` inside the directory.
    std::string path(const std::string& name) const;

private:
    std::filesystem::path dir_;
};

}  // namespace launcher
