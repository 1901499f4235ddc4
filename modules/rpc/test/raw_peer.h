// Test helpers that speak HTTP/1.1 and WebSocket over plain POSIX sockets, byte by byte, so the
// tests can send what the real Client never would (oversized, malformed, never-reading peers)
// and see exactly what the server answers. Deliberately independent of Boost.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

namespace phalanx::rpc::testing {

class RawSocket {
 public:
  explicit RawSocket(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawSocket() { ::close(fd_); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool connected() const { return connected_; }

  bool SendAll(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads whatever arrives within `timeout_ms`; "" on timeout, nullopt on EOF or error.
  std::optional<std::string> ReadSome(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return std::string();
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return std::nullopt;
    return std::string(buf, static_cast<size_t>(n));
  }

  // True when the peer closes the connection within `timeout_ms` (discarding any data).
  bool WaitClosed(int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      auto chunk = ReadSome(50);
      if (!chunk) return true;
    }
    return false;
  }

  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

struct HttpReply {
  int status = 0;
  std::string headers;  // lower-cased header block
  std::string body;
  bool ok() const { return status != 0; }
  bool HasHeader(std::string_view line) const { return headers.find(line) != std::string::npos; }
};

// Reads one HTTP response (Content-Length bodies or read-to-EOF).
inline HttpReply ReadHttpReply(RawSocket& socket, int timeout_ms = 5000) {
  std::string data;
  HttpReply reply;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  size_t header_end = std::string::npos;
  size_t content_length = std::string::npos;
  while (std::chrono::steady_clock::now() < deadline) {
    auto chunk = socket.ReadSome(50);
    if (!chunk) break;
    data += *chunk;
    if (header_end == std::string::npos) {
      header_end = data.find("\r\n\r\n");
      if (header_end == std::string::npos) continue;
      reply.headers = data.substr(0, header_end);
      for (char& c : reply.headers) c = static_cast<char>(std::tolower(c));
      if (auto p = reply.headers.find("content-length: "); p != std::string::npos) {
        content_length = std::stoul(reply.headers.substr(p + 16));
      }
    }
    if (content_length != std::string::npos && data.size() >= header_end + 4 + content_length)
      break;
  }
  if (header_end == std::string::npos) return reply;
  reply.status = std::stoi(data.substr(9, 3));
  reply.body = data.substr(header_end + 4, content_length);
  return reply;
}

inline HttpReply HttpRequest(uint16_t port, std::string_view method, std::string_view path,
                             std::string_view body = "", std::string_view extra_headers = "") {
  RawSocket socket(port);
  std::string request = std::string(method) + " " + std::string(path) +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                        std::string(extra_headers);
  if (method == "POST") {
    request +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n";
  request += body;
  if (!socket.SendAll(request)) return {};
  return ReadHttpReply(socket);
}

// A minimal WebSocket client: unfragmented text frames, masked as RFC 6455 requires.
class RawWebSocket {
 public:
  explicit RawWebSocket(uint16_t port) : socket_(port) {
    std::string handshake =
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    if (!socket_.SendAll(handshake)) return;
    while (pending_.find("\r\n\r\n") == std::string::npos) {
      auto chunk = socket_.ReadSome(5000);
      if (!chunk || chunk->empty()) return;
      pending_ += *chunk;
    }
    open_ = pending_.starts_with("HTTP/1.1 101");
    handshake_status_ = pending_.substr(0, pending_.find("\r\n"));
    pending_.erase(0, pending_.find("\r\n\r\n") + 4);
  }

  bool open() const { return open_; }
  const std::string& handshake_status() const { return handshake_status_; }
  RawSocket& socket() { return socket_; }

  bool SendText(std::string_view payload) { return socket_.SendAll(Frame(0x1, payload)); }

  // The next text message; nullopt on timeout or when the server closed (see close_code()).
  std::optional<std::string> Read(int timeout_ms = 5000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
      if (auto frame = TakeFrame()) {
        auto [fin, opcode, payload] = *frame;
        if (opcode == 0x0 || opcode == 0x1 || opcode == 0x2) {  // data, maybe fragmented
          message_ += payload;
          if (!fin) continue;
          return std::exchange(message_, {});
        }
        if (opcode == 0x8) {
          close_code_ = payload.size() >= 2 ? (uint8_t(payload[0]) << 8) | uint8_t(payload[1]) : 0;
          closed_ = true;
          socket_.SendAll(Frame(0x8, payload.substr(0, 2)));
          return std::nullopt;
        }
        if (opcode == 0x9) socket_.SendAll(Frame(0xA, payload));
        continue;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
      if (left <= 0) return std::nullopt;
      auto chunk = socket_.ReadSome(static_cast<int>(left));
      if (!chunk) {
        closed_ = true;
        return std::nullopt;
      }
      pending_ += *chunk;
    }
  }

  bool closed() const { return closed_; }
  int close_code() const { return close_code_; }

  static std::string Frame(uint8_t opcode, std::string_view payload) {
    std::string out;
    out += static_cast<char>(0x80 | opcode);
    const uint64_t n = payload.size();
    if (n < 126) {
      out += static_cast<char>(0x80 | n);
    } else if (n < 65536) {
      out += static_cast<char>(0x80 | 126);
      out += static_cast<char>(n >> 8);
      out += static_cast<char>(n & 0xff);
    } else {
      out += static_cast<char>(0x80 | 127);
      for (int i = 7; i >= 0; --i) out += static_cast<char>((n >> (8 * i)) & 0xff);
    }
    const char mask[4] = {0x12, 0x34, 0x56, 0x78};
    out.append(mask, 4);
    for (size_t i = 0; i < n; ++i) out += static_cast<char>(payload[i] ^ mask[i % 4]);
    return out;
  }

 private:
  std::optional<std::tuple<bool, uint8_t, std::string>> TakeFrame() {
    if (pending_.size() < 2) return std::nullopt;
    const bool fin = (uint8_t(pending_[0]) & 0x80) != 0;
    const uint8_t opcode = uint8_t(pending_[0]) & 0x0f;
    uint64_t n = uint8_t(pending_[1]) & 0x7f;
    size_t offset = 2;
    if (n == 126) {
      if (pending_.size() < 4) return std::nullopt;
      n = (uint64_t(uint8_t(pending_[2])) << 8) | uint8_t(pending_[3]);
      offset = 4;
    } else if (n == 127) {
      if (pending_.size() < 10) return std::nullopt;
      n = 0;
      for (int i = 0; i < 8; ++i) n = (n << 8) | uint8_t(pending_[2 + i]);
      offset = 10;
    }
    if (pending_.size() < offset + n) return std::nullopt;
    std::string payload = pending_.substr(offset, n);
    pending_.erase(0, offset + n);
    return std::make_tuple(fin, opcode, std::move(payload));
  }

  RawSocket socket_;
  std::string pending_;
  std::string message_;  // fragments of the message being received
  std::string handshake_status_;
  bool open_ = false;
  bool closed_ = false;
  int close_code_ = 0;
};

}  // namespace phalanx::rpc::testing
