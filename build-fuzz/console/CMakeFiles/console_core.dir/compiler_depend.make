# Empty compiler generated dependencies file for console_core.
# This may be replaced when dependencies are built.
