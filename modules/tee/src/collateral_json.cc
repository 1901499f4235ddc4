// Collateral JSON: locating the exact signed byte range of `tcbInfo` / `enclaveIdentity` without
// re-serialising, and parsing TCB Info (v2, v3; SGX and TDX) and QE Identity (v2) documents.
#include <limits>
#include <nlohmann/json.hpp>

#include "openssl_util.h"
#include "phalanx/tee/collateral.h"
#include "phalanx/tee/limits.h"

namespace phalanx::tee {
namespace {

using nlohmann::json;

Failure JsonFail(const std::string& what) {
  return Fail(ErrorCode::kParseError,
              "malformed collateral: " + what + "; fetch fresh collateral from Intel PCS or PCCS");
}

bool IsWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Advances over a JSON string starting at s[pos] == '"'; false if unterminated.
bool SkipString(std::string_view s, size_t& pos) {
  for (++pos; pos < s.size(); ++pos) {
    if (s[pos] == '\\') {
      ++pos;
    } else if (s[pos] == '"') {
      ++pos;
      return true;
    }
  }
  return false;
}

// Advances over one JSON value; checks bracket balance and depth, not full JSON grammar (the
// value is parsed by nlohmann afterwards).
bool SkipValue(std::string_view s, size_t& pos, size_t depth) {
  if (pos >= s.size()) return false;
  if (s[pos] == '"') return SkipString(s, pos);
  if (s[pos] != '{' && s[pos] != '[') {
    while (pos < s.size() && s[pos] != ',' && s[pos] != '}' && s[pos] != ']' && !IsWs(s[pos]))
      ++pos;
    return true;
  }
  std::string stack;
  while (pos < s.size()) {
    char c = s[pos];
    if (c == '"') {
      if (!SkipString(s, pos)) return false;
      continue;
    }
    if (c == '{' || c == '[') {
      stack.push_back(c == '{' ? '}' : ']');
      if (depth + stack.size() > kMaxJsonDepth) return false;
    } else if (c == '}' || c == ']') {
      if (stack.empty() || stack.back() != c) return false;
      stack.pop_back();
      if (stack.empty()) {
        ++pos;
        return true;
      }
    }
    ++pos;
  }
  return false;
}

// A non-negative integer no larger than T's maximum (nlohmann's get<> would silently wrap).
template <typename T>
T Uint(const json& v) {
  if (!v.is_number_unsigned() || v.get<uint64_t>() > std::numeric_limits<T>::max())
    throw std::runtime_error("expected an integer 0.." +
                             std::to_string(std::numeric_limits<T>::max()) + ", got " + v.dump());
  return static_cast<T>(v.get<uint64_t>());
}

std::array<uint8_t, 16> Svns16(const json& arr) {
  if (!arr.is_array() || arr.size() != 16) throw std::runtime_error("expected 16 TCB components");
  std::array<uint8_t, 16> out{};
  for (size_t i = 0; i < 16; ++i) out[i] = Uint<uint8_t>(arr[i].at("svn"));
  return out;
}

template <size_t N>
FixedBytes<N> HexField(const json& j, const char* key) {
  auto r = FixedFromHex<N>(j.at(key).get<std::string>());
  if (!r.ok())
    throw std::runtime_error(std::string(key) + ": " + std::string(r.status().message()));
  return *r;
}

int64_t TimeField(const json& j, const char* key) {
  auto t = internal::ParseIsoTime(j.at(key).get<std::string>());
  if (!t) throw std::runtime_error(std::string(key) + " is not an ISO-8601 UTC time");
  return *t;
}

TcbStatus StatusField(const json& j) {
  auto s = ParseTcbStatus(j.at("tcbStatus").get<std::string>());
  if (!s) throw std::runtime_error("unknown tcbStatus " + j.at("tcbStatus").dump());
  return *s;
}

std::vector<std::string> Advisories(const json& level) {
  std::vector<std::string> out;
  if (!level.contains("advisoryIDs")) return out;
  const json& a = level.at("advisoryIDs");
  if (!a.is_array() || a.size() > kMaxAdvisoryIds) throw std::runtime_error("bad advisoryIDs");
  for (const json& id : a) out.push_back(id.get<std::string>());
  return out;
}

const json& Levels(const json& j) {
  const json& l = j.at("tcbLevels");
  if (!l.is_array() || l.size() > kMaxTcbLevels)
    throw std::runtime_error("tcbLevels is not an array of at most " +
                             std::to_string(kMaxTcbLevels) + " levels");
  return l;
}

std::vector<IsvTcbLevel> IsvLevels(const json& j) {
  std::vector<IsvTcbLevel> out;
  for (const json& l : Levels(j)) {
    IsvTcbLevel level;
    level.isv_svn = Uint<uint16_t>(l.at("tcb").at("isvsvn"));
    level.tcb_date_unix = TimeField(l, "tcbDate");
    level.status = StatusField(l);
    level.advisory_ids = Advisories(l);
    out.push_back(std::move(level));
  }
  return out;
}

TcbLevel ParseTcbLevel(const json& l, uint32_t version, bool tdx) {
  TcbLevel level;
  const json& tcb = l.at("tcb");
  if (version == 2) {
    for (size_t i = 0; i < 16; ++i) {
      char name[20];
      std::snprintf(name, sizeof name, "sgxtcbcomp%02zusvn", i + 1);
      level.sgx_components[i] = Uint<uint8_t>(tcb.at(name));
    }
  } else {
    level.sgx_components = Svns16(tcb.at("sgxtcbcomponents"));
    if (tdx) level.tdx_components = Svns16(tcb.at("tdxtcbcomponents"));
  }
  level.pce_svn = Uint<uint16_t>(tcb.at("pcesvn"));
  level.tcb_date_unix = TimeField(l, "tcbDate");
  level.status = StatusField(l);
  level.advisory_ids = Advisories(l);
  return level;
}

TdxModuleIdentity ParseModule(const json& j, bool with_levels) {
  TdxModuleIdentity m;
  if (with_levels) m.id = j.at("id").get<std::string>();
  m.mr_signer = HexField<48>(j, "mrsigner");
  m.attributes = HexField<8>(j, "attributes");
  m.attributes_mask = HexField<8>(j, "attributesMask");
  if (with_levels) m.levels = IsvLevels(j);
  return m;
}

json ParseObject(std::string_view text) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) throw std::runtime_error("not a JSON object");
  return j;
}

}  // namespace

Outcome<std::string_view> SignedJsonValue(std::string_view s, std::string_view key) {
  if (s.size() > kMaxCollateralFileBytes) return JsonFail("document exceeds the size limit");
  size_t pos = 0;
  auto ws = [&] {
    while (pos < s.size() && IsWs(s[pos])) ++pos;
  };
  ws();
  if (pos >= s.size() || s[pos] != '{') return JsonFail("document is not a JSON object");
  ++pos;
  std::optional<std::string_view> found;
  ws();
  bool empty_object = pos < s.size() && s[pos] == '}';
  if (empty_object) ++pos;
  while (!empty_object) {
    ws();
    size_t key_start = pos;
    if (pos >= s.size() || s[pos] != '"' || !SkipString(s, pos)) return JsonFail("bad key");
    std::string_view k = s.substr(key_start + 1, pos - key_start - 2);
    ws();
    if (pos >= s.size() || s[pos] != ':') return JsonFail("expected ':'");
    ++pos;
    ws();
    size_t value_start = pos;
    if (!SkipValue(s, pos, 1)) return JsonFail("unbalanced or too deeply nested value");
    if (k == key) {
      if (found) return JsonFail("key \"" + std::string(key) + "\" appears twice");
      found = s.substr(value_start, pos - value_start);
    }
    ws();
    if (pos < s.size() && s[pos] == ',') {
      ++pos;
      continue;
    }
    if (pos < s.size() && s[pos] == '}') {
      ++pos;
      break;
    }
    return JsonFail("expected ',' or '}'");
  }
  ws();
  if (pos != s.size()) return JsonFail("bytes after the top-level object");
  if (!found) return JsonFail("key \"" + std::string(key) + "\" is missing");
  return *found;
}

Outcome<TcbInfo> ParseTcbInfo(std::string_view text) {
  try {
    json j = ParseObject(text);
    TcbInfo t;
    t.version = Uint<uint32_t>(j.at("version"));
    if (t.version != 2 && t.version != 3)
      return JsonFail("TCB Info version " + std::to_string(t.version) + " is not supported (2, 3)");
    if (t.version == 3) t.id = j.at("id").get<std::string>();
    if (t.version == 3 && t.id != "SGX" && t.id != "TDX")
      return JsonFail("TCB Info id \"" + t.id + "\" is not SGX or TDX");
    bool tdx = t.id == "TDX";
    t.issue_date_unix = TimeField(j, "issueDate");
    t.next_update_unix = TimeField(j, "nextUpdate");
    t.fmspc = HexField<6>(j, "fmspc");
    t.pce_id = HexField<2>(j, "pceId");
    t.tcb_type = Uint<uint32_t>(j.at("tcbType"));
    t.tcb_evaluation_data_number = Uint<uint32_t>(j.at("tcbEvaluationDataNumber"));
    if (tdx && j.contains("tdxModule")) t.tdx_module = ParseModule(j.at("tdxModule"), false);
    if (tdx && j.contains("tdxModuleIdentities")) {
      const json& ids = j.at("tdxModuleIdentities");
      if (!ids.is_array() || ids.size() > kMaxTdxModuleIdentities)
        return JsonFail("tdxModuleIdentities exceeds the limit of " +
                        std::to_string(kMaxTdxModuleIdentities));
      for (const json& m : ids) t.tdx_module_identities.push_back(ParseModule(m, true));
    }
    for (const json& l : Levels(j)) t.levels.push_back(ParseTcbLevel(l, t.version, tdx));
    return t;
  } catch (const std::exception& e) {  // nlohmann type/out_of_range errors and ours
    return JsonFail(std::string("TCB Info: ") + e.what());
  }
}

Outcome<QeIdentity> ParseQeIdentity(std::string_view text) {
  try {
    json j = ParseObject(text);
    QeIdentity q;
    q.id = j.at("id").get<std::string>();
    q.version = Uint<uint32_t>(j.at("version"));
    if (q.version != 2)
      return JsonFail("QE Identity version " + std::to_string(q.version) + " is not supported (2)");
    q.issue_date_unix = TimeField(j, "issueDate");
    q.next_update_unix = TimeField(j, "nextUpdate");
    q.tcb_evaluation_data_number = Uint<uint32_t>(j.at("tcbEvaluationDataNumber"));
    // MISCSELECT is written as a big-endian hex number.
    auto be32 = [](const FixedBytes<4>& b) {
      return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
    };
    q.misc_select = be32(HexField<4>(j, "miscselect"));
    q.misc_select_mask = be32(HexField<4>(j, "miscselectMask"));
    q.attributes = HexField<16>(j, "attributes");
    q.attributes_mask = HexField<16>(j, "attributesMask");
    q.mr_signer = HexField<32>(j, "mrsigner");
    q.isv_prod_id = Uint<uint16_t>(j.at("isvprodid"));
    q.levels = IsvLevels(j);
    return q;
  } catch (const std::exception& e) {
    return JsonFail(std::string("QE Identity: ") + e.what());
  }
}

}  // namespace phalanx::tee
