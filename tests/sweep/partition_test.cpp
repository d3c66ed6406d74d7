// Chunks, rounds over ranks and flat ranges as HDF5 boxes, against brute force.
#include "modesweep/sweep/partition.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <set>
#include <stdexcept>
#include <vector>

namespace {

using modesweep::sweep::Assignment;
using modesweep::sweep::Box;
using modesweep::sweep::ChunkLayout;
using modesweep::sweep::flat_range_boxes;
using modesweep::sweep::IndexRange;
using modesweep::sweep::schedule_rounds;

// ---------------------------------------------------------------------------------------------
// flat_range_boxes

std::uint64_t product(const std::vector<std::uint64_t>& shape) {
  std::uint64_t n = 1;
  for (std::uint64_t s : shape) n *= s;
  return n;
}

// Checks the boxes of [begin, begin + count) by marking every element they cover.
void check_boxes(const std::vector<std::uint64_t>& shape, std::uint64_t begin,
                 std::uint64_t count) {
  SCOPED_TRACE(::testing::Message() << "shape rank " << shape.size() << " total " << product(shape)
                                    << " begin " << begin << " count " << count);
  const std::vector<Box> boxes = flat_range_boxes(shape, begin, count);
  const std::size_t rank = shape.size();
  ASSERT_LE(boxes.size(), 2 * rank - 1);
  if (count == 0) {
    EXPECT_TRUE(boxes.empty());
  }
  std::vector<int> covered(product(shape), 0);
  std::uint64_t previous_last = 0;
  for (std::size_t b = 0; b < boxes.size(); ++b) {
    const Box& box = boxes[b];
    ASSERT_EQ(box.start.size(), rank);
    ASSERT_EQ(box.count.size(), rank);
    for (std::size_t d = 0; d < rank; ++d) {
      ASSERT_GE(box.count[d], 1u) << "box " << b << " dim " << d;
      ASSERT_LE(box.start[d] + box.count[d], shape[d]) << "box " << b << " dim " << d;
    }
    // Enumerate the box's elements in C order.
    std::uint64_t first = std::numeric_limits<std::uint64_t>::max(), last = 0;
    for (std::uint64_t e = 0; e < product(box.count); ++e) {
      std::vector<std::uint64_t> idx(rank);
      std::uint64_t rest = e;
      for (std::size_t d = rank; d-- > 0;) {
        idx[d] = rest % box.count[d];
        rest /= box.count[d];
      }
      std::uint64_t flat = 0;
      for (std::size_t d = 0; d < rank; ++d) flat = flat * shape[d] + box.start[d] + idx[d];
      ++covered[flat];
      first = std::min(first, flat);
      last = std::max(last, flat);
    }
    if (b > 0) {
      EXPECT_GT(first, previous_last) << "boxes not in index order at box " << b;
    }
    previous_last = last;
  }
  for (std::uint64_t i = 0; i < covered.size(); ++i) {
    const int expected = i >= begin && i < begin + count ? 1 : 0;
    ASSERT_EQ(covered[i], expected) << "flat index " << i;
  }
}

TEST(FlatRangeBoxes, ExhaustiveOnSmallShapes) {
  for (const std::vector<std::uint64_t>& shape : std::vector<std::vector<std::uint64_t>>{
           {7}, {3, 4}, {3, 4, 5}, {2, 1, 3, 2}, {1, 1, 1}, {2, 2, 2, 2, 2, 2}}) {
    const std::uint64_t total = product(shape);
    for (std::uint64_t begin = 0; begin <= total; ++begin) {
      for (std::uint64_t count = 0; count <= total - begin; ++count) {
        check_boxes(shape, begin, count);
        if (HasFatalFailure()) return;
      }
    }
  }
}

TEST(FlatRangeBoxes, RandomShapesUpToRankSix) {
  std::mt19937_64 rng(20261123);
  for (int trial = 0; trial < 3000; ++trial) {
    const int rank = std::uniform_int_distribution<int>(1, 6)(rng);
    std::vector<std::uint64_t> shape(rank);
    for (auto& s : shape) s = std::uniform_int_distribution<std::uint64_t>(1, 6)(rng);
    const std::uint64_t total = product(shape);
    std::uint64_t begin = std::uniform_int_distribution<std::uint64_t>(0, total)(rng);
    std::uint64_t count = std::uniform_int_distribution<std::uint64_t>(0, total - begin)(rng);
    // Also the edges: whole array, a tail, a head, single elements.
    switch (trial % 5) {
      case 1:
        begin = 0;
        count = total;
        break;
      case 2:
        count = total - begin;
        break;
      case 3:
        count = std::min<std::uint64_t>(1, total - begin);
        break;
      default:
        break;
    }
    check_boxes(shape, begin, count);
    if (HasFatalFailure()) return;
  }
}

// The worst case reaches the bound: a range that starts and ends mid-way in every dimension.
TEST(FlatRangeBoxes, WorstCaseUsesAllBoxes) {
  const std::vector<std::uint64_t> shape = {4, 4, 4, 4};
  // [(1,1,1,1), (3,2,2,2)): three boxes up to slab 2, slab 2 whole, three boxes into slab 3.
  const std::uint64_t begin = 1 + 4 + 16 + 64, end = 3 * 64 + 2 * 16 + 2 * 4 + 2;
  EXPECT_EQ(flat_range_boxes(shape, begin, end - begin).size(), 7u);
  check_boxes(shape, begin, end - begin);
  // Whole rows are one box.
  EXPECT_EQ(flat_range_boxes(shape, 0, 256).size(), 1u);
  EXPECT_EQ(flat_range_boxes(shape, 64, 128).size(), 1u);
}

TEST(FlatRangeBoxes, OutOfRangeThrows) {
  const std::vector<std::uint64_t> shape = {3, 4};
  EXPECT_THROW(flat_range_boxes(shape, 13, 0), std::out_of_range);
  EXPECT_THROW(flat_range_boxes(shape, 12, 1), std::out_of_range);
  EXPECT_THROW(flat_range_boxes(shape, 0, 13), std::out_of_range);
  EXPECT_THROW(flat_range_boxes(shape, 5, std::numeric_limits<std::uint64_t>::max()),
               std::out_of_range);
  EXPECT_THROW(flat_range_boxes({}, 0, 0), std::out_of_range);
  EXPECT_NO_THROW(flat_range_boxes(shape, 12, 0));
  EXPECT_TRUE(flat_range_boxes(shape, 12, 0).empty());
}

TEST(FlatRangeBoxes, LargeShapeWithoutEnumerating) {
  // A 1e12-point grid: the boxes are computed from the shape, never element by element.
  const std::vector<std::uint64_t> shape = {10, 10, 100, 100, 1000, 1000};
  const std::uint64_t begin = 123456789012, count = 9876543210;
  const std::vector<Box> boxes = flat_range_boxes(shape, begin, count);
  ASSERT_LE(boxes.size(), 11u);
  std::uint64_t covered = 0;
  std::uint64_t next = begin;
  for (const Box& box : boxes) {
    std::uint64_t size = 1, flat = 0;
    for (std::size_t d = 0; d < shape.size(); ++d) {
      size *= box.count[d];
      flat = flat * shape[d] + box.start[d];
    }
    EXPECT_EQ(flat, next);  // contiguous boxes in index order: each starts where the last ended
    covered += size;
    next += size;
  }
  EXPECT_EQ(covered, count);
}

// ---------------------------------------------------------------------------------------------
// Projections (first_held_box, projected_box, projection_offsets), against brute force: a full
// array whose value at each point is a function of its kept indices only.

// Multi-index of flat index i of `shape` (C order).
std::vector<std::uint64_t> unflatten(std::uint64_t i, const std::vector<std::uint64_t>& shape) {
  std::vector<std::uint64_t> idx(shape.size());
  for (std::size_t d = shape.size(); d-- > 0;) {
    idx[d] = i % shape[d];
    i /= shape[d];
  }
  return idx;
}

// Flat index, in the projected array, of a full multi-index.
std::uint64_t projected_flat(const std::vector<std::uint64_t>& idx,
                             const std::vector<std::uint64_t>& shape,
                             const std::vector<bool>& kept) {
  std::uint64_t f = 0;
  for (std::size_t d = 0; d < shape.size(); ++d)
    if (kept[d]) f = f * shape[d] + idx[d];
  return f;
}

// Cuts the full array into chunks of `chunk` points: the first-held boxes of all chunks cover
// every projected element exactly once, their gathered values are the projected array's, and
// every chunk's values are recovered by expanding the projected boxes of its boxes.
void check_projection(const std::vector<std::uint64_t>& shape, const std::vector<bool>& kept,
                      std::uint64_t chunk) {
  SCOPED_TRACE(::testing::Message() << "rank " << shape.size() << " chunk " << chunk);
  std::vector<std::uint64_t> projected_shape;
  for (std::size_t d = 0; d < shape.size(); ++d)
    if (kept[d]) projected_shape.push_back(shape[d]);
  const std::uint64_t n = product(shape), m = product(projected_shape);
  // The projected array holds 1000 + its flat index; the full array holds its projection.
  std::vector<std::uint64_t> full(n);
  for (std::uint64_t i = 0; i < n; ++i)
    full[i] = 1000 + projected_flat(unflatten(i, shape), shape, kept);
  std::vector<std::uint64_t> written(m, 0);
  std::vector<int> times(m, 0);
  for (std::uint64_t begin = 0; begin < n; begin += chunk) {
    const std::uint64_t count = std::min(chunk, n - begin);
    std::uint64_t offset = 0;  // of the box in the chunk's values
    for (const Box& box : flat_range_boxes(shape, begin, count)) {
      const Box first = modesweep::sweep::first_held_box(box, kept);
      const std::vector<std::uint64_t> gather =
          modesweep::sweep::projection_offsets(box, kept, false);
      ASSERT_EQ(gather.size(), modesweep::sweep::box_size(first));
      // Write the gathered values into the projected array at `first`, C order.
      for (std::uint64_t j = 0; j < gather.size(); ++j) {
        std::vector<std::uint64_t> pidx = unflatten(j, first.count);
        std::uint64_t f = 0;
        for (std::size_t d = 0; d < pidx.size(); ++d)
          f = f * projected_shape[d] + first.start[d] + pidx[d];
        written[f] = full[begin + offset + gather[j]];
        ++times[f];
      }
      // Read back: the projected box's values expanded over the box.
      const Box p = modesweep::sweep::projected_box(box, kept);
      const std::vector<std::uint64_t> expand =
          modesweep::sweep::projection_offsets(box, kept, true);
      ASSERT_EQ(expand.size(), modesweep::sweep::box_size(box));
      for (std::uint64_t e = 0; e < expand.size(); ++e) {
        ASSERT_LT(expand[e], modesweep::sweep::box_size(p));
        std::vector<std::uint64_t> pidx = unflatten(expand[e], p.count);
        std::uint64_t f = 0;
        for (std::size_t d = 0; d < pidx.size(); ++d)
          f = f * projected_shape[d] + p.start[d] + pidx[d];
        ASSERT_EQ(1000 + f, full[begin + offset + e]) << "element " << e;
      }
      offset += modesweep::sweep::box_size(box);
    }
    ASSERT_EQ(offset, count);
  }
  for (std::uint64_t f = 0; f < m; ++f) {
    ASSERT_EQ(times[f], 1) << "projected element " << f;
    ASSERT_EQ(written[f], 1000 + f) << "projected element " << f;
  }
}

TEST(Projection, RandomShapesKeptAxesAndChunks) {
  std::mt19937_64 rng(20261202);
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t rank = 1 + rng() % 6;
    std::vector<std::uint64_t> shape(rank);
    for (auto& s : shape) s = 1 + rng() % 4;
    std::vector<bool> kept(rank);
    for (std::size_t d = 0; d < rank; ++d) kept[d] = (rng() % 2) != 0;
    kept[rng() % rank] = true;  // a projection keeps at least one dimension
    const std::uint64_t n = product(shape);
    check_projection(shape, kept, 1 + rng() % n);
  }
}

TEST(Projection, FactorialEpsAxes) {
  // Storage order (alpha, beta, D, tau, gamma, N): eps_N keeps alpha, gamma, N; eps_D alpha, D;
  // eps_tau alpha, beta, tau. Chunks that cut blocks anywhere.
  const std::vector<std::uint64_t> shape = {2, 3, 4, 3, 2, 5};
  for (const std::vector<bool>& kept : {std::vector<bool>{true, false, false, false, true, true},
                                        std::vector<bool>{true, false, true, false, false, false},
                                        std::vector<bool>{true, true, false, true, false, false}}) {
    for (std::uint64_t chunk : {1, 7, 10, 31, 64, 720}) check_projection(shape, kept, chunk);
  }
}

TEST(Projection, NoDroppedAxesIsTheBoxItself) {
  const Box box{{1, 0, 2}, {2, 3, 1}};
  const std::vector<bool> all(3, true);
  const Box first = modesweep::sweep::first_held_box(box, all);
  EXPECT_EQ(first.start, box.start);
  EXPECT_EQ(first.count, box.count);
  const std::vector<std::uint64_t> offsets = modesweep::sweep::projection_offsets(box, all, true);
  std::vector<std::uint64_t> identity(6);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_EQ(offsets, identity);
}

TEST(Projection, BoxNotAtTheFirstSlabHoldsNothingFirst) {
  const Box box{{0, 1, 0}, {2, 1, 3}};
  const std::vector<bool> kept = {true, false, true};
  EXPECT_EQ(modesweep::sweep::box_size(modesweep::sweep::first_held_box(box, kept)), 0u);
  EXPECT_TRUE(modesweep::sweep::projection_offsets({{0, 0, 0}, {2, 0, 3}}, kept, false).empty());
  EXPECT_THROW(modesweep::sweep::projected_box(box, {true, false}), std::invalid_argument);
  EXPECT_THROW(modesweep::sweep::first_held_box(box, {false, false, false}), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// ChunkLayout

TEST(ChunkLayout, ChunksTileTheIndexSpace) {
  for (const std::uint64_t n : {0u, 1u, 2u, 7u, 100u, 1000u, 1001u, 65537u}) {
    for (const std::uint64_t chunk_points : {1u, 2u, 3u, 100u, 1000u, 65536u, 1u << 24}) {
      const ChunkLayout layout{n, chunk_points};
      const std::uint64_t chunks = layout.chunk_count();
      EXPECT_EQ(chunks, (n + chunk_points - 1) / chunk_points);
      std::uint64_t next = 0;
      for (std::uint64_t c = 0; c < chunks; ++c) {
        const IndexRange r = layout.chunk(c);
        ASSERT_EQ(r.begin, next) << "n " << n << " chunk_points " << chunk_points << " c " << c;
        ASSERT_GE(r.count, 1u);
        ASSERT_LE(r.count, chunk_points);
        if (c + 1 < chunks) {
          ASSERT_EQ(r.count, chunk_points);
        }
        next += r.count;
      }
      EXPECT_EQ(next, n);
      EXPECT_THROW(layout.chunk(chunks), std::out_of_range);
      EXPECT_THROW(layout.chunk(chunks + 100), std::out_of_range);
    }
  }
}

TEST(ChunkLayout, EmptyAndExactMultiples) {
  EXPECT_EQ((ChunkLayout{0, 10}.chunk_count()), 0u);
  EXPECT_EQ((ChunkLayout{20, 10}.chunk_count()), 2u);
  EXPECT_EQ((ChunkLayout{20, 10}.chunk(1).count), 10u);
  EXPECT_EQ((ChunkLayout{21, 10}.chunk(2).count), 1u);
  EXPECT_EQ((ChunkLayout{21, 10}.chunk(2).begin), 20u);
}

// ---------------------------------------------------------------------------------------------
// schedule_rounds

// Every chunk exactly once, at most one per rank per round, rounds of exactly `ranks` slots.
void check_schedule(const std::vector<std::vector<Assignment>>& rounds,
                    const std::vector<std::uint64_t>& chunks, int ranks) {
  ASSERT_EQ(rounds.size(), (chunks.size() + ranks - 1) / ranks);
  std::multiset<std::int64_t> seen;
  for (std::size_t r = 0; r < rounds.size(); ++r) {
    ASSERT_EQ(rounds[r].size(), static_cast<std::size_t>(ranks)) << "round " << r;
    int busy = 0;
    for (const Assignment& a : rounds[r]) {
      if (a.chunk >= 0) {
        seen.insert(a.chunk);
        ++busy;
      }
    }
    // Only the last round may leave ranks idle.
    if (r + 1 < rounds.size()) {
      EXPECT_EQ(busy, ranks) << "round " << r;
    }
    EXPECT_GE(busy, 1) << "round " << r;
  }
  const std::multiset<std::int64_t> expected(chunks.begin(), chunks.end());
  EXPECT_EQ(seen, expected);
}

TEST(ScheduleRounds, EveryChunkOnceAtMostOnePerRankPerRound) {
  std::mt19937_64 rng(7);
  for (const int ranks : {1, 2, 3, 4, 7, 16}) {
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{16},
                                std::size_t{17}, std::size_t{1000}}) {
      // Chunk numbers as after a resume: increasing but with gaps.
      std::vector<std::uint64_t> chunks;
      std::uint64_t c = 0;
      for (std::size_t i = 0; i < n; ++i) {
        c += 1 + rng() % 3;
        chunks.push_back(c);
      }
      std::vector<double> cost(n);
      for (auto& x : cost) x = std::uniform_real_distribution<double>(0.1, 10.0)(rng);
      check_schedule(schedule_rounds(chunks, cost, ranks), chunks, ranks);
    }
  }
}

TEST(ScheduleRounds, Deterministic) {
  std::mt19937_64 rng(3);
  std::vector<std::uint64_t> chunks(500);
  std::iota(chunks.begin(), chunks.end(), 0);
  std::shuffle(chunks.begin(), chunks.end(), rng);
  std::vector<double> cost(500);
  // Many ties: only a few distinct costs.
  for (auto& x : cost) x = static_cast<double>(rng() % 4);
  const auto a = schedule_rounds(chunks, cost, 3);
  const auto b = schedule_rounds(chunks, cost, 3);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t r = 0; r < a.size(); ++r) {
    for (int k = 0; k < 3; ++k) EXPECT_EQ(a[r][k].chunk, b[r][k].chunk);
  }
  // The same (chunk, cost) pairs in another input order give the same schedule.
  std::vector<std::size_t> perm(chunks.size());
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), rng);
  std::vector<std::uint64_t> chunks2;
  std::vector<double> cost2;
  for (std::size_t i : perm) {
    chunks2.push_back(chunks[i]);
    cost2.push_back(cost[i]);
  }
  const auto c = schedule_rounds(chunks2, cost2, 3);
  ASSERT_EQ(a.size(), c.size());
  for (std::size_t r = 0; r < a.size(); ++r) {
    for (int k = 0; k < 3; ++k) EXPECT_EQ(a[r][k].chunk, c[r][k].chunk);
  }
}

TEST(ScheduleRounds, RoundsHoldSimilarCostsCostliestFirst) {
  std::mt19937_64 rng(11);
  const std::size_t n = 200;
  std::vector<std::uint64_t> chunks(n);
  std::iota(chunks.begin(), chunks.end(), 0);
  std::vector<double> cost(n);
  for (auto& x : cost) x = std::exponential_distribution<double>(1.0)(rng);
  const auto rounds = schedule_rounds(chunks, cost, 4);
  double previous_min = std::numeric_limits<double>::infinity();
  for (const auto& round : rounds) {
    double lo = std::numeric_limits<double>::infinity(), hi = 0.0;
    for (const Assignment& a : round) {
      if (a.chunk < 0) continue;
      lo = std::min(lo, cost[a.chunk]);
      hi = std::max(hi, cost[a.chunk]);
    }
    EXPECT_LE(hi, previous_min);
    previous_min = lo;
  }
}

TEST(ScheduleRounds, RankTotalsBalanced) {
  std::mt19937_64 rng(99);
  for (const int ranks : {2, 3, 4}) {
    for (int trial = 0; trial < 20; ++trial) {
      const std::size_t n = 1000;
      std::vector<std::uint64_t> chunks(n);
      std::iota(chunks.begin(), chunks.end(), 0);
      std::vector<double> cost(n);
      // Costs spread over two decades, as the exact evaluator's cost varies with the point.
      for (auto& x : cost) x = std::pow(10.0, std::uniform_real_distribution<double>(0, 2)(rng));
      const auto rounds = schedule_rounds(chunks, cost, ranks);
      std::vector<double> total(ranks, 0.0);
      for (const auto& round : rounds) {
        for (int k = 0; k < ranks; ++k) {
          if (round[k].chunk >= 0) total[k] += cost[round[k].chunk];
        }
      }
      const double mean = std::accumulate(total.begin(), total.end(), 0.0) / ranks;
      const double max = *std::max_element(total.begin(), total.end());
      EXPECT_LT(max / mean, 1.1) << "ranks " << ranks << " trial " << trial;
    }
  }
}

TEST(ScheduleRounds, FewerChunksThanRanks) {
  const auto rounds = schedule_rounds({4, 9}, {1.0, 2.0}, 5);
  ASSERT_EQ(rounds.size(), 1u);
  ASSERT_EQ(rounds[0].size(), 5u);
  EXPECT_EQ(rounds[0][0].chunk, 9);  // costliest first
  EXPECT_EQ(rounds[0][1].chunk, 4);
  for (int k = 2; k < 5; ++k) EXPECT_EQ(rounds[0][k].chunk, -1);
  EXPECT_TRUE(schedule_rounds({}, {}, 3).empty());
}

TEST(ScheduleRounds, BadArgumentsThrow) {
  EXPECT_THROW(schedule_rounds({1, 2}, {1.0, 2.0}, 0), std::invalid_argument);
  EXPECT_THROW(schedule_rounds({1, 2}, {1.0, 2.0}, -1), std::invalid_argument);
  EXPECT_THROW(schedule_rounds({1, 2}, {1.0}, 2), std::invalid_argument);
}

}  // namespace

namespace shard_tests {

using modesweep::sweep::ChunkLayout;
using modesweep::sweep::Shard;
using modesweep::sweep::shard_extent;

// Every (n, chunk size, shard count): shards tile the chunks and the points in order, with no
// gap or overlap, and sizes differ by at most one chunk.
TEST(ShardExtent, ShardsTileChunksAndPoints) {
  for (std::uint64_t n : {1u, 2u, 7u, 64u, 100u, 1001u}) {
    for (std::uint64_t cp : {1u, 3u, 10u, 64u, 5000u}) {
      const ChunkLayout layout{n, cp};
      const std::uint64_t c = layout.chunk_count();
      for (std::uint64_t k = 1; k <= std::min<std::uint64_t>(c, 9); ++k) {
        std::uint64_t next_chunk = 0, next_point = 0, smallest = c, largest = 0;
        for (std::uint64_t i = 0; i < k; ++i) {
          const auto e = shard_extent(layout, Shard{i, k});
          EXPECT_EQ(e.first_chunk, next_chunk);
          EXPECT_EQ(e.points.begin, next_point);
          EXPECT_GE(e.chunks, 1u);
          EXPECT_EQ(e.points.begin, layout.chunk(e.first_chunk).begin);
          next_chunk += e.chunks;
          next_point += e.points.count;
          smallest = std::min(smallest, e.chunks);
          largest = std::max(largest, e.chunks);
        }
        EXPECT_EQ(next_chunk, c) << n << " " << cp << " " << k;
        EXPECT_EQ(next_point, n);
        EXPECT_LE(largest - smallest, 1u);
      }
    }
  }
}

TEST(ShardExtent, WholeGridAndRefusals) {
  const ChunkLayout layout{1000, 100};
  const auto whole = shard_extent(layout, Shard{});
  EXPECT_EQ(whole.first_chunk, 0u);
  EXPECT_EQ(whole.chunks, 10u);
  EXPECT_EQ(whole.points.count, 1000u);
  EXPECT_THROW(shard_extent(layout, Shard{3, 3}), std::invalid_argument);
  EXPECT_THROW(shard_extent(layout, Shard{0, 11}), std::invalid_argument);  // an empty shard
  EXPECT_NO_THROW(shard_extent(layout, Shard{9, 10}));
}

// Huge grids: the boundary arithmetic must not overflow.
TEST(ShardExtent, HugeLayoutsDoNotOverflow) {
  const ChunkLayout layout{std::uint64_t{1} << 40, 1};
  const auto e = shard_extent(layout, Shard{999, 1000});
  EXPECT_EQ(e.first_chunk + e.chunks, std::uint64_t{1} << 40);
  // floor(999 C / 1000) computed directly: 999 * 2^40 < 2^50 fits in 64 bits.
  EXPECT_EQ(e.first_chunk, 999 * (std::uint64_t{1} << 40) / 1000);
  // and where i C overflows 64 bits: C = 2^60 - 1 chunks, the boundary of shard 7 of 9
  const ChunkLayout huge{(std::uint64_t{1} << 60) - 1, 1};
  const std::uint64_t c = huge.n_points;
  // floor(7 (2^60 - 1) / 9), from Python's exact integers
  EXPECT_EQ(c, 1152921504606846975u);
  EXPECT_EQ(shard_extent(huge, Shard{7, 9}).first_chunk, 896716725805325425u);
}

}  // namespace shard_tests
