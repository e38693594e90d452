# CMake generated Testfile for 
# Source directory: /work/wt/hardening/tests
# Build directory: /work/wt/hardening/build-fuzz/tests
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
subdirs("launcher/fuzz")
subdirs("console/fuzz")
