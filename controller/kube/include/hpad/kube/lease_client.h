// The three Lease calls leader election needs, as a narrow interface: KubeClient implements it
// over HTTP, tests wrap it (e.g. to make a leader stop renewing). Results are values: a
// LeaseRecord (with the resourceVersion the server returned) or the ApiError; a missing Lease is
// an ApiError for which is_not_found() holds. Implementations must be thread-safe.
#pragma once

#include <string_view>
#include <variant>

#include "hpad/kube/leader_election.h"
#include "hpad/kube/status.h"

namespace hpad::kube {

// A value or the ApiError saying why not (transport failures: http_status 0, see client.h).
template <typename T>
using ApiResult = std::variant<T, ApiError>;

class LeaseClient {
 public:
  virtual ~LeaseClient() = default;
  virtual ApiResult<LeaseRecord> get_lease(std::string_view namespace_name, std::string_view name) = 0;
  // POST; fails with AlreadyExists (409) if someone created it first.
  virtual ApiResult<LeaseRecord> create_lease(std::string_view namespace_name, std::string_view name,
                                              const LeaseRecord& record) = 0;
  // PUT with record.resource_version; a stale version fails with Conflict (409).
  virtual ApiResult<LeaseRecord> update_lease(std::string_view namespace_name, std::string_view name,
                                              const LeaseRecord& record) = 0;
};

}  // namespace hpad::kube
