file(REMOVE_RECURSE
  "../bin/console"
  "../bin/console.pdb"
  "CMakeFiles/console.dir/src/main.cpp.o"
  "CMakeFiles/console.dir/src/main.cpp.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/console.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
