file(REMOVE_RECURSE
  "../../../bin/fuzz_protocol"
  "../../../bin/fuzz_protocol.pdb"
  "CMakeFiles/fuzz_protocol.dir/fuzz_protocol.cpp.o"
  "CMakeFiles/fuzz_protocol.dir/fuzz_protocol.cpp.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/fuzz_protocol.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
