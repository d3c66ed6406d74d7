// `modesweep merge`: joins the shard files of a spec (one per Slurm array task, `run --shard
// i/k`) into the results file a single run of that spec writes. Every numeric dataset of the
// merged file is bit-identical to a single run's: each value depends only on its point.
// Collective over the communicator (one rank is enough; more ranks share the copying).
#pragma once

#include <boost/mpi/communicator.hpp>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "modesweep/spec/sweep_spec.hpp"

namespace modesweep::sweep {

struct MergeOptions {
  std::string output;          // the merged file (default: the spec's output, as for run)
  std::uint64_t shards = 0;    // k: shard files <output stem>.shard-<i>-of-<k>.h5, i < k
  bool force = false;          // overwrite any existing file (an unfinished merge of this spec is
                               // replaced without it)
  bool remove_shards = false;  // delete the shard files once the merged file is complete
  bool quiet = false;
  double progress_interval = 10.0;
  bool live_progress = false;
};

struct MergeReport {
  std::string path;
  std::uint64_t points = 0;
  std::uint64_t shards = 0;
  double seconds = 0.0;
  // The merged file was there already, complete, from as many shards: left as it was.
  bool already_complete = false;
  // With remove_shards (rank 0): the shard files that could not be removed, and why.
  std::vector<std::string> shards_kept;
};

// Checks every shard before writing anything: present, complete, made from this spec text,
// the expected shard of the expected layout. Throws RunRefused (on every rank) naming the
// first bad shard and what to do about it. Without force, a complete merge of this spec from
// as many shards at the merged path is the work done already: left as it is, bit for bit,
// shards present or not (already_complete).
MergeReport merge_shards(const spec::SweepSpec& spec, const MergeOptions& options,
                         const boost::mpi::communicator& comm, std::ostream& log);

}  // namespace modesweep::sweep
