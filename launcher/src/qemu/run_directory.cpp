// The run's private folder for QEMU's sockets, made at start and removed at the end.
#include "qemu/run_directory.hpp"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace launcher {

run_directory::run_directory(const std::string& base) {
    std::string pattern = (std::filesystem::path(base) / "launcher-XXXXXX").string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr) {
        throw std::runtime_error("VM_RUNTIME_DIR='" + base +
                                 "': cannot create a directory: " + std::strerror(errno));
    }
    dir_ = buffer.data();
    // A socket path must fit sockaddr_un (108 bytes with its terminator).
    if (path("serial.sock").size() >= 100) {
        std::filesystem::remove_all(dir_);
        throw std::runtime_error("VM_RUNTIME_DIR='" + base + "': path too long for a socket");
    }
}

run_directory::~run_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

std::string run_directory::path(const std::string& name) const {
    return (dir_ / name).string();
}

}  // namespace launcher
