#!/usr/bin/env python3
"""Ocular stdio adapter for a Hugging Face checkpoint served by vLLM's offline engine (ocular/1 protocol).

    ocular eval --model "stdio:python3 adapters/vllm_adapter.py --model Qwen/Qwen3-VL-8B-Instruct" --suite all

Defaults are the OpenVLThinkerV2 paper's evaluation settings (VLMEvalKit's Qwen3-VL entry): temperature 0.1,
top_p 0.001, up to 8192 new tokens, images up to 1,048,576 pixels, seed 0, max_model_len 81,920; boxes are
Qwen3-VL's 0-1000 grid (box_format norm1000). Ocular sends temperature/top_p/max_tokens/seed with each request;
those win over the defaults here, and nothing else is sampled differently: each request gets a SamplingParams
built from scratch (top_k off, min_p 0, no penalties) and its own `seed`.

Images are passed as file:// URIs (percent-encoded, so '#', '?', '%' and spaces in paths survive), which vLLM
reads only below --allowed-local-media-path (default: the filesystem root; see adapters/README.md). A request
that fails (an unreadable image, a prompt too long) fails alone: a failed llm.chat batch is retried request by
request. With params.logprobs the response carries each generated token's log-probability (SamplingParams
logprobs=0: the sampled token only; vLLM's default logprobs mode `raw_logprobs`, before temperature and top-p).

--dry-run answers without importing vLLM or loading a model, to check the protocol and the harness.
"""
import argparse
import os
import pathlib
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ocular_stdio  # noqa: E402

# The OpenVLThinkerV2 paper's evaluation settings, used for any parameter a request leaves out.
DEFAULTS = {"temperature": 0.1, "top_p": 0.001, "max_tokens": 8192, "seed": 0}


def file_uri(path):
    """The file:// URI of an absolute path, percent-encoded (vLLM decodes it with url2pathname)."""
    return pathlib.Path(os.path.abspath(path)).as_uri()


def to_chat_messages(request):
    """The request's messages in the OpenAI chat format vLLM's llm.chat takes, images as file:// URIs."""
    messages = []
    for role, parts in ocular_stdio.split_messages(request):
        content = []
        for kind, value in parts:
            if kind == "image":
                content.append({"type": "image_url", "image_url": {"url": file_uri(value)}})
            else:
                content.append({"type": "text", "text": value})
        if role == "system":
            content = "".join(part["text"] for part in content if part["type"] == "text")
        messages.append({"role": role, "content": content})
    return messages


def sampling_arguments(params, defaults=None):
    """SamplingParams keyword arguments for one request: only what Ocular sends (or the defaults), nothing else."""
    defaults = defaults or DEFAULTS
    params = params or {}

    def pick(name):
        value = params.get(name)
        return defaults[name] if value is None else value

    arguments = {"temperature": float(pick("temperature")), "top_p": float(pick("top_p")),
                 "max_tokens": int(pick("max_tokens")), "seed": int(pick("seed")),
                 "top_k": -1, "min_p": 0.0, "repetition_penalty": 1.0, "presence_penalty": 0.0,
                 "frequency_penalty": 0.0}
    if params.get("logprobs"):
        arguments["logprobs"] = 0  # the sampled token's logprob only
    return arguments


def token_logprobs(completion):
    """The sampled tokens' logprobs of a vLLM CompletionOutput (logprobs: one {token_id: Logprob} per token)."""
    if completion.logprobs is None:
        return None
    values = []
    for token, step in zip(completion.token_ids, completion.logprobs):
        entry = step.get(token)
        values.append(float(entry.logprob if hasattr(entry, "logprob") else entry))
    return values


def make_generate_batch(llm, sampling_params_class, mm_kwargs):
    """The batch function the protocol loop calls: grouped by min_pixels, each group one llm.chat, isolated."""

    def chat(requests):
        min_pixels = (requests[0].get("params") or {}).get("min_pixels")
        kwargs = dict(mm_kwargs)
        if min_pixels:
            kwargs["min_pixels"] = min_pixels
        outputs = llm.chat([to_chat_messages(request) for request in requests],
                           [sampling_params_class(**sampling_arguments(request.get("params"))) for request in requests],
                           use_tqdm=False, chat_template_kwargs={"add_generation_prompt": True},
                           mm_processor_kwargs=kwargs)
        results = []
        for request, output in zip(requests, outputs):
            completion = output.outputs[0]
            usage = {"prompt_tokens": len(output.prompt_token_ids or []),
                     "completion_tokens": len(completion.token_ids or [])}
            wants = bool((request.get("params") or {}).get("logprobs"))
            results.append((completion.text, usage, token_logprobs(completion) if wants else None))
        return results

    isolated_chat = ocular_stdio.isolated_batch(chat)

    def generate_batch(requests):
        # Requests that ask for another min_pixels (OCRBench: 102,400) are processed as their own sub-batch.
        results = [None] * len(requests)
        groups = {}
        for position, request in enumerate(requests):
            groups.setdefault((request.get("params") or {}).get("min_pixels"), []).append(position)
        for positions in groups.values():
            for position, result in zip(positions, isolated_chat([requests[p] for p in positions])):
                results[position] = result
        return results

    return generate_batch


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="Qwen/Qwen3-VL-8B-Instruct", help="checkpoint path or hub id")
    parser.add_argument("--tensor-parallel-size", type=int, default=1)
    parser.add_argument("--max-model-len", type=int, default=81920)
    parser.add_argument("--max-pixels", type=int, default=1048576, help="256*32*32*4, as the paper")
    parser.add_argument("--min-pixels", type=int, default=None)
    parser.add_argument("--max-num-seqs", type=int, default=64, help="also the hello's max_concurrency")
    parser.add_argument("--limit-images", type=int, default=16, help="most images per prompt")
    parser.add_argument("--gpu-memory-utilization", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--allowed-local-media-path", default="/",
                        help="the folder below which vLLM may read image files (default: / — the engine runs "
                             "in-process and reads only the paths Ocular sends)")
    parser.add_argument("--dry-run", action="store_true", help="answer without a model")
    return parser.parse_args(argv)


def main(argv=None, stdin=None, writer=None):
    args = parse_arguments(argv)
    if args.dry_run:
        ocular_stdio.serve(ocular_stdio.dry_run_batch, model="dry-run:" + args.model,
                           max_concurrency=args.max_num_seqs, max_batch=args.max_num_seqs, stdin=stdin, writer=writer)
        return

    from vllm import LLM, SamplingParams  # imported only for real runs

    mm_kwargs = {"max_pixels": args.max_pixels}
    if args.min_pixels:
        mm_kwargs["min_pixels"] = args.min_pixels
    llm = LLM(model=args.model, tensor_parallel_size=args.tensor_parallel_size, max_model_len=args.max_model_len,
              max_num_seqs=args.max_num_seqs, seed=args.seed, gpu_memory_utilization=args.gpu_memory_utilization,
              limit_mm_per_prompt={"image": args.limit_images}, mm_processor_kwargs=mm_kwargs,
              allowed_local_media_path=os.path.abspath(args.allowed_local_media_path))
    ocular_stdio.serve(make_generate_batch(llm, SamplingParams, mm_kwargs),
                       model=os.path.basename(args.model.rstrip("/")), max_concurrency=args.max_num_seqs,
                       max_batch=args.max_num_seqs, batch_window=0.2, stdin=stdin, writer=writer)


if __name__ == "__main__":
    main()
