#!/usr/bin/env python3
"""A fake LLM judge speaking ocular/1, for Ocular's judge end-to-end tests (docs/adapter-protocol.md, docs/judges.md).

It answers the reference judge prompts Ocular sends (one user message, text only) deterministically:
  CharXiv grading query ("* Ground Truth: G" and "* Response: R" lines):
      {"extract_answer": R, "score": 1 if G.lower() is in R.lower() else 0}
  MathVista / MathVision extraction prompt (ends "Model respone: R" + "Extracted answer:"):
      the last number in R, or "" when there is none
  anything else: "Z"
It appends every prompt it receives to the file given by --log, when one is given.
"""
import argparse
import json
import re
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--log", default="")
args = parser.parse_args()


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def prompt_text(request):
    texts = [part["text"] for message in request.get("messages", []) for part in message.get("content", [])
             if part.get("type") == "text"]
    return texts[-1] if texts else ""


def reply(prompt):
    truth = re.search(r"^\* Ground Truth: (.*)$", prompt, re.M)
    response = re.search(r"^\* Response: (.*)$", prompt, re.M)
    if truth and response:
        gold, answer = truth.group(1).strip(), response.group(1).strip()
        return json.dumps({"extract_answer": answer, "score": 1 if gold.lower() in answer.lower() else 0})
    marker = prompt.rfind("Model respone: ")
    if marker >= 0 and prompt.endswith("Extracted answer:"):
        numbers = re.findall(r"-?\d+(?:\.\d+)?", prompt[marker:])
        return numbers[-1] if numbers else ""
    return "Z"


send({"protocol": "ocular/1", "model": "fake-judge", "max_concurrency": 4})
for raw_line in sys.stdin:
    request = json.loads(raw_line)
    prompt = prompt_text(request)
    if args.log:
        with open(args.log, "a", encoding="utf-8") as log:
            log.write(json.dumps({"prompt": prompt, "params": request.get("params", {})}) + "\n")
    send({"id": request["id"], "text": reply(prompt)})
