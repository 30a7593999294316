// init_cpprest_threadpool and drain_cpprest_threadpool (see the header for why they exist).
#include <utility>  // before cpprest: boost/asio's awaitable.hpp uses std::exchange without it (C++20)

#include "hpad/test_support/cpprest_pool.h"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>

#include <pplx/pplxtasks.h>
#include <pplx/threadpool.h>

namespace hpad::test_support {

namespace {

constexpr std::size_t kPoolThreads = 4;
constexpr auto kMarkerWait = std::chrono::seconds(1);  // bounds the drain if a pool thread stays busy

}  // namespace

void init_cpprest_threadpool() {
  static std::once_flag once;
  std::call_once(once, [] {
    try {
      crossplat::threadpool::initialize_with_threads(kPoolThreads);
    } catch (const std::runtime_error&) {
      // Already initialized (by an earlier use of cpprestsdk): keep that pool, whatever its size.
    }
  });
}

void drain_cpprest_threadpool() {
  // One marker per pool thread, each holding its thread until all have started: once every
  // thread runs a marker, every handler queued before them (the queue is FIFO) has finished.
  struct Barrier {
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t started = 0;
    std::size_t finished = 0;
  };
  auto barrier = std::make_shared<Barrier>();
  for (std::size_t i = 0; i < kPoolThreads; ++i) {
    // pplx::create_task queues on the same pool, FIFO, as service().post would; posting to the
    // service directly instantiates boost::asio's atomic_thread_fence, which g++ 12 refuses
    // under -fsanitize=thread (-Werror=tsan).
    pplx::create_task([barrier] {
      std::unique_lock lock(barrier->mutex);
      ++barrier->started;
      barrier->changed.notify_all();
      barrier->changed.wait_for(lock, kMarkerWait, [&] { return barrier->started == kPoolThreads; });
      ++barrier->finished;
      barrier->changed.notify_all();
    });
  }
  std::unique_lock lock(barrier->mutex);
  barrier->changed.wait_for(lock, 2 * kMarkerWait, [&] { return barrier->finished == kPoolThreads; });
}

}  // namespace hpad::test_support
