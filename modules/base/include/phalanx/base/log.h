// The one logging wrapper (spdlog). Text for people, one JSON object per line for machines.
// Never log secrets: keys, mnemonics, passwords, decrypted payloads.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

namespace phalanx::log {

enum class Format { kText, kJson };

// Configures the global logger; `level` is one of trace, debug, info, warn, error, off.
void Init(Format format, std::string_view level = "info");

}  // namespace phalanx::log

#define PHX_LOG_TRACE(...) SPDLOG_TRACE(__VA_ARGS__)
#define PHX_LOG_DEBUG(...) ::spdlog::debug(__VA_ARGS__)
#define PHX_LOG_INFO(...) ::spdlog::info(__VA_ARGS__)
#define PHX_LOG_WARN(...) ::spdlog::warn(__VA_ARGS__)
#define PHX_LOG_ERROR(...) ::spdlog::error(__VA_ARGS__)
