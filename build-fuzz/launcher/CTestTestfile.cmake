# CMake generated Testfile for 
# Source directory: /work/wt/hardening/launcher
# Build directory: /work/wt/hardening/build-fuzz/launcher
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
