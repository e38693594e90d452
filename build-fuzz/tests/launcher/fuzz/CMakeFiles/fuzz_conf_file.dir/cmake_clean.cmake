file(REMOVE_RECURSE
  "../../../bin/fuzz_conf_file"
  "../../../bin/fuzz_conf_file.pdb"
  "CMakeFiles/fuzz_conf_file.dir/fuzz_conf_file.cpp.o"
  "CMakeFiles/fuzz_conf_file.dir/fuzz_conf_file.cpp.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/fuzz_conf_file.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
