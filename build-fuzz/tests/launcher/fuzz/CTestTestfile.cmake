# CMake generated Testfile for 
# Source directory: /work/wt/hardening/tests/launcher/fuzz
# Build directory: /work/wt/hardening/build-fuzz/tests/launcher/fuzz
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
