#pragma once
// The serial console kept as an asciicast v2 file in the data folder, from
// QEMU's first byte: continued across the launcher's restarts (a pod's, with
// the folder on its volume), with markers where the guest starts or resumes,
// and rotated once it reaches its size: <name>.cast goes on, <name>.1.cast
// holds the part before.
#include "asio.hpp"
#include "relay/cast_text.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace launcher {

// A stretch of one of the recording's files, open for reading: the
// descriptor is closed when the last copy of the part goes.
struct recording_part {
    std::shared_ptr<const int> fd;
    std::size_t offset = 0;
    std::size_t length = 0;
};

// The start time (Unix seconds) of an asciicast v2 header line, or nullopt
// when the line is not one.
std::optional<std::int64_t> cast_header_time(std::string_view line);

class console_recording {
public:
    // Opens the recording at `path` (its folder made if missing) and takes
    // it from other launchers (flock); continues it when its header is
    // readable, else moves it aside as the previous part. Throws
    // std::runtime_error naming the path on failure.
    console_recording(net::io_context& io, std::string path, std::size_t max_bytes);
    ~console_recording();
    console_recording(const console_recording&) = delete;
    console_recording& operator=(const console_recording&) = delete;

    // How the recording started: new, continued, or why an old file was moved aside.
    const std::string& opening() const { return opening_; }
    // Events: the guest's output, keys typed into it, a named marker.
    void output(std::string_view bytes);
    void input(std::string_view bytes);
    void mark(std::string_view label);
    // Writes what is buffered (also done within a second of each event, and at exit).
    void flush();
    // The recording as one file, as it is now: the previous part whole when
    // it has this part's header, then this part (without its header then).
    // Empty when the recording has stopped.
    std::vector<recording_part> parts();

private:
    void open_file();
    // Locks the open file, then starts it, continues it or moves it aside.
    void take_over();
    void start_file();
    void rotate();
    void event(char kind, std::string_view bytes, cast_text& text);
    void schedule_flush();
    void stop(const std::string& why);

    net::steady_timer timer_;
    std::string path_;
    std::string rotated_path_;
    std::size_t max_bytes_;
    int fd_ = -1;
    std::int64_t started_ = 0;  // the header's timestamp: events count from it
    std::size_t file_bytes_ = 0;
    bool part_has_events_ = false;  // beyond its header
    std::string header_line_;       // this part's first line, without its newline
    std::string buffer_;
    bool flush_scheduled_ = false;
    cast_text output_text_;
    cast_text input_text_;
    std::string opening_;
};

}  // namespace launcher
