file(REMOVE_RECURSE
  "../bin/launcher"
  "../bin/launcher.pdb"
  "CMakeFiles/launcher.dir/src/main.cpp.o"
  "CMakeFiles/launcher.dir/src/main.cpp.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/launcher.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
