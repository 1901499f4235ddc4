// JSON-RPC 2.0 request handling: parse, validate, batch, invoke, map errors, respond.
#include "phalanx/rpc/dispatch.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>

#include "phalanx/base/log.h"

namespace phalanx::rpc {

using nlohmann::json;

namespace {

std::string Dump(const json& value) {
  // Handlers may return strings that are not UTF-8; replace rather than throw.
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json ErrorObject(const RpcError& error, json id) {
  return {{"jsonrpc", "2.0"}, {"error", error.ToJson()}, {"id", std::move(id)}};
}

RpcError InvalidRequest(std::string message) {
  return {RpcError::kInvalidRequest, "invalid request: " + std::move(message)};
}

// Deepest array/object nesting in `text`, stopping early once over `limit`. Looks only at
// brackets outside strings, so it is linear and does not depend on the text being valid JSON.
size_t NestingDepth(std::string_view text, size_t limit) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > deepest) {
          deepest = depth;
          if (deepest > limit) return deepest;
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return deepest;
}

std::string Shorten(const std::string& s) {
  constexpr size_t kMaxEcho = 80;  // do not reflect huge client strings back
  return s.size() <= kMaxEcho ? s : s.substr(0, kMaxEcho) + "...";
}

std::string NewSubscriptionId() {
  static std::atomic<uint64_t> next{std::random_device{}()};
  // Multiplying by an odd constant is a bijection on 64 bits: ids stay unique but look random.
  uint64_t v = next.fetch_add(1, std::memory_order_relaxed) * 0x9E3779B97F4A7C15ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

std::string ErrorResponse(const RpcError& error, const json& id) {
  return Dump(ErrorObject(error, id));
}

Session::Session(std::shared_ptr<Outbox> outbox, size_t max_subscriptions, size_t max_pending)
    : outbox_(std::move(outbox)),
      max_subscriptions_(max_subscriptions),
      max_pending_(max_pending) {}

Session::~Session() { CloseAll(); }

void Session::CloseAll() {
  std::unordered_map<std::string, std::shared_ptr<Sink>> subscriptions;
  {
    std::lock_guard lock(mu_);
    subscriptions.swap(subscriptions_);
  }
  for (auto& [id, sink] : subscriptions) sink->CloseInternal(nullptr);
}

size_t Session::subscription_count() const {
  std::lock_guard lock(mu_);
  size_t live = 0;
  for (const auto& [id, sink] : subscriptions_) live += sink->closed() ? 0 : 1;
  return live;
}

std::shared_ptr<Sink> Session::Find(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = subscriptions_.find(id);
  return it == subscriptions_.end() ? nullptr : it->second;
}

void Session::PruneClosedLocked() {
  std::erase_if(subscriptions_, [](const auto& kv) { return kv.second->closed(); });
}

Dispatcher::Dispatcher(std::shared_ptr<const Methods> methods, DispatcherOptions options,
                       std::shared_ptr<MetricsRegistry> metrics)
    : methods_(std::move(methods)), options_(options), metrics_(std::move(metrics)) {}

std::string Dispatcher::Dispatch(std::string_view body) const {
  Context ctx{nullptr, {}};
  return Process(body, ctx);
}

void Dispatcher::Dispatch(std::string_view body, Session& session) const {
  Context ctx{&session, {}};
  std::string response = Process(body, ctx);
  // The new sinks stay locked from before the response is queued until they are active, so a
  // node thread that sees the client act on the id cannot find them still pending.
  std::vector<std::unique_lock<std::mutex>> locks;
  locks.reserve(ctx.created.size());
  for (auto& sink : ctx.created) locks.emplace_back(sink->mu_);
  if (!response.empty()) (void)session.outbox_->Push(std::move(response), /*force=*/true);
  std::vector<Sink*> overflowed;
  for (auto& sink : ctx.created) {
    if (!sink->ActivateLocked()) overflowed.push_back(sink.get());
  }
  locks.clear();
  for (Sink* sink : overflowed) sink->DropTooSlow();
}

std::string Dispatcher::Process(std::string_view body, Context& ctx) const {
  if (NestingDepth(body, kMaxJsonDepth) > kMaxJsonDepth) {
    return ErrorResponse(RpcError::LimitExceeded("request JSON is nested deeper than " +
                                                 std::to_string(kMaxJsonDepth) + " levels"));
  }
  json doc;
  try {
    doc = json::parse(body.begin(), body.end());
  } catch (const json::exception& e) {  // parse_error, and out_of_range for 1e999
    std::string detail = e.what();
    if (auto pos = detail.find("] "); pos != std::string::npos) detail.erase(0, pos + 2);
    return ErrorResponse({RpcError::kParseError,
                          "parse error: the request is not valid JSON (" + Shorten(detail) + ")"});
  }

  std::string text;
  json single_id = nullptr;
  if (doc.is_array()) {
    if (doc.empty()) return ErrorResponse(InvalidRequest("empty batch"));
    if (doc.size() > options_.max_batch_size) {
      return ErrorResponse(RpcError::LimitExceeded(
          "batch of " + std::to_string(doc.size()) + " requests is over the limit of " +
          std::to_string(options_.max_batch_size) + "; split it into smaller batches"));
    }
    json responses = json::array();
    for (json& request : doc) {
      if (auto response = HandleOne(request, ctx)) responses.push_back(std::move(*response));
    }
    if (responses.empty()) return "";
    text = Dump(responses);
  } else {
    auto response = HandleOne(doc, ctx);
    if (!response) return "";
    single_id = (*response)["id"];
    text = Dump(*response);
  }

  if (text.size() > options_.max_response_bytes) {
    // The client never learns these subscription ids, so they must not stay open.
    for (auto& sink : ctx.created) sink->CloseInternal(nullptr);
    ctx.created.clear();
    return ErrorResponse(RpcError::LimitExceeded("the response is " + std::to_string(text.size()) +
                                                 " bytes, over the limit of " +
                                                 std::to_string(options_.max_response_bytes) +
                                                 "; ask for less data per request"),
                         single_id);
  }
  return text;
}

std::optional<json> Dispatcher::HandleOne(json& request, Context& ctx) const {
  if (!request.is_object()) return ErrorObject(InvalidRequest("expected a JSON object"), nullptr);
  json id = nullptr;
  auto id_it = request.find("id");
  const bool is_notification = id_it == request.end();
  if (!is_notification) {
    if (!id_it->is_number() && !id_it->is_string() && !id_it->is_null()) {
      return ErrorObject(InvalidRequest("\"id\" must be a number, a string or null"), nullptr);
    }
    id = std::move(*id_it);
  }
  auto version = request.find("jsonrpc");
  if (version == request.end() || *version != "2.0") {
    return ErrorObject(InvalidRequest("\"jsonrpc\" must be \"2.0\""), std::move(id));
  }
  auto method_it = request.find("method");
  if (method_it == request.end() || !method_it->is_string()) {
    return ErrorObject(InvalidRequest("\"method\" must be a string"), std::move(id));
  }
  static const json kNoParams = json::array();
  const json* params = &kNoParams;
  if (auto p = request.find("params"); p != request.end()) {
    if (!p->is_array() && !p->is_object()) {
      return ErrorObject(InvalidRequest("\"params\" must be an array or an object"), std::move(id));
    }
    params = &*p;
  }

  const std::string& method = method_it->get_ref<const std::string&>();
  const Methods::Entry* entry = methods_->Find(method);
  const auto start = std::chrono::steady_clock::now();
  MethodResult result =
      entry != nullptr ? Invoke(*entry, *params, ctx)
      : method == "rpc_methods"
          ? ListMethods()
          : RpcError{RpcError::kMethodNotFound, "method not found: " + Shorten(method) +
                                                    " (rpc_methods lists the available ones)"};
  if (metrics_ != nullptr) {
    const bool known = entry != nullptr || method == "rpc_methods";
    const MethodMetrics* m = MetricsFor(known ? method : "unknown");
    m->requests->Inc();
    if (IsError(result)) m->errors->Inc();
    m->duration_seconds->Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  if (is_notification) return std::nullopt;
  if (auto* error = std::get_if<RpcError>(&result)) return ErrorObject(*error, std::move(id));
  return json{
      {"jsonrpc", "2.0"}, {"result", std::move(std::get<json>(result))}, {"id", std::move(id)}};
}

MethodResult Dispatcher::Invoke(const Methods::Entry& entry, const json& params,
                                Context& ctx) const {
  try {
    switch (entry.kind) {
      case Methods::Entry::Kind::kCall:
        return entry.call(params);
      case Methods::Entry::Kind::kSubscribe:
        return Subscribe(entry, params, ctx);
      case Methods::Entry::Kind::kUnsubscribe:
        return Unsubscribe(entry, params, ctx);
    }
  } catch (const std::exception& e) {
    PHX_LOG_WARN("rpc: method {} threw: {}", entry.name, e.what());
  } catch (...) {
    PHX_LOG_WARN("rpc: method {} threw a non-standard exception", entry.name);
  }
  // The exception text may hold internals; the client gets a safe message, the log the rest.
  return RpcError{RpcError::kInternalError,
                  "internal error while handling " + entry.name + "; the node log has details"};
}

MethodResult Dispatcher::Subscribe(const Methods::Entry& entry, const json& params,
                                   Context& ctx) const {
  if (ctx.session == nullptr) {
    return RpcError{RpcError::kUnsupported,
                    "subscriptions need a WebSocket connection; connect with ws:// instead"};
  }
  Session& session = *ctx.session;
  {
    std::lock_guard lock(session.mu_);
    session.PruneClosedLocked();
    if (session.subscriptions_.size() >= session.max_subscriptions_) {
      return RpcError::LimitExceeded("too many subscriptions on this connection (limit " +
                                     std::to_string(session.max_subscriptions_) +
                                     "); unsubscribe from some first");
    }
  }
  auto sink = std::make_shared<Sink>(NewSubscriptionId(), entry.notification, entry.unsubscribe,
                                     session.outbox_, session.max_pending_);
  MethodResult result;
  try {
    result = entry.subscribe(params, sink);
  } catch (...) {
    sink->CloseInternal(nullptr);
    throw;
  }
  if (IsError(result)) {
    sink->CloseInternal(nullptr);
    return result;
  }
  {
    std::lock_guard lock(session.mu_);
    session.subscriptions_.emplace(sink->id(), sink);
  }
  ctx.created.push_back(sink);
  return json(sink->id());
}

MethodResult Dispatcher::Unsubscribe(const Methods::Entry& entry, const json& params,
                                     Context& ctx) const {
  if (ctx.session == nullptr) {
    return RpcError{RpcError::kUnsupported,
                    "subscriptions need a WebSocket connection; connect with ws:// instead"};
  }
  const json* id = FindParam(params, 0, "subscription");
  if (id == nullptr || !id->is_string()) {
    return RpcError::InvalidParams(
        "expected the subscription id (a string) as the first parameter");
  }
  std::shared_ptr<Sink> sink = ctx.session->Find(id->get_ref<const std::string&>());
  if (sink == nullptr || sink->unsubscribe_ != entry.name || sink->closed()) return json(false);
  sink->CloseInternal(nullptr);
  {
    std::lock_guard lock(ctx.session->mu_);
    ctx.session->subscriptions_.erase(sink->id());
  }
  return json(true);
}

MethodResult Dispatcher::ListMethods() const {
  std::vector<std::string> names = methods_->Names();
  names.push_back("rpc_methods");
  std::sort(names.begin(), names.end());
  return json{{"methods", names}};
}

const Dispatcher::MethodMetrics* Dispatcher::MetricsFor(const std::string& method) const {
  {
    std::shared_lock lock(metrics_mu_);
    auto it = method_metrics_.find(method);
    if (it != method_metrics_.end()) return &it->second;
  }
  std::unique_lock lock(metrics_mu_);
  Labels labels = {{"method", method}};
  MethodMetrics m{
      &metrics_->GetCounter("phalanx_rpc_requests_total", "JSON-RPC requests handled", labels),
      &metrics_->GetCounter("phalanx_rpc_errors_total", "JSON-RPC requests answered with an error",
                            labels),
      &metrics_->GetHistogram("phalanx_rpc_request_duration_seconds",
                              "Time spent in JSON-RPC method handlers",
                              DefaultLatencyBucketsSeconds(), labels)};
  return &method_metrics_.try_emplace(method, m).first->second;
}

}  // namespace phalanx::rpc
