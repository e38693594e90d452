#pragma once
// A blocking test peer (telnet client or fake QEMU serial source) with
// deadlines, so that a broken relay fails a test instead of hanging it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>

namespace launcher_test {

class test_socket {
public:
    // A TCP client of 127.0.0.1:port; a small receive buffer makes a slow reader.
    static test_socket tcp(unsigned short port, int receive_buffer = 0) {
        test_socket s(::socket(AF_INET, SOCK_STREAM, 0));
        if (receive_buffer > 0) {
            ::setsockopt(s.fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
        }
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        s.connect(reinterpret_cast<sockaddr*>(&address), sizeof address);
        return s;
    }

    // A client of a unix socket, as QEMU connects to the launcher's serial socket.
    static test_socket unix_client(const std::string& path) {
        test_socket s(::socket(AF_UNIX, SOCK_STREAM, 0));
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
        s.connect(reinterpret_cast<sockaddr*>(&address), sizeof address);
        return s;
    }

    test_socket(test_socket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    test_socket& operator=(test_socket&&) = delete;
    ~test_socket() {
        if (fd_ >= 0) ::close(fd_);
    }

    void send(const std::string& bytes) const {
        for (std::size_t done = 0; done < bytes.size();) {
            const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
            if (n <= 0) throw std::runtime_error("test socket: send failed");
            done += static_cast<std::size_t>(n);
        }
    }

    // Reads until `received` holds `needle` or 10 s pass; returns whether it does.
    bool read_until(const std::string& needle) {
        return read_while([&] { return received.find(needle) == std::string::npos; });
    }
    // Reads until `received` holds at least `size` bytes or 10 s pass.
    bool read_at_least(std::size_t size) {
        return read_while([&] { return received.size() < size; });
    }

    // Reads what has arrived, without waiting (for tests that run an io_context in turns).
    void read_available() {
        char buffer[65536];
        pollfd ready{fd_, POLLIN, 0};
        while (::poll(&ready, 1, 0) > 0) {
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) return;
            received.append(buffer, static_cast<std::size_t>(n));
        }
    }

    std::string received;  // everything read so far

private:
    explicit test_socket(int fd) : fd_(fd) {}

    void connect(const sockaddr* address, socklen_t size) const {
        if (::connect(fd_, address, size) != 0)
            throw std::runtime_error("test socket: connect failed");
    }

    template <typename Condition>
    bool read_while(Condition wanting) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        char buffer[65536];
        while (wanting()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            pollfd ready{fd_, POLLIN, 0};
            if (::poll(&ready, 1, 100) <= 0) continue;
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) return false;
            received.append(buffer, static_cast<std::size_t>(n));
        }
        return true;
    }

    int fd_;
};

}  // namespace launcher_test
