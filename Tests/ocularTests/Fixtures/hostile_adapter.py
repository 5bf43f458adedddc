#!/usr/bin/env python3
"""A stdio model (ocular/1) that answers with hostile output, for Ocular's end-to-end tests.

Its hello names the model with --model-name (a JSON string, so it may hold control characters). Request k (in
arrival order, counting from 0; run it with --concurrency 1) gets payload k modulo the list below, written as raw
bytes: some are not valid UTF-8 or are not valid JSON on purpose. The --huge-bytes answer is sent once.
"""
import argparse
import json
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--model-name", default='"hostile"')
parser.add_argument("--huge-bytes", type=int, default=10_000_000)
args = parser.parse_args()


def text_line(rid, text):
    return (json.dumps({"id": rid, "text": text}) + "\n").encode()


PAYLOADS = [
    lambda rid: text_line(rid, "A\u0000B\u0000"),
    lambda rid: b'{"id": "' + rid.encode() + b'", "text": "bad \xff\xfe bytes"}\n',
    lambda rid: text_line(rid, "<answer>x\udc80y</answer>"),
    lambda rid: text_line(rid, "[" * 100_000),
    lambda rid: text_line(rid, '{"a":' * 100_000 + "1" + "}" * 100_000),
    lambda rid: text_line(rid, "<script>alert(1)</script> **A** | B |\n# heading\n<img src=x onerror=alert(1)>"),
    lambda rid: text_line(rid, "\u001b[2J\u001b[31mA\r\u001b]0;pwned\u0007\u009b2J"),
    lambda rid: text_line(rid, "=HYPERLINK(\"http://x\",\"A\")"),
    # The huge answer once; later turns of the list answer briefly.
    lambda rid: text_line(rid, "<answer>B</answer>" + ("x" * args.huge_bytes if count < 10 else "")),
    # A response line nested 100,000 levels deep: not readable as JSON, an error for its request.
    lambda rid: ('{"id": "%s", "text": "x", "deep": ' % rid + "[" * 100_000 + "]" * 100_000 + "}\n").encode(),
]

out = sys.stdout.buffer
out.write((json.dumps({"protocol": "ocular/1", "model": json.loads(args.model_name), "max_concurrency": 1})
           + "\n").encode())
out.flush()
count = 0
for raw in sys.stdin.buffer:
    request = json.loads(raw)
    out.write(PAYLOADS[count % len(PAYLOADS)](request["id"]))
    out.flush()
    count += 1
