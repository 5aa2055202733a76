#!/usr/bin/env bash
# Fuzz/run.sh: build Placet's libFuzzer targets and run them from the committed corpus.
#
#   Fuzz/run.sh build                       build every target (Fuzz/.build; ASan and libFuzzer, -O)
#   Fuzz/run.sh list                        the targets
#   Fuzz/run.sh run TARGET|all [SECONDS]    run for SECONDS each (default 60), one target at a time
#   Fuzz/run.sh runs TARGET|all N           run N executions each
#   Fuzz/run.sh repro TARGET FILE...        run the target once on each file (a crash to reproduce)
#
# The Swift runtime's backtracer is off (SWIFT_BACKTRACE=enable=no): libFuzzer and ASan print
# the stack, and the backtracer's own memory reads trip ASan after a fatalError.
# Limits, the documented ones (README, "Reliability"): 2048 MB of memory (-rss_limit_mb,
# also -malloc_limit_mb) and 10 seconds per input (-timeout). New inputs libFuzzer finds go
# to Fuzz/.work/corpus/TARGET, never into the committed seeds (Fuzz/corpus/TARGET); crashes go to
# Fuzz/crashes/TARGET/. Each run's last libFuzzer lines are appended to Fuzz/.work/runs.log.
# Exit status: 0 when every run ended without a crash, 1 when one crashed, 2 on usage errors.
# FUZZ_JOBS sets the build's -j (default 1: the machine is shared).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

targets=(fuzz-policy fuzz-manifest-yaml fuzz-manifest-json fuzz-manifest-jsonl fuzz-manifest-xml
         fuzz-verify-log fuzz-import-croissant fuzz-import-model-card fuzz-server fuzz-lsp-framing)
rss_limit_mb=2048
timeout_seconds=10
scratch="$here/.build"
# libFuzzer without its main (see Package.swift), from the toolchain that builds.
swiftc_path="$(readlink -f "$(command -v swiftc)")"
PLACET_LIBFUZZER="$(ls "$(dirname "$swiftc_path")"/../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a 2>/dev/null | head -1 || true)"
[[ -n "$PLACET_LIBFUZZER" ]] || { echo "run.sh: libclang_rt.fuzzer_no_main-x86_64.a not found next to $swiftc_path" >&2; exit 2; }
export PLACET_LIBFUZZER
build_flags=(--package-path "$here" --scratch-path "$scratch" -j "${FUZZ_JOBS:-1}"
             -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table
             -Xswiftc -O)

usage() { sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# The linker's many "Cannot export local symbol '__asan_...'" warnings are harmless and hidden.
build() {
  local status
  # SwiftPM keeps its build plan for the local Placet package and does not notice a source
  # file added there since ("cannot find 'X' in scope"); planning afresh costs a second.
  rm -f "$scratch/debug.yaml" "$scratch"/*/debug/description.json
  set +e
  swift build "${build_flags[@]}" 2>&1 | grep -v "Cannot export local symbol"
  status=${PIPESTATUS[0]}
  set -e
  ((status == 0)) || { echo "fuzz build failed" >&2; exit 2; }
}

binary() {
  local bin
  bin="$(swift build "${build_flags[@]}" --show-bin-path 2>/dev/null)/$1"
  [[ -x "$bin" ]] || { echo "$1 is not built: run Fuzz/run.sh build" >&2; exit 2; }
  echo "$bin"
}

selected() {
  if [[ "$1" == all ]]; then printf '%s\n' "${targets[@]}"; return; fi
  for t in "${targets[@]}"; do [[ "$t" == "$1" ]] && { echo "$1"; return; }; done
  echo "unknown target '$1' (Fuzz/run.sh list)" >&2; exit 2
}

# One target, with its seeds and dictionary; libFuzzer's own limit flags ($2...).
run_one() {
  local target="$1"; shift
  local bin work crashes log status
  bin="$(binary "$target")"
  work="$here/.work/corpus/$target"
  crashes="$here/crashes/$target"
  mkdir -p "$work" "$crashes" "$here/.work"
  log="$here/.work/$target.log"
  echo "== $target $*"
  set +e
  PLACET_ROOT="$(dirname "$here")" SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" "$bin" "$work" "$here/corpus/$target" \
    -dict="$here/dictionaries/$target.dict" -rss_limit_mb=$rss_limit_mb -malloc_limit_mb=$rss_limit_mb \
    -timeout=$timeout_seconds -artifact_prefix="$crashes/" -print_final_stats=1 "$@" >"$log" 2>&1
  status=$?
  set -e
  # The summary: the last status line (execs, cov, ft) and the final stats.
  { echo "$(date -u +%FT%TZ) $target $* exit=$status"
    grep -aE '^#[0-9]+' "$log" | tail -1
    grep -aE '^stat::(number_of_executed_units|peak_rss_mb)' "$log"
    grep -aE 'ERROR: libFuzzer|ERROR: AddressSanitizer|contract violated|Fatal error|Test unit written' "$log" | head -5
  } | tee -a "$here/.work/runs.log"
  if ((status != 0)); then
    echo "$target: crashed (exit $status); the log is $log" >&2
    tail -40 "$log" >&2
    return 1
  fi
}

case "${1:-}" in
  build) build ;;
  list) printf '%s\n' "${targets[@]}" ;;
  run|runs)
    [[ $# -ge 2 ]] || usage
    mode="$1"; which="$2"; amount="${3:-60}"
    [[ "$amount" =~ ^[0-9]+$ ]] || usage
    failed=0
    for target in $(selected "$which"); do
      if [[ "$mode" == run ]]; then run_one "$target" -max_total_time="$amount" || failed=1
      else run_one "$target" -runs="$amount" || failed=1; fi
    done
    exit $failed ;;
  repro)
    [[ $# -ge 3 ]] || usage
    target="$(selected "$2")"; shift 2
    PLACET_ROOT="$(dirname "$here")" SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" "$(binary "$target")" \
      -rss_limit_mb=$rss_limit_mb -timeout=$timeout_seconds "$@" ;;
  *) usage ;;
esac
