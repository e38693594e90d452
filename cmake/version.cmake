# The project's one version: the chart's appVersion (the version of the images
# the chart runs). Read at configure time; binaries get it from a generated
# header, the Makefile reads the same line.
set(CHART_YAML ${CMAKE_CURRENT_LIST_DIR}/../chart/qemu-riscv64/Chart.yaml)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CHART_YAML})
file(STRINGS ${CHART_YAML} app_version_line REGEX "^appVersion:")
string(REGEX REPLACE "^appVersion:[ ]*\"?([^\" ]+)\"?.*$" "\\1" QEMU_RISCV64_VERSION
       "${app_version_line}")
if(NOT QEMU_RISCV64_VERSION MATCHES "^[0-9]+\\.[0-9]+\\.[0-9]+")
  message(FATAL_ERROR "chart/qemu-riscv64/Chart.yaml: appVersion '${app_version_line}' "
                      "is not a version like 0.1.0")
endif()
