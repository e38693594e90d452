file(REMOVE_RECURSE
  "libconsole_core.a"
)
