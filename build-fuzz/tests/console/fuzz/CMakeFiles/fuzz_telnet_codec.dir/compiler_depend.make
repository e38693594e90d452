# Empty compiler generated dependencies file for fuzz_telnet_codec.
# This may be replaced when dependencies are built.
