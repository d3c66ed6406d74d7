// The results file of a sweep: one HDF5 file written by all ranks with parallel HDF5
// (MPI-IO; independent data transfers where each rank can sync, see write_round). Layout
// (README, "Results files"):
//   factorial: datasets dL (float64) and bottleneck (int8) of shape (alpha, beta, D, tau,
//     gamma, N); eps_N (alpha, gamma, N), eps_D (alpha, D), eps_tau (alpha, beta, tau), the axes
//     each depends on (float64); each dimension a coordinate dataset attached as an HDF5
//     dimension scale, so that xarray broadcasts them against dL;
//   designs: the same datasets and one column per axis (alpha .. tau), 1-D over the
//     dimension scale `point`;
//   root attributes: spec text, model constants, versions, MPI size, times and `status`;
//   group sweep_progress: chunk_done (uint8 per chunk), set only after the chunk's data is
//     on the disk, so that a killed run loses only chunks not yet synced (write_round). In
//     an incomplete factorial file a done chunk's eps_N, eps_D, eps_tau may still be missing:
//     each is written by the chunk that holds its first point, which may not be done yet;
//   shard files (one Slurm array task's part, sweep::Shard): every dataset 1-D over the
//     shard's points, with dimension scale `point` holding the grid's flat index, root
//     attributes shard_index, shard_count, shard_first_point; `modesweep merge` joins them.
// Every method is collective over the communicator unless it says otherwise.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <future>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "modesweep/grid/grid.hpp"
#include "modesweep/sweep/kernel.hpp"
#include "modesweep/sweep/partition.hpp"

namespace modesweep::io {

// An I/O failure (disk full, ...). It may hit one rank only: the caller must not expect the
// other ranks to follow (the CLI aborts the job; finished chunks stay in the file).
class ResultsFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A file that cannot be used as asked (cannot be created or opened, not a results file,
// another spec). Raised identically on every rank: bad input, not a failure.
class ResultsFileRefused : public ResultsFileError {
 public:
  using ResultsFileError::ResultsFileError;
};

inline constexpr const char* status_running = "running";
inline constexpr const char* status_interrupted = "interrupted";
inline constexpr const char* status_complete = "complete";
// 2: a factorial file's eps_N, eps_D, eps_tau span only the axes they depend on.
inline constexpr int results_format_version = 2;

// The attributes of the run writing a file, at creation and again at each resume (identical on
// every rank).
struct RunAttributes {
  std::string start_time;  // ISO 8601, UTC
  std::string modesweep_version;
  std::string git_commit;
  std::string kokkos_version;
  std::string kokkos_backend;
  int mpi_size = 1;
  std::uint64_t merged_shards = 0;  // > 0: the file was joined from this many shard files
};

class ResultsFile {
 public:
  // Creates (truncating) `path` for `grid`, writes coordinates and attributes, status
  // "running", and flushes, so that from here on only raw data changes until the status is
  // set (a resume's record_run rewrites the run attributes first).
  // With a shard, the file holds that shard's points only.
  static ResultsFile create(const std::string& path, MPI_Comm comm, const grid::Grid& grid,
                            const RunAttributes& attributes, sweep::Shard shard = {});
  // Opens an existing file to continue it. Throws ResultsFileRefused when it is not a
  // modesweep results file, was made from a different spec text, or holds another shard.
  static ResultsFile open_for_resume(const std::string& path, MPI_Comm comm, const grid::Grid& grid,
                                     sweep::Shard shard = {});

  ResultsFile(ResultsFile&& other) noexcept;
  ResultsFile& operator=(ResultsFile&&) = delete;
  ResultsFile(const ResultsFile&) = delete;
  // Closes the file (collective), except while an exception unwinds: then the failure may be
  // on this rank only, and a collective close would wait forever for the others.
  ~ResultsFile();

  std::uint64_t chunk_points() const { return chunk_points_; }
  // The chunks and points this file holds (the whole grid unless it is a shard file).
  const sweep::ShardExtent& extent() const { return extent_; }
  // One byte per chunk of extent(), 1 when the chunk's data is in the file.
  std::vector<std::uint8_t> chunk_done() const;

  // Writes this rank's chunk of a round (results == nullptr: nothing this round). `range` and
  // `chunk` are the grid's, inside extent(). A chunk's progress flag is written only after its
  // data has reached the disk, so that a flag never reaches the disk before its data:
  // - with independent_rounds(), each rank writes its own data and flags with independent
  //   transfers, so that ranks never wait for each other between chunks (waiting for the
  //   slowest rank of every round cost 2 ranks a tenth of the run here). A helper thread
  //   syncs the file (fdatasync, which waits on the disk, not the CPU) while the next chunks
  //   compute; when it has finished, the next write_round flags the chunks written before it
  //   started, and a new sync starts for those written since. Writing never waits for the
  //   disk (syncing every round in line cost a tenth of the run; waiting for each round's
  //   sync halved the writer's throughput on an output-bound grid), and a killed run loses
  //   only the chunks written since the last finished sync;
  // - otherwise (no descriptor to sync through: the data is synced by H5Fflush, which is
  //   collective) transfers are collective, every rank takes part in every round, and a
  //   round is flagged by the next write_round, after a flush.
  void write_round(const sweep::ChunkResults* results, sweep::IndexRange range, std::int64_t chunk);

  // Whether write_round and commit_round involve this rank only.
  bool independent_rounds() const { return sync_fd_ >= 0; }

  // Collective, before any write_round: writes collective rounds synced by H5Fflush from now
  // on, as where a rank cannot sync the file itself (`run --collective-writes`: for file
  // systems where that suits better, and to test that path).
  void use_collective_rounds();

  // Flags every chunk written so far done once it is on the disk (waiting for the syncs);
  // does nothing when none awaits it. Collective unless independent_rounds(). Throws
  // ResultsFileError when a sync failed.
  void commit_round();

  // Collective: commits the last round of every rank and flushes, so that every rank reads
  // every rank's flags (chunk_done) afterwards.
  void finish_rounds();

  // Collective, before a resume's first write_round: the run attributes (version, commit,
  // Kokkos, mpi_size, start_time) become this run's, end_time empty, status "running".
  void record_run(const RunAttributes& attributes);

  // The root attribute `status` (status_running, status_interrupted or status_complete).
  std::string status() const;

  // Commits the last round, sets root attributes `status` and `end_time` and flushes.
  void set_status(const std::string& status, const std::string& end_time);

  void close();

 private:
  ResultsFile(std::int64_t file, MPI_Comm comm, const grid::Grid& grid, std::uint64_t chunk_points,
              sweep::Shard shard);
  std::int64_t file_ = -1;  // hid_t
  MPI_Comm comm_;
  const grid::Grid* grid_;
  std::uint64_t chunk_points_;
  sweep::ShardExtent extent_;
  // Waits for the helper thread's sync, if any, and closes its descriptor.
  void release_sync();
  std::vector<std::uint64_t> shape_;  // of the result datasets
  bool round_pending_ = false;        // a round written and not yet committed
  // This rank's chunks written and not yet flagged: those no sync has started for yet, and
  // those the sync in flight (data_sync_) covers.
  std::vector<std::int64_t> unsynced_chunks_, syncing_chunks_;
  // Starts the helper thread's fdatasync for unsynced_chunks_ (none in flight).
  void start_sync();
  // Flags syncing_chunks_ done once their sync has finished; without `wait`, only if it has.
  void flag_synced_chunks(bool wait);
  // Writes the progress flags of `chunks` (grid chunk indices) in `calls` H5Dwrite calls.
  void mark_done(const std::vector<std::int64_t>& chunks, int calls);
  int sync_fd_ = -1;            // a read-only descriptor of the file, to sync through
  std::future<int> data_sync_;  // the helper thread's fdatasync: 0 or an errno
};

// Bytes of the data (results, coordinates or design columns) a file of `points` points of the grid
// holds: a whole factorial file (`whole_factorial`) stores eps_N, eps_D, eps_tau over the
// axes they depend on only; every dataset allocates whole storage chunks, edges included.
// Metadata and progress flags not counted.
double results_data_bytes(const grid::Grid& grid, std::uint64_t points, bool whole_factorial);

// The results of points [begin, begin + count) of the grid, read serially from a results or
// shard file that holds them (merge). Throws ResultsFileError when it cannot.
void read_results(const std::string& path, const grid::Grid& grid, std::uint64_t begin,
                  std::uint64_t count, sweep::ChunkResults& out);

// Writes (replacing) group `group` (e.g. "frontier/converged") of a finished results file,
// serially: one 1-D float64 dataset per column, all of one length, and string attributes.
// The file must not be open for writing elsewhere. Throws ResultsFileError.
void write_table_group(const std::string& path, const std::string& group,
                       const std::vector<std::pair<std::string, std::vector<double>>>& columns,
                       const std::map<std::string, std::string>& attributes);

// What merge checks of a shard file before it trusts it (read serially).
struct ShardFileInfo {
  std::string spec_text;
  std::string status;
  std::string format_version;
  RunAttributes build;  // the build that computed it: version, commit, Kokkos (times unset)
  sweep::Shard shard;
  std::uint64_t first_point = 0;
  std::uint64_t points = 0;
  std::uint64_t chunk_points = 0;
  std::uint64_t chunks_done = 0;
  std::uint64_t chunks_total = 0;
};
// Throws ResultsFileRefused when `path` is not a readable modesweep shard file.
ShardFileInfo read_shard_info(const std::string& path);

// What `modesweep show` prints; read serially (no MPI needed).
struct ResultsSummary {
  std::map<std::string, std::string> attributes;  // root attributes, as text
  std::vector<std::string> dimension_names;
  std::vector<std::uint64_t> shape;
  std::vector<std::string> datasets;                                   // result datasets present
  std::map<std::string, std::vector<std::string>> dataset_dimensions;  // their scales' names
  std::map<std::string, std::vector<double>> coordinates;              // factorial axes
  std::uint64_t chunks_total = 0;
  std::uint64_t chunks_done = 0;
  std::uint64_t chunk_points = 0;
  // A root attribute as text; empty when the file has none of that name.
  std::string attribute(const std::string& name) const;
};
ResultsSummary read_summary(const std::string& path);

// The chunks a resume of `path` for `grid` (and `shard`) would find done, read by this process
// alone without changing the file, after the checks open_for_resume makes (throws
// ResultsFileRefused when a resume would refuse the file).
std::uint64_t resumable_chunks_done(const std::string& path, const grid::Grid& grid,
                                    sweep::Shard shard = {});

}  // namespace modesweep::io
