// chunk_memory.hpp: buffers of 2 MiB and more on 2 MiB boundaries, smaller ones as usual, and
// both kinds through std::vector's growth and release (the sanitizer preset checks that each
// is freed the way it was allocated).
#include "modesweep/sweep/chunk_memory.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>

namespace {

using modesweep::sweep::ChunkVector;

TEST(ChunkMemory, LargeBuffersStartOnHugePageBoundaries) {
  for (const std::size_t bytes :
       {std::size_t{2} << 20, (std::size_t{2} << 20) + 8, std::size_t{13} << 20}) {
    void* data = modesweep::sweep::allocate_chunk_memory(bytes);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(data) % (std::uintptr_t{2} << 20), 0u) << bytes;
    modesweep::sweep::populate_pages(data, bytes);
    static_cast<unsigned char*>(data)[bytes - 1] = 1;  // the whole range is usable
    modesweep::sweep::free_chunk_memory(data, bytes);
  }
}

TEST(ChunkMemory, VectorsKeepTheirValuesAcrossBothKindsOfBuffer) {
  ChunkVector<double> v;
  for (const std::size_t n : {std::size_t{1000}, std::size_t{300000}, std::size_t{700000}}) {
    const std::size_t old = v.size();
    modesweep::sweep::resize_populated(v, n);
    for (std::size_t i = 0; i < old; ++i) ASSERT_EQ(v[i], static_cast<double>(i)) << n;
    for (std::size_t i = old; i < n; ++i) ASSERT_EQ(v[i], 0.0) << n;  // value-initialized
    std::iota(v.begin(), v.end(), 0.0);
  }
  v.resize(10);
  v.shrink_to_fit();  // back to a small buffer
  EXPECT_EQ(v[9], 9.0);
  ChunkVector<std::int8_t> flags(5u << 20, 3);
  EXPECT_EQ(flags.back(), 3);
}

}  // namespace
