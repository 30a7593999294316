// Where IncrementalMap's memory comes from. Bucket arrays need zeroed memory (an all-zero
// bucket is an empty bucket) that can be handed back in slices while the rest is in use;
// overflow buckets are small, individually allocated blocks. Stateless and thread-safe.
//
// Large arrays come straight from mmap: the kernel supplies zero pages lazily, so allocating
// an array is O(1) whatever its size, and munmap of a page range returns a slice of it.
// Small arrays use calloc; they are released whole.
#pragma once

#include <cstddef>

namespace hpad::cache {

struct SystemMemory {
  // Arrays of at least this many bytes are mmap-backed and can be released in slices.
  static constexpr std::size_t kSliceableBytes = std::size_t{1} << 20;

  // `bytes` of zeroed memory, aligned to at least 16. Throws std::bad_alloc on failure.
  static void* allocate_zeroed(std::size_t bytes);

  // Returns [from, to) of an allocate_zeroed(total) block. Callers release each block in
  // increasing, adjacent ranges that end with to == total; memory is handed back to the
  // system as soon as whole pages are covered (at the last range for small blocks).
  static void release_zeroed(void* base, std::size_t total, std::size_t from, std::size_t to);

  // An uninitialised block of `bytes`, aligned to `align`. Throws std::bad_alloc.
  static void* allocate(std::size_t bytes, std::size_t align);
  static void deallocate(void* p, std::size_t bytes, std::size_t align);
};

}  // namespace hpad::cache
