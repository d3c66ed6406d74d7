# Finds every dependency and repairs what distributions ship broken.

# --- Kokkos -------------------------------------------------------------------------------
# Debian's Trilinos Kokkos 3.4 exports Kokkos::kokkos with INTERFACE_INCLUDE_DIRECTORIES
# pointing at <prefix>/include, where the headers are not (they are in include/trilinos).
# Repair the imported target from Kokkos_INCLUDE_DIRS; a standalone Kokkos 4.x (e.g. CUDA on
# a cluster) has correct targets and is left untouched.
find_package(Kokkos REQUIRED)
if(TARGET Kokkos::kokkos)
  get_target_property(_kk_inc Kokkos::kokkos INTERFACE_INCLUDE_DIRECTORIES)
  set(_kk_broken FALSE)
  if(_kk_inc)
    foreach(_dir IN LISTS _kk_inc)
      if(NOT _dir MATCHES "^\\$<" AND NOT EXISTS "${_dir}/Kokkos_Core.hpp")
        set(_kk_broken TRUE)
      endif()
    endforeach()
  endif()
  if(_kk_broken AND Kokkos_INCLUDE_DIRS)
    get_filename_component(_kk_fixed "${Kokkos_INCLUDE_DIRS}" ABSOLUTE)
    message(STATUS "Kokkos: repairing Kokkos::kokkos include dir ${_kk_inc} -> ${_kk_fixed}")
    set_target_properties(Kokkos::kokkos PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_kk_fixed}")
    if(Kokkos_LIBRARY_DIRS)
      get_filename_component(_kk_libdir "${Kokkos_LIBRARY_DIRS}" ABSOLUTE)
      set_property(TARGET Kokkos::kokkos APPEND PROPERTY INTERFACE_LINK_DIRECTORIES "${_kk_libdir}")
    endif()
  endif()
else()
  message(FATAL_ERROR "Kokkos was found but exports no Kokkos::kokkos target")
endif()
message(STATUS "Kokkos version: ${Kokkos_VERSION}")

# --- MPI and Boost.MPI --------------------------------------------------------------------
find_package(MPI REQUIRED COMPONENTS CXX)
find_package(Boost 1.71 REQUIRED COMPONENTS mpi serialization)

# --- parallel HDF5 ------------------------------------------------------------------------
# FindHDF5 probes its C component with a C test program: C must be an enabled language.
enable_language(C)
set(HDF5_PREFER_PARALLEL ON)
find_package(HDF5 REQUIRED COMPONENTS C HL)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR
    "HDF5 found at '${HDF5_INCLUDE_DIRS}' is the serial build; modesweep needs parallel HDF5 "
    "(MPI-IO). Install libhdf5-openmpi-dev (scripts/setup.sh) or point HDF5_ROOT at a "
    "parallel build.")
endif()

# --- header-only and small libraries -------------------------------------------------------
find_package(CLI11 REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(fmt REQUIRED)
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)
find_package(Boost 1.71 REQUIRED)  # Boost.Math for host-side references (header-only)

if(MODESWEEP_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(MODESWEEP_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
