# Empty compiler generated dependencies file for launcher.
# This may be replaced when dependencies are built.
