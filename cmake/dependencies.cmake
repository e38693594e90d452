# Every dependency comes from Debian's packages (Debian 12 and 13 generations).
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBTELNET REQUIRED IMPORTED_TARGET libtelnet)

# Beast and Asio are header-only; these keep their builds quiet and lean.
add_library(asio_config INTERFACE)
target_link_libraries(asio_config INTERFACE Boost::headers Threads::Threads)
target_compile_definitions(asio_config INTERFACE
  BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
