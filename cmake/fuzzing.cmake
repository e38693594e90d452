# Fuzz targets (libFuzzer) and sanitizer builds.
#
#   QEMU_RISCV64_FUZZ=ON      clang build of the fuzz targets with libFuzzer,
#                             ASan and UBSan (the build-fuzz folder)
#   QEMU_RISCV64_SANITIZE=ON  everything with -fsanitize=address,undefined
#                             (the build-sanitize folder of `make sanitize`)
# In other builds each fuzz target links a replay main instead of libFuzzer,
# so ctest replays its seed corpus, and the `fuzz` label runs libFuzzer from
# a clang build made by the project.fuzz.build fixture.
option(QEMU_RISCV64_FUZZ "Build the libFuzzer targets only (clang)" OFF)
option(QEMU_RISCV64_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
set(FUZZ_BUILD_DIR "${CMAKE_BINARY_DIR}-fuzz" CACHE PATH "Build folder of the libFuzzer targets")
set(FUZZ_CXX_COMPILER "clang++" CACHE STRING "clang of the libFuzzer build (Debian's default clang)")

set(sanitizers -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
if(QEMU_RISCV64_FUZZ)
  add_compile_options(${sanitizers} -fsanitize=fuzzer-no-link)
  add_link_options(-fsanitize=address,undefined)
elseif(QEMU_RISCV64_SANITIZE)
  # Without vptr: UBSan checks a dynamic type by writing the object's memory
  # into a pipe, so in a process out of descriptors (the EMFILE tests make
  # one on purpose) every type not yet cached is reported as "invalid vptr"
  # and the process halts. The fuzz build (no EMFILE there) keeps it.
  # -O1 and line tables (-g1), after the build type's -O2 -g: what the reports need
  # (ASan's advice is -O1), and half the compile time of -O2 -g with the sanitizers
  # (bridge_session.cpp: 53 s against 114 s with g++ 12).
  add_compile_options(${sanitizers} -fno-sanitize=vptr -O1 -g1)
  add_link_options(-fsanitize=address,undefined)
endif()

# add_fuzz_target(<part> <name> <source> <libraries>...): the executable
# fuzz_<name>, with its seed corpus in fuzz/corpus/<name>/ next to it.
function(add_fuzz_target part name source)
  set(target fuzz_${name})
  set(corpus ${CMAKE_CURRENT_SOURCE_DIR}/corpus/${name})
  add_executable(${target} ${source})
  target_link_libraries(${target} PRIVATE ${ARGN})
  if(QEMU_RISCV64_FUZZ)
    target_link_options(${target} PRIVATE -fsanitize=fuzzer)
    add_dependencies(fuzz_targets ${target})
    return()
  endif()
  target_sources(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support/fuzz_replay_main.cpp)
  add_test(NAME ${part}.unit.corpus_${name} COMMAND ${target} ${corpus})
  set_tests_properties(${part}.unit.corpus_${name} PROPERTIES LABELS unit TIMEOUT 120)
  # libFuzzer for FUZZ_SECONDS (20 by default) from the clang build.
  add_test(NAME ${part}.fuzz.${name}
    COMMAND ${PROJECT_SOURCE_DIR}/tests/support/run-fuzz.sh ${FUZZ_BUILD_DIR}/bin/${target}
            ${corpus} ${CMAKE_BINARY_DIR}/fuzz-work/${name})
  set_tests_properties(${part}.fuzz.${name} PROPERTIES LABELS fuzz TIMEOUT 3600
    FIXTURES_REQUIRED fuzz_build)
endfunction()
