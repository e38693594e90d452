file(REMOVE_RECURSE
  "../../../bin/fuzz_qmp_agent"
  "../../../bin/fuzz_qmp_agent.pdb"
  "CMakeFiles/fuzz_qmp_agent.dir/fuzz_qmp_agent.cpp.o"
  "CMakeFiles/fuzz_qmp_agent.dir/fuzz_qmp_agent.cpp.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/fuzz_qmp_agent.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
