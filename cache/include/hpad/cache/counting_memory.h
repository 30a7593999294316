// A Memory policy for IncrementalMap that forwards to SystemMemory and counts what it
// holds: live bytes, their peak, and how many slices were released. Used by the benchmark
// (bytes per entry, peak during growth) and by tests. Thread-safe (atomic counters), and
// shared by every map that uses it: measure one map at a time.
#pragma once

#include <atomic>
#include <cstddef>

#include "hpad/cache/memory.h"

namespace hpad::cache {

struct CountingMemory {
  static inline std::atomic<std::size_t> live_bytes{0};
  static inline std::atomic<std::size_t> peak_bytes{0};
  static inline std::atomic<std::size_t> release_calls{0};

  static void reset_peak() { peak_bytes.store(live_bytes.load()); }

  static void* allocate_zeroed(std::size_t bytes) {
    void* p = SystemMemory::allocate_zeroed(bytes);
    add(bytes);
    return p;
  }
  static void release_zeroed(void* base, std::size_t total, std::size_t from, std::size_t to) {
    SystemMemory::release_zeroed(base, total, from, to);
    live_bytes.fetch_sub(to - from);
    release_calls.fetch_add(1);
  }
  static void* allocate(std::size_t bytes, std::size_t align) {
    void* p = SystemMemory::allocate(bytes, align);
    add(bytes);
    return p;
  }
  static void deallocate(void* p, std::size_t bytes, std::size_t align) {
    SystemMemory::deallocate(p, bytes, align);
    live_bytes.fetch_sub(bytes);
  }

 private:
  static void add(std::size_t bytes) {
    const std::size_t now = live_bytes.fetch_add(bytes) + bytes;
    std::size_t peak = peak_bytes.load();
    while (now > peak && !peak_bytes.compare_exchange_weak(peak, now)) {
    }
  }
};

}  // namespace hpad::cache
