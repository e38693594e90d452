# Empty dependencies file for fuzz_conf_file.
# This may be replaced when dependencies are built.
