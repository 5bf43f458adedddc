#!/usr/bin/env python3
"""Crash safety of `ocular eval`: kill it at random moments, resume each time, and compare with a clean run.

1. Runs an uninterrupted reference eval with builtin:baseline (deterministic) into its own database and exports it.
2. Starts the same eval with a slow model -- builtin:baseline?latency_ms=N, or with --adapter stdio the slow stdio
   fake scripts/reliability/slow_adapter.py answering exactly like builtin:baseline -- and SIGKILLs it at seeded
   random moments: during start-up (before the run exists, or while a resume checks its suites), at a random
   moment while samples are being answered and committed, and near the end (all or nearly all samples stored).
   After each kill it runs `ocular eval --resume RUN` (or starts again if no run was created yet), until --kills
   kills have happened; then a last resume must complete. A few graceful stops (SIGTERM and SIGINT) are mixed in:
   each must exit with status 130, print "Resume with: ocular eval --resume N" and leave the run `interrupted`.
3. Compares the final export with the reference sample for sample (suite, id, repeat, status, score, extracted).

It counts kills survived, graceful stops, samples lost, duplicated and differing, answers redone (stdio only:
answers the model gave that a killed harness never stored, from the fake's answer log) and stray adapter processes
(a SIGKILLed ocular must not leave its stdio child running). It exits 1 on any loss, duplicate, difference, stray
process or failed check, and prints a summary table (and with --json the figures as JSON).

Standard library only. Build Ocular first: swift build -c release
"""
import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAKE = os.path.join(ROOT, "scripts", "reliability", "slow_adapter.py")
COMPARED = ("suite", "id", "repeat", "status", "score", "extracted")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--ocular", default=os.path.join(ROOT, ".build", "release", "ocular"),
                        help="the ocular binary (default: .build/release/ocular)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the kill schedule (default 1)")
    parser.add_argument("--kills", type=int, default=30, help="SIGKILLs to survive (default 30; at least 30 for the "
                        "reliability report)")
    parser.add_argument("--graceful", type=int, default=4,
                        help="graceful stops mixed in, alternating SIGTERM and SIGINT (default 4)")
    parser.add_argument("--latency-ms", type=int, default=60, help="the slow model's delay per answer (default 60)")
    parser.add_argument("--concurrency", type=int, default=4, help="ocular eval --concurrency (default 4)")
    parser.add_argument("--suites", default="all", help="suites to evaluate, comma-separated (default all bundled)")
    parser.add_argument("--suites-dir", default=os.path.join(ROOT, "benchmarks"),
                        help="the folder of suites (default: the bundled benchmarks/)")
    parser.add_argument("--adapter", choices=("builtin", "stdio"), default="builtin",
                        help="the slow model: builtin:baseline?latency_ms=N, or the stdio fake (default builtin)")
    parser.add_argument("--workdir", help="where databases and logs go (default: a new temporary folder, removed "
                        "at the end unless --keep)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    parser.add_argument("--verbose", action="store_true", help="describe every stop on stderr")
    args = parser.parse_args(argv)
    if args.kills < 1 or args.graceful < 0 or args.latency_ms < 1 or args.concurrency < 1:
        parser.error("--kills, --latency-ms and --concurrency must be positive, --graceful not negative")
    return args


class Failure(Exception):
    """A check that failed: reported, and the script exits 1."""


class Harness:
    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.rng = random.Random(args.seed)
        self.reference_db = os.path.join(workdir, "reference.sqlite")
        self.db = os.path.join(workdir, "killed.sqlite")
        self.answer_log = os.path.join(workdir, "answers.log")
        self.answers = os.path.join(workdir, "baseline-answers.jsonl")
        self.figures = {
            "adapter": args.adapter, "seed": args.seed, "latency_ms": args.latency_ms,
            "concurrency": args.concurrency, "suites": args.suites, "samples": 0, "launches": 0,
            "kills_asked": args.kills, "kills_survived": 0, "kills_by_moment": {"startup": 0, "running": 0,
                                                                                "near_end": 0},
            "graceful_asked": args.graceful, "graceful_stops": 0, "graceful_checks_failed": 0,
            "samples_lost": 0, "samples_duplicated": 0, "samples_differing": 0, "samples_extra": 0,
            "answers_redone": None, "answers_redone_max_per_stop": None, "error_samples_after_graceful_stop": 0,
            "stray_processes": 0, "slowest_adapter_exit_s": 0.0, "final_status": None, "seconds": 0.0,
        }
        self.problems = []

    # -- running ocular --------------------------------------------------------------------------------------------

    def common(self, db):
        return ["--suites-dir", self.args.suites_dir, "--db", db]

    def run_ocular(self, arguments, check=True):
        result = subprocess.run([self.args.ocular] + arguments, cwd=self.workdir, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if check and result.returncode != 0:
            raise Failure("ocular %s exited %d: %s" % (" ".join(arguments[:3]), result.returncode,
                                                       result.stderr.decode(errors="replace").strip()[-400:]))
        return result

    def launch(self, arguments):
        self.figures["launches"] += 1
        out = open(os.path.join(self.workdir, "launch-%03d.out" % self.figures["launches"]), "w+b")
        err = open(os.path.join(self.workdir, "launch-%03d.err" % self.figures["launches"]), "w+b")
        process = subprocess.Popen([self.args.ocular] + arguments, cwd=self.workdir, stdin=subprocess.DEVNULL,
                                   stdout=out, stderr=err)
        process.logs = (out, err)
        return process

    @staticmethod
    def stderr_of(process):
        err = process.logs[1]
        err.flush()
        err.seek(0)
        return err.read().decode(errors="replace")

    def export(self, db, run):
        result = self.run_ocular(["export", str(run), "--format", "jsonl", "--db", db])
        return [json.loads(line) for line in result.stdout.decode().splitlines() if line.strip()]

    # -- reading the store (read-only, never creating it) -----------------------------------------------------------

    def query(self, sql, arguments=()):
        if not os.path.exists(self.db):
            return None
        try:
            connection = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=5)
            try:
                return connection.execute(sql, arguments).fetchall()
            finally:
                connection.close()
        except sqlite3.Error:
            return None  # not created, or being created, yet

    def run_id(self):
        rows = self.query("SELECT id FROM runs ORDER BY id")
        return rows[0][0] if rows else None

    def stored(self, run):
        rows = self.query("SELECT COUNT(*) FROM samples WHERE run_id = ? AND status != 'error'", (run,))
        return rows[0][0] if rows else 0

    def status(self, run):
        rows = self.query("SELECT status FROM runs WHERE id = ?", (run,))
        return rows[0][0] if rows else None

    # -- the model --------------------------------------------------------------------------------------------------

    def model_spec(self):
        if self.args.adapter == "builtin":
            return "builtin:baseline?latency_ms=%d" % self.args.latency_ms
        return "stdio:%s %s --answers %s --latency-ms %d --max-concurrency %d --log %s" % (
            sys.executable, FAKE, self.answers, self.args.latency_ms, self.args.concurrency, self.answer_log)

    def write_stdio_answers(self):
        """The reference run's answers keyed by request messages, for the stdio fake."""
        connection = sqlite3.connect("file:%s?mode=ro" % self.reference_db, uri=True)
        seen = {}
        with open(self.answers, "w", encoding="utf-8") as handle:
            for request_json, response in connection.execute("SELECT request_json, response FROM samples"):
                messages = json.loads(request_json)["messages"]
                text = response.decode("utf-8") if isinstance(response, bytes) else response
                key = json.dumps(messages, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                if seen.setdefault(key, text) != text:
                    raise Failure("two reference samples share a prompt but not an answer; the stdio fake cannot "
                                  "tell them apart")
                handle.write(json.dumps({"messages": messages, "response": text}, ensure_ascii=False) + "\n")
        connection.close()

    def adapter_processes(self):
        """Live processes of this script's stdio fake (their command line names this work folder's answer log)."""
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as handle:
                    command = handle.read()
                with open("/proc/%s/stat" % entry) as handle:
                    state = handle.read().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if self.answer_log.encode() in command and FAKE.encode() in command and state != "Z":
                found.append(int(entry))
        return found

    def check_strays(self):
        """After a kill: the fake must exit by itself (stdin EOF) within 10 s; stragglers are counted and killed."""
        start = time.monotonic()
        while time.monotonic() - start < 10:
            if not self.adapter_processes():
                break
            time.sleep(0.02)
        elapsed = time.monotonic() - start
        self.figures["slowest_adapter_exit_s"] = max(self.figures["slowest_adapter_exit_s"], round(elapsed, 2))
        strays = self.adapter_processes()
        if strays:
            self.figures["stray_processes"] += len(strays)
            self.problems.append("%d adapter process(es) still running 10 s after ocular was killed" % len(strays))
            for pid in strays:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass

    def answers_given(self):
        if not os.path.exists(self.answer_log):
            return 0
        with open(self.answer_log) as handle:
            return sum(1 for _ in handle)

    # -- the experiment ---------------------------------------------------------------------------------------------

    def reference(self):
        suites = ["--suite", self.args.suites]
        self.run_ocular(["eval", "--model", "builtin:baseline"] + suites + self.common(self.reference_db))
        lines = self.export(self.reference_db, 1)
        self.figures["samples"] = len(lines)
        if not lines:
            raise Failure("the reference run stored no sample")
        if self.args.adapter == "stdio":
            self.write_stdio_answers()
        return lines

    def schedule(self, total):
        """The stops in order: kills at seeded moments, graceful stops among them, near-end kills last."""
        kills = self.args.kills
        near_end = max(1, kills // 10)
        startup = max(1, kills // 4)
        running = kills - near_end - startup
        if running < 1:
            running, startup = 1, max(0, kills - near_end - 1)
        # Running kills fire once the store holds a seeded target count; targets rise through the run.
        # They stay clear of the end (the requests in flight there could finish the run first): near-end kills
        # cover it.
        highest = max(1, total - 4 - 2 * self.args.concurrency)
        targets = sorted(self.rng.randint(1, highest) for _ in range(running + self.args.graceful))
        middle = [("kill", "running")] * running + [("graceful", None)] * self.args.graceful
        middle += [("kill", "startup")] * startup
        self.rng.shuffle(middle)
        stops = []
        for kind, moment in middle:
            if moment == "startup":
                stops.append((kind, moment, None))
            else:
                stops.append((kind, moment, targets.pop(0)))
        # Near the end: with 1, 2, 3... samples left, then one more try once every sample is stored (before the run
        # is marked complete), which counts only if it lands before the run completes.
        for left in range(near_end, 0, -1):
            stops.append(("kill", "near_end", max(1, total - left)))
        stops.append(("kill", "near_end", total))
        return stops

    def wait_for(self, process, target):
        """Polls the store until the run holds `target` answered samples; False if the process exited first."""
        while process.poll() is None:
            run = self.run_id()
            if run is not None and self.stored(run) >= target:
                return True
            time.sleep(0.005)
        return False

    def stop(self, process, kind, moment, target, graceful_count):
        """Carries out one stop; returns True if the process was still running when stopped."""
        if moment == "startup":
            # Before the run exists (first launch) or while a resume checks its suites.
            time.sleep(self.rng.uniform(0, 0.25))
        else:
            run = self.run_id()
            current = self.stored(run) if run is not None else 0
            if not self.wait_for(process, max(target, current + 1) if target < self.figures["samples"] else target):
                return False
            # A random moment between commits: mid-request, mid-write or mid-summary (near the end: at once).
            if moment != "near_end":
                time.sleep(self.rng.uniform(0, self.args.latency_ms / 1000.0))
        if process.poll() is not None:
            return False
        if kind == "kill":
            process.send_signal(signal.SIGKILL)
            process.wait()
            if process.returncode != -signal.SIGKILL:
                return False
            self.figures["kills_survived"] += 1
            self.figures["kills_by_moment"][moment] += 1
            return True
        signal_number = signal.SIGTERM if graceful_count % 2 == 0 else signal.SIGINT
        process.send_signal(signal_number)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            self.problems.append("a %s stop took over 60 s" % signal.Signals(signal_number).name)
            return True
        self.figures["graceful_stops"] += 1
        run = self.run_id()
        text = self.stderr_of(process)
        expected = "Resume with: ocular eval --resume %s" % run
        ok = process.returncode == 130 and expected in text and self.status(run) == "interrupted"
        if process.returncode == 0 and self.status(run) == "completed":
            ok = True  # the run finished before the signal was handled
        if not ok:
            self.figures["graceful_checks_failed"] += 1
            self.problems.append("%s stop: exit %s, status %s, stderr %r" % (
                signal.Signals(signal_number).name, process.returncode, self.status(run), text[-300:]))
        errors = self.query("SELECT COUNT(*) FROM samples WHERE run_id = ? AND status = 'error'", (run,))
        if errors and errors[0][0]:
            self.figures["error_samples_after_graceful_stop"] += errors[0][0]
            self.problems.append("a graceful stop left %d samples stored as errors" % errors[0][0])
        return True

    def launch_eval(self, concurrency=None):
        run = self.run_id()
        concurrency = str(concurrency or self.args.concurrency)
        if run is None:
            return self.launch(["eval", "--model", self.model_spec(), "--suite", self.args.suites,
                                "--concurrency", concurrency] + self.common(self.db))
        return self.launch(["eval", "--resume", str(run), "--concurrency", concurrency] + self.common(self.db))

    def experiment(self):
        started = time.monotonic()
        expected = self.reference()
        total = len(expected)
        redone = []
        graceful = 0
        for kind, moment, target in self.schedule(total):
            if self.run_id() is not None and self.status(self.run_id()) == "completed":
                break
            before = self.answers_given(), self.stored(self.run_id()) if self.run_id() is not None else 0
            # Near the end one request at a time, so the last samples are committed one by one, not in one batch.
            process = self.launch_eval(1 if moment == "near_end" else None)
            stopped = self.stop(process, kind, moment, target, graceful)
            if not stopped:
                process.wait()
            if kind == "graceful" and stopped:
                graceful += 1
            if self.args.verbose:
                print("launch %d: %s %s target=%s -> exit %s, stored %d" % (
                    self.figures["launches"], kind, moment, target, process.returncode,
                    self.stored(self.run_id()) if self.run_id() is not None else 0), file=sys.stderr)
            if self.args.adapter == "stdio":
                self.check_strays()
                after = self.answers_given(), self.stored(self.run_id()) if self.run_id() is not None else 0
                redone.append((after[0] - before[0]) - (after[1] - before[1]))
        # The last resume must complete the run.
        run = self.run_id()
        if run is None or self.status(run) != "completed":
            process = self.launch_eval()
            process.wait()
            if process.returncode != 0:
                self.problems.append("the final resume exited %d: %s" % (process.returncode,
                                                                        self.stderr_of(process)[-400:]))
            if self.args.adapter == "stdio":
                self.check_strays()
        run = self.run_id()
        self.figures["final_status"] = self.status(run)
        if self.figures["final_status"] != "completed":
            self.problems.append("the run ended %s, not completed" % self.figures["final_status"])
        if self.args.adapter == "stdio":
            self.figures["answers_redone"] = self.answers_given() - total
            self.figures["answers_redone_max_per_stop"] = max(redone) if redone else 0
        self.compare(expected, self.export(self.db, run))
        if self.figures["kills_survived"] < self.args.kills:  # the extra try at the very end may miss
            self.problems.append("only %d of %d kills happened (the run finished first; raise --latency-ms)" % (
                self.figures["kills_survived"], self.args.kills))
        if graceful < self.args.graceful:
            self.problems.append("only %d of %d graceful stops happened" % (graceful, self.args.graceful))
        self.figures["seconds"] = round(time.monotonic() - started, 1)

    def compare(self, expected, actual):
        def key(line):
            return (line["suite"], line["id"], line["repeat"])

        reference = {key(line): tuple(line[field] for field in COMPARED) for line in expected}
        seen = {}
        for line in actual:
            seen.setdefault(key(line), []).append(tuple(line[field] for field in COMPARED))
        self.figures["samples_lost"] = sum(1 for k in reference if k not in seen)
        self.figures["samples_duplicated"] = sum(len(v) - 1 for v in seen.values())
        self.figures["samples_extra"] = sum(1 for k in seen if k not in reference)
        self.figures["samples_differing"] = sum(
            1 for k, values in seen.items() if k in reference and any(v != reference[k] for v in values))
        for name in ("samples_lost", "samples_duplicated", "samples_extra", "samples_differing"):
            if self.figures[name]:
                self.problems.append("%s: %d" % (name, self.figures[name]))


def table(figures, problems):
    rows = [
        ("adapter", figures["adapter"]),
        ("samples (reference run)", figures["samples"]),
        ("launches of ocular eval", figures["launches"]),
        ("kills survived (SIGKILL)", "%d (start-up %d, running %d, near the end %d)" % (
            figures["kills_survived"], figures["kills_by_moment"]["startup"], figures["kills_by_moment"]["running"],
            figures["kills_by_moment"]["near_end"])),
        ("graceful stops (SIGTERM/SIGINT)", "%d (%d failed their checks)" % (
            figures["graceful_stops"], figures["graceful_checks_failed"])),
        ("samples lost", figures["samples_lost"]),
        ("samples duplicated", figures["samples_duplicated"]),
        ("samples differing", figures["samples_differing"]),
        ("answers redone after stops", "n/a (in-process model)" if figures["answers_redone"] is None else
         "%d in all, at most %d per stop" % (figures["answers_redone"], figures["answers_redone_max_per_stop"])),
        ("stray adapter processes", figures["stray_processes"]),
        ("final run status", figures["final_status"]),
        ("seconds", figures["seconds"]),
    ]
    width = max(len(name) for name, _ in rows)
    text = "\n".join("%s  %s" % (name.ljust(width), value) for name, value in rows)
    text += "\n" + ("result  PASS" if not problems else "result  FAIL\n" + "\n".join("  - " + p for p in problems))
    return text


def main(argv=None):
    args = parse_args(argv)
    if not os.access(args.ocular, os.X_OK):
        print("kill_resume.py: no ocular binary at %s; build it with: swift build -c release" % args.ocular,
              file=sys.stderr)
        return 2
    args.ocular = os.path.abspath(args.ocular)
    args.suites_dir = os.path.abspath(args.suites_dir)
    workdir = os.path.abspath(args.workdir) if args.workdir else tempfile.mkdtemp(prefix="ocular-kill-resume-")
    os.makedirs(workdir, exist_ok=True)
    for name in ("reference.sqlite", "killed.sqlite", "answers.log"):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(os.path.join(workdir, name + suffix)):
                os.remove(os.path.join(workdir, name + suffix))
    harness = Harness(args, workdir)
    try:
        harness.experiment()
    except Failure as failure:
        harness.problems.append(str(failure))
    figures = dict(harness.figures, problems=harness.problems, passed=not harness.problems)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(table(harness.figures, harness.problems))
    if not args.keep and not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    elif args.keep or args.workdir:
        print("work folder: %s" % workdir, file=sys.stderr)
    return 0 if not harness.problems else 1


if __name__ == "__main__":
    sys.exit(main())
