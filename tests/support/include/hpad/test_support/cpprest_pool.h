// cpprestsdk's process-wide thread pool, as tests need it: a small pool sized before first use,
// and a way to let the work it has queued finish before a test ends (LeakSanitizer otherwise
// reports what a closed listener's pending continuations still hold).
#pragma once

namespace hpad::test_support {

// Sizes cpprestsdk's shared thread pool to 4 threads, once per process; call it before anything
// else in the process uses cpprestsdk (TestExporter and PrometheusServer call it themselves).
// Why the guard: in cpprestsdk 2.10.18 the first use of any task, client or listener starts the
// default 40-thread pool, and initialize_with_threads() then throws std::runtime_error("the
// cpprestsdk threadpool has already been initialized"), as it does on a second call. This function
// never throws: if someone else initialized the pool first, that pool stays.
void init_cpprest_threadpool();

// Returns once the handlers queued on cpprestsdk's pool before the call have finished (waits at
// most ~2 s). Handlers those queue in turn may still be pending: call it again for them. Holds for
// the 4-thread pool of init_cpprest_threadpool(); with a bigger pool initialized by someone else,
// handlers running on the other threads are not waited for.
void drain_cpprest_threadpool();

}  // namespace hpad::test_support
