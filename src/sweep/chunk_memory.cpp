#include "modesweep/sweep/chunk_memory.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace modesweep::sweep {
namespace {

constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;

}  // namespace

void* allocate_chunk_memory(std::size_t bytes) {
  if (bytes < huge_page_bytes) return ::operator new(bytes);
  // aligned_alloc wants a multiple of the alignment; the rounding is at most 2 MiB - 1 bytes
  // on a buffer of at least 2 MiB.
  const std::size_t rounded = (bytes + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
  void* data = std::aligned_alloc(huge_page_bytes, rounded);
  if (data == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  ::madvise(data, rounded, MADV_HUGEPAGE);  // advice: without it, 4 KiB pages as before
#endif
  return data;
}

void free_chunk_memory(void* data, std::size_t bytes) noexcept {
  if (bytes < huge_page_bytes) {
    ::operator delete(data);
  } else {
    std::free(data);
  }
}

void populate_pages(void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<std::uintptr_t>(data) + page - 1) / page * page;
  const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) / page * page;
  if (end > begin) {
    ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
  }
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace modesweep::sweep
