// MockHttpServer (tests/support/mock_http_server.h).
#include "support/mock_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "support/run.h"

namespace keyward::test {
namespace {

// One connection, plain or TLS.
struct Conn {
  int fd;
  SSL* ssl = nullptr;
  int Read(char* buf, int n) {
    return ssl ? SSL_read(ssl, buf, n) : static_cast<int>(::read(fd, buf, n));
  }
  bool Write(const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
      int n = ssl ? SSL_write(ssl, s.data() + done,
                              static_cast<int>(s.size() - done))
                  : static_cast<int>(::send(fd, s.data() + done,
                                            s.size() - done, MSG_NOSIGNAL));
      if (n <= 0) return false;
      done += n;
    }
    return true;
  }
};

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool ReadRequest(Conn& c, MockRequest* req) {
  std::string data;
  char buf[4096];
  size_t head_end;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
    int n = c.Read(buf, sizeof buf);
    if (n <= 0 || data.size() > (1 << 20)) return false;
    data.append(buf, n);
  }
  std::string head = data.substr(0, head_end);
  size_t line_end = head.find("\r\n");
  std::string first = head.substr(0, line_end);
  size_t sp1 = first.find(' '), sp2 = first.rfind(' ');
  if (sp1 == std::string::npos || sp2 <= sp1) return false;
  req->method = first.substr(0, sp1);
  req->target = first.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t at = line_end == std::string::npos ? head.size() : line_end + 2;
  while (at < head.size()) {
    size_t end = head.find("\r\n", at);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(at, end - at);
    if (size_t colon = line.find(':'); colon != std::string::npos) {
      std::string v = line.substr(colon + 1);
      v.erase(0, v.find_first_not_of(' '));
      req->headers[Lower(line.substr(0, colon))] = v;
    }
    at = end + 2;
  }
  size_t length = 0;
  if (auto it = req->headers.find("content-length"); it != req->headers.end())
    length = std::strtoul(it->second.c_str(), nullptr, 10);
  req->body = data.substr(head_end + 4);
  while (req->body.size() < length) {
    int n = c.Read(buf, sizeof buf);
    if (n <= 0) return false;
    req->body.append(buf, n);
  }
  return true;
}

}  // namespace

MockHttpServer::MockHttpServer(Handler handler, const std::string& cert_file,
                               const std::string& key_file)
    : handler_(std::move(handler)) {
  if (!cert_file.empty()) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_file(ctx, cert_file.c_str(), SSL_FILETYPE_PEM);
    SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM);
    ssl_ctx_ = ctx;
  }
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(listen_fd_, 64);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

MockHttpServer::~MockHttpServer() {
  stop_ = true;
  cv_.notify_all();
  acceptor_.join();
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers.swap(workers_);
  }
  for (auto& t : workers) t.join();
  close(listen_fd_);
  if (ssl_ctx_) SSL_CTX_free(static_cast<SSL_CTX*>(ssl_ctx_));
}

std::string MockHttpServer::url() const {
  return std::string(ssl_ctx_ ? "https" : "http") +
         "://127.0.0.1:" + std::to_string(port_);
}

std::vector<MockRequest> MockHttpServer::received() const {
  std::lock_guard<std::mutex> lock(mu_);
  return received_;
}

void MockHttpServer::AcceptLoop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard<std::mutex> lock(mu_);
    workers_.emplace_back([this, fd] { Serve(fd); });
  }
}

void MockHttpServer::Serve(int fd) {
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  Conn c{fd};
  if (ssl_ctx_) {
    c.ssl = SSL_new(static_cast<SSL_CTX*>(ssl_ctx_));
    SSL_set_fd(c.ssl, fd);
    if (SSL_accept(c.ssl) <= 0) {
      SSL_free(c.ssl);
      close(fd);
      return;
    }
  }
  MockRequest req;
  if (ReadRequest(c, &req)) {
    requests_++;
    {
      std::lock_guard<std::mutex> lock(mu_);
      received_.push_back(req);
      int now = ++in_flight_;
      int seen = max_in_flight_;
      while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
      }
    }
    cv_.notify_all();
    MockResponse res = handler_(req);
    if (res.hang) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stop_.load(); });
    }
    // Counted out before the answer is written: a client that reads it and
    // sends its next request at once must not be counted twice.
    {
      std::lock_guard<std::mutex> lock(mu_);
      --in_flight_;
    }
    if (!res.hang) {
      std::string out = "HTTP/1.1 " + std::to_string(res.status) +
                        " Mock\r\nConnection: close\r\nContent-Length: " +
                        std::to_string(res.body.size()) + "\r\n";
      for (const auto& [n, v] : res.headers) out += n + ": " + v + "\r\n";
      out += "\r\n" + res.body;
      (void)c.Write(out);
    }
  }
  if (c.ssl) {
    SSL_shutdown(c.ssl);
    SSL_free(c.ssl);
  }
  close(fd);
}

bool MakeLoopbackCertificate(const std::string& dir, std::string* cert,
                             std::string* key) {
  *cert = dir + "/cert.pem";
  *key = dir + "/key.pem";
  RunResult r =
      RunProgram({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                  "-keyout", *key, "-out", *cert, "-days", "2", "-subj",
                  "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
  return r.exit_code == 0;
}

}  // namespace keyward::test
