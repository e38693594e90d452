# Empty compiler generated dependencies file for launcher_core.
# This may be replaced when dependencies are built.
