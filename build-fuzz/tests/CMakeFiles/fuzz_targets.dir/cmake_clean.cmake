
# Per-language clean rules from dependency scanning.
foreach(lang )
  include(CMakeFiles/fuzz_targets.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
