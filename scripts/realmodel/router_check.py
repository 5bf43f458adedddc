#!/usr/bin/env python3
"""Scale-out check: `ocular eval` through a real nginx router (least_conn) in front of three real model servers.

Three `transformers serve` processes serve the same tiny random-weight Qwen3-VL checkpoint on 127.0.0.1; nginx
balances them with least_conn. A reference run goes through the router undisturbed. A second, identical run has one
server killed (SIGKILL) while requests are in flight and restarted on the same port. The check passes when the
disturbed run completes with exit 0, no sample in error, the same samples, and the same responses and scores as
the reference run, and when nginx's logs show that the kill really cost requests (failed upstream connections).

Run by scripts/check_router.sh, which prepares the venv, the ocular binary and nginx. Standard library only.
"""
import argparse
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SUITES = ["mmstar", "docvqa", "chartqa", "refcoco", "mmmu"]
RESULTS = []


def say(message):
    print("router: " + message, flush=True)


def check(name, condition, detail="", detail_on_failure=""):
    RESULTS.append(bool(condition))
    detail = detail or ("" if condition else detail_on_failure)
    say(("ok   " if condition else "FAIL ") + name + (" (%s)" % detail if detail else ""))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_ready(url, deadline, process=None):
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit("router: a model server exited during start-up (status %s)" % process.returncode)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("router: %s not ready in time" % url)


class Servers:
    """The model servers and the router, stopped together."""

    def __init__(self, python, checkpoint, work):
        self.python = python
        self.checkpoint = checkpoint
        self.work = work
        self.ports = [free_port() for _ in range(3)]
        self.processes = [None, None, None]
        self.nginx = None
        self.router_port = free_port()

    def start_model(self, index):
        env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", OMP_NUM_THREADS="1")
        log = open(os.path.join(self.work, "serve-%d.log" % index), "ab")
        transformers = os.path.join(os.path.dirname(self.python), "transformers")
        self.processes[index] = subprocess.Popen(
            [transformers, "serve", self.checkpoint, "--host", "127.0.0.1", "--port", str(self.ports[index]),
             "--device", "cpu", "--dtype", "float32"],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def wait_model(self, index, seconds=600):
        wait_ready("http://127.0.0.1:%d/v1/models" % self.ports[index], time.monotonic() + seconds,
                   self.processes[index])

    def kill_model(self, index):
        os.killpg(self.processes[index].pid, signal.SIGKILL)
        self.processes[index].wait()

    def start_router(self):
        prefix = os.path.join(self.work, "nginx")
        os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
        upstreams = "".join("    server 127.0.0.1:%d max_fails=0;\n" % port for port in self.ports)
        config = """worker_processes 1;
pid %(prefix)s/nginx.pid;
error_log %(prefix)s/logs/error.log warn;
events { worker_connections 256; }
http {
  access_log %(prefix)s/logs/access.log;
  client_body_temp_path %(prefix)s/body;
  proxy_temp_path %(prefix)s/proxy;
  fastcgi_temp_path %(prefix)s/fastcgi;
  uwsgi_temp_path %(prefix)s/uwsgi;
  scgi_temp_path %(prefix)s/scgi;
  client_max_body_size 64m;
  client_body_buffer_size 64m;
  upstream models {
    least_conn;
%(upstreams)s  }
  server {
    listen 127.0.0.1:%(port)d;
    location / {
      proxy_pass http://models;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_read_timeout 600s;
      proxy_next_upstream error timeout http_502 http_503;
    }
  }
}
""" % {"prefix": prefix, "upstreams": upstreams, "port": self.router_port}
        path = os.path.join(prefix, "nginx.conf")
        with open(path, "w") as handle:
            handle.write(config)
        subprocess.run(["nginx", "-t", "-c", path, "-p", prefix], check=True, capture_output=True)
        self.nginx = subprocess.Popen(["nginx", "-c", path, "-p", prefix, "-g", "daemon off;"],
                                      start_new_session=True)
        wait_ready("http://127.0.0.1:%d/v1/models" % self.router_port, time.monotonic() + 60, self.nginx)

    def router_log(self, name):
        path = os.path.join(self.work, "nginx", "logs", name)
        return open(path, encoding="utf-8", errors="replace").read() if os.path.exists(path) else ""

    def stop(self):
        for process in self.processes + [self.nginx]:
            if process is not None and process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()


def stored(db):
    """(suite, id, repeat) -> (status, response, score) of a run database, read-only."""
    connection = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        rows = connection.execute("SELECT suite, sample_id, repeat, status, response, score FROM samples").fetchall()
    finally:
        connection.close()
    return {(row[0], row[1], row[2]): (row[3], row[4], row[5]) for row in rows}


def count(db):
    try:
        connection = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=1)
        try:
            return connection.execute("SELECT COUNT(*) FROM samples").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error:
        return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", required=True, help="the venv's python (scripts/realmodel/setup_venv.sh)")
    parser.add_argument("--ocular", required=True, help="the ocular binary")
    parser.add_argument("--kill-after", type=int, default=15, help="samples stored before a server is killed")
    parser.add_argument("--checkpoint", help="an existing checkpoint folder (default: build the tiny one)")
    args = parser.parse_args()

    started = time.monotonic()
    work = tempfile.mkdtemp(prefix="ocular-router-")
    os.chmod(work, 0o755)  # nginx's workers run as another user and must reach its temporary folders
    checkpoint = args.checkpoint or os.path.join(work, "tiny-qwen3-vl")
    if not args.checkpoint:
        subprocess.run([args.python, os.path.join(ROOT, "scripts", "realmodel", "make_tiny_qwen3vl.py"),
                        "--out", checkpoint], check=True, stdout=subprocess.DEVNULL)
    servers = Servers(args.python, checkpoint, work)
    try:
        for index in range(3):
            servers.start_model(index)
        for index in range(3):
            servers.wait_model(index)
        servers.start_router()
        say("3 model servers and nginx (least_conn) up in %.0f s" % (time.monotonic() - started))
        model = "openai:http://127.0.0.1:%d/v1#%s" % (servers.router_port, checkpoint)
        common = ["eval", "--model", model, "--suite", ",".join(SUITES), "--suites-dir",
                  os.path.join(ROOT, "benchmarks"), "--temperature", "0", "--max-tokens", "12",
                  "--concurrency", "6", "--max-consecutive-errors", "0"]

        reference_db = os.path.join(work, "reference.sqlite")
        clock = time.monotonic()
        reference = subprocess.run([args.ocular] + common + ["--db", reference_db], capture_output=True, text=True,
                                   stdin=subprocess.DEVNULL)
        reference_seconds = time.monotonic() - clock
        check("undisturbed run exits 0", reference.returncode == 0, detail_on_failure=reference.stderr.strip()[-300:])
        before = stored(reference_db)
        check("undisturbed run has no sample in error",
              all(value[0] != "error" for value in before.values()), "%d samples" % len(before))

        disturbed_db = os.path.join(work, "disturbed.sqlite")
        clock = time.monotonic()
        run = subprocess.Popen([args.ocular] + common + ["--db", disturbed_db], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        while count(disturbed_db) < args.kill_after and run.poll() is None:
            time.sleep(0.05)
        killed_at = count(disturbed_db)
        servers.kill_model(1)
        killed = time.monotonic()
        say("killed model server 2 (port %d) after %d samples were stored" % (servers.ports[1], killed_at))
        restart = {}

        def restart_killed():
            time.sleep(2)
            servers.start_model(1)
            try:
                servers.wait_model(1)
                restart["seconds"] = time.monotonic() - killed
            except SystemExit as error:
                restart["error"] = str(error)

        restarter = threading.Thread(target=restart_killed)
        restarter.start()
        output, errors = run.communicate()
        disturbed_seconds = time.monotonic() - clock
        restarter.join()
        check("the killed server came back", "seconds" in restart,
              "%.1f s after the kill" % restart["seconds"] if "seconds" in restart else restart.get("error", ""))
        check("the kill came while the run was going", killed_at < len(before), "%d of %d" % (killed_at, len(before)))
        check("disturbed run exits 0", run.returncode == 0, detail_on_failure=errors.strip()[-300:])
        after = stored(disturbed_db)
        check("no sample in error", all(value[0] != "error" for value in after.values()),
              "; ".join(sorted({value[1] or "" for value in after.values() if value[0] == "error"}))[:300])
        check("no sample lost or added", set(after) == set(before), "%d vs %d" % (len(after), len(before)))
        differing = [key for key in before if key in after and after[key][1:] != before[key][1:]]
        check("same responses and scores as the undisturbed run", not differing, "first: %s" % (differing[:3],))
        access = servers.router_log("access.log")
        router_errors = servers.router_log("error.log")
        refused = router_errors.count("Connection refused") + router_errors.count("prematurely closed")
        bad_gateway = sum(1 for line in access.splitlines() if '" 502 ' in line)
        check("the kill cost requests at the router", refused > 0,
              "%d upstream failures, %d answered 502 to ocular" % (refused, bad_gateway))
        figures = {
            "samples": len(before), "reference_seconds": round(reference_seconds, 1),
            "disturbed_seconds": round(disturbed_seconds, 1), "killed_after_samples": killed_at,
            "upstream_failures": refused, "answered_502": bad_gateway,
            "restart_seconds": round(restart.get("seconds", -1), 1),
            "lost": len(set(before) - set(after)), "errors": sum(1 for v in after.values() if v[0] == "error"),
            "differing": len(differing)}
        say("figures " + json.dumps(figures, sort_keys=True))
    finally:
        servers.stop()
    failed = RESULTS.count(False)
    print("router: %d passed, %d failed" % (RESULTS.count(True), failed), flush=True)
    say("total %.0f s; work folder %s" % (time.monotonic() - started, work))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
