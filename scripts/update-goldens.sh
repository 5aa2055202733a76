#!/usr/bin/env bash
# Regenerates Tests/PlacetTests/Golden from the built binary. Review the diff before committing:
# a golden file is a promise about output, changed only on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
placet=.build/debug/placet
golden=Tests/PlacetTests/Golden
run() { NO_COLOR=1 "$placet" check policies/examples/acme "$@" || [ $? -eq 1 ]; }
run --as-of 2028-01-01 --format json > "$golden/acme-2028-01-01.json"
run --as-of 2026-11-29 --format json > "$golden/acme-2026-11-29.json"
run --as-of 2028-01-01 > "$golden/acme-2028-01-01.txt"
run --as-of 2028-01-01 --format junit > "$golden/acme-2028-01-01.junit.xml"
run --as-of 2028-01-01 --format sarif > "$golden/acme-2028-01-01.sarif"
run --as-of 2028-01-01 --format markdown > "$golden/acme-2028-01-01.md"
run --as-of 2028-01-01 --format html > "$golden/acme-2028-01-01.html"
run --as-of 2028-01-01 --format oscal > "$golden/acme-2028-01-01.oscal.xml"
git status --short "$golden"
