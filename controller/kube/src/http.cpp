// See http.h. cpprestsdk throws for every failure without an answer (connection refused, TLS
// handshake, timeout); each is caught here and becomes a TransportFailure.
#include "http.h"

#include <utility>  // before cpprest: boost/asio's awaitable.hpp uses std::exchange (C++20)

#include <cpprest/http_client.h>

#include <algorithm>
#include <cctype>
#include <system_error>

namespace hpad::kube::detail {
namespace {

std::string one_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  if (text.size() > 300) {
    text.resize(300);
  }
  return text.empty() ? std::string("unknown error") : text;
}

bool mentions_tls(const std::string& text) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("ssl") != std::string::npos || lower.find("tls") != std::string::npos ||
         lower.find("certificate") != std::string::npos || lower.find("handshake") != std::string::npos;
}

// Applies the Connection's TLS material to an OpenSSL context. Throws boost::system::system_error
// for material OpenSSL cannot use; the caller turns it into a message that names the field only.
void apply_tls(boost::asio::ssl::context& context, const Connection& connection) {
  if (!connection.ca_pem.empty()) {
    context.add_certificate_authority(boost::asio::buffer(connection.ca_pem.data(), connection.ca_pem.size()));
  }
  if (!connection.client_cert_pem.empty()) {
    context.use_certificate_chain(
        boost::asio::buffer(connection.client_cert_pem.data(), connection.client_cert_pem.size()));
    context.use_private_key(boost::asio::buffer(connection.client_key_pem.data(), connection.client_key_pem.size()),
                            boost::asio::ssl::context::pem);
  }
}

// Which TLS field is unusable, or "" if all are fine. Tried on a scratch context, field by field.
std::string check_tls(const Connection& connection) {
  const auto attempt = [](const char* what, const auto& apply) -> std::string {
    try {
      boost::asio::ssl::context context(boost::asio::ssl::context::tls_client);
      apply(context);
      return "";
    } catch (const std::exception&) {
      return std::string(what);
    }
  };
  if (!connection.ca_pem.empty()) {
    const std::string from = connection.ca_file.empty() ? "" : " from " + connection.ca_file.string();
    auto failure = attempt("the CA certificate", [&](boost::asio::ssl::context& c) {
      c.add_certificate_authority(boost::asio::buffer(connection.ca_pem.data(), connection.ca_pem.size()));
    });
    if (!failure.empty()) {
      return failure + from + " is not a valid PEM certificate";
    }
  }
  if (!connection.client_cert_pem.empty() || !connection.client_key_pem.empty()) {
    Connection only_client = connection;
    only_client.ca_pem.clear();
    auto failure = attempt("the client certificate or key", [&](boost::asio::ssl::context& c) {
      if (only_client.client_cert_pem.empty() || only_client.client_key_pem.empty()) {
        throw std::runtime_error("incomplete");
      }
      apply_tls(c, only_client);
    });
    if (!failure.empty()) {
      return failure + " is not valid PEM, or the key does not match the certificate";
    }
  }
  return "";
}

}  // namespace

struct HttpTransport::Client {
  web::http::client::http_client client;
};

HttpTransport::HttpTransport(const Connection& connection, std::chrono::milliseconds timeout,
                             const std::string& user_agent)
    : server_(connection.server), timeout_(timeout), user_agent_(user_agent) {
  try {
    const web::uri uri(connection.server);
    if (uri.scheme() != "http" && uri.scheme() != "https") {
      config_error_ = "server URL \"" + connection.server + "\" must start with https:// or http://";
      return;
    }
    if (!uri.user_info().empty()) {
      config_error_ = "server URL must not carry user info";
      return;
    }
    // kubectl never sends credentials over plain HTTP; hpad allows it only to a loopback server
    // (hpad-kubesim in tests and the main job), where nothing crosses a network.
    const bool has_credentials =
        !connection.token.empty() || !connection.token_file.empty() || !connection.username.empty();
    const std::string host = uri.host();
    const bool loopback = host == "127.0.0.1" || host == "localhost" || host == "::1" || host == "[::1]";
    if (uri.scheme() == "http" && has_credentials && !loopback) {
      config_error_ = "refusing to send credentials over plain http:// to " + host +
                      ": use https:// (plain HTTP with credentials is allowed to a loopback server only)";
      return;
    }
  } catch (const std::exception&) {
    config_error_ = "server URL \"" + connection.server + "\" is not a valid URI";
    return;
  }
  if (timeout <= std::chrono::milliseconds::zero()) {
    config_error_ = "request timeout must be positive";
    return;
  }
  config_error_ = check_tls(connection);
  if (!config_error_.empty()) {
    return;
  }
  web::http::client::http_client_config config;
  config.set_timeout(timeout);
  if (connection.insecure_skip_tls_verify) {
    config.set_validate_certificates(false);
  }
  if (!connection.ca_pem.empty() || !connection.client_cert_pem.empty()) {
    // Copies of the PEM texts live in the callback, which runs for every new TLS connection.
    config.set_ssl_context_callback([tls = connection](boost::asio::ssl::context& context) {
      try {
        apply_tls(context, tls);
      } catch (const std::exception&) {
        // Checked at construction; should it fail now, the handshake fails and says so.
      }
    });
  }
  try {
    client_ = std::make_unique<Client>(Client{web::http::client::http_client(connection.server, config)});
  } catch (const std::exception& e) {
    config_error_ = "cannot create an HTTP client for " + connection.server + ": " + one_line(e.what());
  }
}

HttpTransport::~HttpTransport() = default;

HttpOutcome HttpTransport::send(const HttpRequest& request, const std::string& authorization) {
  if (!config_error_.empty()) {
    return TransportFailure{config_error_, false};
  }
  const std::string where = " (" + request.method + " " + server_ + request.path + ")";
  try {
    web::uri_builder uri;
    uri.append_path(request.path, /*do_encoding=*/true);
    for (const auto& [name, value] : request.query) {
      uri.append_query(name, value, /*do_encoding=*/true);
    }
    web::http::http_request message(request.method);
    message.set_request_uri(uri.to_uri());
    auto& headers = message.headers();
    headers.add("Accept", "application/json");
    headers.add("User-Agent", user_agent_);
    if (!authorization.empty()) {
      headers.add("Authorization", authorization);
    }
    if (!request.body.empty() || !request.content_type.empty()) {
      message.set_body(request.body, request.content_type);
    }
    web::http::http_response response = client_->client.request(message).get();
    HttpReply reply;
    reply.status = response.status_code();
    if (const auto found = response.headers().find("Retry-After"); found != response.headers().end()) {
      reply.retry_after = found->second;
    }
    if (response.headers().content_length() > kMaxBodyBytes) {
      return TransportFailure{"the answer is larger than " + std::to_string(kMaxBodyBytes) + " bytes" + where, false};
    }
    reply.body = response.extract_utf8string(true).get();
    return reply;
  } catch (const web::http::http_exception& e) {
    const auto code = e.error_code();
    if (code == std::errc::timed_out || code == std::errc::operation_canceled) {
      return TransportFailure{"no answer within " + std::to_string(timeout_.count()) + " ms" + where, true};
    }
    const std::string what = one_line(e.what());
    if (mentions_tls(what)) {
      return TransportFailure{"TLS handshake failed: " + what + where, false};
    }
    return TransportFailure{what + where, false};
  } catch (const std::exception& e) {
    return TransportFailure{one_line(e.what()) + where, false};
  }
}

}  // namespace hpad::kube::detail
