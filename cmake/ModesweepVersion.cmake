# The git commit the binary was built from, for `modesweep info` and the results files'
# git_commit attribute. Read at every build (not only at configure time, which would leave a
# stale commit in the binary after a pull or a commit), by cmake/ModesweepWriteVersion.cmake;
# version.hpp is rewritten only when the text changes, so an unchanged commit rebuilds nothing.
find_package(Git QUIET)
set(_version_header "${CMAKE_CURRENT_BINARY_DIR}/generated/modesweep/version.hpp")
set(_version_args
  -DMODESWEEP_SOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}
  -DMODESWEEP_VERSION=${PROJECT_VERSION}
  -DMODESWEEP_GIT=${GIT_EXECUTABLE}
  -DMODESWEEP_TEMPLATE=${CMAKE_CURRENT_SOURCE_DIR}/cmake/version.hpp.in
  -DMODESWEEP_OUTPUT=${_version_header})
# Once now, so that the header exists for the first build ...
execute_process(COMMAND ${CMAKE_COMMAND} ${_version_args}
  -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/ModesweepWriteVersion.cmake)
# ... and before every build.
add_custom_target(modesweep_version
  COMMAND ${CMAKE_COMMAND} ${_version_args}
          -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/ModesweepWriteVersion.cmake
  BYPRODUCTS ${_version_header}
  COMMENT "Reading the git commit")
