"""Placet on Apache Spark: decide a data lake's whole placement history on a cluster.

Spark does the distribution; placet does the deciding, the same binary and policies as on one
machine. The driver ships the placet binary, the policies and the reference manifests
(datasets, models, targets, controllers, waivers) to every executor with SparkContext.addFile;
each partition of the placements (JSON Lines) is piped through

    placet check --stream --allow-empty --placements - REFERENCES...

with RDD.pipe. Every output line is one placement's decision object, exactly as
`placet check --format json` lists it, or an error line; the last line of each partition is
that partition's summary. The job writes

    OUTPUT/decisions/   one line per placement (JSON Lines, placet's bytes), or Parquet
    OUTPUT/rules/       per rule: block, warn and waived findings, and placements it fired on
    OUTPUT/summary/     one JSON object: totals, waiver notices, errors

and exits 0 when every placement was decided, 2 when anything was in error: a line placet
refused, a partition without its summary line (placet did not finish), or a placement id
given more than once across partitions (each placet process only sees its own partition).
"""

import argparse
import json
import os
import shlex
import sys

from pyspark import SparkFiles, StorageLevel
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

FINDING = T.StructType([
    T.StructField("rule", T.StringType()),
    T.StructField("effect", T.StringType()),
    T.StructField("waived", T.BooleanType()),
    T.StructField("waiver", T.StringType()),
    T.StructField("subjects", T.ArrayType(T.StringType())),
    T.StructField("message", T.StringType()),
    T.StructField("citations", T.ArrayType(T.StringType())),
])
ERROR = T.StructType([
    T.StructField("file", T.StringType()),
    T.StructField("line", T.LongType()),
    T.StructField("column", T.LongType()),
    T.StructField("id", T.StringType()),
    T.StructField("message", T.StringType()),
])
# A decision line, or an error line (decision "error", with errors instead of findings).
DECISION = T.StructType([
    T.StructField("placement", T.StringType()),
    T.StructField("decision", T.StringType()),
    T.StructField("findings", T.ArrayType(FINDING)),
    T.StructField("errors", T.ArrayType(ERROR)),
])
SUMMARY_PREFIX = '{"summary":'


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--placet", required=True, help="the placet binary for the executors' platform")
    parser.add_argument("--references", nargs="+", required=True,
                        help="reference manifest files or folders (every kind but Placement)")
    parser.add_argument("--placements", required=True,
                        help="placements as JSON Lines: any path or glob Spark reads (local, HDFS, S3, ...)")
    parser.add_argument("--output", required=True, help="folder to write decisions/, rules/ and summary/ into")
    parser.add_argument("--as-of", required=True, help="evaluation date, YYYY-MM-DD (fixed, so reruns agree)")
    parser.add_argument("--policies", help="policy folder; default: the baseline pack bundled in the binary")
    parser.add_argument("--format", choices=["jsonl", "parquet"], default="jsonl", help="format of decisions/")
    parser.add_argument("--partitions", type=int, help="partitions of the placements (default: Spark's)")
    parser.add_argument("--master", help="Spark master, for running without spark-submit (local[2] in the tests)")
    return parser.parse_args(argv)


def ship(spark, arguments):
    """Adds every file placet needs to the job and returns the command each partition runs."""
    context = spark.sparkContext
    shipped = []
    for path in [arguments.placet] + ([arguments.policies] if arguments.policies else []) + arguments.references:
        path = os.path.abspath(path.rstrip("/"))
        name = os.path.basename(path)
        if name in shipped:
            sys.exit(f"placet_spark: two inputs are named {name}; executors receive files by name, so rename one")
        context.addFile(path, recursive=os.path.isdir(path))
        shipped.append(name)
    placet, references = shipped[0], shipped[2 if arguments.policies else 1:]
    command = ["check", "--stream", "--allow-empty", "--placements", "-", "--as-of", arguments.as_of]
    if arguments.policies:
        command += ["--policies", "$root/" + shipped[1]]
    command += ["$root/" + name for name in references]
    # Executors fetch added files into their working folder; in local mode they stay in the
    # driver's SparkFiles folder. The shell picks whichever holds the binary.
    script = ('root="$PLACET_FILES"; [ -x "$root/%s" ] || root=.; exec "$root/%s" %s'
              % (placet, placet, " ".join('"%s"' % part if part.startswith("$root/") else shlex.quote(part)
                                          for part in command)))
    environment = {"PLACET_FILES": SparkFiles.getRootDirectory(), "PATH": "/usr/bin:/bin"}
    return "/bin/sh -c " + shlex.quote(script), environment


def main(argv):
    arguments = parse_arguments(argv)
    builder = SparkSession.builder.appName("placet").config("spark.ui.showConsoleProgress", "false")
    if arguments.master:
        builder = builder.master(arguments.master)
    spark = builder.getOrCreate()
    command, environment = ship(spark, arguments)

    placements = spark.sparkContext.textFile(arguments.placements, minPartitions=arguments.partitions)
    # Each partition's lines, then its summary (placet always writes it, last).
    # Kept, so writing and summing do not run placet twice over the same partition.
    lines = placements.pipe(command, env=environment).persist(StorageLevel.MEMORY_AND_DISK)
    decisions = lines.filter(lambda line: not line.startswith(SUMMARY_PREFIX))
    summaries = [json.loads(line) for line in lines.filter(lambda line: line.startswith(SUMMARY_PREFIX)).collect()]
    partitions = placements.getNumPartitions()

    output = arguments.output.rstrip("/")
    if arguments.format == "jsonl":
        decisions.saveAsTextFile(output + "/decisions")
    table = spark.read.schema(DECISION).json(decisions).cache()
    if arguments.format == "parquet":
        table.write.parquet(output + "/decisions")

    findings = table.select("placement", F.explode("findings").alias("f"))
    rules = (findings.groupBy(F.col("f.rule").alias("rule"))
             .agg(F.sum(F.when((F.col("f.effect") == "block") & ~F.col("f.waived"), 1).otherwise(0)).alias("block"),
                  F.sum(F.when(F.col("f.effect") == "warn", 1).otherwise(0)).alias("warn"),
                  F.sum(F.when(F.col("f.waived"), 1).otherwise(0)).alias("waived"),
                  F.countDistinct("placement").alias("placements"))
             .orderBy("rule"))
    rules.coalesce(1).write.json(output + "/rules")

    duplicates = [row["placement"] for row in
                  table.where(F.col("placement").isNotNull()).groupBy("placement").count()
                  .where(F.col("count") > 1).orderBy("placement").limit(100).collect()]
    totals = {key: sum(s["summary"][key] for s in summaries)
              for key in ["placements", "approved", "blocked", "warnings", "waived", "errors"]}
    notices = {notice["waiver"]: notice for s in summaries for notice in s["notices"]}
    errors = [error for s in summaries for error in s["errors"]]
    if len(summaries) != partitions:
        errors.append({"id": "spark.unfinishedPartition",
                       "message": f"{partitions - len(summaries)} of {partitions} partitions ended without placet's "
                                  "summary line: placet failed there (see the executors' logs)"})
    if not totals["placements"] and not totals["errors"]:
        errors.append({"id": "check.noPlacements", "message": f"no placements in {arguments.placements}: nothing to decide"})
    for placement in duplicates:
        errors.append({"id": "spark.duplicateID",
                       "message": f"placement id '{placement}' is given more than once across partitions"})
    summary = {
        "summary": totals,
        "engine": summaries[0]["engine"] if summaries else None,
        "policyDigest": summaries[0]["policyDigest"] if summaries else None,
        "asOf": arguments.as_of,
        "partitions": partitions,
        "notices": [notices[key] for key in sorted(notices)],
        "errors": errors,
    }
    spark.createDataFrame([(json.dumps(summary),)], ["value"]).coalesce(1).write.text(output + "/summary")
    print(json.dumps(summary))
    spark.stop()
    return 2 if totals["errors"] or errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
