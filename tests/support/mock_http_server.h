// Test support: a provider stand-in on 127.0.0.1, port 0 (the kernel picks
// one), plain HTTP or TLS, answering each request with a handler. Stopped
// (and every connection thread joined) by its destructor. Verification
// tests point keyward at it with --verify-redirect; nothing leaves the
// machine.
#ifndef KEYWARD_TESTS_SUPPORT_MOCK_HTTP_SERVER_H_
#define KEYWARD_TESTS_SUPPORT_MOCK_HTTP_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace keyward::test {

struct MockRequest {
  std::string method;
  std::string target;                          // path and query
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
};

struct MockResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool hang = false;  // never answer (until the server stops)
};

class MockHttpServer {
 public:
  using Handler = std::function<MockResponse(const MockRequest&)>;
  // TLS when `cert_file` and `key_file` (PEM) are given.
  explicit MockHttpServer(Handler handler, const std::string& cert_file = "",
                          const std::string& key_file = "");
  ~MockHttpServer();
  MockHttpServer(const MockHttpServer&) = delete;
  MockHttpServer& operator=(const MockHttpServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:PORT" (https with TLS).
  std::string url() const;
  int requests() const { return requests_; }
  int max_in_flight() const { return max_in_flight_; }
  int in_flight() const { return in_flight_; }
  std::vector<MockRequest> received() const;

 private:
  void AcceptLoop();
  void Serve(int fd);

  Handler handler_;
  void* ssl_ctx_ = nullptr;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<MockRequest> received_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

// Writes a self-signed certificate for IP 127.0.0.1 and its key into `dir`
// with the openssl CLI; returns false when that fails.
bool MakeLoopbackCertificate(const std::string& dir, std::string* cert,
                             std::string* key);

}  // namespace keyward::test

#endif  // KEYWARD_TESTS_SUPPORT_MOCK_HTTP_SERVER_H_
