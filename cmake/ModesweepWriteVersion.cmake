# cmake -P script: writes version.hpp from version.hpp.in with the current git commit
# (12 hex digits, "-dirty" when tracked files differ from HEAD, "unknown" outside git).
set(MODESWEEP_GIT_COMMIT "unknown")
if(MODESWEEP_GIT AND EXISTS "${MODESWEEP_SOURCE_DIR}/.git")
  execute_process(COMMAND "${MODESWEEP_GIT}" rev-parse --short=12 HEAD
    WORKING_DIRECTORY "${MODESWEEP_SOURCE_DIR}"
    OUTPUT_VARIABLE _commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _rc)
  if(_rc EQUAL 0 AND _commit)
    set(MODESWEEP_GIT_COMMIT "${_commit}")
    execute_process(COMMAND "${MODESWEEP_GIT}" diff --quiet HEAD
      WORKING_DIRECTORY "${MODESWEEP_SOURCE_DIR}" RESULT_VARIABLE _dirty ERROR_QUIET)
    if(NOT _dirty EQUAL 0)
      set(MODESWEEP_GIT_COMMIT "${MODESWEEP_GIT_COMMIT}-dirty")
    endif()
  endif()
endif()
set(PROJECT_VERSION "${MODESWEEP_VERSION}")
configure_file("${MODESWEEP_TEMPLATE}" "${MODESWEEP_OUTPUT}" @ONLY)
