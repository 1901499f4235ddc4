// The metrics registry's Prometheus text format and the /metrics HTTP server.
#include "phalanx/rpc/metrics.h"

#include <gtest/gtest.h>

#include <thread>

#include "raw_peer.h"

namespace phalanx::rpc {
namespace {

TEST(Metrics, CounterAndGaugeRenderWithHelpAndType) {
  MetricsRegistry registry;
  registry.GetCounter("phalanx_blocks_total", "Blocks imported").Inc(3);
  registry.GetGauge("phalanx_peers", "Connected peers").Set(7);
  registry.GetGauge("phalanx_ratio", "A fraction").Set(0.25);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP phalanx_blocks_total Blocks imported\n"
            "# TYPE phalanx_blocks_total counter\n"
            "phalanx_blocks_total 3\n"
            "# HELP phalanx_peers Connected peers\n"
            "# TYPE phalanx_peers gauge\n"
            "phalanx_peers 7\n"
            "# HELP phalanx_ratio A fraction\n"
            "# TYPE phalanx_ratio gauge\n"
            "phalanx_ratio 0.25\n");
}

TEST(Metrics, SameNameAndLabelsIsTheSameMetric) {
  MetricsRegistry registry;
  Counter& a = registry.GetCounter("c_total", "c", {{"k", "v"}});
  Counter& b = registry.GetCounter("c_total", "c", {{"k", "v"}});
  Counter& other = registry.GetCounter("c_total", "c", {{"k", "w"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &other);
  a.Inc();
  b.Inc();
  EXPECT_EQ(a.value(), 2u);
}

TEST(Metrics, LabelValuesAreEscaped) {
  MetricsRegistry registry;
  registry.GetCounter("c_total", "help with \\ and\nnewline", {{"path", "a\"b\\c\nd"}}).Inc();
  std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find(R"(# HELP c_total help with \\ and\nnewline)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(c_total{path="a\"b\\c\nd"} 1)"), std::string::npos) << text;
}

TEST(Metrics, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  MetricsRegistry registry;
  Histogram& h = registry.GetHistogram("lat_seconds", "Latency", {0.5, 1}, {{"method", "m"}});
  h.Observe(0.25);
  h.Observe(0.5);  // "le" is inclusive
  h.Observe(0.75);
  h.Observe(3);
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP lat_seconds Latency\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{method=\"m\",le=\"0.5\"} 2\n"
            "lat_seconds_bucket{method=\"m\",le=\"1\"} 3\n"
            "lat_seconds_bucket{method=\"m\",le=\"+Inf\"} 4\n"
            "lat_seconds_sum{method=\"m\"} 4.5\n"
            "lat_seconds_count{method=\"m\"} 4\n");
}

TEST(Metrics, ConcurrentUpdatesAreNotLost) {
  MetricsRegistry registry;
  Counter& c = registry.GetCounter("c_total", "c");
  Gauge& g = registry.GetGauge("g", "g");
  Histogram& h = registry.GetHistogram("h", "h", {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.Inc();
        g.Inc();
        h.Observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), 40000u);
  EXPECT_EQ(g.value(), 40000.0);
  EXPECT_EQ(h.count(), 40000u);
  EXPECT_EQ(h.sum(), 20000.0);
}

TEST(MetricsDeathTest, InvalidNameOrTypeChangeIsAProgrammerError) {
  MetricsRegistry registry;
  EXPECT_DEATH(registry.GetCounter("bad-name", "x"), "invalid Prometheus metric name");
  registry.GetCounter("x_total", "x");
  EXPECT_DEATH(registry.GetGauge("x_total", "x"), "different type");
}

TEST(MetricsServer, ServesTheRegistryAtMetrics) {
  auto registry = std::make_shared<MetricsRegistry>();
  registry->GetCounter("phalanx_test_total", "A test counter").Inc(5);
  auto server = MetricsServer::Start("127.0.0.1", 0, registry);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto reply = testing::HttpRequest((*server)->port(), "GET", "/metrics");
  EXPECT_EQ(reply.status, 200);
  EXPECT_TRUE(reply.HasHeader("content-type: text/plain; version=0.0.4"));
  EXPECT_NE(reply.body.find("phalanx_test_total 5\n"), std::string::npos);
  // Updates show up on the next scrape.
  registry->GetCounter("phalanx_test_total", "A test counter").Inc();
  EXPECT_NE(
      testing::HttpRequest((*server)->port(), "GET", "/metrics").body.find("phalanx_test_total 6"),
      std::string::npos);
  EXPECT_EQ(testing::HttpRequest((*server)->port(), "GET", "/other").status, 404);
}

TEST(MetricsServer, PortInUseIsAnErrorNamingTheFlag) {
  auto registry = std::make_shared<MetricsRegistry>();
  auto first = MetricsServer::Start("127.0.0.1", 0, registry);
  ASSERT_TRUE(first.ok());
  auto second = MetricsServer::Start("127.0.0.1", (*first)->port(), registry);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("--prometheus-port"), std::string::npos);
}

}  // namespace
}  // namespace phalanx::rpc
