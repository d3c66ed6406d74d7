#include "modesweep/sweep/chunk_queue.hpp"

#include <fmt/format.h>

#include <exception>
#include <stdexcept>

namespace modesweep::sweep {

namespace {

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(fmt::format("chunk queue: {} failed", what));
}

}  // namespace

ChunkQueue::ChunkQueue(MPI_Comm comm, std::uint64_t size)
    : size_(size), exceptions_at_construction_(std::uncaught_exceptions()) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::uint64_t* counter = nullptr;
  const MPI_Aint bytes = rank == 0 ? static_cast<MPI_Aint>(sizeof(std::uint64_t)) : 0;
  check(MPI_Win_allocate(bytes, sizeof(std::uint64_t), MPI_INFO_NULL, comm, &counter, &window_),
        "MPI_Win_allocate");
  if (rank == 0) {  // the counter starts at 0, visible to all before anyone takes a position
    const std::uint64_t zero = 0;
    check(MPI_Win_lock(MPI_LOCK_EXCLUSIVE, 0, 0, window_), "MPI_Win_lock");
    check(MPI_Put(&zero, 1, MPI_UINT64_T, 0, 0, 1, MPI_UINT64_T, window_), "MPI_Put");
    check(MPI_Win_unlock(0, window_), "MPI_Win_unlock");
  }
  check(MPI_Barrier(comm), "MPI_Barrier");
  check(MPI_Win_lock_all(MPI_MODE_NOCHECK, window_), "MPI_Win_lock_all");
}

ChunkQueue::~ChunkQueue() {
  if (window_ == MPI_WIN_NULL || std::uncaught_exceptions() > exceptions_at_construction_) return;
  try {
    close();
  } catch (...) {  // a destructor does not throw; the MPI error handler has reported it
  }
}

std::optional<std::uint64_t> ChunkQueue::next() {
  if (taken_ >= size_) return std::nullopt;  // seen exhausted: no need to ask again
  const std::uint64_t one = 1;
  std::uint64_t position = 0;
  check(MPI_Fetch_and_op(&one, &position, MPI_UINT64_T, 0, 0, MPI_SUM, window_),
        "MPI_Fetch_and_op");
  check(MPI_Win_flush(0, window_), "MPI_Win_flush");
  if (position >= size_) {
    taken_ = size_;
    return std::nullopt;
  }
  taken_ = position + 1;
  return position;
}

void ChunkQueue::cancel() {
  if (taken_ >= size_) return;
  const std::uint64_t all = size_;
  std::uint64_t before = 0;
  check(MPI_Fetch_and_op(&all, &before, MPI_UINT64_T, 0, 0, MPI_SUM, window_), "MPI_Fetch_and_op");
  check(MPI_Win_flush(0, window_), "MPI_Win_flush");
  taken_ = size_;
}

void ChunkQueue::close() {
  if (window_ == MPI_WIN_NULL) return;
  check(MPI_Win_unlock_all(window_), "MPI_Win_unlock_all");
  check(MPI_Win_free(&window_), "MPI_Win_free");
  window_ = MPI_WIN_NULL;
}

}  // namespace modesweep::sweep
