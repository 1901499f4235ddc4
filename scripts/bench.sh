#!/usr/bin/env bash
# Runs every benchmark binary (<build>/bin/*_bench) with small but meaningful sizes and prints
# their JSON lines ({"bench": ..., "value": ..., "unit": ...}) on stdout; progress and the
# benchmarks' own diagnostics go to stderr. Full-size runs: call the binaries directly (see the
# usage line at the top of each bench/*_bench.cc).
#
# Usage: scripts/bench.sh [build-dir = build] [name-regex = .]
#   e.g. scripts/bench.sh build-load 'load|rss'
set -uo pipefail

build_dir="${1:-build}"
filter="${2:-.}"
bin_dir="${build_dir}/bin"
if [[ ! -d "${bin_dir}" ]]; then
  echo "bench.sh: ${bin_dir} does not exist; build first (cmake --build ${build_dir})" >&2
  exit 2
fi

# Arguments per benchmark: sized to take seconds to about a minute each on a 2-core machine.
args_for() {
  case "$1" in
    codec_bench) echo "50000" ;;
    crypto_bench) echo "" ;;
    rpc_bench) echo "1" ;;
    state_bench) echo "--keys 100000 --update-batches 5" ;;
    load_bench) echo "--txs 30000 --accounts 5000 --timeout-s 120" ;;
    rss_bench) echo "--accounts 100000 --no-restart" ;;
    wasm_bench) echo "--scale 0.25 --reps 2" ;;
    *) echo "" ;;
  esac
}

shopt -s nullglob
benches=("${bin_dir}"/*_bench)
if [[ ${#benches[@]} -eq 0 ]]; then
  echo "bench.sh: no *_bench binaries in ${bin_dir}; configure with -DPHALANX_BENCH=ON" >&2
  exit 2
fi

failed=0
echo "bench.sh: load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores" >&2
for bench in "${benches[@]}"; do
  name="$(basename "${bench}")"
  [[ -x "${bench}" ]] || continue
  [[ "${name}" =~ ${filter} ]] || continue
  read -r -a args <<< "$(args_for "${name}")"
  echo "bench.sh: ${name} ${args[*]}" >&2
  start=$(date +%s)
  # Only JSON lines go to stdout, so the output can be collected and compared across runs.
  "${bench}" "${args[@]}" | grep --line-buffered '^{'
  status=${PIPESTATUS[0]}
  echo "bench.sh: ${name} finished with status ${status} in $(( $(date +%s) - start )) s" >&2
  if [[ ${status} -ne 0 ]]; then failed=1; fi
done
exit ${failed}
