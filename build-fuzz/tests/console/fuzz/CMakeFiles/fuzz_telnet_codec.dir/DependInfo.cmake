
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/hardening/tests/console/fuzz/fuzz_telnet_codec.cpp" "tests/console/fuzz/CMakeFiles/fuzz_telnet_codec.dir/fuzz_telnet_codec.cpp.o" "gcc" "tests/console/fuzz/CMakeFiles/fuzz_telnet_codec.dir/fuzz_telnet_codec.cpp.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt/hardening/build-fuzz/console/CMakeFiles/console_core.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
