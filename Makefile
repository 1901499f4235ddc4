# The two commands: `make dev` (install, build, start a dev chain) and `make test` (install,
# build, run every test). Everything else is a convenience.
PRESET ?= release
BUILD_DIR := $(if $(filter release,$(PRESET)),build,build-$(PRESET))
CTEST_ARGS ?=

.PHONY: setup configure build test test-full sim-long dev bench bench-wasm asan fuzz format clean

setup:
	@bash scripts/setup.sh

configure: setup
	@test -f $(BUILD_DIR)/build.ninja || cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR)

test: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j2 $(CTEST_ARGS)

# The long version: 20 kill -9 crash iterations instead of CI's 6.
test-full: build
	@PHALANX_CRASH_ITERATIONS=20 ctest --test-dir $(BUILD_DIR) --output-on-failure -j2 $(CTEST_ARGS)

# 100,000 seeds of the consensus simulator instead of the 1,000 of `sim` (docs/consensus.md).
sim-long: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -L sim-long

dev: build
	@$(BUILD_DIR)/bin/phalanx-node --dev

bench: build
	@bash scripts/bench.sh $(BUILD_DIR)

# WebAssembly engine vs node, wasm-interp and native, full size (docs/vm-benchmarks.md).
bench-wasm: configure
	@cmake --build $(BUILD_DIR) --target wasm_bench
	@$(BUILD_DIR)/bin/wasm_bench

asan:
	@PHALANX_SIM_SEEDS=200 $(MAKE) test PRESET=asan CTEST_ARGS="-L unit"

fuzz: setup
	@test -f build-fuzz/build.ninja || cmake --preset fuzz >/dev/null
	@cmake --build build-fuzz

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format-14 -i

clean:
	rm -rf build build-debug build-asan build-fuzz
