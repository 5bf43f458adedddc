#!/usr/bin/env python3
"""Assertions of the real-model check on a run database (standard library only).

    check_run.py samples DB RUN [--min-differing 0.8] [--logprobs required|optional]
    check_run.py same-answers DB_A RUN_A DB_B RUN_B [--think TEXT]

Each failed assertion prints one line starting with "FAIL " and the command exits 1; each passed one prints a line
starting with "ok ". The databases are only read.
"""
import argparse
import os
import sqlite3
import sys
from collections import defaultdict


class Report:
    """Collects assertion outcomes and prints one line each."""

    def __init__(self, label):
        self.label = label
        self.failures = 0

    def check(self, condition, what, detail=""):
        line = "%s %s: %s%s" % ("ok  " if condition else "FAIL", self.label, what, (" (%s)" % detail) if detail else "")
        print(line, flush=True)
        if not condition:
            self.failures += 1


def open_read_only(path):
    return sqlite3.connect("file:%s?mode=ro" % path, uri=True)


def rows(db, run, columns):
    """The run's samples; none when the database does not exist (the eval stopped before storing anything)."""
    if not os.path.exists(db):
        return []
    with open_read_only(db) as connection:
        cursor = connection.execute("SELECT %s FROM samples WHERE run_id = ? ORDER BY suite, sample_id, repeat"
                                    % ", ".join(columns), (run,))
        return [dict(zip(columns, [v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in row]))
                for row in cursor]


def check_samples(args):
    report = Report(args.label)
    samples = rows(args.db, args.run, ["suite", "sample_id", "repeat", "status", "error", "response",
                                       "logprob_count"])
    report.check(len(samples) > 0, "samples stored", "%d" % len(samples))
    suites = sorted({s["suite"] for s in samples})
    if args.suites:
        report.check(suites == sorted(args.suites.split(",")), "every suite answered", ",".join(suites))
    errors = [s for s in samples if s["status"] == "error"]
    first = errors[0] if errors else None
    report.check(not errors, "0 samples in error", "%d in error; first: %s/%s: %s" % (
        len(errors), first["suite"], first["sample_id"], (first["error"] or "")[:300]) if first else "0 of %d"
        % len(samples))
    if args.min_differing is not None:
        groups = defaultdict(dict)
        for sample in samples:
            if sample["status"] != "error":
                groups[(sample["suite"], sample["sample_id"])][sample["repeat"]] = sample["response"]
        pairs = [g for g in groups.values() if 0 in g and 1 in g]
        differing = sum(1 for g in pairs if g[0] != g[1])
        fraction = differing / len(pairs) if pairs else 0.0
        report.check(bool(pairs) and fraction >= args.min_differing,
                     "repeats 0 and 1 differ in at least %.0f%% of samples" % (100 * args.min_differing),
                     "%d of %d pairs differ: %.1f%%" % (differing, len(pairs), 100 * fraction))
    answered = [s for s in samples if s["status"] != "error"]
    with_logprobs = [s for s in answered if (s["logprob_count"] or 0) > 0]
    if args.logprobs == "required":
        report.check(bool(answered) and len(with_logprobs) == len(answered), "logprobs stored on every answered sample",
                     "%d of %d" % (len(with_logprobs), len(answered)))
    else:
        print("info %s: logprobs stored on %d of %d answered samples (the server %s them)" % (
            args.label, len(with_logprobs), len(answered), "returns" if with_logprobs else "does not return"))
    return report.failures


def check_same_answers(args):
    report = Report(args.label)
    columns = ["suite", "sample_id", "repeat", "status", "response", "extracted", "score"]
    a = {(s["suite"], s["sample_id"], s["repeat"]): s for s in rows(args.db_a, args.run_a, columns)}
    b = {(s["suite"], s["sample_id"], s["repeat"]): s for s in rows(args.db_b, args.run_b, columns)}
    report.check(bool(a) and set(a) == set(b), "both paths answered the same samples", "%d and %d" % (len(a), len(b)))
    for name, side in (("stdio", a), ("http", b)):
        missing = [k for k, s in side.items() if args.think not in (s["response"] or "")]
        example = side[missing[0]]["response"] if missing else ""
        report.check(bool(side) and not missing, "%s responses keep the think block %s" % (name, args.think),
                     "%d of %d without it; e.g. %r" % (len(missing), len(side), (example or "")[:80]) if missing
                     else "%d of %d" % (len(side), len(side)))
    keys = sorted(set(a) & set(b))
    different = [k for k in keys if (a[k]["extracted"], a[k]["score"], a[k]["status"])
                 != (b[k]["extracted"], b[k]["score"], b[k]["status"])]
    detail = "%d of %d differ" % (len(different), len(keys))
    if different:
        k = different[0]
        detail += "; e.g. %s/%s: stdio %r %s %s, http %r %s %s" % (
            k[0], k[1], a[k]["extracted"], a[k]["status"], a[k]["score"], b[k]["extracted"], b[k]["status"],
            b[k]["score"])
    report.check(bool(keys) and not different, "extracted answers and scores identical on both paths", detail)
    return report.failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    samples = commands.add_parser("samples")
    samples.add_argument("db")
    samples.add_argument("run", type=int)
    samples.add_argument("--label", default="run")
    samples.add_argument("--suites")
    samples.add_argument("--min-differing", type=float)
    samples.add_argument("--logprobs", choices=["required", "optional"], default="required")
    same = commands.add_parser("same-answers")
    same.add_argument("db_a")
    same.add_argument("run_a", type=int)
    same.add_argument("db_b")
    same.add_argument("run_b", type=int)
    same.add_argument("--label", default="paths")
    same.add_argument("--think", default="<think>ok</think>")
    args = parser.parse_args()
    failures = check_samples(args) if args.command == "samples" else check_same_answers(args)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
