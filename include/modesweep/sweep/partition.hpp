// How a sweep's index space is cut into chunks and spread over MPI ranks.
#pragma once

#include <cstdint>
#include <vector>

namespace modesweep::sweep {

struct IndexRange {
  std::uint64_t begin = 0;
  std::uint64_t count = 0;
};

// Chunk c covers [c * chunk_points, min((c + 1) * chunk_points, n_points)).
struct ChunkLayout {
  std::uint64_t n_points = 0;
  std::uint64_t chunk_points = 1;
  std::uint64_t chunk_count() const { return (n_points + chunk_points - 1) / chunk_points; }
  IndexRange chunk(std::uint64_t c) const;
};

// Which part of a grid one run covers: the whole grid (count == 0), or shard `index` of
// `count` (a Slurm array task). A shard is a contiguous run of whole chunks, so that shard
// files join into exactly the file of a single run (`modesweep merge`).
struct Shard {
  std::uint64_t index = 0;
  std::uint64_t count = 0;
  bool whole() const { return count == 0; }
};

// The chunks [first_chunk, first_chunk + chunks) and points of one shard.
struct ShardExtent {
  std::uint64_t first_chunk = 0;
  std::uint64_t chunks = 0;
  IndexRange points;
};

// Shard i of k holds chunks [floor(i C / k), floor((i + 1) C / k)) of the C chunks: sizes
// differ by at most one chunk. The whole grid when shard.whole(). Throws std::invalid_argument
// unless index < count <= C (no shard may be empty).
ShardExtent shard_extent(const ChunkLayout& layout, Shard shard);

// Work of one rank in one round; chunk < 0 means the rank only joins the collective write.
struct Assignment {
  std::int64_t chunk = -1;
};

// Schedules `chunks` (their estimated costs in `cost`, same order) over `ranks` in rounds of
// one chunk per rank, one collective write per round. Chunks are sorted by cost, so a round
// holds chunks of similar cost and nobody waits long at its write; the order within a round
// snakes so that each rank's total evens out. Deterministic: every rank computes the same
// schedule from the same inputs. Returns rounds[r][rank]. Used only where the results file
// needs collective writes; elsewhere ranks take chunks from a ChunkQueue (chunk_queue.hpp).
std::vector<std::vector<Assignment>> schedule_rounds(const std::vector<std::uint64_t>& chunks,
                                                     const std::vector<double>& cost, int ranks);

// A box of an N-D C-order array: start and count per dimension.
struct Box {
  std::vector<std::uint64_t> start;
  std::vector<std::uint64_t> count;
};

// The flat index range [begin, begin + count) of a C-order array of `shape` as at most
// 2 * rank - 1 disjoint boxes, in index order (an HDF5 hyperslab union).
std::vector<Box> flat_range_boxes(const std::vector<std::uint64_t>& shape, std::uint64_t begin,
                                  std::uint64_t count);

// Projections onto some dimensions (`kept[d]`), for values that do not depend on the others
// (a factorial grid's eps_N, eps_D, eps_tau: io/results_file.hpp). The point of the full
// array at index i holds the value of the projected array at i restricted to the kept
// dimensions; it holds it *first* (in flat order) when its index is 0 along every dropped
// dimension. At least one dimension must be kept (else std::invalid_argument).

// The box, in the projected array, of the values `box` holds first: the box on index 0 of
// every dropped dimension, dropped dimensions removed. Its count is all zeros when `box` does
// not start at 0 along every dropped dimension (it holds no value first).
Box first_held_box(const Box& box, const std::vector<bool>& kept);

// The box, in the projected array, of every value `box` holds (dropped dimensions removed).
Box projected_box(const Box& box, const std::vector<bool>& kept);

// Without `expand`, the gather map of first_held_box F: element j of F (C order) is held
// first by element offsets[j] of `box` (C order within the box); as many as F has. With
// `expand`, the scatter map of P = projected_box: element e of `box` holds element
// offsets[e] of P; as many as `box` has.
std::vector<std::uint64_t> projection_offsets(const Box& box, const std::vector<bool>& kept,
                                              bool expand);

// Number of elements of a box (0 when any count is 0).
std::uint64_t box_size(const Box& box);

}  // namespace modesweep::sweep
