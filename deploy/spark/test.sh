#!/usr/bin/env bash
# The Spark job, tested as CI runs it: placet_spark.py with local[2] on 100,000 generated
# placements must give, for every placement, the decision single-process `placet check
# --format json` gives (every field), with the same per-rule summary and totals; once with
# JSON Lines output and once with Parquet. Installs what it needs on a fresh Debian machine:
# a headless JRE when `java` is missing, pyspark from PyPI when Python lacks it.
#
#   deploy/spark/test.sh            (PLACET=path/to/placet to test a given binary;
#                                    PLACET_SPARK_PLACEMENTS=N for another count)
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${PLACET_SPARK_PLACEMENTS:-100000}"
as_of=2028-01-01

if ! command -v java >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o APT::Sandbox::User=root update -q
  apt-get install -y -q default-jre-headless
fi
if ! python3 -c 'import pyspark' 2>/dev/null; then
  # A Debian-managed Python refuses plain pip installs (PEP 668); this is a throwaway machine's.
  python3 -m pip install -q pyspark 2>/dev/null || python3 -m pip install -q --break-system-packages pyspark
fi

if [[ -z "${PLACET:-}" ]]; then
  swift build --product placet
  PLACET="$(swift build --show-bin-path)/placet"
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/placet-spark.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The bench's generated inventory: reference manifests in a folder, placements as JSON Lines.
"$PLACET" bench --references "$work/references"
"$PLACET" bench --emit "$count" > "$work/placements.jsonl"
references=("$work"/references/*.jsonl)

status=0
"$PLACET" check --format json --as-of "$as_of" --policies policies "${references[@]}" "$work/placements.jsonl" \
  > "$work/single.json" || status=$?
if ((status != 1)); then  # the generated inventory blocks some placements: 1 is the expected status
  echo "spark test: single-process check exited $status" >&2
  exit 1
fi

started=$SECONDS
passed=0
for format in jsonl parquet; do
  python3 deploy/spark/placet_spark.py --master 'local[2]' --partitions 4 --placet "$PLACET" --policies policies \
    --references "${references[@]}" --placements "$work/placements.jsonl" --as-of "$as_of" \
    --format "$format" --output "$work/out-$format" > "$work/spark-$format.log" 2>&1 \
    || { tail -40 "$work/spark-$format.log" >&2; echo "spark test: the $format job failed" >&2; exit 1; }
  python3 deploy/spark/compare.py "$work/single.json" "$work/out-$format" "$format" 2> "$work/compare-$format.log" \
    || { grep -v -e WARN -e '^Setting default log level' -e '^To adjust logging' "$work/compare-$format.log" >&2; exit 1; }
  passed=$((passed + 1))
done
echo "spark test: $count placements, local[2], jsonl and parquet, $((SECONDS - started)) s"
echo "spark: $passed passed, 0 failed"
