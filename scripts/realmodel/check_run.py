#!/usr/bin/env python3
"""Assertions of the real-model check on a run database (standard library only).

    check_run.py samples DB RUN [--min-differing 0.8] [--logprobs required|optional]
    check_run.py same-answers DB_A RUN_A DB_B RUN_B [--think TEXT]
    check_run.py judged DB RUN RESCORED_RUN

Each failed assertion prints one line starting with "FAIL " and the command exits 1; each passed one prints a line
starting with "ok ". The databases are only read.
"""
import argparse
import json
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


def exchanges(db, run):
    """The run's judge calls by (suite, sample_id, repeat), in order."""
    calls = defaultdict(list)
    with open_read_only(db) as connection:
        cursor = connection.execute(
            "SELECT suite, sample_id, repeat, prompt, temperature, max_tokens, seed, top_p, reply, failure "
            "FROM judge_exchanges WHERE run_id = ? ORDER BY suite, sample_id, repeat, position", (run,))
        for row in cursor:
            values = [v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in row]
            calls[tuple(values[:3])].append(dict(zip(
                ["prompt", "temperature", "max_tokens", "seed", "top_p", "reply", "failure"], values[3:])))
    return calls


def is_json(text):
    try:
        json.loads(text)
        return True
    except (TypeError, ValueError):
        return False


def check_judged(args):
    """A --judge run: every call stored with its reference's settings, retries stopping at the reference's limit,
    and a rescore that replays the calls into the same rows."""
    report = Report(args.label)
    samples = rows(args.db, args.run, ["suite", "sample_id", "repeat", "status", "score", "notes"])
    report.check(len(samples) > 0, "samples stored", "%d" % len(samples))
    errors = [s for s in samples if s["status"] == "error"]
    report.check(not errors, "0 samples in error", "%d in error" % len(errors))
    calls = exchanges(args.db, args.run)
    unjudged = [s for s in samples if not calls.get((s["suite"], s["sample_id"], s["repeat"]))]
    report.check(not unjudged, "every MathVerse and CharXiv sample asked the judge",
                 "%d calls for %d samples" % (sum(len(c) for c in calls.values()), len(samples)))
    failed = [c for cs in calls.values() for c in cs if c["failure"]]
    report.check(not failed, "no judge call failed", failed[0]["failure"][:200] if failed else "")
    bad = []
    for (suite, sample_id, _), cs in calls.items():
        settings = [(c["temperature"], c["max_tokens"], c["seed"], c["top_p"]) for c in cs]
        if suite == "mathverse":
            # Stage 1: one extraction call (the tiny model never replies with the failure text); stage 2, when the
            # extract is not the gold: the 0/1 question at temperature 0.5 * i, at most 5 calls, asked again while
            # the stripped reply is not 0 or 1.
            first, second = cs[:1], cs[1:]
            expected = [(0.0, 128, None, None)] + [(0.5 * i, 128, None, None) for i in range(len(second))]
            ok = (first[0]["prompt"].endswith("Extracted Answer: ") and settings == expected and len(second) <= 5
                  and all(c["prompt"].endswith("Judgement:") for c in second)
                  and all((c["reply"] or "").strip() not in ("0", "1") for c in second[:-1])
                  and (not second or len(second) == 5 or (second[-1]["reply"] or "").strip() in ("0", "1")))
        else:
            # CharXiv's auxeval: temperature 0, 256 tokens, seed 42, top_p 1, asked again while the reply is not
            # JSON, 10 calls at most.
            ok = (settings == [(0.0, 256, 42, 1.0)] * len(cs) and len(cs) <= 10
                  and all(not is_json(c["reply"]) for c in cs[:-1])
                  and (len(cs) == 10 or is_json(cs[-1]["reply"])))
        if not ok:
            bad.append("%s/%s: %s" % (suite, sample_id, settings))
    report.check(not bad, "calls follow the reference's settings and retry limits", bad[0] if bad else
                 "%d samples; %d calls" % (len(calls), sum(len(c) for c in calls.values())))
    limits = sum(1 for (suite, _, _), cs in calls.items() if len(cs) == (6 if suite == "mathverse" else 10))
    print("info %s: %d of %d samples used every call the reference allows (the tiny model's replies are noise)"
          % (args.label, limits, len(calls)))
    again = rows(args.db, args.rescored, ["suite", "sample_id", "repeat", "status", "score", "notes"])
    report.check(again == samples and exchanges(args.db, args.rescored) == calls,
                 "ocular rescore replays the calls into the same rows", "%d rows" % len(again))
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
    judged = commands.add_parser("judged")
    judged.add_argument("db")
    judged.add_argument("run", type=int)
    judged.add_argument("rescored", type=int)
    judged.add_argument("--label", default="judged")
    args = parser.parse_args()
    if args.command == "judged":
        return 1 if check_judged(args) else 0
    failures = check_samples(args) if args.command == "samples" else check_same_answers(args)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
