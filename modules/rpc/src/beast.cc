// The only translation unit that includes Boost.Beast/Asio (they compile slowly): the RPC
// server (HTTP + WebSocket on one port), the metrics HTTP server and the client. The parts are
// kept in separate .inc files for reading; they are compiled once, here.
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <deque>
#include <future>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "phalanx/base/log.h"
#include "phalanx/rpc/client.h"
#include "phalanx/rpc/dispatch.h"
#include "phalanx/rpc/server.h"

namespace phalanx::rpc {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;
using error_code = boost::system::error_code;

using StringRequest = http::request<http::string_body>;
using StringResponse = http::response<http::string_body>;

namespace {

StringResponse MakeResponse(unsigned version, http::status status, std::string content_type,
                            std::string body, bool keep_alive) {
  StringResponse res{status, version};
  res.set(http::field::server, "phalanx");
  res.set(http::field::access_control_allow_origin, "*");
  if (!content_type.empty()) res.set(http::field::content_type, content_type);
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

StringResponse JsonRpcErrorResponse(unsigned version, http::status status, const RpcError& error) {
  return MakeResponse(version, status, "application/json", ErrorResponse(error), false);
}

// Binds and listens; the messages name the flag that picks another port.
Status Listen(tcp::acceptor& acceptor, const std::string& address, uint16_t port,
              std::string_view what, std::string_view flag) {
  error_code ec;
  net::ip::address ip = net::ip::make_address(address, ec);
  if (ec) {
    return InvalidArgument("invalid " + std::string(what) + " listen address '" + address +
                           "': expected an IP address such as 127.0.0.1 or 0.0.0.0");
  }
  tcp::endpoint endpoint{ip, port};
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (ec == net::error::address_in_use) {
    return Unavailable(std::string(what) + " port " + std::to_string(port) +
                       " is in use — is another phalanx-node running? choose another with " +
                       std::string(flag));
  }
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("cannot listen for " + std::string(what) + " on " + address + ":" +
                       std::to_string(port) + ": " + ec.message());
  }
  return Status::Ok();
}

}  // namespace

// Each part keeps its private classes in its own anonymous namespace.
#include "beast_client.inc"
#include "beast_metrics.inc"
#include "beast_server.inc"

}  // namespace phalanx::rpc
