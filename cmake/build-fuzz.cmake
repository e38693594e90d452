# cmake -DSOURCE_DIR=... -DBUILD_DIR=... -DCXX=clang++ -P build-fuzz.cmake
# Configures and builds the libFuzzer targets (QEMU_RISCV64_FUZZ) in BUILD_DIR.
find_program(CCACHE ccache)
set(launcher_flag "")
if(CCACHE)
  set(launcher_flag -DCMAKE_CXX_COMPILER_LAUNCHER=${CCACHE})
endif()
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BUILD_DIR} -DQEMU_RISCV64_FUZZ=ON
          -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=RelWithDebInfo ${launcher_flag}
  RESULT_VARIABLE configured)
if(NOT configured EQUAL 0)
  message(FATAL_ERROR "fuzz build: configuring ${BUILD_DIR} with ${CXX} failed "
                      "(scripts/install-deps.sh fuzz installs clang and libFuzzer)")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target fuzz_targets -j 2
  RESULT_VARIABLE built)
if(NOT built EQUAL 0)
  message(FATAL_ERROR "fuzz build: building the fuzz targets in ${BUILD_DIR} failed")
endif()
