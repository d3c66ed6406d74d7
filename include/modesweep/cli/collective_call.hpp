// How the MPI commands (run, merge) turn the sweep engine's exceptions into exit statuses.
#pragma once

#include <boost/mpi/communicator.hpp>
#include <functional>
#include <iosfwd>
#include <string>

namespace modesweep::cli {

// Calls `body` (collective over `world`). Returns 0 when it returns normally, else:
// - 2 for a refusal (spec::SpecError, sweep::RunRefused, io::ResultsFileRefused): raised
//   identically on every rank, so rank 0 alone prints it;
// - 1 for any other failure, which may hit one rank only (disk full): that rank prints it with
//   `advice` appended and aborts the job (MPI_Abort) when there are other ranks to stop.
int collective_call(const boost::mpi::communicator& world, std::ostream& err,
                    const std::string& advice, const std::function<void()>& body);

}  // namespace modesweep::cli
