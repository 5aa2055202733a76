#!/usr/bin/env bash
# Regenerates the table in README.md's "The baseline pack's rules" section, between the
# `<!-- placet rules: begin -->` and `<!-- placet rules: end -->` markers, from
# `placet rules --format markdown` over policies/. A test fails when the two differ.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product placet
placet=.build/debug/placet
begin='<!-- placet rules: begin -->'
end='<!-- placet rules: end -->'
grep -qxF "$begin" README.md && grep -qxF "$end" README.md || { echo "README.md lacks the rules markers" >&2; exit 1; }
table="$(mktemp)"
trap 'rm -f "$table" README.md.tmp' EXIT
NO_COLOR=1 "$placet" rules --policies policies --format markdown > "$table"
awk -v begin="$begin" -v end="$end" -v table="$table" '
    $0 == begin { print; while ((getline line < table) > 0) print line; skipping = 1; next }
    $0 == end { skipping = 0 }
    !skipping { print }
' README.md > README.md.tmp
mv README.md.tmp README.md
