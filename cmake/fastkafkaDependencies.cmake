# The packages fastkafka's targets link, in one list that both the build
# (CMakeLists.txt) and the installed package (fastkafkaConfig.cmake) read.
# The includer defines two macros first:
#   _fastkafka_find(<find_package arguments>)  find_package(... REQUIRED) in
#                                              the build, find_dependency in
#                                              the package config
#   _fastkafka_pkg(<PREFIX> <module spec>)     pkg_check_modules: an imported
#                                              target PkgConfig::<PREFIX>
# and, in the config, stops when fastkafka_FOUND became FALSE.

_fastkafka_find(Threads)
_fastkafka_find(Boost 1.81.0 EXACT COMPONENTS json CONFIG)
_fastkafka_find(spdlog)
_fastkafka_find(CLI11)
_fastkafka_find(yaml-cpp)
# CAF 0.17.6 from Debian ships no CMake package: FindCAF.cmake beside this
# file wraps its libraries (caf::core, caf::io).
_fastkafka_find(CAF 0.17 COMPONENTS core io)
_fastkafka_find(PkgConfig)
_fastkafka_pkg(RDKAFKA "rdkafka>=2.0")
_fastkafka_pkg(HTTPLIB cpp-httplib)
