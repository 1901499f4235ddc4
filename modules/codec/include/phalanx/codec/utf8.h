// Strict UTF-8 validation (RFC 3629): the decoder uses it so that every decoded string is valid
// text, and other modules use it on strings from outside before encoding them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace phalanx::codec {

// True if `s` is well-formed UTF-8: no overlong forms, no surrogates (U+D800..U+DFFF), nothing
// above U+10FFFF, no truncated sequences. On failure `*bad_offset` (if given) is the byte offset
// of the first invalid sequence.
bool IsValidUtf8(std::string_view s, size_t* bad_offset = nullptr);

// Makes text from anywhere safe to encode as a codec string: each ill-formed byte becomes '?',
// and the result is cut at a character boundary to at most `max_bytes` bytes.
std::string SanitizeUtf8(std::string_view s, size_t max_bytes);

}  // namespace phalanx::codec
