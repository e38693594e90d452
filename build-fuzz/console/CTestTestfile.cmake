# CMake generated Testfile for 
# Source directory: /work/wt/hardening/console
# Build directory: /work/wt/hardening/build-fuzz/console
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
