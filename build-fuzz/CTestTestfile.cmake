# CMake generated Testfile for 
# Source directory: /work/wt/hardening
# Build directory: /work/wt/hardening/build-fuzz
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
subdirs("launcher")
subdirs("console")
subdirs("tests")
