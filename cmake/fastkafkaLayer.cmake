# fastkafka_add_layer(NAME SOURCES src...)
# One folder, one static library `fastkafka_NAME` (alias fastkafka::NAME,
# exported as NAME): public headers under include/, private ones beside the
# sources, project warnings kept out of the export. Each layer then says
# what it links with target_link_libraries.
function(fastkafka_add_layer name)
  cmake_parse_arguments(arg "" "" "SOURCES" ${ARGN})
  set(target fastkafka_${name})
  add_library(${target} STATIC ${arg_SOURCES})
  add_library(fastkafka::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name}
                        POSITION_INDEPENDENT_CODE ON)
  target_include_directories(${target}
    PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
           $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(${target} PRIVATE $<BUILD_INTERFACE:fastkafka_warnings>)
  target_compile_features(${target} PUBLIC cxx_std_20)
endfunction()
