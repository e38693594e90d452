// Re-arming the CPUs' timers after a loadvm on QEMU before 10.2: the GDB
// remote protocol's packets, the stimecmp register's number in QEMU's CSR
// XML, and a whole exchange with a scripted gdbstub.
#include "catch.hpp"
#include "qemu/gdb_remote.hpp"
#include "test_socket.hpp"
#include "unconnected_qmp.hpp"
#include "warm/timer_rearmer.hpp"

#include <chrono>
#include <optional>
#include <vector>

namespace {

using namespace std::chrono_literals;

struct packet {
    std::string payload;
    bool intact;
};

std::vector<packet> read_packets(const std::vector<std::string>& pieces) {
    launcher::gdb_packet_reader reader;
    std::vector<packet> packets;
    for (const auto& piece : pieces) {
        reader.feed(piece, [&](std::string_view payload, bool intact) {
            packets.push_back({std::string(payload), intact});
        });
    }
    return packets;
}

// QEMU 7.2's riscv-csr.xml, cut short: no stimecmp entry, sstatus as CSR 0x100.
const std::string qemu72_csr_xml =
    "<?xml version=\"1.0\"?><!DOCTYPE feature SYSTEM \"gdb-target.dtd\">"
    "<feature name=\"org.gnu.gdb.riscv.csr\">"
    "<reg name=\"fflags\" bitsize=\"64\" regnum=\"67\"/>"
    "<reg name=\"sstatus\" bitsize=\"64\" regnum=\"322\"/>"
    "<reg name=\"sie\" bitsize=\"64\" regnum=\"326\"/></feature>";

}  // namespace

TEST_CASE("a packet carries its payload's checksum", "[gdb]") {
    CHECK(launcher::gdb_packet("OK") == "$OK#9a");
    CHECK(launcher::gdb_packet("") == "$#00");
    CHECK(launcher::gdb_packet("qfThreadInfo") == "$qfThreadInfo#bb");
}

TEST_CASE("the packet reader skips acknowledgements and joins split packets", "[gdb]") {
    const auto packets = read_packets({"+$O", "K#9a+$m01,02#", "5c"});
    REQUIRE(packets.size() == 2);
    CHECK(packets[0].payload == "OK");
    CHECK(packets[0].intact);
    CHECK(packets[1].payload == "m01,02");
    CHECK(packets[1].intact);
}

TEST_CASE("the packet reader undoes escapes and flags a wrong checksum", "[gdb]") {
    // "}]" is an escaped "}" (0x7d ^ 0x20 = 0x5d); the checksum covers what was sent.
    const auto escaped = read_packets({launcher::gdb_packet("a}]b")});
    REQUIRE(escaped.size() == 1);
    CHECK(escaped[0].payload == "a}b");
    CHECK(escaped[0].intact);
    const auto damaged = read_packets({"$OK#00"});
    REQUIRE(damaged.size() == 1);
    CHECK_FALSE(damaged[0].intact);
}

TEST_CASE("stimecmp's register number: its own entry, else from sstatus's", "[gdb]") {
    CHECK(launcher::stimecmp_register(qemu72_csr_xml) == 322 - 0x100 + 0x14d);
    CHECK(launcher::stimecmp_register("<reg name=\"stimecmp\" bitsize=\"64\" regnum=\"400\"/>") ==
          400u);
    CHECK_FALSE(launcher::stimecmp_register("<feature name=\"org.gnu.gdb.riscv.csr\"/>"));
}

TEST_CASE("thread lists name one thread per CPU", "[gdb]") {
    CHECK(launcher::thread_ids("m01,02") == std::vector<std::string>{"01", "02"});
    CHECK(launcher::thread_ids("m1") == std::vector<std::string>{"1"});
    CHECK(launcher::thread_ids("l").empty());
}

namespace {

// The launcher's side (QMP fed by hand, the rearmer listening) and a scripted
// gdbstub that connects to it as QEMU does.
struct rearm_fixture : launcher_test::unconnected_qmp {
    std::string socket = (dir.path() / "gdb.sock").string();
    launcher::timer_rearmer rearmer{io, qmp, socket};
    bool ran = false;
    std::optional<launcher_test::test_socket> stub;

    void start() {
        rearmer.start([this] { ran = true; });
        qmp.handle_line(R"({"return": "Waiting for gdb connection on device 'unix:x'\r\n"})");
        stub.emplace(launcher_test::test_socket::unix_client(socket));
        io.run_for(50ms);
    }

    // The stub reads the launcher's next request and answers it.
    void answer(const std::string& request, const std::string& reply) {
        const std::string framed = launcher::gdb_packet(request);
        INFO("waiting for " << framed << ", received so far: " << stub->received);
        REQUIRE(stub->read_until(framed));
        stub->received.erase(0, stub->received.find(framed) + framed.size());
        stub->send("+" + launcher::gdb_packet(reply));
        io.run_for(50ms);
    }
};

}  // namespace

TEST_CASE("each CPU's stimecmp is read and written back, then the stub is closed", "[gdb]") {
    rearm_fixture f;
    f.start();
    f.answer("qXfer:features:read:riscv-csr.xml:0,800", "m" + qemu72_csr_xml.substr(0, 100));
    f.answer("qXfer:features:read:riscv-csr.xml:64,800", "l" + qemu72_csr_xml.substr(100));
    f.answer("qfThreadInfo", "m01,02");
    f.answer("qsThreadInfo", "l");
    for (const std::string cpu : {"01", "02"}) {
        f.answer("Hg" + cpu, "OK");
        f.answer("p18f", "6e39481e00000000");
        f.answer("P18f=6e39481e00000000", "OK");
    }
    CHECK_FALSE(f.ran);
    f.qmp.handle_line(R"({"return": "Disabled gdbserver\r\n"})");  // gdbserver none
    CHECK(f.ran);
}

TEST_CASE("a CPU without a readable stimecmp ends the exchange, and the guest still runs",
          "[gdb]") {
    rearm_fixture f;
    f.start();
    f.answer("qXfer:features:read:riscv-csr.xml:0,800", "l" + qemu72_csr_xml);
    f.answer("qfThreadInfo", "m01");
    f.answer("qsThreadInfo", "l");
    f.answer("Hg01", "OK");
    f.answer("p18f", "E14");
    f.qmp.handle_line(R"({"return": "Disabled gdbserver\r\n"})");
    CHECK(f.ran);
}

TEST_CASE("a QEMU whose gdbserver command fails: no exchange, the guest still runs", "[gdb]") {
    rearm_fixture f;
    f.rearmer.start([&f] { f.ran = true; });
    f.qmp.handle_line(R"({"return": "Could not open gdbserver on device 'unix:x'\r\n"})");
    f.qmp.handle_line(R"({"return": ""})");  // gdbserver none
    CHECK(f.ran);
}
