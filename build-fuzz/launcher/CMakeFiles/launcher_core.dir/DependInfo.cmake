
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/hardening/launcher/src/chunk.cpp" "launcher/CMakeFiles/launcher_core.dir/src/chunk.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/chunk.cpp.o.d"
  "/work/wt/hardening/launcher/src/conf_file.cpp" "launcher/CMakeFiles/launcher_core.dir/src/conf_file.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/conf_file.cpp.o.d"
  "/work/wt/hardening/launcher/src/console_hub.cpp" "launcher/CMakeFiles/launcher_core.dir/src/console_hub.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/console_hub.cpp.o.d"
  "/work/wt/hardening/launcher/src/guest_credentials.cpp" "launcher/CMakeFiles/launcher_core.dir/src/guest_credentials.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/guest_credentials.cpp.o.d"
  "/work/wt/hardening/launcher/src/line_splitter.cpp" "launcher/CMakeFiles/launcher_core.dir/src/line_splitter.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/line_splitter.cpp.o.d"
  "/work/wt/hardening/launcher/src/options.cpp" "launcher/CMakeFiles/launcher_core.dir/src/options.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/options.cpp.o.d"
  "/work/wt/hardening/launcher/src/qemu_argv.cpp" "launcher/CMakeFiles/launcher_core.dir/src/qemu_argv.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/qemu_argv.cpp.o.d"
  "/work/wt/hardening/launcher/src/qemu_process.cpp" "launcher/CMakeFiles/launcher_core.dir/src/qemu_process.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/qemu_process.cpp.o.d"
  "/work/wt/hardening/launcher/src/qmp_client.cpp" "launcher/CMakeFiles/launcher_core.dir/src/qmp_client.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/qmp_client.cpp.o.d"
  "/work/wt/hardening/launcher/src/run_directory.cpp" "launcher/CMakeFiles/launcher_core.dir/src/run_directory.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/run_directory.cpp.o.d"
  "/work/wt/hardening/launcher/src/scrollback.cpp" "launcher/CMakeFiles/launcher_core.dir/src/scrollback.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/scrollback.cpp.o.d"
  "/work/wt/hardening/launcher/src/setting_specs.cpp" "launcher/CMakeFiles/launcher_core.dir/src/setting_specs.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/setting_specs.cpp.o.d"
  "/work/wt/hardening/launcher/src/settings_builder.cpp" "launcher/CMakeFiles/launcher_core.dir/src/settings_builder.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/settings_builder.cpp.o.d"
  "/work/wt/hardening/launcher/src/stdout_mirror.cpp" "launcher/CMakeFiles/launcher_core.dir/src/stdout_mirror.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/stdout_mirror.cpp.o.d"
  "/work/wt/hardening/launcher/src/supervisor.cpp" "launcher/CMakeFiles/launcher_core.dir/src/supervisor.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/supervisor.cpp.o.d"
  "/work/wt/hardening/launcher/src/telnet_server.cpp" "launcher/CMakeFiles/launcher_core.dir/src/telnet_server.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/telnet_server.cpp.o.d"
  "/work/wt/hardening/launcher/src/telnet_session.cpp" "launcher/CMakeFiles/launcher_core.dir/src/telnet_session.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/telnet_session.cpp.o.d"
  "/work/wt/hardening/launcher/src/unix_channel.cpp" "launcher/CMakeFiles/launcher_core.dir/src/unix_channel.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/unix_channel.cpp.o.d"
  "/work/wt/hardening/launcher/src/value_parsers.cpp" "launcher/CMakeFiles/launcher_core.dir/src/value_parsers.cpp.o" "gcc" "launcher/CMakeFiles/launcher_core.dir/src/value_parsers.cpp.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
