# CMake generated Testfile for 
# Source directory: /work/wt/hardening/tests/console/fuzz
# Build directory: /work/wt/hardening/build-fuzz/tests/console/fuzz
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
