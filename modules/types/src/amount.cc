// Parsing and formatting of PHX amounts and decimal u128 strings.
#include "phalanx/types/amount.h"

#include <algorithm>
#include <cctype>

#include "phalanx/types/limits.h"

namespace phalanx::types {
namespace {

constexpr std::string_view kExpected =
    "expected an amount like \"1.5 PHX\", \"1.5\" (PHX) or \"1500 units\" (base units; 1 PHX = "
    "10^12 units)";

Status Bad(std::string_view what) {
  return InvalidArgument("invalid amount: " + std::string(what) + "; " + std::string(kExpected));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), s.end() - suffix.size(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Decimal digits to u128; false on overflow. `s` must be all digits.
bool DigitsToU128(std::string_view s, Balance& out) {
  Balance v = 0;
  for (char c : s) {
    const unsigned d = static_cast<unsigned>(c - '0');
    if (v > (kMaxBalance - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

Result<Balance> ParsePhx(std::string_view number) {
  const size_t dot = number.find('.');
  std::string_view whole = number.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? "" : number.substr(dot + 1);
  if (!AllDigits(whole) || (dot != std::string_view::npos && !AllDigits(frac)))
    return Bad("\"" + std::string(number) + "\" is not a decimal number");
  if (frac.size() > kPhxDecimals) {
    return Bad("\"" + std::string(number) + "\" has " + std::to_string(frac.size()) +
               " decimal places but PHX has " + std::to_string(kPhxDecimals));
  }
  Balance w = 0, f = 0;
  if (!DigitsToU128(whole, w) || !DigitsToU128(frac.empty() ? "0" : frac, f))
    return Bad("\"" + std::string(number) + "\" is larger than the largest balance");
  for (size_t i = frac.size(); i < kPhxDecimals; ++i) f *= 10;
  if (w > (kMaxBalance - f) / kUnitsPerPhx)
    return Bad("\"" + std::string(number) + " PHX\" is larger than the largest balance");
  return w * kUnitsPerPhx + f;
}

}  // namespace

Result<Balance> ParseAmount(std::string_view text) {
  if (text.size() > kMaxAmountChars)
    return Bad("text is " + std::to_string(text.size()) + " characters long");
  std::string_view s = Trim(text);
  if (s.empty()) return Bad("empty");
  if (s.front() == '-') return Bad("negative amounts are not allowed");
  if (s.front() == '+') s.remove_prefix(1);
  if (EndsWithNoCase(s, "units")) {
    std::string_view number = Trim(s.substr(0, s.size() - 5));
    if (number.find('.') != std::string_view::npos)
      return Bad("base units are whole numbers, \"" + std::string(number) + "\" is not");
    if (!AllDigits(number)) return Bad("\"" + std::string(number) + "\" is not a whole number");
    Balance v;
    if (!DigitsToU128(number, v))
      return Bad("\"" + std::string(number) + "\" units is larger than the largest balance");
    return v;
  }
  if (EndsWithNoCase(s, "phx")) s = Trim(s.substr(0, s.size() - 3));
  if (s.empty()) return Bad("no number before the unit");
  return ParsePhx(s);
}

std::string FormatAmount(Balance amount) {
  std::string whole = U128ToString(amount / kUnitsPerPhx);
  Balance frac = amount % kUnitsPerPhx;
  if (frac == 0) return whole + " PHX";
  std::string digits = U128ToString(frac);
  digits.insert(0, kPhxDecimals - digits.size(), '0');
  while (digits.back() == '0') digits.pop_back();
  return whole + "." + digits + " PHX";
}

std::string U128ToString(Balance value) {
  char buf[40];
  char* p = buf + sizeof buf;
  do {
    *--p = static_cast<char>('0' + static_cast<int>(value % 10));
    value /= 10;
  } while (value != 0);
  return std::string(p, buf + sizeof buf);
}

Result<Balance> ParseU128(std::string_view text) {
  if (text.size() > kMaxAmountChars) {
    return InvalidArgument("u128 decimal string is " + std::to_string(text.size()) +
                           " characters long; at most 39 digits are meaningful");
  }
  if (!AllDigits(text)) {
    return InvalidArgument("invalid u128 \"" + std::string(text) +
                           "\": expected decimal digits only, like \"1500000000000\"");
  }
  Balance v;
  if (!DigitsToU128(text, v)) {
    return InvalidArgument("u128 \"" + std::string(text) +
                           "\" overflows (the largest is 340282366920938463463374607431768211455)");
  }
  return v;
}

}  // namespace phalanx::types
