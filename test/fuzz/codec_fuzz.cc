// Fuzz target: arbitrary bytes decoded as every top-level codec type. Whatever decodes must
// re-encode to exactly the input (canonicality: one value, one encoding), and JSON views of
// decoded values must serialize without throwing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "phalanx/codec/codec.h"
#include "phalanx/types/block.h"
#include "phalanx/types/event.h"
#include "phalanx/types/json.h"

namespace {

using namespace phalanx;

template <typename T>
std::optional<T> CheckCanonical(ByteView in) {
  Result<T> v = codec::DecodeAll<T>(in);
  if (!v.ok()) return std::nullopt;
  const Bytes again = codec::EncodeToBytes(*v);
  if (again.size() != in.size() || !std::equal(again.begin(), again.end(), in.begin())) abort();
  return std::move(v).value();
}

struct Primitives {  // a struct mixing the codec's primitive kinds
  uint16_t a;
  int64_t b;
  bool c;
  codec::U128 d;
  Bytes e;
  std::string f;
  std::vector<uint32_t> g;
  std::optional<Hash32> h;
  std::variant<uint8_t, std::string> i;
  void Encode(codec::Encoder& enc) const {
    enc.Write(a);
    enc.Write(b);
    enc.Write(c);
    enc.WriteCompact(d);
    enc.Write(e);
    enc.Write(f);
    enc.Write(g);
    enc.Write(h);
    enc.Write(i);
  }
  static Result<Primitives> Decode(codec::Decoder& dec) {
    Primitives p;
    RETURN_IF_ERROR(dec.ReadTo(p.a));
    RETURN_IF_ERROR(dec.ReadTo(p.b));
    RETURN_IF_ERROR(dec.ReadTo(p.c));
    ASSIGN_OR_RETURN(p.d, dec.ReadCompactU128());
    RETURN_IF_ERROR(dec.ReadTo(p.e));
    RETURN_IF_ERROR(dec.ReadTo(p.f));
    RETURN_IF_ERROR(dec.ReadTo(p.g));
    RETURN_IF_ERROR(dec.ReadTo(p.h));
    RETURN_IF_ERROR(dec.ReadTo(p.i));
    return p;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView in(data, size);
  {
    codec::Decoder d(in);
    Result<codec::U128> c = d.ReadCompactU128();
    if (c.ok() && d.AtEnd()) {
      codec::Encoder e;
      e.WriteCompact(*c);
      if (e.size() != size || !std::equal(e.bytes().begin(), e.bytes().end(), data)) abort();
    }
  }
  CheckCanonical<Primitives>(in);
  CheckCanonical<std::string>(in);
  CheckCanonical<types::Call>(in);
  CheckCanonical<types::TransactionPayload>(in);
  if (auto tx = CheckCanonical<types::SignedTransaction>(in)) (void)types::ToJson(*tx).dump();
  if (auto h = CheckCanonical<types::Header>(in)) (void)types::ToJson(*h).dump();
  if (auto b = CheckCanonical<types::Block>(in)) (void)types::ToJson(*b, true).dump();
  if (auto v = CheckCanonical<types::Vote>(in)) (void)types::ToJson(*v).dump();
  if (auto s = CheckCanonical<types::ValidatorSet>(in)) (void)types::ToJson(*s).dump();
  if (auto c = CheckCanonical<types::CommitCertificate>(in)) (void)types::ToJson(*c).dump();
  if (auto r = CheckCanonical<types::EventRecord>(in)) (void)types::ToJson(*r).dump();
  return 0;
}
