"""Shared helpers of the adapter tests: import paths and a protocol exchange run in-process."""
import io
import json
import os
import sys

ADAPTERS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ADAPTERS not in sys.path:
    sys.path.insert(0, ADAPTERS)

import ocular_stdio  # noqa: E402


def request(request_id, paths=(), text="Which option?", system=None, **params):
    """An ocular/1 request with images at `paths` and `params`."""
    messages = []
    if system is not None:
        messages.append({"role": "system", "content": [{"type": "text", "text": system}]})
    content = [{"type": "image", "path": path} for path in paths] + [{"type": "text", "text": text}]
    messages.append({"role": "user", "content": content})
    return {"id": request_id, "messages": messages, "params": params}


def exchange(run, requests):
    """Runs run(stdin, writer) on the requests; returns (hello, {id: response})."""
    stdin = io.StringIO("".join(json.dumps(r) + "\n" for r in requests))
    stdout = io.StringIO()
    run(stdin, ocular_stdio.Writer(stream=stdout))
    lines = [json.loads(line) for line in stdout.getvalue().splitlines()]
    return lines[0], {line["id"]: line for line in lines[1:]}
