// TestExporter: a cpprestsdk http_listener on 127.0.0.1 whose one route renders the registry with
// prometheus::TextSerializer. Every exception from a handler is turned into a 500 reply, since an
// exception thrown on a listener thread would otherwise be lost with the request unanswered.
#include <utility>  // before cpprest: boost/asio's awaitable.hpp uses std::exchange without it (C++20)

#include "hpad/test_support/test_exporter.h"

#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include <cpprest/http_listener.h>
#include <pplx/threadpool.h>
#include <prometheus/text_serializer.h>

#include "hpad/test_support/net.h"

namespace hpad::test_support {

namespace {

namespace http = web::http;

// Attempts at listening before giving up: free_port() races with every other process picking ports.
constexpr int kListenAttempts = 5;

void reply_safely(const http::http_request& request, http::status_code status, const std::string& body,
                  const std::string& content_type) {
  try {
    request.reply(status, body, content_type).wait();
  } catch (const std::exception&) {
    // The client went away; nothing to tell it.
  }
}

}  // namespace

class TestExporter::Listener {
 public:
  Listener(std::uint16_t port, TestExporter& owner)
      : listener_(http::uri("http://127.0.0.1:" + std::to_string(port))), owner_(owner) {
    listener_.support([this](const http::http_request& request) { handle(request); });
    listener_.open().wait();
  }
  ~Listener() {
    try {
      listener_.close().wait();
    } catch (const std::exception&) {
      // Closing a listener that failed half-way; the socket goes with the object anyway.
    }
    // Closing connections cancels task_completion_events inside cpprestsdk, whose continuations
    // are queued on the pool after close() completed. Were the process to exit before they ran,
    // LeakSanitizer would report them (cpprestsdk 2.10.18; ~1 run in 4 without this drain).
    for (int round = 0; round < 2; ++round) {  // a drained continuation may queue one more
      drain_cpprest_threadpool();
    }
  }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

 private:
  void handle(const http::http_request& request) {
    if (request.method() != http::methods::GET || request.relative_uri().path() != "/metrics") {
      reply_safely(request, http::status_codes::NotFound, "not found\n", "text/plain");
      return;
    }
    ++owner_.scrapes_served_;
    CannedResponse response;
    try {
      response = owner_.current_response();
    } catch (const std::exception& error) {
      response = CannedResponse{500, std::string("TestExporter: ") + error.what() + "\n", "text/plain"};
    }
    reply_safely(request, response.status, response.body, response.content_type);
  }

  http::experimental::listener::http_listener listener_;
  TestExporter& owner_;
};

TestExporter::TestExporter() : registry_(std::make_unique<prometheus::Registry>()) {
  init_cpprest_threadpool();
  std::string last_error;
  for (int attempt = 0; attempt < kListenAttempts && !listener_; ++attempt) {
    port_ = free_port();
    try {
      listener_ = std::make_unique<Listener>(port_, *this);
    } catch (const std::exception& error) {
      last_error = error.what();
    }
  }
  if (!listener_) {
    throw std::runtime_error("TestExporter: cannot listen on 127.0.0.1 after " + std::to_string(kListenAttempts) +
                             " attempts: " + last_error);
  }
}

TestExporter::~TestExporter() = default;

std::string TestExporter::address() const {
  return "127.0.0.1:" + std::to_string(port_);
}

std::string TestExporter::metrics_url() const {
  return "http://" + address() + "/metrics";
}

prometheus::Gauge& TestExporter::gauge(const std::string& name, const prometheus::Labels& labels) {
  // Registry's default InsertBehavior::Merge returns the existing family for the same name.
  return prometheus::BuildGauge().Name(name).Register(*registry_).Add(labels);
}

prometheus::Counter& TestExporter::counter(const std::string& name, const prometheus::Labels& labels) {
  return prometheus::BuildCounter().Name(name).Register(*registry_).Add(labels);
}

void TestExporter::answer_with(CannedResponse response) {
  std::lock_guard lock(canned_mutex_);
  canned_ = std::move(response);
}

void TestExporter::answer_with_registry() {
  std::lock_guard lock(canned_mutex_);
  canned_.reset();
}

CannedResponse TestExporter::current_response() const {
  {
    std::lock_guard lock(canned_mutex_);
    if (canned_) {
      return *canned_;
    }
  }
  CannedResponse rendered;  // the defaults are the exposition format's status and content type
  rendered.body = prometheus::TextSerializer().Serialize(registry_->Collect());
  return rendered;
}

}  // namespace hpad::test_support
