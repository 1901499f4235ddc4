#!/usr/bin/env python3
"""Checks the layer rule of ARCHITECTURE.md against the code itself.

Reads each modules/<m>/CMakeLists.txt for its phalanx_module(NAME LAYER DEPS) declaration, then
every #include "phalanx/<x>/..." in that module's sources and headers: <x> must be the module
itself or one of its (transitive) declared dependencies, and every dependency must sit in a lower
layer. Exits non-zero with one line per violation.
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
decl = re.compile(r"phalanx_module\(\s*NAME\s+(\w+)\s+LAYER\s+(\d+)(.*?)\)", re.S)
inc = re.compile(r'#include\s+"phalanx/(\w+)/([\w./]+)"')
# Libraries a module may link (LIBS) that are a store-free part of another module: the headers of
# that module they make available. The light client links the state proof verifier only.
part_libs = {"phalanx_state_proof": ("state", {"proof.h", "hashing.h", "limits.h"})}

modules = {}
for cm in sorted(root.glob("modules/*/CMakeLists.txt")):
    m = decl.search(cm.read_text())
    if not m:
        continue
    name, layer, rest = m.group(1), int(m.group(2)), m.group(3)
    deps = []
    dm = re.search(r"DEPS\s+(.*?)(?:\bLIBS\b|\bTEST_LIBS\b|$)", rest, re.S)
    if dm:
        deps = dm.group(1).split()
    lm = re.search(r"\bLIBS\s+(.*?)(?:\bTEST_LIBS\b|$)", rest, re.S)
    libs = lm.group(1).split() if lm else []
    parts = [part_libs[l] for l in libs if l in part_libs]
    modules[name] = (layer, deps, cm.parent, parts)

def closure(name, seen=None):
    seen = seen if seen is not None else set()
    for d in modules.get(name, (0, [], None, []))[1]:
        if d not in seen:
            seen.add(d)
            closure(d, seen)
    return seen

errors = []
for name, (layer, deps, path, parts) in modules.items():
    for d in deps:
        if d not in modules:
            errors.append(f"{name}: depends on unknown module {d}")
        elif modules[d][0] >= layer:
            errors.append(f"{name} (layer {layer}) depends on {d} (layer {modules[d][0]})")
    allowed = closure(name) | {name}
    for pm, _ in parts:
        if pm in modules and modules[pm][0] >= layer:
            errors.append(f"{name} (layer {layer}) links part of {pm} (layer {modules[pm][0]})")
    for f in list(path.glob("src/**/*")) + list(path.glob("include/**/*")):
        if f.suffix not in (".h", ".cc"):
            continue
        for i, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
            m = inc.search(line)
            if m and any(m.group(1) == pm and m.group(2) in hs for pm, hs in parts):
                continue
            if m and m.group(1) not in allowed:
                errors.append(f"{f}:{i}: module {name} includes phalanx/{m.group(1)} "
                              f"which is not among its declared dependencies")

for e in errors:
    print(e)
print(f"layering: {len(modules)} modules checked, {len(errors)} violations")
sys.exit(1 if errors else 0)
