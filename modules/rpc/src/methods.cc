// The method registry, RpcError serialization and Sink: the node's handle on one subscription.
#include "phalanx/rpc/methods.h"

#include "phalanx/base/check.h"
#include "phalanx/rpc/dispatch.h"

namespace phalanx::rpc {

using nlohmann::json;

json RpcError::ToJson() const {
  json out = {{"code", code}, {"message", message}};
  if (!data.is_null()) out["data"] = data;
  return out;
}

const json* FindParam(const json& params, size_t index, std::string_view name) {
  if (params.is_array()) return index < params.size() ? &params[index] : nullptr;
  if (params.is_object()) {
    auto it = params.find(name);
    return it == params.end() ? nullptr : &*it;
  }
  return nullptr;
}

Sink::Sink(std::string id, std::string notification, std::string unsubscribe,
           std::shared_ptr<Outbox> outbox, size_t max_buffered)
    : id_(std::move(id)),
      notification_(std::move(notification)),
      unsubscribe_(std::move(unsubscribe)),
      max_buffered_(max_buffered),
      outbox_(std::move(outbox)) {}

std::string Sink::Notification(const json& result) const {
  json message = {{"jsonrpc", "2.0"},
                  {"method", notification_},
                  {"params", {{"subscription", id_}, {"result", result}}}};
  return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {
RpcError TooSlow(size_t pending) {
  return {RpcError::kSubscriptionDropped,
          "subscription dropped: the client is not reading notifications fast enough (" +
              std::to_string(pending) + " messages pending); read faster and subscribe again"};
}
}  // namespace

bool Sink::Send(const json& result) {
  if (closed()) return false;
  std::string message = Notification(result);  // serialize outside the lock
  std::unique_lock lock(mu_);
  if (state_ == State::kClosed) return false;
  if (state_ == State::kPending) {
    if (buffered_.size() < max_buffered_) {
      buffered_.push_back(std::move(message));
      return true;
    }
  } else {
    Outbox::PushResult pushed = outbox_->Push(std::move(message), /*force=*/false);
    if (pushed == Outbox::PushResult::kQueued) return true;
    if (pushed == Outbox::PushResult::kClosed) {
      lock.unlock();
      CloseInternal(nullptr);
      return false;
    }
  }
  lock.unlock();
  RpcError reason = TooSlow(max_buffered_);
  CloseInternal(&reason);
  return false;
}

bool Sink::ActivateLocked() {
  if (state_ != State::kPending) return true;
  state_ = State::kActive;
  bool flushed = true;
  for (std::string& message : buffered_) {
    if (outbox_->Push(std::move(message), /*force=*/false) != Outbox::PushResult::kQueued) {
      flushed = false;
      break;
    }
  }
  buffered_.clear();
  buffered_.shrink_to_fit();
  return flushed;
}

void Sink::DropTooSlow() {
  RpcError reason = TooSlow(max_buffered_);
  CloseInternal(&reason);
}

void Sink::Close() { CloseInternal(nullptr); }

void Sink::CloseInternal(const RpcError* reason) {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mu_);
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    closed_.store(true, std::memory_order_release);
    buffered_.clear();
    if (reason != nullptr && outbox_ != nullptr) {
      json message = {{"jsonrpc", "2.0"},
                      {"method", notification_},
                      {"params", {{"subscription", id_}, {"error", reason->ToJson()}}}};
      (void)outbox_->Push(message.dump(), /*force=*/true);
    }
    outbox_.reset();
    callbacks.swap(on_close_);
  }
  // Outside the lock: a callback may call back into this sink (Send, closed()).
  for (auto& callback : callbacks) callback();
}

void Sink::OnClose(std::function<void()> callback) {
  {
    std::lock_guard lock(mu_);
    if (state_ != State::kClosed) {
      on_close_.push_back(std::move(callback));
      return;
    }
  }
  callback();
}

void Methods::Insert(std::unique_ptr<Entry> entry) {
  PHX_CHECK(!entry->name.empty(), "an RPC method needs a name");
  std::unique_lock lock(mu_);
  auto [it, inserted] = entries_.try_emplace(entry->name, nullptr);
  PHX_CHECK(inserted, "RPC method registered twice: " + entry->name);
  it->second = std::move(entry);
}

void Methods::Add(std::string name, MethodHandler handler) {
  PHX_CHECK(handler != nullptr, "RPC method without a handler: " + name);
  auto entry = std::make_unique<Entry>();
  entry->name = std::move(name);
  entry->kind = Entry::Kind::kCall;
  entry->call = std::move(handler);
  Insert(std::move(entry));
}

void Methods::AddSubscription(std::string subscribe, std::string unsubscribe,
                              std::string notification_method, SubscriptionHandler handler) {
  PHX_CHECK(handler != nullptr, "RPC subscription without a handler: " + subscribe);
  PHX_CHECK(!notification_method.empty(), "RPC subscription without a notification method");
  auto sub = std::make_unique<Entry>();
  sub->name = std::move(subscribe);
  sub->kind = Entry::Kind::kSubscribe;
  sub->subscribe = std::move(handler);
  sub->notification = std::move(notification_method);
  sub->unsubscribe = unsubscribe;
  auto unsub = std::make_unique<Entry>();
  unsub->name = std::move(unsubscribe);
  unsub->kind = Entry::Kind::kUnsubscribe;
  Insert(std::move(sub));
  Insert(std::move(unsub));
}

const Methods::Entry* Methods::Find(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : it->second.get();
}

std::vector<std::string> Methods::Names() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> names;
  names.reserve(entries_.size());
  for (const auto& [name, entry] : entries_) names.push_back(name);
  return names;
}

}  // namespace phalanx::rpc
