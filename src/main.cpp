// modesweep: parse and dispatch only; the commands live in the library (src/cli).
#include <Kokkos_Core.hpp>

#include "modesweep/cli/run.hpp"

int main(int argc, char** argv) {
  // Kokkos 3.x answers a plain --help with its own help text when given argv, so it is
  // initialized from defaults and the environment (KOKKOS_NUM_THREADS, ...) instead.
  Kokkos::ScopeGuard kokkos;
  return modesweep::cli::run(argc, argv);
}
