// The console's recording: guest bytes as JSON text, and the asciicast file
// started, continued, rotated and refused to a second writer.
#include "catch.hpp"
#include "relay/cast_text.hpp"
#include "relay/console_recording.hpp"
#include "relay/recording_server.hpp"
#include "temp_dir.hpp"

#include <boost/asio/read.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using launcher::cast_text;
using launcher::console_recording;

// `bytes` through one encoder in pieces of `piece` bytes, as a JSON string's text.
std::string encoded(std::string_view bytes, std::size_t piece) {
    cast_text text;
    std::string out;
    for (std::size_t at = 0; at < bytes.size(); at += piece)
        text.append(out, bytes.substr(at, piece));
    return out;
}

// The string a JSON parser reads from `text` between quotes.
std::string decoded(const std::string& text) {
    return nlohmann::json::parse("\"" + text + "\"").get<std::string>();
}

std::vector<std::string> lines_of(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("valid UTF-8 passes whole, even cut between chunks", "[recording]") {
    const std::string text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7 plain";
    for (std::size_t piece = 1; piece <= text.size(); ++piece)
        CHECK(decoded(encoded(text, piece)) == text);
}

TEST_CASE("quotes, backslashes and control bytes are escaped", "[recording]") {
    const std::string text("\"\\\r\n\t\b\f\x1b[0m\x01\x7f", 13);
    CHECK(encoded(text, 64) == R"(\"\\\r\n\t\b\f\u001b[0m\u0001)"
                               "\x7f");
    CHECK(decoded(encoded(text, 3)) == text);
}

TEST_CASE("bytes that start no valid sequence become U+FFFD, one each", "[recording]") {
    const std::string fffd = "\xef\xbf\xbd";
    // A lone continuation, an overlong '/', a surrogate, past U+10FFFF, a cut sequence before
    // ASCII.
    CHECK(decoded(encoded("a\x80z", 64)) == "a" + fffd + "z");
    CHECK(decoded(encoded("\xc0\xaf", 64)) == fffd + fffd);
    CHECK(decoded(encoded("\xed\xa0\x80", 64)) == fffd + fffd + fffd);
    CHECK(decoded(encoded("\xf4\x90\x80\x80", 1)) == fffd + fffd + fffd + fffd);
    CHECK(decoded(encoded("\xe2\x82z", 1)) == fffd + fffd + "z");
    // Every byte value: always text a JSON parser takes.
    std::string every;
    for (int value = 0; value < 256; ++value)
        every += static_cast<char>(value);
    for (std::size_t piece : {1, 2, 7, 256})
        CHECK_NOTHROW(decoded(encoded(every, piece)));
}

TEST_CASE("a header is version 2 with a timestamp, or nothing", "[recording]") {
    CHECK(launcher::cast_header_time(
              R"({"version": 2, "width": 80, "height": 24, "timestamp": 1700000000})") ==
          1700000000);
    CHECK_FALSE(launcher::cast_header_time(R"({"version": 1, "timestamp": 1700000000})"));
    CHECK_FALSE(launcher::cast_header_time(R"({"version": 2})"));
    CHECK_FALSE(launcher::cast_header_time(R"({"version": 2, "timestamp": "1700000000"})"));
    CHECK_FALSE(launcher::cast_header_time(R"({"version": 2, "timestamp": -5})"));
    CHECK_FALSE(launcher::cast_header_time("[0.5, \"o\", \"x\"]"));
    CHECK_FALSE(launcher::cast_header_time("not json"));
}

TEST_CASE("a recording is a header, then one event per call, in order", "[recording]") {
    launcher_test::temp_dir dir;
    const auto file = dir.path() / "recordings" / "console.cast";
    boost::asio::io_context io;
    {
        console_recording recording(io, file.string(), 1024 * 1024);
        CHECK(recording.opening() == "new");
        recording.mark("start: cold boot");
        recording.output("OpenSBI\r\n");
        recording.input("ls\r");
        recording.output("");  // nothing to record: no event
    }
    const auto lines = lines_of(file);
    REQUIRE(lines.size() == 4);
    const auto header = nlohmann::json::parse(lines[0]);
    CHECK(header["version"] == 2);
    CHECK(header["width"] == 80);
    CHECK(header["height"] == 24);
    CHECK(launcher::cast_header_time(lines[0]));
    const std::vector<std::pair<std::string, std::string>> expected{
        {"m", "start: cold boot"}, {"o", "OpenSBI\r\n"}, {"i", "ls\r"}};
    double last = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto event = nlohmann::json::parse(lines[i + 1]);
        CHECK(event[1] == expected[i].first);
        CHECK(event[2] == expected[i].second);
        CHECK(event[0].get<double>() >= last);
        last = event[0].get<double>();
    }
}

TEST_CASE("a second start continues the file, without a partial last line", "[recording]") {
    launcher_test::temp_dir dir;
    const auto file = dir.path() / "console.cast";
    boost::asio::io_context io;
    { console_recording(io, file.string(), 1024 * 1024).output("first run\r\n"); }
    const auto header = lines_of(file).at(0);
    // A launcher killed in the middle of an event leaves half a line.
    std::ofstream(file, std::ios::app) << "[12.5, \"o\", \"cut";
    {
        console_recording recording(io, file.string(), 1024 * 1024);
        CHECK(recording.opening().starts_with("continued"));
        recording.mark("resumed");
    }
    const auto lines = lines_of(file);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == header);
    CHECK(nlohmann::json::parse(lines[1])[2] == "first run\r\n");
    CHECK(nlohmann::json::parse(lines[2])[2] == "resumed");
}

TEST_CASE("a file without a header is moved aside, not appended to", "[recording]") {
    launcher_test::temp_dir dir;
    const auto file = dir.write("console.cast", "someone else's notes\n");
    boost::asio::io_context io;
    {
        console_recording recording(io, file, 1024 * 1024);
        CHECK(recording.opening().find("moved to") != std::string::npos);
    }
    CHECK(read_file(dir.path() / "console.1.cast") == "someone else's notes\n");
    CHECK(launcher::cast_header_time(lines_of(file).at(0)));
}

TEST_CASE("past its size the recording goes on in a new part, the last kept", "[recording]") {
    launcher_test::temp_dir dir;
    const auto file = dir.path() / "console.cast";
    boost::asio::io_context io;
    const std::string line(100, 'x');
    {
        console_recording recording(io, file.string(), 4096);
        for (int i = 0; i < 100; ++i)
            recording.output(line);
    }
    const auto current = lines_of(file);
    const auto before = lines_of(dir.path() / "console.1.cast");
    REQUIRE(current.size() >= 2);
    REQUIRE(before.size() >= 2);
    CHECK(std::filesystem::file_size(file) <= 4096);
    CHECK(std::filesystem::file_size(dir.path() / "console.1.cast") <= 4096);
    // Each part starts with the same header: times go on across parts.
    CHECK(current.at(0) == before.at(0));
    CHECK(nlohmann::json::parse(current.at(1))[0].get<double>() >=
          nlohmann::json::parse(before.back())[0].get<double>());
}

TEST_CASE("a second launcher cannot record into the same file", "[recording]") {
    launcher_test::temp_dir dir;
    const auto file = (dir.path() / "console.cast").string();
    boost::asio::io_context io;
    console_recording first(io, file, 1024 * 1024);
    CHECK_THROWS_WITH(console_recording(io, file, 1024 * 1024),
                      file + ": another launcher records into it");
}

TEST_CASE("the socket serves both parts as one recording, as it was at the connect",
          "[recording]") {
    launcher_test::temp_dir dir;
    const auto file = dir.path() / "console.cast";
    const auto socket_path = (dir.path() / "recording.sock").string();
    boost::asio::io_context io;
    console_recording recording(io, file.string(), 4096);
    for (int i = 0; i < 60; ++i)
        recording.output("line " + std::to_string(i) + " " + std::string(80, 'x') + "\r\n");
    REQUIRE(std::filesystem::exists(dir.path() / "console.1.cast"));
    auto server = std::make_shared<launcher::recording_server>(io, socket_path, recording);
    server->start();
    boost::asio::local::stream_protocol::socket client(io);
    client.connect(socket_path);
    std::string received;
    boost::system::error_code read_error;
    boost::asio::async_read(client, boost::asio::dynamic_buffer(received),
                            [&](boost::system::error_code ec, std::size_t) { read_error = ec; });
    io.run_for(std::chrono::seconds(5));
    CHECK(read_error == boost::asio::error::eof);
    // One header, then every line still kept, in order, from part 1 into the current part.
    std::istringstream lines(received);
    std::string header;
    std::getline(lines, header);
    CHECK(launcher::cast_header_time(header));
    std::vector<std::string> texts;
    for (std::string line; std::getline(lines, line);)
        texts.push_back(nlohmann::json::parse(line)[2].get<std::string>());
    REQUIRE(!texts.empty());
    CHECK(texts.back().starts_with("line 59 "));
    const auto first = std::stoi(texts.front().substr(5));
    CHECK(texts.size() == static_cast<std::size_t>(60 - first));
    CHECK(received.size() > std::filesystem::file_size(file));
}
