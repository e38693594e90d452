// The console's asciicast v2 recording: one header line, then one event line per chunk.
#include "relay/console_recording.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>

namespace launcher {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::size_t flush_bytes = 64 * 1024;  // written at once past this
constexpr auto flush_delay = 1s;                // else within this
constexpr std::size_t header_limit = 4096;      // a longer first line is not a header
// The serial console has no size: a terminal's usual one.
constexpr int width = 80;
constexpr int height = 24;

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string errno_text() {
    return std::strerror(errno);
}

// <folder>/<stem>.1.cast beside <folder>/<stem>.cast.
std::string rotated_name(const std::string& path) {
    const fs::path p(path);
    return (p.parent_path() / (p.stem().string() + ".1" + p.extension().string())).string();
}

bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const auto written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

// The file's first line, if it ends within header_limit bytes.
std::optional<std::string> first_line(int fd) {
    std::array<char, header_limit> head{};
    const auto got = ::pread(fd, head.data(), head.size(), 0);
    if (got <= 0) return std::nullopt;
    const std::string_view text(head.data(), static_cast<std::size_t>(got));
    const auto end = text.find('\n');
    if (end == std::string_view::npos) return std::nullopt;
    return std::string(text.substr(0, end));
}

// The length of the file up to and with its last newline (a partial last
// event, from a launcher killed while writing, is left out).
off_t whole_lines_length(int fd, off_t size) {
    std::array<char, 4096> block{};
    for (off_t end = size; end > 0;) {
        const off_t start =
            end > static_cast<off_t>(block.size()) ? end - static_cast<off_t>(block.size()) : 0;
        const auto got = ::pread(fd, block.data(), static_cast<std::size_t>(end - start), start);
        if (got <= 0) return 0;
        for (auto i = got; i > 0; --i)
            if (block[static_cast<std::size_t>(i - 1)] == '\n') return start + i;
        end = start;
    }
    return 0;
}

// A part reading `fd` (taken over) from `offset`, `length` bytes.
recording_part part_of(int fd, std::size_t offset, std::size_t length) {
    return {std::shared_ptr<const int>(new int(fd),
                                       [](const int* owned) {
                                           ::close(*owned);
                                           delete owned;
                                       }),
            offset, length};
}

}  // namespace

std::optional<std::int64_t> cast_header_time(std::string_view line) {
    const auto header = nlohmann::json::parse(line, nullptr, false);
    if (!header.is_object()) return std::nullopt;
    const auto version = header.find("version");
    const auto timestamp = header.find("timestamp");
    if (version == header.end() || *version != 2) return std::nullopt;
    if (timestamp == header.end() || !timestamp->is_number_integer()) return std::nullopt;
    const auto value = timestamp->get<std::int64_t>();
    if (value < 0) return std::nullopt;
    return value;
}

console_recording::console_recording(net::io_context& io, std::string path, std::size_t max_bytes)
    : timer_(io),
      path_(std::move(path)),
      rotated_path_(rotated_name(path_)),
      max_bytes_(max_bytes) {
    std::error_code ec;
    fs::create_directories(fs::path(path_).parent_path(), ec);
    if (ec) throw std::runtime_error("cannot make the folder of " + path_ + ": " + ec.message());
    open_file();
    // A recording that cannot be taken over leaves no descriptor behind.
    try {
        take_over();
    } catch (...) {
        ::close(fd_);
        throw;
    }
}

void console_recording::take_over() {
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const std::string why =
            errno == EWOULDBLOCK ? "another launcher records into it" : errno_text();
        throw std::runtime_error(path_ + ": " + why);
    }
    struct stat info {};
    if (::fstat(fd_, &info) != 0) throw std::runtime_error(path_ + ": " + errno_text());
    if (info.st_size == 0) {
        started_ = unix_now();
        start_file();
        opening_ = "new";
        return;
    }
    const auto line = first_line(fd_);
    const auto time = line ? cast_header_time(*line) : std::nullopt;
    if (!time) {
        started_ = unix_now();
        rotate();
        opening_ = "new: the file there had no asciicast v2 header, moved to " + rotated_path_;
        return;
    }
    started_ = *time;
    header_line_ = *line;
    const off_t kept = whole_lines_length(fd_, info.st_size);
    if (::ftruncate(fd_, kept) != 0 || ::lseek(fd_, kept, SEEK_SET) < 0)
        throw std::runtime_error(path_ + ": " + errno_text());
    file_bytes_ = static_cast<std::size_t>(kept);
    part_has_events_ = true;
    opening_ = "continued (" + std::to_string(file_bytes_ / 1024) + " KiB)";
}

console_recording::~console_recording() {
    flush();
    if (fd_ >= 0) ::close(fd_);
}

void console_recording::open_file() {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd_ < 0) throw std::runtime_error("cannot open " + path_ + ": " + errno_text());
}

void console_recording::start_file() {
    const nlohmann::ordered_json header = {
        {"version", 2}, {"width", width}, {"height", height}, {"timestamp", started_}};
    header_line_ = header.dump();
    buffer_ += header_line_ + "\n";
}

// The file so far becomes the previous part; a new one starts, with the same
// start time, so that times go on across parts. The new file is locked before
// the old one's descriptor (and lock) goes.
void console_recording::rotate() {
    if (::rename(path_.c_str(), rotated_path_.c_str()) != 0) {
        stop("cannot rename " + path_ + " to " + rotated_path_ + ": " + errno_text());
        return;
    }
    const int old = fd_;
    open_file();
    ::flock(fd_, LOCK_EX | LOCK_NB);
    ::close(old);
    file_bytes_ = 0;
    part_has_events_ = false;
    start_file();
}

void console_recording::output(std::string_view bytes) {
    event('o', bytes, output_text_);
}

void console_recording::input(std::string_view bytes) {
    event('i', bytes, input_text_);
}

void console_recording::mark(std::string_view label) {
    cast_text text;
    event('m', label, text);
}

void console_recording::event(char kind, std::string_view bytes, cast_text& text) {
    if (fd_ < 0 || bytes.empty()) return;
    const std::size_t before = buffer_.size();
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const double seconds =
        std::chrono::duration<double>(now).count() - static_cast<double>(started_);
    std::array<char, 32> time{};
    const int length = std::snprintf(time.data(), time.size(), "[%.6f, \"%c\", \"",
                                     seconds < 0 ? 0.0 : seconds, kind);
    buffer_.append(time.data(), static_cast<std::size_t>(length));
    text.append(buffer_, bytes);
    buffer_ += "\"]\n";
    // Past the size, this event opens the next part instead (one event alone
    // past it stays: a part holds one at least).
    if (file_bytes_ + buffer_.size() > max_bytes_ && part_has_events_) {
        const std::string line = buffer_.substr(before);
        buffer_.resize(before);
        flush();
        rotate();
        buffer_ += line;
    }
    part_has_events_ = true;
    if (buffer_.size() >= flush_bytes) return flush();
    schedule_flush();
}

void console_recording::schedule_flush() {
    if (flush_scheduled_) return;
    flush_scheduled_ = true;
    timer_.expires_after(flush_delay);
    timer_.async_wait([this](boost::system::error_code ec) {
        flush_scheduled_ = false;
        if (!ec) flush();
    });
}

void console_recording::flush() {
    if (fd_ < 0 || buffer_.empty()) return;
    if (!write_all(fd_, buffer_)) return stop("cannot write " + path_ + ": " + errno_text());
    file_bytes_ += buffer_.size();
    buffer_.clear();
}

std::vector<recording_part> console_recording::parts() {
    flush();
    if (fd_ < 0) return {};
    std::vector<recording_part> parts;
    std::size_t skip = 0;
    const int before = ::open(rotated_path_.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat info {};
    if (before >= 0 && first_line(before) == header_line_ && ::fstat(before, &info) == 0) {
        parts.push_back(part_of(before, 0, static_cast<std::size_t>(info.st_size)));
        skip = header_line_.size() + 1;
    } else if (before >= 0) {
        ::close(before);
    }
    const int current = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (current >= 0) parts.push_back(part_of(current, skip, file_bytes_ - skip));
    return parts;
}

// A recording that fails stops; the VM and its console go on.
void console_recording::stop(const std::string& why) {
    std::cerr << "launcher: recording stopped: " << why << "\n";
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buffer_.clear();
}

}  // namespace launcher
