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

# wrk's request. No Lua runs per answer in the timed runs (it would take CPU from the server on
# the same cores): the server's own counter of approvals is read before and after instead. The
# summary line gives requests/s, p50, p99 and max in microseconds, and errors (transport or non-2xx).
cat >"$work/request.lua" <<LUA
local file = io.open("$BODY", "rb")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %.0f %d %d %d %d\n", summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max, summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
# The same request, each thread stopping after LIMIT answers (for the RSS runs).
cp "$work/request.lua" "$work/limited.lua"
cat >>"$work/limited.lua" <<'LUA'
limit = tonumber(os.getenv("LIMIT") or "0")
answered = 0
function response(status, headers, body)
  answered = answered + 1
  if limit > 0 and answered >= limit then wrk.thread:stop() end
end
LUA
approved() {
  curl -fsS "http://127.0.0.1:$PORT/metrics" | awk '/^placet_decisions_total[{]endpoint="admission",outcome="approve"[}]/ { print $2 }'
}

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$server/status"; }
threads() { if (( $1 < 2 )); then echo 1; else echo 2; fi; }

echo "| connections | decisions/s | p50 | p99 | max | errors | approved by the server |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
rate16=0
for connections in $CONNECTIONS; do
  # A short warm-up, so the first level does not pay for first-touch allocations.
  wrk -t1 -c"$connections" -d1s -s "$work/request.lua" "http://127.0.0.1:$PORT$ENDPOINT" >/dev/null
  approvedBefore="$(approved)"
  line="$(wrk -t"$(threads "$connections")" -c"$connections" -d"${DURATION}s" --timeout 5s -s "$work/request.lua" \
    "http://127.0.0.1:$PORT$ENDPOINT" | grep '^RESULT')"
  read -r _ requests rate p50 p99 max errors <<<"$line"
  approvals=$(( $(approved) - ${approvedBefore:-0} ))
  [[ "$connections" == 16 ]] && rate16="$rate"
  awk -v c="$connections" -v r="$rate" -v p50="$p50" -v p99="$p99" -v max="$max" -v e="$errors" -v d="$approvals" \
    'BEGIN { printf "| %d | %s | %.2f ms | %.2f ms | %.1f ms | %d | %d |\n", c, r, p50 / 1000, p99 / 1000, max / 1000, e, d }'
done

# RSS before and after 100,000 more requests (two runs of 50,000 per wrk thread pair), at 16
# connections. wrk stops counting at the bound but runs out its duration, so the duration is
# sized from the rate measured above (at least 10 s, at most 100 s).
seconds=$(awk -v r="$rate16" 'BEGIN { s = (r > 0) ? int(130000 / r) + 2 : 60; if (s < 10) s = 10; if (s > 100) s = 100; print s }')
rss_run() {
  LIMIT=50000 timeout $((seconds + 30)) wrk -t2 -c16 -d"${seconds}s" --timeout 5s -s "$work/limited.lua" \
    "http://127.0.0.1:$PORT$ENDPOINT" | awk '/^RESULT/ { print $2 }'
}
before="$(rss)"
first="$(rss_run)"
middle="$(rss)"
second="$(rss_run)"
after="$(rss)"
echo
echo "RSS: ${before} kB before; ${middle} kB after ${first} more requests; ${after} kB after ${second} more"
curl -fsS "http://127.0.0.1:$PORT/metrics" | grep -E '^placet_(decisions_total|requests_rejected_total)' || true
