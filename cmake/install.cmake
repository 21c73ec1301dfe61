# `cmake --install` and `cpack -G DEB`: headers, the static libraries, the
# exported targets fastkafka::..., fastkafkaConfig.cmake with its version
# file, fastkafka.pc and fastkafka-testing.pc. Two components: `fastkafka`
# (the production libraries) and `testing` (fastkafka::testing and the
# fastkafka-broker tool), which a production build never links.
include(CMakePackageConfigHelpers)

set(FASTKAFKA_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/fastkafka
    CACHE STRING "Where fastkafkaConfig.cmake is installed, under the prefix")
mark_as_advanced(FASTKAFKA_INSTALL_CMAKEDIR)

# Public headers: each layer's include/ tree. The Kafka adapter is the one
# layer whose headers name librdkafka; only its ports (consumer, producer,
# transactions) and the offset reset, which the runtime's and the CLI's
# headers use, are installed.
foreach(layer codecs core actors docs_gen ops workers cli)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${layer}/include/
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT fastkafka
          FILES_MATCHING PATTERN "*.hpp")
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/kafka/include/fastkafka/kafka/consumer_port.hpp
              ${PROJECT_SOURCE_DIR}/kafka/include/fastkafka/kafka/producer_port.hpp
              ${PROJECT_SOURCE_DIR}/kafka/include/fastkafka/kafka/transaction_port.hpp
              ${PROJECT_SOURCE_DIR}/kafka/include/fastkafka/kafka/offset_reset.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/fastkafka/kafka COMPONENT fastkafka)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/testing/include/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT testing
        FILES_MATCHING PATTERN "*.hpp")

set_target_properties(fastkafka PROPERTIES EXPORT_NAME fastkafka)
install(TARGETS fastkafka_codecs fastkafka_core fastkafka_kafka fastkafka_actors
                fastkafka_docs fastkafka_ops fastkafka_workers fastkafka_cli fastkafka
        EXPORT fastkafkaTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT fastkafka
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT fastkafka)
install(EXPORT fastkafkaTargets NAMESPACE fastkafka::
        DESTINATION ${FASTKAFKA_INSTALL_CMAKEDIR} COMPONENT fastkafka)

install(TARGETS fastkafka_testing EXPORT fastkafkaTestingTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT testing
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT testing)
install(EXPORT fastkafkaTestingTargets NAMESPACE fastkafka::
        DESTINATION ${FASTKAFKA_INSTALL_CMAKEDIR} COMPONENT testing)
install(TARGETS fastkafka-broker RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        COMPONENT testing)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/fastkafkaConfig.cmake.in
  ${PROJECT_BINARY_DIR}/fastkafkaConfig.cmake
  INSTALL_DESTINATION ${FASTKAFKA_INSTALL_CMAKEDIR})
# 0.x: a minor version may break the API, so only the same minor matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/fastkafkaConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/fastkafkaConfig.cmake
              ${PROJECT_BINARY_DIR}/fastkafkaConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/fastkafkaDependencies.cmake
              ${PROJECT_SOURCE_DIR}/cmake/FindCAF.cmake
        DESTINATION ${FASTKAFKA_INSTALL_CMAKEDIR} COMPONENT fastkafka)

# pkg-config: the prefix is found from the .pc file's own place, so the
# same file works in a --prefix install, the .deb and an unpacked .deb.
file(RELATIVE_PATH FASTKAFKA_PC_TO_PREFIX
     /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" FASTKAFKA_PC_TO_PREFIX "${FASTKAFKA_PC_TO_PREFIX}")
foreach(pc fastkafka fastkafka-testing)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/${pc}.pc.in
                 ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
endforeach()
install(FILES ${PROJECT_BINARY_DIR}/fastkafka.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT fastkafka)
install(FILES ${PROJECT_BINARY_DIR}/fastkafka-testing.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT testing)

# One .deb with both components; Depends names the Debian -dev packages
# that building against it needs (the ones deploy/install-deps.sh installs).
set(CPACK_PACKAGE_NAME libfastkafka-dev)
set(CPACK_PACKAGE_VENDOR "fastkafka")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Typed Kafka consumers and producers as supervised CAF actors (C++20)")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "fastkafka maintainers <fastkafka@localhost>")
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libcaf-dev (>= 0.17.6), librdkafka-dev (>= 2.0), libboost1.81-dev, libboost-json1.81-dev, libspdlog-dev, libcli11-dev, libyaml-cpp-dev, libcpp-httplib-dev, pkgconf | pkg-config")
set(CPACK_GENERATOR DEB)
include(CPack)
