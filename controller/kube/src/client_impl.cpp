// See client_impl.h: the retry loop shared by every KubeClient operation.
#include "client_impl.h"

#include <thread>

namespace hpad::kube {

ApiError transport_error(const TransportFailure& failure, const RequestInfo& info) {
  ApiError error;
  error.http_status = 0;
  error.reason = failure.timeout ? "Timeout" : "TransportError";
  error.message = failure.message;
  error.request = info;
  return error;
}

ApiError invalid_answer(const std::string& what, const RequestInfo& info) {
  ApiError error;
  error.http_status = 0;
  error.reason = "InvalidResponse";
  error.message = what;
  error.request = info;
  return error;
}

KubeClient::Impl::Impl(Connection connection_in, ClientOptions options_in)
    : connection(std::move(connection_in)),
      options(std::move(options_in)),
      transport(connection, options.timeout, options.user_agent),
      limiter(options.qps, options.burst) {
  if (!connection.token_file.empty()) {
    token_source = std::make_unique<TokenSource>(connection.token_file, connection.token,
                                                 [] { return std::chrono::steady_clock::now(); });
  }
}

RetryPolicy KubeClient::Impl::new_policy(std::optional<RetryLimits> limits) {
  return RetryPolicy(limits.value_or(options.retry), options.seed + calls.fetch_add(1));
}

std::variant<std::string, std::string> KubeClient::Impl::authorization() {
  using Out = std::variant<std::string, std::string>;
  if (token_source) {
    auto token = token_source->token();
    if (!ok(token)) {
      return Out(std::in_place_index<1>, error(token).message);
    }
    return Out(std::in_place_index<0>, "Bearer " + value(token));
  }
  if (!connection.token.empty()) {
    return Out(std::in_place_index<0>, "Bearer " + connection.token);
  }
  if (!connection.username.empty()) {
    const std::string pair = connection.username + ":" + connection.password;
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string encoded;
    for (std::size_t i = 0; i < pair.size(); i += 3) {
      const auto byte = [&](std::size_t at) { return at < pair.size() ? static_cast<unsigned char>(pair[at]) : 0U; };
      const unsigned bits = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
      encoded += kAlphabet[(bits >> 18) & 63];
      encoded += kAlphabet[(bits >> 12) & 63];
      encoded += i + 1 < pair.size() ? kAlphabet[(bits >> 6) & 63] : '=';
      encoded += i + 2 < pair.size() ? kAlphabet[bits & 63] : '=';
    }
    return Out(std::in_place_index<0>, "Basic " + encoded);
  }
  return Out(std::in_place_index<0>, std::string());
}

void KubeClient::Impl::sleep(std::chrono::nanoseconds delay) const {
  if (delay > std::chrono::nanoseconds::zero()) {
    std::this_thread::sleep_for(delay);
  }
}

ApiResult<detail::HttpReply> KubeClient::Impl::execute(const detail::HttpRequest& request, const RequestInfo& info,
                                                       RetryPolicy& policy) {
  bool token_reread = false;  // a 401 re-reads the token file once per call
  for (;;) {
    auto auth = authorization();
    if (auth.index() == 1) {
      return transport_error(TransportFailure{std::get<1>(auth), false}, info);
    }
    limiter.wait();
    const auto started = std::chrono::steady_clock::now();
    auto outcome = transport.send(request, std::get<0>(auth));
    if (auto* failure = std::get_if<TransportFailure>(&outcome)) {
      if (options.observer) {
        options.observer(info.verb, 0);
      }
      // A bad configuration or a failed TLS handshake (an untrusted certificate): a retry cannot help.
      if (!transport.config_error().empty() || failure->message.rfind("TLS handshake failed", 0) == 0) {
        return transport_error(*failure, info);
      }
      const auto decision = policy.next(*failure);
      if (decision.action != RetryAction::kRetry) {
        ApiError error = transport_error(*failure, info);
        // The decision repeats the failure after its ':' ("giving up after 3 attempts: ...").
        error.message += "; " + decision.reason.substr(0, decision.reason.find(':'));
        return error;
      }
      sleep(decision.delay);
      continue;
    }
    auto& reply = std::get<detail::HttpReply>(outcome);
    if (options.observer) {
      options.observer(info.verb, reply.status);
    }
    if (reply.status < 400) {
      return std::move(reply);
    }
    ApiError error = parse_api_error(reply.status, reply.body, info);
    if (is_unauthorized(error) && token_source && !token_reread) {
      token_reread = true;
      token_source->report_unauthorized(started);
      continue;
    }
    if (is_unauthorized(error) || is_forbidden(error)) {
      error.message = permission_message(error);
      return error;
    }
    if (is_conflict(error)) {
      return error;
    }
    const auto advice = retry_after(error, reply.retry_after, std::chrono::system_clock::now());
    const auto decision = policy.next(error, advice);
    if (decision.action != RetryAction::kRetry) {
      return error;
    }
    sleep(decision.delay);
  }
}

}  // namespace hpad::kube
