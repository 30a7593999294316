// LeakSanitizer suppressions compiled into every test binary of the sanitized build (no
// LSAN_OPTIONS to remember). Each entry is a third-party leak, checked, that hpad cannot fix:
//
// - libcrypto: cpprestsdk's thread pool threads live until exit and are never stopped, so the
//   per-thread OpenSSL error state that a TLS handshake allocates on them (ERR_clear_error,
//   ERR_add_error_vdata under boost::asio::ssl::detail::engine::perform) is reported at exit.
//   hpad itself never calls OpenSSL. Seen with cpprestsdk 2.10.18 and OpenSSL 3.0 (Debian 12).
extern "C" const char* __lsan_default_suppressions();
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libcrypto.so\n";
}
