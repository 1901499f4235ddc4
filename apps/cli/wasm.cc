// WebAssembly commands: `phalanx wasm validate FILE` and
// `phalanx wasm run FILE --invoke NAME [ARGS...] [--fuel N]` (no node needed).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "cli.h"
#include "phalanx/vm/module.h"
#include "phalanx/vm/store.h"

namespace phalanx::cli {
namespace {

using nlohmann::json;

Result<Bytes> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open '" + path + "'");
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Plain numbers, read by the parameter's type: integers signed or unsigned, floats as decimals
// (or nan/inf), references as "null" or a number.
Result<vm::Value> ParseArg(const std::string& text, vm::ValType type) {
  const char* s = text.c_str();
  char* end = nullptr;
  errno = 0;
  vm::Value v{type, 0};
  switch (type) {
    case vm::ValType::kI32:
    case vm::ValType::kI64: {
      const bool neg = !text.empty() && text[0] == '-';
      uint64_t bits =
          neg ? static_cast<uint64_t>(std::strtoll(s, &end, 0)) : std::strtoull(s, &end, 0);
      if (type == vm::ValType::kI32) {
        const int64_t sv = static_cast<int64_t>(bits);
        if ((neg && sv < INT32_MIN) || (!neg && bits > UINT32_MAX)) errno = ERANGE;
        bits = static_cast<uint32_t>(bits);
      }
      v.bits = bits;
      break;
    }
    case vm::ValType::kF32:
      v = vm::Value::F32(std::strtof(s, &end));
      break;
    case vm::ValType::kF64:
      v = vm::Value::F64(std::strtod(s, &end));
      break;
    case vm::ValType::kFuncRef:
    case vm::ValType::kExternRef:
      if (text == "null") return v;
      v.bits = std::strtoull(s, &end, 0);
      break;
    default:
      return InvalidArgument("parameters of type " + std::string(vm::ValTypeName(type)) +
                             " are not supported");
  }
  if (text.empty() || end == nullptr || *end != '\0' || errno == ERANGE) {
    return InvalidArgument("'" + text + "' is not a valid " + std::string(vm::ValTypeName(type)));
  }
  return v;
}

}  // namespace

void AddWasmCommands(CLI::App& app, GlobalOptions& g, std::function<CommandResult()>& run) {
  auto* wasm = app.add_subcommand("wasm", "Validate and run WebAssembly modules locally");
  wasm->require_subcommand(1);

  auto* validate = wasm->add_subcommand("validate", "Decode and validate a binary module");
  static std::string validate_file;
  validate->add_option("file", validate_file, "The .wasm file")->required();
  validate->callback([&] {
    run = [&]() -> CommandResult {
      ASSIGN_OR_RETURN(Bytes bytes, ReadFile(validate_file));
      RETURN_IF_ERROR(vm::ValidateModule(bytes));
      Output out;
      out.json = {{"valid", true}, {"bytes", bytes.size()}};
      out.text = "valid\n";
      return out;
    };
  });

  auto* run_cmd = wasm->add_subcommand("run", "Instantiate a module and call one export");
  static std::string run_file, invoke;
  static std::vector<std::string> args;
  static uint64_t fuel = 0;
  run_cmd->add_option("file", run_file, "The .wasm file (it may not have imports)")->required();
  run_cmd->add_option("--invoke", invoke, "Name of the exported function to call")->required();
  run_cmd->add_option("args", args, "Arguments, parsed by the function's parameter types");
  run_cmd->add_option("--fuel", fuel, "Fuel limit (one unit per instruction; default unlimited)");
  run_cmd->callback([&] {
    run = [&]() -> CommandResult {
      ASSIGN_OR_RETURN(Bytes bytes, ReadFile(run_file));
      ASSIGN_OR_RETURN(auto module, vm::CompileModule(bytes));
      vm::Store store;
      vm::Machine machine;
      ASSIGN_OR_RETURN(vm::Instance * instance, store.Instantiate(module, {}, machine));
      const vm::Export* e = module->FindExport(invoke);
      if (e == nullptr || e->kind != vm::ExternKind::kFunc) {
        return NotFound("the module exports no function named '" + invoke + "'");
      }
      const vm::FuncType& type = module->TypeOfFunc(e->index);
      if (args.size() != type.params.size()) {
        return InvalidArgument("'" + invoke + "' takes " + std::to_string(type.params.size()) +
                               " arguments " + vm::ToString(type) + ", got " +
                               std::to_string(args.size()));
      }
      std::vector<vm::Value> values;
      for (size_t i = 0; i < args.size(); ++i) {
        ASSIGN_OR_RETURN(vm::Value v, ParseArg(args[i], type.params[i]));
        values.push_back(v);
      }
      const uint64_t limit = fuel ? fuel : UINT64_MAX;
      machine.SetFuel(limit);
      ASSIGN_OR_RETURN(vm::ExecOutcome outcome, machine.Invoke(*instance, invoke, values));
      if (outcome.trap) {
        // The documented format: "trap: <reason>" and a non-zero exit status.
        if (g.json) {
          std::printf("%s\n", json{{"trap", outcome.trap->ToString()}}.dump(2).c_str());
        } else {
          std::printf("trap: %s\n", outcome.trap->ToString().c_str());
        }
        std::fflush(stdout);
        std::exit(1);
      }
      Output out;
      out.json["results"] = json::array();
      for (const vm::Value& v : outcome.results) {
        out.text += vm::ToString(v) + "\n";
        out.json["results"].push_back(vm::ToString(v));
      }
      if (fuel) out.json["fuel_used"] = limit - machine.fuel();
      return out;
    };
  });
}

}  // namespace phalanx::cli
