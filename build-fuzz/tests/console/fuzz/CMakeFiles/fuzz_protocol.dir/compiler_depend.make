# Empty compiler generated dependencies file for fuzz_protocol.
# This may be replaced when dependencies are built.
