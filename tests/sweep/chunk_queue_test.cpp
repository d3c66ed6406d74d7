// sweep::ChunkQueue under mpiexec -n 1, 2, 3 (ctest sweep.chunk_queue.N): every position is
// taken exactly once, by some rank, however the ranks race for them.
#include "modesweep/sweep/chunk_queue.hpp"

#include <gtest/gtest.h>
#include <mpi.h>
#include <unistd.h>

#include <vector>

namespace {

int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

int world_size() {
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

// How many times each position was taken, over all ranks (on every rank).
std::vector<int> drain(std::uint64_t size, unsigned pause_us) {
  modesweep::sweep::ChunkQueue queue(MPI_COMM_WORLD, size);
  std::vector<int> mine(size, 0);
  while (const auto position = queue.next()) {
    EXPECT_LT(*position, size);
    if (*position < size) ++mine[*position];
    EXPECT_EQ(queue.taken(), *position + 1);
    // Rank 0 slower than the others: the others take more, as a schedule would want.
    if (pause_us > 0 && world_rank() == 0) usleep(pause_us);
  }
  EXPECT_EQ(queue.taken(), size);
  EXPECT_FALSE(queue.next().has_value());  // stays exhausted
  queue.close();
  std::vector<int> all(size, 0);
  MPI_Allreduce(mine.data(), all.data(), static_cast<int>(size), MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  return all;
}

TEST(ChunkQueue, EveryPositionTakenOnce) {
  for (const std::uint64_t size : {0u, 1u, 2u, 3u, 7u, 1000u}) {
    const std::vector<int> counts = drain(size, 0);
    for (std::uint64_t i = 0; i < size; ++i) EXPECT_EQ(counts[i], 1) << "position " << i;
  }
}

TEST(ChunkQueue, SlowRankTakesFewer) {
  constexpr std::uint64_t size = 200;
  modesweep::sweep::ChunkQueue queue(MPI_COMM_WORLD, size);
  int mine = 0;
  while (queue.next()) {
    ++mine;
    if (world_rank() == 0) usleep(2000);  // 0.4 s if it took them all
  }
  queue.close();
  std::vector<int> per_rank(static_cast<std::size_t>(world_size()), 0);
  MPI_Allgather(&mine, 1, MPI_INT, per_rank.data(), 1, MPI_INT, MPI_COMM_WORLD);
  int total = 0;
  for (int n : per_rank) total += n;
  EXPECT_EQ(total, static_cast<int>(size));
  if (world_size() > 1) {
    // The others, never pausing, take all but a few: a static split would give rank 0 its
    // share whatever its speed.
    EXPECT_LT(per_rank[0], static_cast<int>(size) / world_size() / 2)
        << "rank 0 took " << per_rank[0];
  }
}

TEST(ChunkQueue, CancelEmptiesItForEveryRank) {
  modesweep::sweep::ChunkQueue queue(MPI_COMM_WORLD, 1000);
  int mine = 0;
  if (world_rank() == 0) {
    const auto first = queue.next();  // EXPECT, not ASSERT: the others wait at the barrier
    EXPECT_TRUE(first.has_value());
    if (first) ++mine;
    queue.cancel();  // as a rank does on a signal
    EXPECT_EQ(queue.taken(), 1000u);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  while (queue.next()) ++mine;  // nothing left for anyone
  queue.close();
  int total = 0;
  MPI_Allreduce(&mine, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  EXPECT_EQ(total, 1);
}

TEST(ChunkQueue, QueuesInSequenceAreIndependent) {
  for (int round = 0; round < 3; ++round) {
    const std::vector<int> counts = drain(50, round == 1 ? 100 : 0);
    for (int c : counts) EXPECT_EQ(c, 1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  const int failed = RUN_ALL_TESTS();
  int any = 0;
  MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return any;
}
