#!/usr/bin/env bash
# The shipped build of placet: release, the Swift runtime linked in (--static-swift-stdlib), and
# mimalloc as the C heap instead of glibc's malloc. deploy/docker/Dockerfile builds with this
# script, and the README's performance figures are for what it makes.
#
#   scripts/release-build.sh                  # prints the binary's path on stdout
#   scripts/release-build.sh --system-malloc  # the same without mimalloc (glibc's malloc)
#   scripts/release-build.sh --check          # also checks the binary (see below)
#
# Why mimalloc: a batch check makes and frees tens of millions of small blocks (rows, strings,
# findings) from both cores at once. With glibc's malloc that is about 10 % of the CPU time;
# mimalloc's per-thread free lists make it 100,000 placements about 14 % faster and 1,000,000
# about 20 % faster, with the same output (README "Performance"). Linked, not LD_PRELOADed: it
# stands before libc among the binary's libraries, so every malloc in the process is mimalloc's.
# Needs libmimalloc-dev to build (Debian: apt-get install -y libmimalloc-dev) and libmimalloc2.0
# to run. The test builds (`swift test`, the sanitizers) keep glibc's malloc. Linux only: on
# macOS the system's own libraries would keep their malloc; pass --system-malloc there.
#
# --check: the binary needs libmimalloc (unless --system-malloc); its JSON report on the acme
# example is the golden one; and on 10,000 generated placements its JSON report is byte for
# byte the debug build's (.build/debug/placet, built first if missing). CI runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

allocator=mimalloc
check=false
for argument in "$@"; do
  case "$argument" in
    --system-malloc) allocator=system ;;
    --check) check=true ;;
    *) echo "release-build: unknown option $argument" >&2; exit 2 ;;
  esac
done

flags=(-c release --product placet --static-swift-stdlib)
if [[ "$allocator" == mimalloc ]]; then
  # A C compiler driver (the Swift toolchain brings clang) prints the name back unchanged when
  # it finds no such library where the linker looks.
  driver="$(command -v cc || command -v clang || command -v gcc || true)"
  if [[ -z "$driver" || "$("$driver" -print-file-name=libmimalloc.so)" == libmimalloc.so ]]; then
    echo "release-build: libmimalloc.so not found; install libmimalloc-dev (Debian, Ubuntu) or pass --system-malloc" >&2
    exit 2
  fi
  flags+=(-Xlinker -lmimalloc)
fi
swift build "${flags[@]}" >&2
binary="$(swift build -c release --static-swift-stdlib --show-bin-path)/placet"

if $check; then
  if [[ "$allocator" == mimalloc ]] && ! ldd "$binary" | grep -q 'libmimalloc'; then
    echo "release-build: $binary does not link libmimalloc" >&2
    exit 1
  fi
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  status=0
  "$binary" check policies/examples/acme --as-of 2028-01-01 --format json >"$work/acme.json" || status=$?
  if [[ $status -ne 1 ]] || ! cmp -s "$work/acme.json" Tests/PlacetTests/Golden/acme-2028-01-01.json; then
    echo "release-build: the acme example (exit $status) differs from Tests/PlacetTests/Golden/acme-2028-01-01.json" >&2
    exit 1
  fi
  debug="$(swift build --show-bin-path)/placet"
  [[ -x "$debug" ]] || swift build --product placet >&2
  # The bench's inventory, written without running the bench.
  "$binary" bench --references "$work/bench"
  "$binary" bench --emit 10000 >"$work/bench/placements.jsonl"
  # From the scratch folder, so no ./policies applies: the bundled baseline pack does.
  report() {
    local status=0
    (cd "$work" && "$1" check --format json --as-of 2028-01-01 bench >"$2") || status=$?
    [[ $status -le 1 ]] || { echo "release-build: $1 check exited $status" >&2; exit 1; }
  }
  report "$binary" "$work/release.json"
  report "$debug" "$work/debug.json"
  if ! cmp "$work/release.json" "$work/debug.json" >&2; then
    echo "release-build: the release and debug builds disagree on 10,000 generated placements" >&2
    exit 1
  fi
  echo "release-build: $binary ($allocator) gives the golden acme report and the debug build's report on 10,000 placements" >&2
fi
echo "$binary"
