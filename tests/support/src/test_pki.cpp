// make_test_pki: three openssl commands, run without a shell.
#include "hpad/test_support/test_pki.h"

#include <fstream>
#include <stdexcept>
#include <vector>

#include "hpad/test_support/subprocess.h"

namespace hpad::test_support {
namespace {

// `argv` starts with "openssl". (Built by the caller rather than by inserting "openssl" in
// front: g++ 12 under -fsanitize=thread flags vector::insert's inlined string move as a
// potential null dereference.)
void openssl(const std::vector<std::string>& argv) {
  const auto result = run(argv);
  if (result.exit_code != 0) {
    throw std::runtime_error("openssl " + argv.at(1) + " failed: " + result.err);
  }
}

}  // namespace

TestPki make_test_pki(const std::filesystem::path& dir) {
  const auto path = [&](const char* name) { return (dir / name).string(); };
  openssl({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=hpad test CA",
           "-keyout", path("ca.key"), "-out", path("ca.pem")});
  std::ofstream(dir / "san.ext") << "subjectAltName=IP:127.0.0.1\n";
  openssl({"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", path("server.key"),
           "-out", path("server.csr")});
  openssl({"openssl", "x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
           "-CAcreateserial", "-days", "2", "-extfile", path("san.ext"), "-out", path("server.pem")});
  return TestPki{dir / "ca.pem", dir / "server.pem", dir / "server.key"};
}

}  // namespace hpad::test_support
