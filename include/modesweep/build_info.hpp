// What this binary was built against, for `modesweep info` and the results file's attributes.
#pragma once

#include <Kokkos_Core.hpp>
#include <string>

namespace modesweep {

// "major.minor.patch" of the Kokkos compiled against (KOKKOS_VERSION = major*10000 +
// minor*100 + patch).
inline std::string kokkos_version_text() {
  return std::to_string(KOKKOS_VERSION / 10000) + "." + std::to_string(KOKKOS_VERSION / 100 % 100) +
         "." + std::to_string(KOKKOS_VERSION % 100);
}

}  // namespace modesweep
