# Empty compiler generated dependencies file for fuzz_qmp_agent.
# This may be replaced when dependencies are built.
