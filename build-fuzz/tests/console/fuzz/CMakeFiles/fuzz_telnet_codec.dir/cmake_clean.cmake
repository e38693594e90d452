file(REMOVE_RECURSE
  "../../../bin/fuzz_telnet_codec"
  "../../../bin/fuzz_telnet_codec.pdb"
  "CMakeFiles/fuzz_telnet_codec.dir/fuzz_telnet_codec.cpp.o"
  "CMakeFiles/fuzz_telnet_codec.dir/fuzz_telnet_codec.cpp.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/fuzz_telnet_codec.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
