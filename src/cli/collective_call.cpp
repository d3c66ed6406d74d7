#include "modesweep/cli/collective_call.hpp"

#include <fmt/format.h>
#include <mpi.h>

#include <exception>
#include <ostream>

#include "modesweep/cli/run.hpp"
#include "modesweep/io/results_file.hpp"
#include "modesweep/spec/sweep_spec.hpp"
#include "modesweep/sweep/run_sweep.hpp"

namespace modesweep::cli {

int collective_call(const boost::mpi::communicator& world, std::ostream& err,
                    const std::string& advice, const std::function<void()>& body) {
  try {
    body();
    return exit_success;
  } catch (const spec::SpecError& e) {
    if (world.rank() == 0) print_error(err, e.what());
    return exit_bad_input;
  } catch (const sweep::RunRefused& e) {
    if (world.rank() == 0) print_error(err, e.what());
    return exit_bad_input;
  } catch (const io::ResultsFileRefused& e) {
    if (world.rank() == 0) print_error(err, e.what());
    return exit_bad_input;
  } catch (const std::exception& e) {
    print_error(err, fmt::format("rank {}: {}; {}", world.rank(), e.what(), advice));
    if (world.size() > 1) MPI_Abort(MPI_COMM_WORLD, exit_failure);
    return exit_failure;
  }
}

}  // namespace modesweep::cli
