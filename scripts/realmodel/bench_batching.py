#!/usr/bin/env python3
"""Measures transformers_adapter.py's --batch-size speed-up on the same requests, and whether answers change.

    PY=$(bash scripts/realmodel/setup_venv.sh | tail -n 1)
    $PY scripts/realmodel/make_tiny_qwen3vl.py --out /tmp/tiny-qwen3vl
    $PY scripts/realmodel/bench_batching.py --model /tmp/tiny-qwen3vl --batch-sizes 1,4,8 --requests 48

For each batch size it starts the adapter (on CPU, float32), waits for its hello, then writes all requests at once
(bundled suite images with their questions, temperature 0.7, top_p 0.95, max_tokens 24, seeds 0..3, logprobs on)
and times until the last response. It prints requests per second, the speed-up over the first batch size, and how
many responses are identical to the first batch size's (per-request seeding makes the draw independent of the batch,
up to floating-point differences of batched, left-padded forward passes).
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def build_requests(count, max_tokens):
    images = sorted(glob.glob(os.path.join(ROOT, "benchmarks", "mmstar", "images", "*"))
                    + glob.glob(os.path.join(ROOT, "benchmarks", "docvqa", "images", "*")))
    requests = []
    for index in range(count):
        image = images[index % len(images)]
        requests.append({"id": "q%d" % index, "messages": [{"role": "user", "content": [
            {"type": "image", "path": image},
            {"type": "text", "text": "Question %d: what does the image show?" % index}]}],
            "params": {"temperature": 0.7, "top_p": 0.95, "max_tokens": max_tokens, "seed": index % 4,
                       "logprobs": True}})
    return requests


def run(python, model, batch_size, requests):
    command = [python, os.path.join(ROOT, "adapters", "transformers_adapter.py"), "--model", model,
               "--device-map", "cpu", "--dtype", "float32", "--batch-size", str(batch_size)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    hello = json.loads(process.stdout.readline())
    assert hello["protocol"] == "ocular/1", hello
    start = time.monotonic()
    process.stdin.write("".join(json.dumps(r) + "\n" for r in requests))
    process.stdin.flush()
    responses = {}
    while len(responses) < len(requests):
        line = process.stdout.readline()
        if not line:
            raise SystemExit("the adapter exited after %d responses" % len(responses))
        response = json.loads(line)
        responses[response["id"]] = response
    elapsed = time.monotonic() - start
    process.stdin.close()
    process.wait(timeout=60)
    errors = [r for r in responses.values() if "error" in r]
    if errors:
        raise SystemExit("errors: %s" % errors[:2])
    return elapsed, responses


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--batch-sizes", default="1,4,8")
    parser.add_argument("--requests", type=int, default=48)
    parser.add_argument("--max-tokens", type=int, default=24)
    args = parser.parse_args()

    requests = build_requests(args.requests, args.max_tokens)
    first = None
    print("batch  seconds  requests/s  speed-up  same text as batch %s" % args.batch_sizes.split(",")[0])
    for batch_size in [int(b) for b in args.batch_sizes.split(",")]:
        elapsed, responses = run(args.python, args.model, batch_size, requests)
        if first is None:
            first = (elapsed, responses)
        same = sum(1 for key, r in responses.items() if r["text"] == first[1][key]["text"])
        print("%5d  %7.2f  %10.2f  %7.2fx  %d/%d" % (batch_size, elapsed, len(requests) / elapsed,
                                                     first[0] / elapsed, same, len(requests)), flush=True)


if __name__ == "__main__":
    main()
