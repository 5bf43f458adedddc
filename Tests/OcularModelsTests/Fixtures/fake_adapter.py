#!/usr/bin/env python3
"""A fake model adapter speaking ocular/1, for Ocular's tests. It misbehaves on request.

Each answer is "echo:<sample text>" where <sample text> is the last text part of the request's last message,
so a test can tell which request an answer belongs to.

Modes (--mode):
  normal        answers in order
  out-of-order  collects --batch requests, answers them in reverse order
  slow          sleeps --latency-ms before each answer (answers concurrently, out of order by jitter)
  garbage       every third answer is a line that is not JSON
  crash         exits with status 3 after --after requests (a restart then behaves normally)
  hang          stops answering after --after requests (stays alive, silent)
  huge          answers request number --after with a line of --huge-bytes bytes
  badutf8       answers request number --after with invalid UTF-8 inside the text
  unknown-id    answers request number --after with an id nobody asked for, then the real answer later never
  missing-text  answers request number --after without "text"
  error         answers request number --after with {"id", "error": "boom"}
  fail-from     answers every request after the first --after with an error naming its number
  die-early     writes a reason to stderr and exits with status 1 before its hello
  bad-hello     says a wrong protocol in its hello
  no-hello      prints nothing and waits
  no-read       says hello, then never reads stdin (requests pile up in the pipe) and never answers
  close-output  reads one request, closes stdout and stderr, reads stdin to its end, then exits with status 5
  slow-start    says hello, then waits --latency-ms before reading stdin at all; answers in order, and answers an
                error for any request whose id ("r<number>") is not above the previous one
A crash, hang or fail-from happens only in the first process: a marker file (--state) records it, so the restarted
process behaves normally.
"""
import argparse
import json
import os
import random
import sys
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("--mode", default="normal")
parser.add_argument("--after", type=int, default=2)
parser.add_argument("--batch", type=int, default=4)
parser.add_argument("--latency-ms", type=int, default=20)
parser.add_argument("--huge-bytes", type=int, default=9 * 1024 * 1024)
parser.add_argument("--max-concurrency", type=int, default=8)
parser.add_argument("--state", default="")
parser.add_argument("--box-format", default="norm1000")
args = parser.parse_args()

out_lock = threading.Lock()
first_process = True
if args.state:
    first_process = not os.path.exists(args.state)
    open(args.state, "a").close()
mode = args.mode if first_process or args.mode not in ("crash", "hang", "fail-from") else "normal"


def send(obj=None, raw=None):
    data = raw if raw is not None else (json.dumps(obj) + "\n").encode()
    with out_lock:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def answer_text(request):
    text = ""
    for message in request.get("messages", []):
        for part in message.get("content", []):
            if part.get("type") == "text":
                text = part["text"]
    return "echo:" + text


sys.stderr.write("fake adapter starting in mode %s\n" % mode)
sys.stderr.flush()
if mode == "die-early":
    sys.stderr.write("loading the model failed: no checkpoint at /nowhere\n")
    sys.stderr.flush()
    sys.exit(1)
elif mode == "bad-hello":
    send({"protocol": "ocular/0", "model": "fake"})
elif mode == "no-hello":
    time.sleep(3600)
else:
    send({"protocol": "ocular/1", "model": "fake-" + args.mode, "box_format": args.box_format,
          "max_concurrency": args.max_concurrency})

if mode == "no-read":
    time.sleep(3600)
elif mode == "close-output":
    sys.stdin.buffer.readline()
    os.close(1)
    os.close(2)
    for _ in sys.stdin.buffer:
        pass
    os._exit(5)
elif mode == "slow-start":
    time.sleep(args.latency_ms / 1000.0)

count = 0
held = []
last_number = 0
for raw_line in sys.stdin.buffer:
    request = json.loads(raw_line)
    count += 1
    rid = request["id"]
    if mode == "slow-start":
        number = int(rid[1:])
        if number <= last_number:
            send({"id": rid, "error": "request r%d arrived after r%d" % (number, last_number)})
            continue
        last_number = number
    reply = {"id": rid, "text": answer_text(request), "usage": {"prompt_tokens": 7, "completion_tokens": 2}}
    if mode == "out-of-order":
        held.append(reply)
        if len(held) >= args.batch:
            for item in reversed(held):
                send(item)
            held = []
    elif mode == "slow":
        def later(item=reply):
            time.sleep(args.latency_ms / 1000.0 * random.uniform(0.5, 1.5))
            send(item)
        threading.Thread(target=later, daemon=True).start()
    elif mode == "garbage" and count % 3 == 0:
        send(raw=b"this is not json {\n")
    elif mode == "crash" and count > args.after:
        sys.stderr.write("fake adapter crashing\n")
        sys.stderr.flush()
        os._exit(3)
    elif mode == "hang" and count > args.after:
        time.sleep(3600)
    elif mode == "huge" and count == args.after:
        send(raw=(json.dumps({"id": rid, "text": "x" * args.huge_bytes}) + "\n").encode())
    elif mode == "badutf8" and count == args.after:
        send(raw=b'{"id": "' + rid.encode() + b'", "text": "bad \xff\xfe bytes"}\n')
    elif mode == "unknown-id" and count == args.after:
        send({"id": "nobody", "text": "stray"})
    elif mode == "missing-text" and count == args.after:
        send({"id": rid})
    elif mode == "fail-from" and count > args.after:
        send({"id": rid, "error": "out of memory serving request %d" % count})
    elif mode == "error" and count == args.after:
        send({"id": rid, "error": "boom"})
    else:
        send(reply)
for item in held:
    send(item)
time.sleep(0.05)
