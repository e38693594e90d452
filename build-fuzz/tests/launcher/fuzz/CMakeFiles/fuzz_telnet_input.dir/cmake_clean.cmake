file(REMOVE_RECURSE
  "../../../bin/fuzz_telnet_input"
  "../../../bin/fuzz_telnet_input.pdb"
  "CMakeFiles/fuzz_telnet_input.dir/fuzz_telnet_input.cpp.o"
  "CMakeFiles/fuzz_telnet_input.dir/fuzz_telnet_input.cpp.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/fuzz_telnet_input.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
