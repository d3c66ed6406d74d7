// Host memory for chunk-sized buffers: a chunk's result columns (kernel.hpp, ChunkResults)
// and the kernel's per-point workspace. A buffer of 2 MiB or more starts on a 2 MiB boundary
// and is advised to use transparent huge pages (Linux, MADV_HUGEPAGE), so that writing a
// fresh one takes a fault per 2 MiB instead of one per 4 KiB page: on the VM of
// BENCHMARKS.md, where a first write to a page is slow even once the page is populated, an
// 8 MiB buffer filled in 0.5-4.5 ms instead of 20-24 ms. Smaller buffers, and systems without
// huge pages, get what std::allocator gives.
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace modesweep::sweep {

void* allocate_chunk_memory(std::size_t bytes);
void free_chunk_memory(void* data, std::size_t bytes) noexcept;

// Maps in the pages of [data, data + bytes) with one call (MADV_POPULATE_WRITE, Linux >=
// 5.14) instead of a page fault per page on first touch; elsewhere, or where it fails, first
// touch faults them in as usual.
void populate_pages(void* data, std::size_t bytes);

template <class T>
struct ChunkAllocator {
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__, "over-aligned element type");
  using value_type = T;
  ChunkAllocator() noexcept = default;
  template <class U>
  ChunkAllocator(const ChunkAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(allocate_chunk_memory(n * sizeof(T)));
  }
  void deallocate(T* data, std::size_t n) noexcept { free_chunk_memory(data, n * sizeof(T)); }
};
template <class T, class U>
bool operator==(const ChunkAllocator<T>&, const ChunkAllocator<U>&) noexcept {
  return true;
}
template <class T, class U>
bool operator!=(const ChunkAllocator<T>&, const ChunkAllocator<U>&) noexcept {
  return false;
}

template <class T>
using ChunkVector = std::vector<T, ChunkAllocator<T>>;

// v.resize(n), with fresh storage populated before the zero-fill touches it.
template <class T, class A>
void resize_populated(std::vector<T, A>& v, std::size_t n) {
  if (v.capacity() < n) {
    v.reserve(n);
    populate_pages(v.data(), n * sizeof(T));
  }
  v.resize(n);
}

}  // namespace modesweep::sweep
