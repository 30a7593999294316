// mmap-backed zeroed arrays with slice release, and aligned blocks for overflow buckets.
// See memory.h for the contract; everything here is a thin wrapper over the system calls.
#include "hpad/cache/memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <new>

namespace hpad::cache {
namespace {

std::size_t page_size() {
  static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

std::size_t round_down_to_page(std::size_t n) {
  return n - n % page_size();
}
std::size_t round_up_to_page(std::size_t n) {
  return round_down_to_page(n + page_size() - 1);
}

}  // namespace

void* SystemMemory::allocate_zeroed(std::size_t bytes) {
  if (bytes < kSliceableBytes) {
    void* p = std::calloc(1, bytes);
    if (p == nullptr) {
      throw std::bad_alloc();
    }
    return p;
  }
  void* p = ::mmap(nullptr, round_up_to_page(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    throw std::bad_alloc();
  }
  return p;
}

void SystemMemory::release_zeroed(void* base, std::size_t total, std::size_t from, std::size_t to) {
  if (total < kSliceableBytes) {
    if (to == total) {
      std::free(base);
    }
    return;
  }
  // Pages below round_down(from) went back with earlier ranges; this range covers the pages
  // up to round_down(to), or all of them when it is the last range.
  const std::size_t begin = round_down_to_page(from);
  const std::size_t end = to == total ? round_up_to_page(total) : round_down_to_page(to);
  if (end > begin) {
    ::munmap(static_cast<char*>(base) + begin, end - begin);
  }
}

void* SystemMemory::allocate(std::size_t bytes, std::size_t align) {
  return ::operator new (bytes, std::align_val_t{align});
}

void SystemMemory::deallocate(void* p, std::size_t bytes, std::size_t align) {
#if defined(__cpp_sized_deallocation)
  ::operator delete (p, bytes, std::align_val_t{align});
#else
  // clang 14 leaves sized deallocation off by default (the fuzz build uses clang).
  static_cast<void>(bytes);
  ::operator delete (p, std::align_val_t{align});
#endif
}

}  // namespace hpad::cache
