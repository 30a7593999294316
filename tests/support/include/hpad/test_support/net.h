// Loopback helpers for tests that start servers: every server a test starts listens on
// 127.0.0.1 only, on a port the kernel says is free right now.
#pragma once

#include <chrono>
#include <cstdint>

namespace hpad::test_support {

// A TCP port on 127.0.0.1 that was free a moment ago: bound to port 0, read back, closed.
// Another process could take it before the caller binds it; listeners that cannot bind port 0
// themselves (cpprestsdk's http_listener, Prometheus) have no better option. Throws
// std::runtime_error if no socket can be bound.
std::uint16_t free_port();

// True once a TCP connection to 127.0.0.1:port succeeds; false after `timeout`.
bool wait_for_port(std::uint16_t port, std::chrono::milliseconds timeout);

}  // namespace hpad::test_support
