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

std::uint64_t box_size(const Box& box) {
  std::uint64_t n = 1;
  for (std::uint64_t c : box.count) n *= c;
  return n;
}

Box projected_box(const Box& box, const std::vector<bool>& kept) {
  if (kept.size() != box.start.size() || std::find(kept.begin(), kept.end(), true) == kept.end())
    throw std::invalid_argument("projected_box: rank, or no dimension kept");
  Box out;
  for (std::size_t d = 0; d < kept.size(); ++d) {
    if (!kept[d]) continue;
    out.start.push_back(box.start[d]);
    out.count.push_back(box.count[d]);
  }
  return out;
}

Box first_held_box(const Box& box, const std::vector<bool>& kept) {
  Box out = projected_box(box, kept);
  for (std::size_t d = 0; d < kept.size(); ++d) {
    if (!kept[d] && box.start[d] != 0) {
      std::fill(out.count.begin(), out.count.end(), 0);
      break;
    }
  }
  return out;
}

std::vector<std::uint64_t> projection_offsets(const Box& box, const std::vector<bool>& kept,
                                              bool expand) {
  const std::size_t rank = box.count.size();
  projected_box(box, kept);  // checks the arguments
  // Strides of `box` (C order) and of the projected box, per dimension of `box` (0 when the
  // dimension is dropped from the projection).
  std::vector<std::uint64_t> box_stride(rank, 1), projected_stride(rank, 0);
  std::uint64_t b = 1, p = 1;
  for (std::size_t d = rank; d-- > 0;) {
    box_stride[d] = b;
    b *= box.count[d];
    if (kept[d]) {
      projected_stride[d] = p;
      p *= box.count[d];
    }
  }
  // Walk the elements of `box` (expand) or of its projection, odometer style.
  std::vector<std::uint64_t> extent(box.count);
  if (!expand) {  // the first-held values only: none unless at index 0 of dropped dimensions
    for (std::size_t d = 0; d < rank; ++d)
      if (!kept[d]) extent[d] = box.count[d] > 0 && box.start[d] == 0 ? 1 : 0;
  }
  std::uint64_t n = 1;
  for (std::uint64_t e : extent) n *= e;
  std::vector<std::uint64_t> out;
  out.reserve(n);
  if (n == 0) return out;
  std::vector<std::uint64_t> index(rank, 0);
  std::uint64_t at_box = 0, at_projected = 0;
  for (std::uint64_t k = 0; k < n; ++k) {
    out.push_back(expand ? at_projected : at_box);
    for (std::size_t d = rank; d-- > 0;) {
      if (++index[d] < extent[d]) {
        at_box += box_stride[d];
        at_projected += projected_stride[d];
        break;
      }
      at_box -= (extent[d] - 1) * box_stride[d];
      at_projected -= (extent[d] - 1) * projected_stride[d];
      index[d] = 0;
    }
  }
  return out;
}

}  // namespace modesweep::sweep
