#include "modesweep/sweep/partition.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace modesweep::sweep {

IndexRange ChunkLayout::chunk(std::uint64_t c) const {
  const std::uint64_t begin = c * chunk_points;
  if (begin >= n_points) throw std::out_of_range("ChunkLayout::chunk");
  return {begin, std::min(chunk_points, n_points - begin)};
}

ShardExtent shard_extent(const ChunkLayout& layout, Shard shard) {
  const std::uint64_t chunks = layout.chunk_count();
  if (shard.whole()) return {0, chunks, {0, layout.n_points}};
  if (shard.index >= shard.count || shard.count > chunks) {
    throw std::invalid_argument("shard_extent: need index < count <= chunk count");
  }
  // floor(i C / k) = i q + floor(i r / k) with C = q k + r: exact without overflow while
  // k < 2^32 (specs allow at most 2^24 chunks).
  const std::uint64_t q = chunks / shard.count, r = chunks % shard.count;
  const auto boundary = [&](std::uint64_t i) { return i * q + i * r / shard.count; };
  ShardExtent e;
  e.first_chunk = boundary(shard.index);
  e.chunks = boundary(shard.index + 1) - e.first_chunk;
  const std::uint64_t begin = layout.chunk(e.first_chunk).begin;
  const IndexRange last = layout.chunk(e.first_chunk + e.chunks - 1);
  e.points = {begin, last.begin + last.count - begin};
  return e;
}

std::vector<std::vector<Assignment>> schedule_rounds(const std::vector<std::uint64_t>& chunks,
                                                     const std::vector<double>& cost, int ranks) {
  if (ranks < 1 || cost.size() != chunks.size()) throw std::invalid_argument("schedule_rounds");
  std::vector<std::size_t> order(chunks.size());
  std::iota(order.begin(), order.end(), 0);
  // Costliest first; ties by chunk number, so that the order is total and deterministic.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (cost[a] != cost[b]) return cost[a] > cost[b];
    return chunks[a] < chunks[b];
  });
  const std::size_t n_rounds = (order.size() + ranks - 1) / ranks;
  std::vector<std::vector<Assignment>> rounds(n_rounds, std::vector<Assignment>(ranks));
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t r = k / ranks, slot = k % ranks;
    const std::size_t rank = r % 2 == 0 ? slot : ranks - 1 - slot;
    rounds[r][rank].chunk = static_cast<std::int64_t>(chunks[order[k]]);
  }
  return rounds;
}

namespace {

void add_boxes(const std::vector<std::uint64_t>& shape, std::size_t dim, std::uint64_t begin,
               std::uint64_t end, std::vector<std::uint64_t>& prefix, std::vector<Box>& out) {
  if (begin >= end) return;
  const std::size_t rank = shape.size();
  std::uint64_t inner = 1;
  for (std::size_t d = dim + 1; d < rank; ++d) inner *= shape[d];
  auto full_box = [&](std::uint64_t first, std::uint64_t n) {  // [first, first+n) along dim
    Box box;
    box.start = prefix;
    box.count.assign(prefix.size(), 1);
    box.start.push_back(first);
    box.count.push_back(n);
    for (std::size_t d = dim + 1; d < rank; ++d) {
      box.start.push_back(0);
      box.count.push_back(shape[d]);
    }
    out.push_back(box);
  };
  std::uint64_t i0 = begin / inner, r0 = begin % inner;
  const std::uint64_t i1 = end / inner, r1 = end % inner;
  auto recurse = [&](std::uint64_t index, std::uint64_t b, std::uint64_t e) {
    prefix.push_back(index);
    add_boxes(shape, dim + 1, b, e, prefix, out);
    prefix.pop_back();
  };
  if (i0 == i1) {  // inside one slab of this dimension
    recurse(i0, r0, r1);
    return;
  }
  if (r0 > 0) {
    recurse(i0, r0, inner);
    ++i0;
  }
  if (i1 > i0) full_box(i0, i1 - i0);
  if (r1 > 0) recurse(i1, 0, r1);
}

}  // namespace

std::vector<Box> flat_range_boxes(const std::vector<std::uint64_t>& shape, std::uint64_t begin,
                                  std::uint64_t count) {
  std::uint64_t total = 1;
  for (std::uint64_t s : shape) total *= s;
  if (shape.empty() || begin > total || count > total - begin) {
    throw std::out_of_range("flat_range_boxes: range outside the array");
  }
  std::vector<Box> out;
  std::vector<std::uint64_t> prefix;
  add_boxes(shape, 0, begin, begin + count, prefix, out);
  return out;
}

}  // namespace modesweep::sweep
