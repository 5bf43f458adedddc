#!/usr/bin/env python3
"""A slow fake model speaking Ocular's ocular/1 stdio protocol, for the crash-safety script.

It answers each request after --latency-ms (with jitter), several requests at once, out of order.

Answers:
  --answers FILE   a JSONL file of {"messages": [...], "response": "..."} lines (kill_resume.py writes one from a
                   builtin:baseline run): a request whose messages match a line gets that response, so this
                   adapter answers exactly like builtin:baseline; an unknown request gets an adapter error.
  (none)           "echo:<last text part of the request>".

With --log FILE it appends one line per answer written to stdout (the answer's request id), so a caller can count
the answers the model gave, including those a killed harness never stored.

It exits when its standard input closes, as the protocol asks (docs/adapter-protocol.md); answers still pending
then are dropped.
"""
import argparse
import json
import os
import random
import sys
import threading
import time


def message_key(messages):
    """The canonical text of a request's messages, the key of an --answers line."""
    return json.dumps(messages, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", help="JSONL of {messages, response} to answer with")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="mean delay per answer (default 50)")
    parser.add_argument("--max-concurrency", type=int, default=8, help="declared in the hello (default 8)")
    parser.add_argument("--log", help="append one line per answer written")
    parser.add_argument("--model", default="slow-fake", help="the model name in the hello")
    args = parser.parse_args()

    answers = {}
    if args.answers:
        with open(args.answers, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    item = json.loads(line)
                    answers[message_key(item["messages"])] = item["response"]

    lock = threading.Lock()
    log = open(args.log, "a", encoding="utf-8") if args.log else None

    def send(obj, rid=None):
        data = (json.dumps(obj) + "\n").encode()
        with lock:
            try:
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            except (BrokenPipeError, ValueError):
                os._exit(0)
            if log and rid is not None:
                log.write(rid + "\n")
                log.flush()

    send({"protocol": "ocular/1", "model": args.model, "max_concurrency": args.max_concurrency})
    for raw in sys.stdin.buffer:
        request = json.loads(raw)
        rid = request["id"]
        if args.answers:
            key = message_key(request.get("messages", []))
            reply = {"id": rid, "text": answers[key]} if key in answers else {"id": rid, "error": "no answer"}
        else:
            text = ""
            for message in request.get("messages", []):
                for part in message.get("content", []):
                    if part.get("type") == "text":
                        text = part["text"]
            reply = {"id": rid, "text": "echo:" + text}

        def later(item=reply, rid=rid):
            time.sleep(args.latency_ms / 1000.0 * random.uniform(0.5, 1.5))
            send(item, rid)

        threading.Thread(target=later, daemon=True).start()
    # Standard input closed: the harness is done with us (or died). Leave without waiting for pending answers.
    os._exit(0)


if __name__ == "__main__":
    main()
