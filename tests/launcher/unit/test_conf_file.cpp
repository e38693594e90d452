// vm.conf / config.sh parsing: quotes, comments, export, and every bad line.
#include "catch.hpp"
#include "settings/conf_file.hpp"
#include "temp_dir.hpp"

#include <sstream>

using launcher::conf_error;
using launcher::parse_conf;

namespace {

std::vector<launcher::conf_entry> parse(const std::string& text) {
    std::istringstream in(text);
    return parse_conf(in, "vm.conf");
}

std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const conf_error& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("vm.conf assignments, quotes and comments", "[conf]") {
    const auto entries = parse(
        "# a comment\n"
        "\n"
        "VM_KERNEL=Image\n"
        "VM_APPEND=\"console=ttyS0 rdinit=/init\"\n"
        "  VM_INITRD='initrd.gz'   # trailing comment\n"
        "VM_DRIVE=disk.img # comment after a plain value\n"
        "export VM_MEMORY=512\n"
        "VM_CPU_FEATURES=\n"
        "VM_GUEST_PASSWORD='p#ss word'\n");
    REQUIRE(entries.size() == 7);
    CHECK(entries[0].key == "VM_KERNEL");
    CHECK(entries[0].value == "Image");
    CHECK(entries[0].origin == "vm.conf:3");
    CHECK(entries[1].value == "console=ttyS0 rdinit=/init");
    CHECK(entries[2].key == "VM_INITRD");
    CHECK(entries[2].value == "initrd.gz");
    CHECK(entries[3].value == "disk.img");
    CHECK(entries[4].key == "VM_MEMORY");
    CHECK(entries[4].value == "512");
    CHECK(entries[5].value.empty());
    CHECK(entries[6].value == "p#ss word");
}

TEST_CASE("config.sh of the original data images", "[conf]") {
    const auto entries =
        parse("export VM_DRIVE=/data/ubuntu.img\nexport VM_CPU_FEATURES=\"v=true,vlen=1024\"\n");
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].value == "/data/ubuntu.img");
    CHECK(entries[1].value == "v=true,vlen=1024");
}

TEST_CASE("bad vm.conf lines name the file, the line and the text", "[conf]") {
    SECTION("not KEY=VALUE") {
        const auto message = error_of("VM_KERNEL=Image\nthis is not an assignment\n");
        CHECK(message.find("vm.conf:2") != std::string::npos);
        // The line itself is not echoed: it may be a stray secret.
        CHECK(message.find("without '='") != std::string::npos);
        CHECK(message.find("this is not an assignment") == std::string::npos);
    }
    SECTION("not a variable name") {
        const auto message = error_of("VM MEMORY=512\n");
        CHECK(message.find("vm.conf:1") != std::string::npos);
        CHECK(message.find("VM MEMORY") != std::string::npos);
    }
    SECTION("empty name") {
        CHECK(error_of("=512\n").find("vm.conf:1") != std::string::npos);
    }
    SECTION("unclosed quote") {
        const auto message = error_of("VM_APPEND=\"console=ttyS0\n");
        CHECK(message.find("vm.conf:1") != std::string::npos);
        CHECK(message.find("unclosed") != std::string::npos);
    }
    SECTION("text after the closing quote") {
        CHECK(error_of("VM_APPEND='a' b\n").find("vm.conf:1") != std::string::npos);
    }
}

TEST_CASE("vm.conf wins over config.sh in a data directory", "[conf]") {
    launcher_test::temp_dir dir;
    dir.write("config.sh", "export VM_DRIVE=/data/old.img\n");
    auto entries = launcher::read_data_dir_conf(dir.path());
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].value == "/data/old.img");
    dir.write("vm.conf", "VM_DRIVE=new.img\n");
    entries = launcher::read_data_dir_conf(dir.path());
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].value == "new.img");
}
