// Server: translates cpprestsdk messages to ApiRequest/ApiResponse and back, serves /metrics,
// and runs the ticker. Handlers run on cpprestsdk's thread pool; the Cluster does the locking.
// The request body is read with a continuation (not a blocking get()) so that a busy pool cannot
// deadlock on its own reads.
#include "hpad/sim/server.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <cpprest/http_listener.h>

namespace hpad::sim {
namespace {

using web::http::http_request;
using web::http::http_response;
using web::http::experimental::listener::http_listener;

// Counts requests whose reply has not finished sending, so that stop() can wait for them: a
// reply's continuation still queued on the pool at exit is reported by LeakSanitizer, and one
// that runs after the Server is gone must not touch it (hence shared ownership).
struct InFlight {
  std::mutex mutex;
  std::condition_variable idle;
  int count = 0;  // guarded by mutex

  bool wait_idle(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex);
    return idle.wait_for(lock, timeout, [this] { return count == 0; });
  }
};

// One per request, shared by its continuations; the last copy to go marks the request done.
class InFlightToken {
 public:
  explicit InFlightToken(std::shared_ptr<InFlight> in_flight) : in_flight_(std::move(in_flight)) {
    std::lock_guard lock(in_flight_->mutex);
    ++in_flight_->count;
  }
  ~InFlightToken() {
    std::lock_guard lock(in_flight_->mutex);
    if (--in_flight_->count == 0) {
      in_flight_->idle.notify_all();
    }
  }
  InFlightToken(const InFlightToken&) = delete;
  InFlightToken& operator=(const InFlightToken&) = delete;

 private:
  std::shared_ptr<InFlight> in_flight_;
};

// Sends the reply and observes its outcome: pplx raises SIGTRAP for a task whose exception
// nobody observed (e.g. the client hung up), so the continuation reads it and drops it.
void send(const http_request& request, const http_response& reply, std::shared_ptr<InFlightToken> token) {
  request.reply(reply).then([token = std::move(token)](pplx::task<void> sent) {
    try {
      sent.get();
    } catch (const std::exception&) {
      // The client went away; nothing to do.
    }
  });
}

// Query strings come form-encoded from Go clients: '+' is a blank there.
std::string decode_form(std::string text) {
  std::replace(text.begin(), text.end(), '+', ' ');
  return web::uri::decode(text);
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

ApiRequest translate(const http_request& request) {
  ApiRequest api;
  api.method = request.method();
  const auto uri = request.relative_uri();
  api.path = web::uri::decode(uri.path());
  for (const auto& [key, value] : web::uri::split_query(uri.query())) {
    api.query[decode_form(key)] = decode_form(value);
  }
  for (const auto& [name, value] : request.headers()) {
    api.headers[lower(name)] = value;
  }
  return api;
}

void reply_json(const http_request& request, const ApiResponse& response, std::shared_ptr<InFlightToken> token) {
  http_response reply(static_cast<web::http::status_code>(response.status));
  for (const auto& [name, value] : response.headers) {
    reply.headers().add(name, value);
  }
  reply.set_body(response.body.dump(), "application/json");
  send(request, reply, std::move(token));
}

void serve_api(Cluster& cluster, http_request request, const std::shared_ptr<InFlight>& in_flight) {
  ApiRequest api = translate(request);
  auto token = std::make_shared<InFlightToken>(in_flight);
  request.extract_utf8string(true).then([&cluster, request, api, token](pplx::task<std::string> body) mutable {
    // Nothing may escape this continuation: pplx raises SIGTRAP for an unobserved exception.
    try {
      try {
        api.body = body.get();
      } catch (const std::exception&) {
        ApiResponse unreadable;
        unreadable.status = 400;
        unreadable.body = {{"kind", "Status"},       {"apiVersion", "v1"}, {"status", "Failure"},
                           {"reason", "BadRequest"}, {"code", 400},        {"message", "cannot read the request body"}};
        reply_json(request, unreadable, token);
        return;
      }
      const ApiResponse response = cluster.handle(api);
      if (response.delay.count() > 0) {
        std::this_thread::sleep_for(response.delay);
      }
      // cpprestsdk's listener cannot close a connection without answering; a dropped connection
      // is simulated by a 500 Status (see ApiResponse::drop_connection).
      reply_json(request, response, token);
    } catch (const std::exception&) {
      // Replying failed: the connection is gone.
    }
  });
}

void serve_metrics(Cluster& cluster, http_request request, const std::shared_ptr<InFlight>& in_flight) {
  auto token = std::make_shared<InFlightToken>(in_flight);
  const auto path = request.relative_uri().path();
  http_response reply;
  if (request.method() == web::http::methods::GET && (path == "/metrics" || path == "/metrics/")) {
    reply.set_status_code(web::http::status_codes::OK);
    reply.set_body(cluster.render_metrics(), "text/plain; version=0.0.4; charset=utf-8");
  } else {
    reply.set_status_code(web::http::status_codes::NotFound);
    reply.set_body(std::string("not found: only GET /metrics is served here\n"), "text/plain; charset=utf-8");
  }
  send(request, reply, std::move(token));
}

}  // namespace

struct Server::Impl {
  Cluster& cluster;
  ServerOptions options;
  std::unique_ptr<http_listener> api;
  std::unique_ptr<http_listener> metrics;
  std::jthread ticker;
  bool started = false;
  std::shared_ptr<InFlight> in_flight = std::make_shared<InFlight>();
};

Server::Server(Cluster& cluster, ServerOptions options)
    : impl_(std::make_unique<Impl>(Impl{cluster, options, nullptr, nullptr, {}, false, std::make_shared<InFlight>()})) {
}

Server::~Server() {
  stop();
}

std::string Server::api_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->options.api_port);
}

std::string Server::metrics_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->options.metrics_port);
}

std::string Server::start() {
  if (impl_->started) {
    return "";
  }
  if (impl_->options.api_port == 0) {
    return "the API port must not be 0 (cpprestsdk cannot bind port 0)";
  }
  auto& cluster = impl_->cluster;
  auto in_flight = impl_->in_flight;
  try {
    impl_->api = std::make_unique<http_listener>(api_url());
    impl_->api->support([&cluster, in_flight](const http_request& request) { serve_api(cluster, request, in_flight); });
    impl_->api->open().wait();
    if (impl_->options.metrics_port != 0) {
      impl_->metrics = std::make_unique<http_listener>(metrics_url());
      impl_->metrics->support(
          [&cluster, in_flight](const http_request& request) { serve_metrics(cluster, request, in_flight); });
      impl_->metrics->open().wait();
    }
  } catch (const std::exception& error) {
    const std::string message = std::string("cannot listen: ") + error.what();
    impl_->started = true;  // so that stop() closes whatever did open
    stop();
    return message;
  }
  const auto interval = impl_->options.tick_interval;
  impl_->ticker = std::jthread([&cluster, interval](std::stop_token stop_token) {
    std::mutex mutex;
    std::condition_variable_any wake;
    while (!stop_token.stop_requested()) {
      cluster.tick();
      std::unique_lock lock(mutex);
      wake.wait_for(lock, stop_token, interval, [] { return false; });
    }
  });
  impl_->started = true;
  return "";
}

void Server::stop() {
  if (!impl_->started) {
    return;
  }
  impl_->started = false;
  if (impl_->ticker.joinable()) {
    impl_->ticker.request_stop();
    impl_->ticker.join();
  }
  for (auto* listener : {&impl_->api, &impl_->metrics}) {
    if (*listener) {
      try {
        (*listener)->close().wait();
      } catch (const std::exception&) {
        // Closing a listener that never opened throws; there is nothing left to release.
      }
      listener->reset();
    }
  }
  // Replies already handed to cpprestsdk finish (or fail) shortly after; a reply that never
  // completes must not hang shutdown, hence the bound.
  impl_->in_flight->wait_idle(std::chrono::seconds(2));
}

}  // namespace hpad::sim
