# Empty custom commands generated dependencies file for fuzz_targets.
# This may be replaced when dependencies are built.
