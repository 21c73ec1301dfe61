# FindCAF: the C++ Actor Framework 0.17 as Debian's libcaf-dev ships it,
# without a CMake package of its own.
#
#   find_package(CAF [REQUIRED] [COMPONENTS core io])
#
# Defines the imported targets caf::core and caf::io (which links caf::core)
# for the components asked for (default: core), and CAF_FOUND,
# CAF_INCLUDE_DIR, CAF_CORE_LIBRARY, CAF_IO_LIBRARY. fastkafka's build and
# its installed package config both find CAF through this file.

set(_caf_components ${CAF_FIND_COMPONENTS})
if(NOT _caf_components)
  set(_caf_components core)
endif()
# caf::io links caf::core.
if("io" IN_LIST _caf_components AND NOT "core" IN_LIST _caf_components)
  list(APPEND _caf_components core)
endif()

find_path(CAF_INCLUDE_DIR caf/all.hpp)
set(_caf_required_vars CAF_INCLUDE_DIR)
foreach(_caf_component IN LISTS _caf_components)
  if(NOT _caf_component MATCHES "^(core|io)$")
    message(FATAL_ERROR "FindCAF: unknown component '${_caf_component}' (core, io)")
  endif()
  string(TOUPPER ${_caf_component} _caf_upper)
  find_library(CAF_${_caf_upper}_LIBRARY caf_${_caf_component})
  if(CAF_${_caf_upper}_LIBRARY)
    set(CAF_${_caf_component}_FOUND TRUE)
  else()
    set(CAF_${_caf_component}_FOUND FALSE)
  endif()
endforeach()

# caf/config.hpp carries the version: CAF_VERSION 1706 is 0.17.6.
if(CAF_INCLUDE_DIR AND EXISTS "${CAF_INCLUDE_DIR}/caf/config.hpp")
  file(STRINGS "${CAF_INCLUDE_DIR}/caf/config.hpp" _caf_version_line
       REGEX "^#define CAF_VERSION [0-9]+")
  if(_caf_version_line MATCHES "CAF_VERSION ([0-9]+)")
    math(EXPR _caf_major "${CMAKE_MATCH_1} / 10000")
    math(EXPR _caf_minor "(${CMAKE_MATCH_1} / 100) % 100")
    math(EXPR _caf_patch "${CMAKE_MATCH_1} % 100")
    set(CAF_VERSION "${_caf_major}.${_caf_minor}.${_caf_patch}")
  endif()
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CAF
  REQUIRED_VARS ${_caf_required_vars}
  VERSION_VAR CAF_VERSION
  HANDLE_COMPONENTS)

if(CAF_FOUND)
  find_package(Threads REQUIRED)
  if(CAF_core_FOUND AND NOT TARGET caf::core)
    add_library(caf::core UNKNOWN IMPORTED)
    set_target_properties(caf::core PROPERTIES
      IMPORTED_LOCATION "${CAF_CORE_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES Threads::Threads)
  endif()
  # The middleman (publish, remote_actor).
  if(CAF_io_FOUND AND NOT TARGET caf::io)
    add_library(caf::io UNKNOWN IMPORTED)
    set_target_properties(caf::io PROPERTIES
      IMPORTED_LOCATION "${CAF_IO_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES caf::core)
  endif()
endif()
mark_as_advanced(CAF_INCLUDE_DIR CAF_CORE_LIBRARY CAF_IO_LIBRARY)
