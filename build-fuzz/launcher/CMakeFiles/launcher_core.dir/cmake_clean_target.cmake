file(REMOVE_RECURSE
  "liblauncher_core.a"
)
