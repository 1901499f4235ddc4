// Out-of-line parts of the Encoder: the rare big-integer compact mode.
#include "phalanx/codec/encoder.h"

namespace phalanx::codec {

void Encoder::WriteCompactBig(U128 v) {
  // Big-integer mode: a header byte ((n - 4) << 2 | 3) then the value in the fewest bytes n >= 4.
  size_t n = 4;
  while (n < 16 && (v >> (8 * n)) != 0) ++n;
  WriteU8(static_cast<uint8_t>(((n - 4) << 2) | 3));
  for (size_t i = 0; i < n; ++i) WriteU8(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace phalanx::codec
