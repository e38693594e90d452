#pragma once
// A QMP client whose channels QEMU never connects to: its commands queue,
// and a test feeds the replies by hand (qmp.handle_line).
#include "asio.hpp"
#include "qemu/qmp_client.hpp"
#include "qemu/unix_channel.hpp"
#include "temp_dir.hpp"

#include <memory>

namespace launcher_test {

struct unconnected_qmp {
    temp_dir dir;
    boost::asio::io_context io;
    std::shared_ptr<launcher::unix_channel> monitor =
        std::make_shared<launcher::unix_channel>(io, (dir.path() / "qmp").string(), "QMP", 4096);
    std::shared_ptr<launcher::unix_channel> agent = std::make_shared<launcher::unix_channel>(
        io, (dir.path() / "qga").string(), "guest agent", 4096);
    launcher::qmp_client qmp{monitor, agent};
};

}  // namespace launcher_test
