#include "phalanx/base/log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace phalanx {
namespace {

TEST(Log, JsonFormatEscapesQuotesBackslashesAndControlCharacters) {
  log::Init(log::Format::kJson, "info");
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto logger = spdlog::default_logger();
  logger->sinks().clear();
  logger->sinks().push_back(sink);
  log::Init(log::Format::kJson, "info");  // re-applies the JSON formatter to the new sink
  PHX_LOG_INFO("chain \"{}\" at C:\\path\n\tend\x01", "Dev");
  logger->flush();
  std::string line = out.str();
  ASSERT_FALSE(line.empty());
  auto j = nlohmann::json::parse(line, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << line;
  EXPECT_EQ(j["msg"], "chain \"Dev\" at C:\\path\n\tend\x01");
  EXPECT_EQ(j["level"], "info");
}

}  // namespace
}  // namespace phalanx
