#!/usr/bin/env bash
# Load test of `placet serve` on loopback: admission decisions per second and p50/p99 latency at
# 1, 16 and 64 concurrent connections (wrk), then the server's RSS before and after 100,000 more
# requests. Bounded: each level runs DURATION seconds, the RSS run stops after 100,000 answers
# (or 120 s), and the server is stopped on exit. Prints a Markdown table for the README.
#
#   scripts/load-test.sh                 # builds the release binary first
#   PLACET=path/to/placet DURATION=10 scripts/load-test.sh
#
# Needs wrk (Debian: apt-get install -y wrk). The request is the recorded AdmissionReview of a
# Job (Tests/PlacetTests/Fixtures/admission/job.json), approved on the cluster's target.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v wrk >/dev/null 2>&1 || { echo "load-test: wrk is not installed (apt-get install -y wrk)" >&2; exit 2; }
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-1 16 64}"
PORT="${PORT:-18443}"
BODY="${BODY:-Tests/PlacetTests/Fixtures/admission/job.json}"
ENDPOINT="${ENDPOINT:-/v1/admission}"
if [[ -z "${PLACET:-}" ]]; then
  swift build -c release --product placet >&2
  PLACET="$(swift build -c release --show-bin-path)/placet"
fi

work="$(mktemp -d)"
server=""
cleanup() {
  if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server"
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$PLACET" serve --listen "127.0.0.1:$PORT" --cluster-target onprem-fra-gpu --watch-interval 0 --log-level warning \
  ${SERVE_FLAGS:-} policies/examples/acme 2>"$work/server.log" &
server=$!
for _ in $(seq 1 200); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 2; }
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null

# wrk's request and, per thread, an optional bound on the number of answers; the summary line
# gives requests/s, p50 and p99 in microseconds, and the count of non-2xx answers.
cat >"$work/request.lua" <<LUA
local file = io.open("$BODY", "rb")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
local limit = tonumber(os.getenv("LIMIT") or "0")
local answered = 0
local allowed = true
function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 or not string.find(body, '"allowed":true', 1, true) then allowed = false end
  if limit > 0 and answered >= limit then wrk.thread:stop() end
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %.0f %d %d %d %d\n", summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout, latency.max))
end
LUA

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$server/status"; }
threads() { if (( $1 < 2 )); then echo 1; else echo 2; fi; }

echo "| connections | decisions/s | p50 | p99 | max | errors |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
for connections in $CONNECTIONS; do
  # A short warm-up, so the first level does not pay for first-touch allocations.
  wrk -t1 -c"$connections" -d1s -s "$work/request.lua" "http://127.0.0.1:$PORT$ENDPOINT" >/dev/null
  line="$(wrk -t"$(threads "$connections")" -c"$connections" -d"${DURATION}s" --timeout 5s -s "$work/request.lua" \
    "http://127.0.0.1:$PORT$ENDPOINT" | grep '^RESULT')"
  read -r _ requests rate p50 p99 errors max <<<"$line"
  awk -v c="$connections" -v r="$rate" -v p50="$p50" -v p99="$p99" -v max="$max" -v e="$errors" \
    'BEGIN { printf "| %d | %s | %.2f ms | %.2f ms | %.1f ms | %d |\n", c, r, p50 / 1000, p99 / 1000, max / 1000, e }'
done

before="$(rss)"
LIMIT=50000 timeout 120 wrk -t2 -c16 -d120s --timeout 5s -s "$work/request.lua" "http://127.0.0.1:$PORT$ENDPOINT" >"$work/rss-run.txt"
middle="$(rss)"
LIMIT=50000 timeout 120 wrk -t2 -c16 -d120s --timeout 5s -s "$work/request.lua" "http://127.0.0.1:$PORT$ENDPOINT" >"$work/rss-run-2.txt"
after="$(rss)"
answered="$(awk '/^RESULT/ { print $2 }' "$work/rss-run.txt")"
answered2="$(awk '/^RESULT/ { print $2 }' "$work/rss-run-2.txt")"
echo
echo "RSS: ${before} kB before, ${middle} kB after ${answered} more requests, ${after} kB after ${answered2} more"
grep -E '^placet_(decisions_total|requests_rejected_total)' <(curl -fsS "http://127.0.0.1:$PORT/metrics") || true
