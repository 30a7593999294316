// ScriptedServer: a real HTTP(S) server on 127.0.0.1 (cpprestsdk's listener) whose answers a
// test scripts and whose requests it records, for what a real server (Prometheus, the sim) cannot
// be made to do on cue: check credentials, stall past a timeout, send a proxy's 502 page, a 403 or
// a huge body.
// Thread-safe: the listener's threads and the test share the recorded requests under a mutex.
#pragma once

#include <utility>  // before cpprest: boost/asio's awaitable.hpp uses std::exchange (C++20)

#include <cpprest/http_listener.h>

#include <cctype>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hpad/test_support/cpprest_pool.h"
#include "hpad/test_support/net.h"

namespace hpad::test_support {

struct RecordedRequest {
  std::string method;
  std::string path;                            // decoded
  std::string query;                           // the query string, decoded
  std::map<std::string, std::string> params;   // query string, or the form body of a POST, decoded
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

struct ScriptedAnswer {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::chrono::milliseconds delay{0};  // before answering
};

inline std::map<std::string, std::string> decode_form(const std::string& text) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const std::size_t end = std::min(text.find('&', start), text.size());
    const std::string pair = text.substr(start, end - start);
    const std::size_t eq = pair.find('=');
    std::string name = pair.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : pair.substr(eq + 1);
    for (auto* s : {&name, &value}) {
      for (auto& c : *s)
        c = c == '+' ? ' ' : c;
      *s = web::uri::decode(*s);
    }
    out[name] = value;
    start = end + 1;
  }
  return out;
}

class ScriptedServer {
 public:
  using Script = std::function<ScriptedAnswer(const RecordedRequest&)>;

  // `https`: the listener serves TLS with this PEM certificate chain and key.
  struct Tls {
    std::string cert_file;
    std::string key_file;
  };

  explicit ScriptedServer(Script script, std::optional<Tls> tls = std::nullopt)
      : script_(std::move(script)), port_(free_port()) {
    init_cpprest_threadpool();
    web::http::experimental::listener::http_listener_config config;
    if (tls) {
      config.set_ssl_context_callback([tls](boost::asio::ssl::context& context) {
        context.set_options(boost::asio::ssl::context::default_workarounds);
        context.use_certificate_chain_file(tls->cert_file);
        context.use_private_key_file(tls->key_file, boost::asio::ssl::context::pem);
      });
    }
    base_url_ = std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
    listener_ = std::make_unique<web::http::experimental::listener::http_listener>(base_url_, config);
    listener_->support([this](web::http::http_request request) { handle(std::move(request)); });
    listener_->open().wait();
  }

  ~ScriptedServer() {
    {
      std::lock_guard lock(mutex_);
      delayed_.clear();  // joins: every delayed answer has been sent
    }
    listener_->close().wait();
    // close() leaves continuations queued on the pool; let them finish before the test ends.
    drain_cpprest_threadpool();
    drain_cpprest_threadpool();
  }
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  const std::string& base_url() const { return base_url_; }
  std::uint16_t port() const { return port_; }

  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  // Never blocks a cpprest pool thread (the pool is small, and the client under test needs it
  // too): the body is read in a continuation, and a delayed answer waits on a thread of its own.
  void handle(web::http::http_request request) {
    request.extract_string(true).then([this, request](pplx::task<std::string> body_task) mutable {
      try {
        RecordedRequest recorded;
        recorded.method = request.method();
        recorded.path = web::uri::decode(request.relative_uri().path());
        recorded.query = web::uri::decode(request.relative_uri().query());
        recorded.body = body_task.get();
        recorded.params = decode_form(request.relative_uri().query());
        if (recorded.method == "POST") {
          for (auto& [name, value] : decode_form(recorded.body))
            recorded.params[name] = value;
        }
        for (const auto& [name, value] : request.headers()) {
          std::string lower = name;
          for (auto& c : lower)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          recorded.headers[lower] = value;
        }
        ScriptedAnswer answer = script_(recorded);
        web::http::http_response response(static_cast<web::http::status_code>(answer.status));
        response.set_body(answer.body, answer.content_type);
        std::lock_guard lock(mutex_);
        requests_.push_back(std::move(recorded));
        if (answer.delay.count() > 0) {
          delayed_.emplace_back([request, response, delay = answer.delay]() mutable {
            std::this_thread::sleep_for(delay);
            reply(request, response);
          });
        } else {
          reply(request, response);
        }
      } catch (const std::exception&) {
        // The connection is gone before the body was read.
      }
    });
  }

  // Observes the reply's task: on Linux an unobserved pplx exception (a client that went away)
  // would abort the process.
  static void reply(web::http::http_request& request, const web::http::http_response& response) {
    request.reply(response).then([](pplx::task<void> sent) {
      try {
        sent.get();
      } catch (const std::exception&) {
        // The client went away.
      }
    });
  }

  Script script_;
  std::uint16_t port_;
  std::string base_url_;
  std::unique_ptr<web::http::experimental::listener::http_listener> listener_;
  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
  std::vector<std::jthread> delayed_;  // joined by the destructor, before the listener closes
};

}  // namespace hpad::test_support
