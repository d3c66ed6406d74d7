// Dynamic chunk scheduling: a counter shared by the ranks of a communicator, on rank 0 (an
// MPI-3 window), from which each rank takes the next pending chunk when it has finished its
// last. Unless a rank stops early, ranks finish within one chunk of each other whatever the
// chunks cost and however the speed of the cores drifts, with no cost estimate before the run.
// Which rank computes a chunk never changes its values (kernel.hpp), so results stay bit-identical.
// Needs passive-target one-sided MPI: on one node (Open MPI osc/sm) and over UCX the fetch is
// an atomic operation; over transports without remote atomics it may wait until rank 0
// enters MPI (at its next chunk).
#pragma once

#include <mpi.h>

#include <cstdint>
#include <optional>

namespace modesweep::sweep {

class ChunkQueue {
 public:
  // Collective: a queue of the positions 0 .. size - 1, in order.
  ChunkQueue(MPI_Comm comm, std::uint64_t size);
  ChunkQueue(const ChunkQueue&) = delete;
  ChunkQueue& operator=(const ChunkQueue&) = delete;
  // Frees the window unless close() did, or the queue is destroyed by an exception thrown
  // since its construction (the window's free is collective: freeing it on one rank would
  // wait forever for the others).
  ~ChunkQueue();

  // The next position, or nothing once all are taken. This rank only.
  std::optional<std::uint64_t> next();

  // Takes every position left, so that the other ranks find the queue empty at their next
  // next() (a rank that stops on a signal stops them all). This rank only.
  void cancel();

  // Positions taken so far by all ranks, as last seen by this rank (at most size()).
  std::uint64_t taken() const { return taken_; }
  std::uint64_t size() const { return size_; }

  // Collective: ends the queue (every rank must call it, or none).
  void close();

 private:
  MPI_Win window_ = MPI_WIN_NULL;
  std::uint64_t size_;
  std::uint64_t taken_ = 0;
  int exceptions_at_construction_;
};

}  // namespace modesweep::sweep
