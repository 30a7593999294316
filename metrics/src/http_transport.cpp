// HttpTransport on cpprestsdk's http_client. Invariants: every exception cpprest throws becomes a
// TransportError; no message carries a credential (headers are never echoed, the URL has no user
// info by check()); a body is read in chunks and refused as soon as it passes the cap.
#include "http_transport.h"

#include <sys/stat.h>

#include <cpprest/http_client.h>
#include <cpprest/rawptrstream.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <system_error>

namespace hpad::metrics {

std::string check(const HttpOptions& options) {
  std::vector<std::string> problems;
  try {
    const web::uri uri(utility::conversions::to_string_t(options.base_url));
    if (uri.scheme() != "http" && uri.scheme() != "https") {
      problems.push_back("base URL must start with http:// or https://");
    }
    if (uri.host().empty())
      problems.push_back("base URL has no host");
    if (!uri.user_info().empty()) {
      problems.push_back("base URL must not carry user info: use basic auth instead");
    }
    if (!uri.query().empty() || !uri.fragment().empty()) {
      problems.push_back("base URL must not have a query string or a fragment");
    }
    if (uri.scheme() == "http" && !options.ca_file.empty()) {
      problems.push_back("a CA file is set but the base URL is plain http://");
    }
  } catch (const std::exception&) {
    problems.push_back("base URL is not a valid URI");
  }
  if (options.timeout <= std::chrono::milliseconds::zero())
    problems.push_back("timeout must be positive");
  if (options.max_response_bytes == 0)
    problems.push_back("max response size must be positive");
  if (!options.bearer_token_file.empty() && options.basic_auth) {
    problems.push_back("set a bearer token file or basic auth, not both");
  }
  if (options.basic_auth) {
    if (options.basic_auth->username.empty())
      problems.push_back("basic auth needs a username");
    if (options.basic_auth->password_file.empty() == options.basic_auth->password.empty()) {
      problems.push_back("basic auth needs exactly one of a password or a password file");
    }
  }
  if (!options.ca_file.empty()) {
    std::ifstream in(options.ca_file);
    if (!in)
      problems.push_back("cannot read CA file " + options.ca_file.string() + ": " + std::strerror(errno));
  }
  std::string out;
  for (const auto& problem : problems) {
    out += out.empty() ? "" : "\n";
    out += problem;
  }
  return out;
}

namespace detail {
namespace {

// A credential kept in a file, re-read whenever the file changes. The value is never part of a
// message: errors name the path and the errno text only.
class FileSecret {
 public:
  explicit FileSecret(std::filesystem::path path) : path_(std::move(path)) {}

  // The current value, or an error message.
  std::variant<std::string, std::string> read() {
    struct stat info {};
    if (::stat(path_.c_str(), &info) != 0) {
      return std::variant<std::string, std::string>(std::in_place_index<1>, unreadable(std::strerror(errno)));
    }
    std::lock_guard lock(mutex_);
    const bool changed = !loaded_ || info.st_ino != inode_ || info.st_size != size_ ||
                         info.st_mtim.tv_sec != mtime_.tv_sec || info.st_mtim.tv_nsec != mtime_.tv_nsec;
    if (changed) {
      std::ifstream in(path_, std::ios::binary);
      if (!in)
        return std::variant<std::string, std::string>(std::in_place_index<1>, unreadable(std::strerror(errno)));
      std::ostringstream text;
      text << in.rdbuf();
      std::string value = text.str();
      const auto first = value.find_first_not_of(" \t\r\n");
      const auto last = value.find_last_not_of(" \t\r\n");
      value = first == std::string::npos ? std::string() : value.substr(first, last - first + 1);
      if (value.empty())
        return std::variant<std::string, std::string>(std::in_place_index<1>, unreadable("it is empty"));
      value_ = std::move(value);
      inode_ = info.st_ino;
      size_ = info.st_size;
      mtime_ = info.st_mtim;
      loaded_ = true;
    }
    return std::variant<std::string, std::string>(std::in_place_index<0>, value_);
  }

 private:
  std::string unreadable(const std::string& why) const {
    return "cannot read credentials file " + path_.string() + ": " + why;
  }

  std::filesystem::path path_;
  std::mutex mutex_;
  bool loaded_ = false;
  ino_t inode_ = 0;
  off_t size_ = 0;
  timespec mtime_{};
  std::string value_;
};

std::string base64(const std::string& text) {
  return utility::conversions::to_utf8string(
      utility::conversions::to_base64(std::vector<unsigned char>(text.begin(), text.end())));
}

std::string encode_form(const Params& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    out += out.empty() ? "" : "&";
    out += utility::conversions::to_utf8string(web::uri::encode_data_string(utility::conversions::to_string_t(name)));
    out += '=';
    out += utility::conversions::to_utf8string(web::uri::encode_data_string(utility::conversions::to_string_t(value)));
  }
  return out;
}

}  // namespace

struct HttpTransport::Impl {
  HttpOptions options;
  std::string config_error;  // from check(); every request returns it
  std::unique_ptr<web::http::client::http_client> client;
  std::unique_ptr<FileSecret> token;
  std::unique_ptr<FileSecret> password;

  explicit Impl(HttpOptions opts) : options(std::move(opts)), config_error(check(options)) {
    if (!config_error.empty()) {
      for (auto& c : config_error)
        c = c == '\n' ? ';' : c;
      return;
    }
    web::http::client::http_client_config config;
    config.set_timeout(options.timeout);
    if (options.insecure_skip_verify)
      config.set_validate_certificates(false);
    if (!options.ca_file.empty()) {
      const std::string ca = options.ca_file.string();
      config.set_ssl_context_callback([ca](boost::asio::ssl::context& context) { context.load_verify_file(ca); });
    }
    client =
        std::make_unique<web::http::client::http_client>(utility::conversions::to_string_t(options.base_url), config);
    if (!options.bearer_token_file.empty())
      token = std::make_unique<FileSecret>(options.bearer_token_file);
    if (options.basic_auth && !options.basic_auth->password_file.empty()) {
      password = std::make_unique<FileSecret>(options.basic_auth->password_file);
    }
  }

  // The Authorization header's value, empty for none, or an error.
  std::variant<std::string, TransportError> authorization() {
    if (token) {
      auto value = token->read();
      if (value.index() == 1)
        return TransportError{QueryErrorKind::kClientConfig, std::get<1>(value)};
      return "Bearer " + std::get<0>(value);
    }
    if (options.basic_auth) {
      std::string secret = options.basic_auth->password;
      if (password) {
        auto value = password->read();
        if (value.index() == 1)
          return TransportError{QueryErrorKind::kClientConfig, std::get<1>(value)};
        secret = std::get<0>(value);
      }
      return "Basic " + base64(options.basic_auth->username + ":" + secret);
    }
    return std::string();
  }

  std::string where() const {
    return " (" + options.base_url + (options.insecure_skip_verify ? ", certificate verification off)" : ")");
  }

  HttpOutcome send(web::http::http_request request, const std::string& accept) {
    if (!config_error.empty())
      return TransportError{QueryErrorKind::kClientConfig, config_error};
    auto auth = authorization();
    if (auto* error = std::get_if<TransportError>(&auth))
      return *error;
    auto& headers = request.headers();
    headers.add(U("Accept"), utility::conversions::to_string_t(accept));
    headers.add(U("User-Agent"), U("hpad"));
    if (const auto& value = std::get<std::string>(auth); !value.empty()) {
      headers.add(U("Authorization"), utility::conversions::to_string_t(value));
    }
    for (const auto& [name, value] : options.headers) {
      headers.add(utility::conversions::to_string_t(name), utility::conversions::to_string_t(value));
    }
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    try {
      web::http::http_response response = client->request(request).get();
      HttpResponse out;
      out.status = response.status_code();
      out.content_type = utility::conversions::to_utf8string(response.headers().content_type());
      const auto length = response.headers().content_length();
      if (length > options.max_response_bytes) {
        return too_large();
      }
      auto body = response.body();
      std::vector<char> chunk(64 * 1024);
      for (;;) {
        concurrency::streams::rawptr_buffer<char> target(chunk.data(), chunk.size());
        const std::size_t got = body.read(target, chunk.size()).get();
        if (got == 0)
          break;
        if (out.body.size() + got > options.max_response_bytes)
          return too_large();
        out.body.append(chunk.data(), got);
        if (std::chrono::steady_clock::now() > deadline) {
          return TransportError{
              QueryErrorKind::kRequestTimeout,
              "the answer took longer than " + std::to_string(options.timeout.count()) + " ms" + where()};
        }
      }
      return out;
    } catch (const web::http::http_exception& e) {
      const auto code = e.error_code();
      if (code == std::errc::timed_out || code == std::errc::operation_canceled) {
        return TransportError{QueryErrorKind::kRequestTimeout,
                              "no answer within " + std::to_string(options.timeout.count()) + " ms" + where()};
      }
      return TransportError{QueryErrorKind::kConnection, one_line(e.what()) + where()};
    } catch (const std::exception& e) {
      return TransportError{QueryErrorKind::kConnection, one_line(e.what()) + where()};
    }
  }

  TransportError too_large() const {
    return TransportError{
        QueryErrorKind::kResponseTooLarge,
        "the answer is larger than " + std::to_string(options.max_response_bytes) + " bytes" + where()};
  }

  static std::string one_line(const std::string& text) {
    return text.empty() ? std::string("unknown error") : one_line_excerpt(text, kMessageBytes);
  }
};

HttpTransport::HttpTransport(HttpOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpTransport::~HttpTransport() = default;

const HttpOptions& HttpTransport::options() const {
  return impl_->options;
}

HttpOutcome HttpTransport::get(const std::string& path, const Params& params, const std::string& accept) {
  web::uri_builder uri;
  uri.append_path(utility::conversions::to_string_t(path));
  for (const auto& [name, value] : params) {
    uri.append_query(utility::conversions::to_string_t(name), utility::conversions::to_string_t(value));
  }
  web::http::http_request request(web::http::methods::GET);
  request.set_request_uri(uri.to_uri());
  return impl_->send(std::move(request), accept);
}

HttpOutcome HttpTransport::post_form(const std::string& path, const Params& params, const std::string& accept) {
  web::uri_builder uri;
  uri.append_path(utility::conversions::to_string_t(path));
  web::http::http_request request(web::http::methods::POST);
  request.set_request_uri(uri.to_uri());
  request.set_body(encode_form(params), "application/x-www-form-urlencoded");
  return impl_->send(std::move(request), accept);
}

}  // namespace detail
}  // namespace hpad::metrics
