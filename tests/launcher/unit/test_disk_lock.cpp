// One VM per disk: a second launcher's lock sees the first, and gets the disk once it is gone.
#include "catch.hpp"
#include "qemu/disk_lock.hpp"
#include "temp_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

TEST_CASE("a disk held by another launcher or QEMU is waited for", "[lock]") {
    launcher_test::temp_dir dir;
    const auto disk = dir.write("disk.img", std::string(4096, '\0'));
    boost::asio::io_context io;
    auto first = std::make_unique<launcher::disk_lock>(io, disk);
    bool first_started = false;
    first->acquire([&] { first_started = true; });
    CHECK(first_started);
    launcher::disk_lock second(io, disk);
    CHECK(second.other_holder() == "another launcher");
    first.reset();
    CHECK(second.other_holder().empty());
    SECTION("QEMU's lock bytes held by another open file") {
        const int qemu = ::open(disk.c_str(), O_RDWR);
        flock shared{};
        shared.l_type = F_RDLCK;
        shared.l_whence = SEEK_SET;
        shared.l_start = 101;  // QEMU: 100 + the write permission's bit
        shared.l_len = 1;
        REQUIRE(::fcntl(qemu, F_OFD_SETLK, &shared) == 0);
        CHECK(second.other_holder() == "a QEMU process");
        ::close(qemu);
        CHECK(second.other_holder().empty());
    }
}
