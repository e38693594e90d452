# Empty compiler generated dependencies file for fuzz_telnet_input.
# This may be replaced when dependencies are built.
