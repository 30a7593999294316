// A request to and a response from the simulated Kubernetes API, independent of any HTTP library:
// the server translates cpprestsdk's messages to and from these, and tests can call
// Cluster::handle with them directly.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace hpad::sim {

struct ApiRequest {
  std::string method;                          // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string path;                            // decoded, without the query: "/apis/apps/v1"
  std::map<std::string, std::string> query;    // decoded
  std::map<std::string, std::string> headers;  // names lower-case: "authorization", "content-type"
  std::string body;
};

struct ApiResponse {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  std::map<std::string, std::string> headers;  // beyond Content-Type: application/json
  std::chrono::milliseconds delay{0};          // answer only after this long (fault injection)
  bool drop_connection = false;                // answer nothing (the server sends a bare 500)
};

}  // namespace hpad::sim
