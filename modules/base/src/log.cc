// Logger configuration: a colored text sink for people or JSON lines for machines.
#include "phalanx/base/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace phalanx::log {

void Init(Format format, std::string_view level) {
  auto logger = spdlog::stderr_color_mt("phalanx");
  if (format == Format::kJson) {
    // Messages are expected to contain no raw double quotes; callers format fields as k=v.
    logger->set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","thread":%t,"msg":"%v"})",
        spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  }
  logger->set_level(spdlog::level::from_str(std::string(level)));
  spdlog::set_default_logger(logger);
}

}  // namespace phalanx::log
