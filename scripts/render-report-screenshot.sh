#!/usr/bin/env bash
# Regenerates docs/html-report.png from the current HTML report of the acme example, so the
# picture in the docs is always what `placet check --format html` prints today.
#
#   scripts/render-report-screenshot.sh            # docs/html-report.png (screen, 1280 wide)
#   scripts/render-report-screenshot.sh --print    # also A4 pages as PNGs in a temporary folder
#
# Needs headless Chromium (apt-get install chromium) and, for --print, pdftoppm (poppler-utils).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
as_of="2028-01-01"
work="$(mktemp -d)"
html="$work/placet-report.html"

chromium_bin=""
for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then chromium_bin="$candidate"; break; fi
done
if [ -z "$chromium_bin" ]; then
    echo "error: headless Chromium not found; install it with: apt-get install -y chromium" >&2
    exit 2
fi

swift build --product placet
# `check` exits 1 when a placement is blocked, which the example does on purpose.
status=0
.build/debug/placet check policies/examples/acme --as-of "$as_of" --format html --output "$html" || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    echo "error: placet check failed with exit status $status" >&2
    exit "$status"
fi

"$chromium_bin" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --screenshot="$root/docs/html-report.png" --window-size=1280,2000 "file://$html" 2>"$work/chromium.log" || { cat "$work/chromium.log" >&2; exit 1; }
echo "wrote docs/html-report.png"

if [ "${1:-}" = "--print" ]; then
    pdf="$work/placet-report.pdf"
    "$chromium_bin" --headless --no-sandbox --disable-gpu --no-pdf-header-footer --print-to-pdf="$pdf" "file://$html" 2>"$work/chromium.log" || { cat "$work/chromium.log" >&2; exit 1; }
    pdftoppm -png -r 60 "$pdf" "$work/placet-report-print"
    echo "wrote $pdf and $work/placet-report-print-*.png"
fi
