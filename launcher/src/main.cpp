// launcher: runs a RISC-V VM in QEMU and serves its serial console over telnet.
#include "qemu/qemu_argv.hpp"
#include "settings/options.hpp"
#include "supervisor/supervisor.hpp"
#include "warm/hibernate_plan.hpp"
#include "warm/snapshot_loader.hpp"
#include "warm/warm_start.hpp"

#include <csignal>
#include <iostream>
#include <variant>

namespace {

// --dry-run: the argv QEMU would get, one argument per line.
int print_argv(const launcher::vm_settings& vm) {
    const auto paths = launcher::make_runtime_paths(vm.runtime_dir + "/launcher-XXXXXX");
    const auto cold_argv = launcher::build_qemu_argv(vm, paths);
    // A state hibernated by the last stop comes first (nothing is consumed here).
    const auto saved = launcher::plan_hibernate(vm, cold_argv, launcher::resolve_hibernate(vm).on);
    if (saved.resume || !saved.discard_reason.empty()) {
        std::cerr << "launcher: "
                  << (saved.resume ? "hibernate: would resume the guest saved at " +
                                         saved.saved.manifest.saved_at +
                                         " (QEMU paused with -S, then loadvm over QMP)"
                                   : "cold boot: the hibernated state would be discarded: " +
                                         saved.discard_reason)
                  << "\n";
        for (const auto& arg : saved.resume ? launcher::paused_for_resume(cold_argv) : cold_argv)
            std::cout << arg << "\n";
        return 0;
    }
    // The warm-start decision as a run would take it: its line on stderr; a resume
    // starts QEMU paused (-S) and loads the snapshot over QMP.
    const auto plan = launcher::plan_warm_start(vm, cold_argv);
    std::cerr << "launcher: "
              << (plan.resume ? "warm start: would resume snapshot '" + plan.manifest.snapshot +
                                    "' (QEMU paused with -S, then loadvm over QMP)"
                              : "cold boot: " + plan.reason)
              << "\n";
    for (const auto& arg : plan.resume ? launcher::paused_for_resume(cold_argv) : cold_argv)
        std::cout << arg << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // A telnet client that disconnects must not kill the launcher.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        auto loaded = launcher::load_settings(argc, argv, launcher::process_environment());
        if (const int* exit_code = std::get_if<int>(&loaded)) return *exit_code;
        const auto& vm = std::get<launcher::vm_settings>(loaded);
        if (vm.dry_run) return print_argv(vm);
        launcher::supervisor run(vm);
        return run.run();
    } catch (const launcher::settings_error& e) {
        std::cerr << "launcher: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "launcher: " << e.what() << "\n";
        return 1;
    }
}
