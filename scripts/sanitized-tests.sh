#!/usr/bin/env bash
# The whole test suite under a sanitizer: AddressSanitizer (`address`) or ThreadSanitizer
# (`thread`). Run by .ci/run after `swift test`; any sanitizer report fails it.
#
#   scripts/sanitized-tests.sh address
#   scripts/sanitized-tests.sh thread
#   JOBS=2 scripts/sanitized-tests.sh thread      # the build's -j (default 1: the machine is shared)
#
# Each sanitizer builds into its own scratch path (.build-asan, .build-tsan), so the normal
# build is not invalidated; the test bundle is then run directly (SwiftPM's `swift test
# --sanitize` fails with --scratch-path, "unknown build description"). The tests start the
# `placet` executable built next to the bundle, sanitized too: every process writes its reports
# to a file under the run's report folder (`log_path`), and the run fails when any was written,
# as well as on a failing test. Suppressions, each with its reason and reproduction, are in
# scripts/sanitizers/ (none are needed today).
set -euo pipefail
cd "$(dirname "$0")/.."

kind="${1:-}"
case "$kind" in
  address) scratch=.build-asan; options_var=ASAN_OPTIONS; time_scale=4 ;;
  thread) scratch=.build-tsan; options_var=TSAN_OPTIONS; time_scale=10 ;;
  *) echo "usage: scripts/sanitized-tests.sh address|thread" >&2; exit 2 ;;
esac

started=$(date +%s)
set +e
swift build --build-tests --sanitize="$kind" --scratch-path "$scratch" -j "${JOBS:-1}" 2>&1 | grep -v "Cannot export local symbol"
build_status=${PIPESTATUS[0]}
set -e
((build_status == 0)) || { echo "sanitized-tests: the $kind build failed" >&2; exit 2; }
built=$(date +%s)

reports="$PWD/$scratch/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
suppressions="$PWD/scripts/sanitizers/$kind.supp"
options="halt_on_error=1:log_path=$reports/$kind"
[[ -s "$suppressions" ]] && options="$options:suppressions=$suppressions"
if [[ "$kind" == address ]]; then
  # Leaks are not reported: the runtime's caches and the tests' process-wide fixtures live until
  # exit by design; what ASan is here for is memory errors (overflows, use after free).
  options="$options:detect_leaks=0:detect_stack_use_after_return=1"
else
  options="$options:second_deadlock_stack=1"
fi
export "$options_var=$options"
# The tests' wall-clock bounds are for a plain debug build; ASan runs about 2-4 times slower,
# TSan 5-15 times (Tests/PlacetTests/Support.swift, TestTiming).
export PLACET_TEST_TIME_SCALE="$time_scale"

bundle="$scratch/debug/PlacetPackageTests.xctest"
set +e
"$bundle" --testing-library swift-testing
status=$?
set -e
finished=$(date +%s)

found=$(find "$reports" -type f | sort)
if [[ -n "$found" ]]; then
  echo "sanitized-tests: $kind sanitizer reports:" >&2
  for report in $found; do echo "== $report" >&2; cat "$report" >&2; done
  status=1
fi
echo "sanitized-tests: $kind: build $((built - started)) s, tests $((finished - built)) s, exit $status"
exit $status
