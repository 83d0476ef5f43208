# flank_embed(<target> <dir>...): compiles every file under the given folders into a static
# library; read them back with flank::embedded_file("folder/relative/path").
function(flank_embed target)
  set(files)
  foreach(dir IN LISTS ARGN)
    file(GLOB_RECURSE found CONFIGURE_DEPENDS ${dir}/*)
    list(APPEND files ${found})
  endforeach()
  list(FILTER files EXCLUDE REGEX "/(node_modules|\\.)")
  set(out ${PROJECT_BINARY_DIR}/generated/${target}.cpp)
  set(listfile ${PROJECT_BINARY_DIR}/generated/${target}.files)
  string(REPLACE ";" "\n" lines "${files}")
  file(WRITE ${listfile}.tmp "${lines}")
  file(COPY_FILE ${listfile}.tmp ${listfile} ONLY_IF_DIFFERENT)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DLIST=${listfile} -DROOT=${PROJECT_SOURCE_DIR}
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedGen.cmake
    DEPENDS ${files} ${listfile} ${PROJECT_SOURCE_DIR}/cmake/EmbedGen.cmake
    COMMENT "Embedding ${target}")
  add_library(${target} STATIC ${out})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src)
endfunction()
