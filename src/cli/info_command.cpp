#include "modesweep/cli/info_command.hpp"

#include <fmt/format.h>
#include <hdf5.h>
#include <mpi.h>

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cctype>
#include <cstring>
#include <ostream>
#include <string>

#include "modesweep/build_info.hpp"
#include "modesweep/version.hpp"

namespace modesweep::cli {
namespace {

// MPI_Get_library_version may be called before MPI_Init (MPI-3.0, 8.1.1), so `info` does not
// start MPI. Open MPI counts the terminating NUL in `length`, and other libraries return
// several lines: keep the first line, up to the NUL.
std::string mpi_library_version() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int length = 0;
  if (MPI_Get_library_version(text, &length) != MPI_SUCCESS) return "unknown";
  const std::size_t size = static_cast<std::size_t>(std::max(length, 0));
  std::string version(text, ::strnlen(text, std::min(size, sizeof text)));
  version = version.substr(0, version.find('\n'));
  while (!version.empty() && std::isspace(static_cast<unsigned char>(version.back()))) {
    version.pop_back();
  }
  return version;
}

std::string mpi_standard_version() {
  int major = 0;
  int minor = 0;
  if (MPI_Get_version(&major, &minor) != MPI_SUCCESS) return "unknown";
  return fmt::format("{}.{}", major, minor);
}

}  // namespace

InfoCommand::InfoCommand(CLI::App& parent)
    : app_(parent.add_subcommand(
          "info",
          "Print the modesweep version and git commit, and the Kokkos, MPI and HDF5 "
          "this binary was built against.")) {}

int InfoCommand::run(std::ostream& out) const {
  out << fmt::format("modesweep        {} (commit {})\n", modesweep::version,
                     modesweep::git_commit);
  out << fmt::format("Kokkos           {}, default execution space {}\n", kokkos_version_text(),
                     Kokkos::DefaultExecutionSpace::name());
  out << fmt::format("MPI              {} (MPI standard {})\n", mpi_library_version(),
                     mpi_standard_version());
#ifdef H5_HAVE_PARALLEL
  constexpr const char* hdf5_parallel = "yes";
#else
  constexpr const char* hdf5_parallel = "no";
#endif
  out << fmt::format("HDF5             {}.{}.{}, parallel: {}\n", H5_VERS_MAJOR, H5_VERS_MINOR,
                     H5_VERS_RELEASE, hdf5_parallel);
  return 0;
}

}  // namespace modesweep::cli
