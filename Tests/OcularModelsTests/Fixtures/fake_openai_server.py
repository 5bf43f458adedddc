#!/usr/bin/env python3
"""A fake OpenAI-compatible chat-completions server on 127.0.0.1 for Ocular's HTTP adapter tests.

It prints its port on the first line, serves until stdin closes (or 120 s pass), and answers according to the
request's model name:
  ok          200 with "echo:<last text>" and usage
  flaky       429 (Retry-After: 0) on the first attempt of each prompt, then 200
  flaky500    503 twice per prompt, then 200
  down        500 always
  slow        sleeps 2 s, then 200 (the client's timeout is shorter)
  malformed   200 with a body that is not JSON
  badrequest  400 with an error body
It records every request body to --record (JSON lines) so a test can check what the adapter sent.
"""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--record", default="")
args = parser.parse_args()
attempts = {}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *_):
        pass

    def reply(self, status, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        if args.record:
            with lock, open(args.record, "a") as handle:
                handle.write(json.dumps({"path": self.path, "auth": self.headers.get("Authorization"),
                                         "body": body}) + "\n")
        text = ""
        for message in body["messages"]:
            content = message["content"]
            if isinstance(content, str):
                text = content
            else:
                for part in content:
                    if part.get("type") == "text":
                        text = part["text"]
        model = body["model"]
        with lock:
            attempts[(model, text)] = attempts.get((model, text), 0) + 1
            attempt = attempts[(model, text)]
        ok = {"choices": [{"message": {"role": "assistant", "content": "echo:" + text}}],
              "usage": {"prompt_tokens": 11, "completion_tokens": 3}}
        if model == "flaky" and attempt == 1:
            return self.reply(429, {"error": "rate limited"}, {"Retry-After": "0"})
        if model == "flaky500" and attempt <= 2:
            return self.reply(503, {"error": "overloaded"})
        if model == "down":
            return self.reply(500, {"error": "down"})
        if model == "slow":
            time.sleep(2)
        if model == "malformed":
            return self.reply(200, b"<html>not json</html>")
        if model == "badrequest":
            return self.reply(400, {"error": "bad request"})
        return self.reply(200, ok)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
deadline = threading.Timer(120, lambda: server.shutdown())
deadline.daemon = True
deadline.start()
sys.stdin.read()
server.shutdown()
