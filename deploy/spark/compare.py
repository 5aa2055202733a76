"""Compares the Spark job's output with single-process `placet check --format json` on the same
placements: every decision, by placement id, every field (and, for JSON Lines, every byte of the
compact object), the per-rule summary and the totals. Exits 1 at the first difference.

    python3 compare.py SINGLE.json OUTPUT jsonl|parquet
"""

import glob
import json
import sys


def fail(message):
    print(f"compare: {message}", file=sys.stderr)
    sys.exit(1)


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def parquet_decisions(folder):
    from pyspark.sql import SparkSession
    spark = SparkSession.builder.master("local[2]").appName("placet-compare").getOrCreate()
    decisions = []
    for row in spark.read.parquet(folder).collect():
        decision = row.asDict(recursive=True)
        if decision.get("errors") is None:
            del decision["errors"]
        for finding in decision.get("findings") or []:
            if finding.get("waiver") is None:
                del finding["waiver"]
        decisions.append((None, decision))
    spark.stop()
    return decisions


def main(single_path, output, form):
    single = json.load(open(single_path, encoding="utf-8"))
    expected = {decision["placement"]: decision for decision in single["decisions"]}
    if form == "jsonl":
        lines = [line.rstrip("\n") for path in sorted(glob.glob(output + "/decisions/part-*"))
                 for line in open(path, encoding="utf-8")]
        decisions = [(line, json.loads(line)) for line in lines]
    else:
        decisions = parquet_decisions(output + "/decisions")
    seen = set()
    for line, decision in decisions:
        placement = decision.get("placement")
        if decision.get("decision") == "error":
            fail(f"placement {placement} is an error line: {decision.get('errors')}")
        if placement in seen:
            fail(f"placement {placement} decided twice")
        seen.add(placement)
        if placement not in expected:
            fail(f"placement {placement} is not in the single-process report")
        if decision != expected[placement]:
            fail(f"placement {placement} differs:\n spark:  {compact(decision)}\n single: {compact(expected[placement])}")
        if line is not None and line != compact(expected[placement]):
            fail(f"placement {placement}: the line is not the report's decision object byte for byte:\n{line}")
    if seen != set(expected):
        fail(f"{len(set(expected) - seen)} placements of the single-process report are missing")

    rules = {}
    for decision in single["decisions"]:
        for finding in decision["findings"]:
            rule = rules.setdefault(finding["rule"], {"rule": finding["rule"], "block": 0, "warn": 0, "waived": 0, "placements": set()})
            rule["block"] += finding["effect"] == "block" and not finding["waived"]
            rule["warn"] += finding["effect"] == "warn"
            rule["waived"] += finding["waived"]
            rule["placements"].add(decision["placement"])
    expected_rules = [dict(rule, placements=len(rule["placements"])) for _, rule in sorted(rules.items())]
    spark_rules = [json.loads(line) for path in sorted(glob.glob(output + "/rules/part-*")) for line in open(path)]
    if spark_rules != expected_rules:
        fail(f"per-rule summary differs:\n spark:  {spark_rules}\n single: {expected_rules}")

    summary = json.loads(open(glob.glob(output + "/summary/part-*")[0]).read())
    if summary["summary"] != dict(single["summary"], errors=0) or summary["errors"]:
        fail(f"summary differs: {summary} vs {single['summary']}")
    if summary["notices"] != single["notices"] or summary["policyDigest"] != single["policyDigest"]:
        fail("notices or policy digest differ")
    print(f"compare: {form}: {len(seen)} decisions, {len(expected_rules)} rules, totals equal to single-process check")


if __name__ == "__main__":
    main(*sys.argv[1:4])
