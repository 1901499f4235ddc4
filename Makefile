# The two commands: `make dev` (install, build, start a dev chain) and `make test` (install,
# build, run every test). Everything else is a convenience.
PRESET ?= release
BUILD_DIR := $(if $(filter release,$(PRESET)),build,build-$(PRESET))
CTEST_ARGS ?=

.PHONY: setup configure build test test-full sim-long dev bench bench-wasm asan fuzz format clean localnet bench-localnet

setup:
	@bash scripts/setup.sh

configure: setup
	@test -f $(BUILD_DIR)/build.ninja || cmake --preset $(PRESET) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR)

# Everything but the long simulator run (sim-long, below), which takes an hour on 2 cores.
test: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j2 -LE sim-long $(CTEST_ARGS)

# The long version: 20 kill -9 crash iterations instead of CI's 6.
test-full: build
	@PHALANX_CRASH_ITERATIONS=20 ctest --test-dir $(BUILD_DIR) --output-on-failure -j2 -LE sim-long $(CTEST_ARGS)

# 100,000 seeds of the consensus simulator instead of the 1,000 of `sim` (docs/consensus.md).
sim-long: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -L sim-long

dev: build
	@$(BUILD_DIR)/bin/phalanx-node --dev

bench: build
	@bash scripts/bench.sh $(BUILD_DIR)

# Four validators and an RPC node on 127.0.0.1, each its own process; RPC on ports 9944..9948,
# state and logs in /tmp/phalanx-localnet (docs/operators.md, "Localnet"). Ctrl-C stops them all.
localnet: configure
	@cmake --build $(BUILD_DIR) --target phalanx-node
	@$(BUILD_DIR)/bin/phalanx-node localnet --validators 4 --base-path /tmp/phalanx-localnet --rpc-port-base 9944

# Finalized transfers/s and submit->finalized latency on a 4-validator localnet with 1 s blocks.
bench-localnet: configure
	@cmake --build $(BUILD_DIR) --target phalanx-node load_bench
	@$(BUILD_DIR)/bin/load_bench --localnet 4 --block-time-ms 1000 --txs 30000 --accounts 5000 --timeout-s 300

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
