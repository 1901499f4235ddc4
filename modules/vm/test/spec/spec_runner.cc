// Runs the official WebAssembly spec suite (../shared/testdata/wasm-spec) against the engine:
// converts each .wast with wabt's wast2json, runs every command with a `spectest` host module,
// and prints pass counts per file and per group (MANIFEST.tsv). Text-format assert_malformed
// commands test a text parser and are counted separately as not applicable.
//
//   vm_spec_test --wast2json /usr/bin/wast2json --suite DIR --out DIR [--only NAME] [--verbose]
//                [--min-non-simd-pass-percent N]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "phalanx/vm/store.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace phalanx;
using namespace phalanx::vm;

namespace {

struct Counts {
  int passed = 0, total = 0, malformed_text = 0;
  void Add(const Counts& o) {
    passed += o.passed, total += o.total, malformed_text += o.malformed_text;
  }
};

struct Options {
  std::string wast2json, suite, out, only;
  bool verbose = false;
  bool trace = false;  // print each command before running it (to find a crashing one)
  double min_non_simd_percent = 0;
};

// The `spectest` module of the suite's harness, as objects of the runner's store.
class SpecHost {
 public:
  explicit SpecHost(Store& store) : store_(store) {
    auto noop = [](HostContext&, std::span<const uint64_t>, std::span<uint64_t>) {
      return Status::Ok();
    };
    using V = ValType;
    AddFunc("print", {}, noop);
    AddFunc("print_i32", {V::kI32}, noop);
    AddFunc("print_i64", {V::kI64}, noop);
    AddFunc("print_f32", {V::kF32}, noop);
    AddFunc("print_f64", {V::kF64}, noop);
    AddFunc("print_i32_f32", {V::kI32, V::kF32}, noop);
    AddFunc("print_f64_f64", {V::kF64, V::kF64}, noop);
    AddGlobal("global_i32", V::kI32, 666);
    AddGlobal("global_i64", V::kI64, 666);
    AddGlobal("global_f32", V::kF32, 0x4426a666u);
    AddGlobal("global_f64", V::kF64, 0x4084d4cccccccccdull);
    exports_["table"] = store_.AddTable(TableType{ValType::kFuncRef, SizeLimits{10, true, 20}});
    exports_["memory"] = store_.AddMemory(MemoryType{SizeLimits{1, true, 2}});
  }
  const ExternVal* Find(const std::string& name) const {
    auto it = exports_.find(name);
    return it == exports_.end() ? nullptr : &it->second;
  }

 private:
  void AddFunc(const std::string& name, std::vector<ValType> params, HostFn fn) {
    exports_[name] = store_.HostFunction(FuncType{std::move(params), {}}, std::move(fn));
  }
  void AddGlobal(const std::string& name, ValType t, uint64_t bits) {
    exports_[name] = store_.AddGlobal({t, false}, bits);
  }
  Store& store_;
  std::map<std::string, ExternVal> exports_;
};

std::optional<Value> ParseValue(const json& j) {
  const std::string type = j.at("type");
  if (type == "v128") return std::nullopt;
  const std::string s = j.at("value").is_string() ? j.at("value").get<std::string>() : "";
  if (type == "externref" || type == "funcref") {
    ValType t = type == "externref" ? ValType::kExternRef : ValType::kFuncRef;
    return Value::Ref(t, s == "null" ? 0 : std::stoull(s) + 1);
  }
  static const std::map<std::string, ValType> kTypes = {{"i32", ValType::kI32},
                                                        {"i64", ValType::kI64},
                                                        {"f32", ValType::kF32},
                                                        {"f64", ValType::kF64}};
  auto it = kTypes.find(type);
  if (it == kTypes.end()) return std::nullopt;
  if (s.rfind("nan:", 0) == 0) return Value{it->second, 0};  // only in expectations
  return Value{it->second, std::stoull(s)};
}

bool Matches(const json& expected, const Value& got) {
  const std::string type = expected.at("type");
  if (type != ValTypeName(got.type)) return false;
  const std::string s =
      expected.at("value").is_string() ? expected.at("value").get<std::string>() : "";
  if (type == "f32" || type == "f64") {
    const bool f32 = type == "f32";
    const uint64_t exp_mask = f32 ? 0x7F800000u : 0x7FF0000000000000ull;
    const uint64_t frac_mask = f32 ? 0x007FFFFFu : 0x000FFFFFFFFFFFFFull;
    const uint64_t quiet = f32 ? 0x00400000u : 0x0008000000000000ull;
    const uint64_t abs = got.bits & (exp_mask | frac_mask);
    const bool is_nan = (abs & exp_mask) == exp_mask && (abs & frac_mask) != 0;
    if (s == "nan:canonical") return is_nan && (abs & frac_mask) == quiet;
    if (s == "nan:arithmetic") return is_nan && (abs & quiet) != 0;
  }
  auto want = ParseValue(expected);
  return want && want->bits == got.bits;
}

class Runner {
 public:
  explicit Runner(const Options& opts) : opts_(opts), spectest_(store_) {}
  Counts RunFile(const fs::path& json_path);

 private:
  struct Outcome {
    bool ok = false;    // the action ran (it may have trapped)
    std::string error;  // why it could not run
    ExecOutcome exec;
  };
  Outcome Act(const json& action);
  Result<Instance*> Instantiate(const fs::path& wasm, Error* phase);
  bool Command(const json& cmd, const fs::path& dir, std::string* why);

  const Options& opts_;
  // One store per .wast file: every module of the file, and the spectest objects, live in it
  // (instances link to each other's exports) until the file is done.
  Store store_;
  Machine machine_;
  SpecHost spectest_;
  std::map<std::string, Instance*> registered_;
  std::map<std::string, Instance*> named_;
  Instance* current_ = nullptr;
};

Result<Instance*> Runner::Instantiate(const fs::path& wasm, Error* phase) {
  std::ifstream in(wasm, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  auto module = CompileModule(bytes);
  if (!module.ok()) {
    *phase = ErrorOf(module.status());
    return module.status();
  }
  Imports imports;
  for (const Import& imp : (*module)->imports) {
    const ExternVal* v = nullptr;
    std::optional<ExternVal> exported;
    if (imp.module == "spectest") {
      v = spectest_.Find(imp.name);
    } else if (auto it = registered_.find(imp.module); it != registered_.end()) {
      exported = it->second->GetExport(imp.name);
      if (exported) v = &*exported;
    }
    if (v) imports.Add(imp.module, imp.name, *v);
  }
  machine_.SetFuel(UINT64_MAX);
  auto inst = store_.Instantiate(*module, imports, machine_);
  if (!inst.ok()) *phase = ErrorOf(inst.status());
  return inst;
}

Runner::Outcome Runner::Act(const json& action) {
  Outcome out;
  Instance* inst = current_;
  if (action.contains("module")) {
    auto it = named_.find(action["module"]);
    inst = it == named_.end() ? nullptr : it->second;
  }
  if (!inst) {
    out.error = "no module";
    return out;
  }
  const std::string field = action.at("field");
  if (action.at("type") == "get") {
    auto e = inst->GetExport(field);
    if (!e || e->kind != ExternKind::kGlobal) {
      out.error = "no global " + field;
      return out;
    }
    out.ok = true;
    out.exec.results.push_back({e->global->type.type, e->global->value});
    return out;
  }
  std::vector<Value> args;
  for (const json& a : action.at("args")) {
    auto v = ParseValue(a);
    if (!v) {
      out.error = "unsupported argument type";
      return out;
    }
    args.push_back(*v);
  }
  machine_.SetFuel(UINT64_MAX);
  auto r = machine_.Invoke(*inst, field, args);
  if (!r.ok()) {
    out.error = std::string(r.status().message());
    return out;
  }
  out.ok = true;
  out.exec = std::move(*r);
  return out;
}

bool Runner::Command(const json& cmd, const fs::path& dir, std::string* why) {
  const std::string type = cmd.at("type");
  auto expect_error = [&](Error want) {
    Error phase = Error::kInvalid;
    auto inst = Instantiate(dir / cmd.at("filename").get<std::string>(), &phase);
    if (inst.ok()) {
      *why = "module was accepted";
      return false;
    }
    if (phase != want) {
      *why = "wrong error kind: " + inst.status().ToString();
      return false;
    }
    return true;
  };
  if (type == "module") {
    Error phase;
    auto inst = Instantiate(dir / cmd.at("filename").get<std::string>(), &phase);
    if (!inst.ok()) {
      *why = inst.status().ToString();
      current_ = nullptr;
      return false;
    }
    current_ = *inst;
    if (cmd.contains("name")) named_[cmd["name"]] = current_;
    return true;
  }
  if (type == "register") {
    auto inst = current_;
    if (cmd.contains("name")) inst = named_[cmd["name"]];
    if (!inst) {
      *why = "nothing to register";
      return false;
    }
    registered_[cmd.at("as")] = inst;
    return true;
  }
  if (type == "action" || type == "assert_return") {
    Outcome o = Act(cmd.at("action"));
    if (!o.ok) return *why = o.error, false;
    if (o.exec.trap) return *why = "trapped: " + o.exec.trap->ToString(), false;
    if (type == "action") return true;
    const json& expected = cmd.at("expected");
    if (expected.size() != o.exec.results.size()) return *why = "wrong result count", false;
    for (size_t i = 0; i < expected.size(); ++i) {
      if (!Matches(expected[i], o.exec.results[i])) {
        return *why = "result " + std::to_string(i) + " is " + ToString(o.exec.results[i]) +
                      ", expected " + expected[i].dump(),
               false;
      }
    }
    return true;
  }
  if (type == "assert_trap" || type == "assert_exhaustion") {
    Outcome o = Act(cmd.at("action"));
    if (!o.ok) return *why = o.error, false;
    if (!o.exec.trap) return *why = "did not trap (expected " + cmd.value("text", "") + ")", false;
    if (type == "assert_exhaustion" && o.exec.trap->kind != TrapKind::kCallStackExhausted) {
      return *why = "trapped with " + o.exec.trap->ToString(), false;
    }
    return true;
  }
  if (type == "assert_invalid") return expect_error(Error::kInvalid);
  if (type == "assert_malformed") return expect_error(Error::kMalformed);
  if (type == "assert_unlinkable") return expect_error(Error::kUnlinkable);
  if (type == "assert_uninstantiable") return expect_error(Error::kUninstantiable);
  *why = "unknown command " + type;
  return false;
}

Counts Runner::RunFile(const fs::path& json_path) {
  Counts c;
  std::ifstream in(json_path);
  json doc;
  try {
    doc = json::parse(in);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", json_path.c_str(), e.what());
    return c;
  }
  for (const json& cmd : doc.at("commands")) {
    const std::string type = cmd.at("type");
    if (type == "assert_malformed" && cmd.value("module_type", "") == "text") {
      ++c.malformed_text;
      continue;
    }
    if (type == "register") {  // not a test (as wabt counts)
      std::string why;
      (void)Command(cmd, json_path.parent_path(), &why);
      continue;
    }
    ++c.total;
    if (opts_.trace)
      std::fprintf(stderr, "run %s:%d %s\n", json_path.stem().c_str(), cmd.value("line", 0),
                   type.c_str());
    std::string why;
    if (Command(cmd, json_path.parent_path(), &why)) {
      ++c.passed;
    } else if (opts_.verbose) {
      std::printf("  FAIL %s:%d %s: %s\n", json_path.stem().c_str(), cmd.value("line", 0),
                  type.c_str(), why.c_str());
    }
  }
  return c;
}

std::map<std::string, std::string> ReadGroups(const fs::path& manifest) {
  std::map<std::string, std::string> groups;
  std::ifstream in(manifest);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string file, group;
    std::getline(row, file, '\t');
    std::getline(row, group, '\t');
    groups[fs::path(file).stem().string()] = group;
  }
  return groups;
}

}  // namespace

int main(int argc, char** argv) {
  Options opts;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--wast2json")
      opts.wast2json = next();
    else if (a == "--suite")
      opts.suite = next();
    else if (a == "--out")
      opts.out = next();
    else if (a == "--only")
      opts.only = next();
    else if (a == "--verbose")
      opts.verbose = true;
    else if (a == "--trace")
      opts.trace = true;
    else if (a == "--min-non-simd-pass-percent")
      opts.min_non_simd_percent = std::atof(next().c_str());
  }
  if (opts.suite.empty() || opts.out.empty()) {
    std::fprintf(stderr, "usage: vm_spec_test --wast2json PATH --suite DIR --out DIR\n");
    return 2;
  }
  if (opts.wast2json.empty()) opts.wast2json = "wast2json";
  fs::create_directories(opts.out);
  auto groups = ReadGroups(fs::path(opts.suite) / "MANIFEST.tsv");
  std::map<std::string, Counts> per_group;
  Counts non_simd;
  for (const auto& [stem, group] : groups) {
    if (!opts.only.empty() && stem != opts.only) continue;
    const fs::path wast = fs::path(opts.suite) / (stem + ".wast");
    const fs::path out_json = fs::path(opts.out) / (stem + ".json");
    const std::string cmd =
        "'" + opts.wast2json + "' '" + wast.string() + "' -o '" + out_json.string() + "' 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      std::printf("%-36s %-16s wast2json failed\n", stem.c_str(), group.c_str());
      continue;
    }
    Runner runner(opts);
    Counts c = runner.RunFile(out_json);
    std::printf("%-36s %-16s %6d / %-6d (text assert_malformed n/a: %d)\n", stem.c_str(),
                group.c_str(), c.passed, c.total, c.malformed_text);
    per_group[group].Add(c);
    if (group != "simd") non_simd.Add(c);
  }
  std::printf("\n");
  for (const auto& [group, c] : per_group) {
    std::printf("group %-16s %6d / %-6d passed (%.2f%%), text assert_malformed n/a: %d\n",
                group.c_str(), c.passed, c.total, c.total ? 100.0 * c.passed / c.total : 0.0,
                c.malformed_text);
  }
  const double pct = non_simd.total ? 100.0 * non_simd.passed / non_simd.total : 100.0;
  std::printf("non-SIMD total        %6d / %-6d passed (%.2f%%)\n", non_simd.passed, non_simd.total,
              pct);
  return pct + 1e-9 >= opts.min_non_simd_percent ? 0 : 1;
}
