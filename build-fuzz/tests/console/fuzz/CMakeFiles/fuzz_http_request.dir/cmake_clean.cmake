file(REMOVE_RECURSE
  "../../../bin/fuzz_http_request"
  "../../../bin/fuzz_http_request.pdb"
  "CMakeFiles/fuzz_http_request.dir/fuzz_http_request.cpp.o"
  "CMakeFiles/fuzz_http_request.dir/fuzz_http_request.cpp.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/fuzz_http_request.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
