// A tiny Prometheus metrics registry (counters, gauges, fixed-bucket histograms) and a plain
// HTTP server for GET /metrics. Updates are lock-free atomics so hot paths can record freely;
// only registering a metric and rendering take the registry lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "phalanx/base/result.h"

namespace phalanx::rpc {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down. Integers are exact up to 2^53.
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double d) { value_.fetch_add(d, std::memory_order_relaxed); }
  void Inc() { Add(1); }
  void Dec() { Add(-1); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into fixed buckets given by their upper bounds (ascending); a final
// +Inf bucket is implicit.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);
  const std::vector<double>& upper_bounds() const { return upper_bounds_; }
  // Per-bucket (not cumulative) counts; the last entry is the +Inf bucket.
  std::vector<uint64_t> BucketCounts() const;
  uint64_t count() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // upper_bounds_.size() + 1 entries
  std::atomic<double> sum_{0};
};

// Seconds, from 100 µs to 10 s: suits RPC and block-processing latencies.
std::vector<double> DefaultLatencyBucketsSeconds();

// Owns every metric. Get* registers on first use and returns the same object afterwards;
// references stay valid for the registry's lifetime. A name must match
// [a-zA-Z_:][a-zA-Z0-9_:]* and keep one type; breaking either is a programmer error.
class MetricsRegistry {
 public:
  Counter& GetCounter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, const Labels& labels = {});
  // `upper_bounds` applies when the histogram is first created.
  Histogram& GetHistogram(std::string_view name, std::string_view help,
                          std::vector<double> upper_bounds, const Labels& labels = {});

  // The Prometheus text exposition format (version 0.0.4), families sorted by name.
  std::string RenderPrometheus() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family {
    Type type;
    std::string help;
    // Keyed by the rendered label set, e.g. {method="chain_getBlock"}.
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
  };
  Family& FamilyFor(std::string_view name, std::string_view help, Type type);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;  // guarded by mu_
};

// Serves GET /metrics (and GET / as a hint) on its own port. Uses one background thread.
class MetricsServer {
 public:
  // Port 0 picks a free port (see port()).
  static Result<std::unique_ptr<MetricsServer>> Start(std::string address, uint16_t port,
                                                      std::shared_ptr<MetricsRegistry> registry);
  ~MetricsServer();
  uint16_t port() const;
  void Stop();

  struct Impl;
  explicit MetricsServer(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace phalanx::rpc
