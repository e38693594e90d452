#pragma once
// After a -loadvm: what tells the resumed guest it is a new machine now. Each
// returns the line to send (guest agent JSON, or text typed at the console).
#include "warm/warm_manifest.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace launcher {

// guest-set-time to `now` (nanoseconds since the epoch).
std::string set_time_command(std::chrono::system_clock::time_point now);
// guest-fsfreeze-freeze (true) or guest-fsfreeze-thaw (false), before a snapshot.
std::string fsfreeze_command(bool freeze);
// guest-exec of `path` with `input` on its stdin.
std::string exec_command(const std::string& path, std::string_view input);
// guest-exec of `/bin/sh -c script` with `input` on its stdin and `args` as
// its $1, $2, ... ($0 is the hook's name).
std::string exec_script_command(std::string_view script, std::string_view input,
                                const std::vector<std::string>& args = {});
// `count` bytes from the host's random source.
std::string host_entropy(std::size_t count);
// The line typed after a resume from the image's snapshot, ended by a carriage
// return: RESUME_HOSTNAME with {hostname} (when `hostname` is set), then
// RESUME_CONSOLE with {epoch} (the host's time) and {machine_id} (`machine_id`);
// empty when neither applies.
std::string console_line(const snapshot_recipe& recipe, const std::string& hostname,
                         std::chrono::system_clock::time_point now, const std::string& machine_id);
// A machine-id as systemd writes one: 32 lowercase hex digits, from the host's random source.
std::string random_machine_id();
// The last `limit` bytes of console `output`, from a line start, without the
// cursor-position queries (ESC [6n) that each viewer's terminal would answer.
std::string replayable_screen(const std::string& output, std::size_t limit);
// The line shown on the console (kubectl logs, late viewers) before the snapshot's screen.
std::string resume_banner(const warm_manifest& manifest, double seconds);

}  // namespace launcher
