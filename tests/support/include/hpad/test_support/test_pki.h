// A throwaway certificate authority and a server certificate for 127.0.0.1, made by the openssl
// CLI into a directory the caller owns, for tests of TLS clients against loopback servers.
#pragma once

#include <filesystem>
#include <string>

namespace hpad::test_support {

struct TestPki {
  std::filesystem::path ca_pem;      // the CA's certificate: what a client trusts
  std::filesystem::path server_pem;  // signed by the CA, subjectAltName IP:127.0.0.1
  std::filesystem::path server_key;  // unencrypted PEM
};

// Writes ca.key, ca.pem, server.key, server.csr, server.pem (2 days' validity) into `dir`.
// Throws std::runtime_error with openssl's stderr if a step fails.
TestPki make_test_pki(const std::filesystem::path& dir);

}  // namespace hpad::test_support
