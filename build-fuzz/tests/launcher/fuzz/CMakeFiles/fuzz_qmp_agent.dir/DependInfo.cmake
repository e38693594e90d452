
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/hardening/tests/launcher/fuzz/fuzz_qmp_agent.cpp" "tests/launcher/fuzz/CMakeFiles/fuzz_qmp_agent.dir/fuzz_qmp_agent.cpp.o" "gcc" "tests/launcher/fuzz/CMakeFiles/fuzz_qmp_agent.dir/fuzz_qmp_agent.cpp.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt/hardening/build-fuzz/launcher/CMakeFiles/launcher_core.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
