"""The ocular/1 stdio protocol, shared by Ocular's reference adapters.

An adapter is a process that prints a hello line, then reads one JSON request per line on stdin and writes one
JSON response per line on stdout, in any order, with several requests in flight. Closing stdin asks it to exit.
See docs/adapter-protocol.md in the Ocular repository.

    hello:    {"protocol": "ocular/1", "model": NAME, "box_format": "norm1000", "max_concurrency": N}
    request:  {"id": ID, "messages": [{"role": ..., "content": [{"type": "text", "text": ...},
                                                                 {"type": "image", "path": ABSOLUTE_PATH}]}],
               "params": {"temperature": ..., "top_p": ..., "max_tokens": ..., "seed": ...}}
    response: {"id": ID, "text": TEXT, "usage": {"prompt_tokens": N, "completion_tokens": N},
               "logprobs": [LOGPROB, ...]}   (logprobs only when params.logprobs is true)
              or {"id": ID, "error": MESSAGE}

Only standard-library modules are used here, so the protocol half runs (and is tested) without any model.
"""
import json
import queue
import sys
import threading
import time
import traceback

PROTOCOL = "ocular/1"


class Writer:
    """Writes JSON lines to stdout from any thread. Lines end with \\n only; non-ASCII is escaped."""

    def __init__(self, stream=None):
        self._stream = stream or sys.stdout
        self._lock = threading.Lock()

    def send(self, obj):
        line = json.dumps(obj, ensure_ascii=True) + "\n"
        with self._lock:
            self._stream.write(line)
            self._stream.flush()


def log(message):
    """Writes a line to stderr, which Ocular copies into the run's adapter log."""
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.stderr.flush()


def serve(generate_batch, model, box_format="norm1000", max_concurrency=8, max_batch=8, batch_window=0.05,
          stdin=None, writer=None):
    """Runs the protocol loop until stdin closes.

    generate_batch(requests) -> list of (text, usage-dict-or-None[, logprobs-list-or-None]) or Exception, one per
    request, in order (isolated_batch builds such a function with per-request failure isolation).
    Requests are gathered into batches of up to max_batch, waiting at most batch_window seconds for more, and
    handed to one worker thread (engines such as vLLM batch internally; a batch of one suits transformers).
    """
    stdin = stdin or sys.stdin
    writer = writer or Writer()
    writer.send({"protocol": PROTOCOL, "model": model, "box_format": box_format,
                 "max_concurrency": max_concurrency})
    pending = queue.Queue()
    done = object()

    def worker():
        while True:
            first = pending.get()
            if first is done:
                return
            batch = [first]
            deadline = time.monotonic() + batch_window
            while len(batch) < max_batch:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    item = pending.get(timeout=remaining)
                except queue.Empty:
                    break
                if item is done:
                    pending.put(done)
                    break
                batch.append(item)
            try:
                results = list(generate_batch(batch))
                if len(results) != len(batch):
                    raise RuntimeError("the backend returned %d results for %d requests" % (len(results), len(batch)))
            except Exception as error:  # the whole batch failed: say so for each request
                log(traceback.format_exc())
                results = [error] * len(batch)
            for request, result in zip(batch, results):
                if isinstance(result, Exception):
                    writer.send({"id": request["id"], "error": "%s: %s" % (type(result).__name__, result)})
                else:
                    writer.send(reply_for(request, result))

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    for line in stdin:
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
            if not isinstance(request, dict) or "id" not in request:
                raise ValueError("request without id")
        except Exception as error:
            log("ignoring a malformed request line: %s" % error)
            continue
        pending.put(request)
    pending.put(done)
    thread.join()


def reply_for(request, result):
    """The response line of a successful result: (text, usage) or (text, usage, logprobs)."""
    text, usage = result[0], result[1]
    logprobs = result[2] if len(result) > 2 else None
    reply = {"id": request["id"], "text": text}
    if usage:
        reply["usage"] = usage
    if logprobs is not None:
        reply["logprobs"] = [float(value) for value in logprobs]
    return reply


def isolated_batch(run_batch, describe=None):
    """Wraps run_batch(requests) -> results so that one failing request fails alone.

    When the whole call raises, its requests are run again one at a time: those that succeed alone are answered,
    and each that still fails gets its own exception. A result that is an Exception fails only its request.
    `describe(request)` names a request in the log (default: its id).
    """
    describe = describe or (lambda request: str(request.get("id")))

    def generate_batch(requests):
        try:
            results = list(run_batch(requests))
            if len(results) != len(requests):
                raise RuntimeError("the backend returned %d results for %d requests" % (len(results), len(requests)))
            return results
        except Exception as error:
            if len(requests) == 1:
                log("request %s failed: %s: %s" % (describe(requests[0]), type(error).__name__, error))
                return [error]
            log("a batch of %d failed (%s: %s); retrying its requests one at a time"
                % (len(requests), type(error).__name__, error))
        results = []
        for request in requests:
            try:
                results.extend(run_batch([request]))
            except Exception as error:
                log("request %s failed: %s: %s" % (describe(request), type(error).__name__, error))
                results.append(error)
        return results

    return generate_batch


def split_messages(request):
    """Returns [(role, [("text", str) | ("image", path)])] of a request."""
    result = []
    for message in request.get("messages", []):
        parts = []
        for part in message.get("content", []):
            if part.get("type") == "image":
                parts.append(("image", part["path"]))
            else:
                parts.append(("text", part.get("text", "")))
        result.append((message.get("role", "user"), parts))
    return result


def dry_run_batch(requests):
    """A backend without a model: a well-formed think/answer response naming the images and the prompt's size."""
    results = []
    for request in requests:
        images = sum(1 for _, parts in split_messages(request) for kind, _ in parts if kind == "image")
        chars = sum(len(value) for _, parts in split_messages(request) for kind, value in parts if kind == "text")
        text = ("<think>\nDry run: %d image(s), %d prompt characters; no model was loaded.\n</think>\n\n"
                "<answer>\nA\n</answer>" % (images, chars))
        results.append((text, {"prompt_tokens": chars // 4, "completion_tokens": len(text) // 4}))
    return results
