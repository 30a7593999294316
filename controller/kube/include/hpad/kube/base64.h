// Standard base64 (RFC 4648 section 4, with padding) as kubeconfig's *-data fields use it: Go's
// encoding/json decodes []byte fields with base64.StdEncoding, which requires the padding and
// skips '\r' and '\n'. Errors name the offset only, never the content (it may be a private key).
#pragma once

#include <string>
#include <string_view>

#include "hpad/kube/result.h"

namespace hpad::kube {

// The decoded bytes, or an error such as "invalid base64 at offset 12".
Result<std::string> base64_decode(std::string_view text);

}  // namespace hpad::kube
