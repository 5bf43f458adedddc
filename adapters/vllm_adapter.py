#!/usr/bin/env python3
"""Ocular stdio adapter for a Hugging Face checkpoint served by vLLM's offline engine (ocular/1 protocol).

    ocular eval --model "stdio:python3 adapters/vllm_adapter.py --model Qwen/Qwen3-VL-8B-Instruct" --suite all

Defaults are the OpenVLThinkerV2 paper's evaluation settings (VLMEvalKit's Qwen3-VL entry): temperature 0.1,
top_p 0.001, up to 8192 new tokens, images up to 1,048,576 pixels, seed 0, max_model_len 81,920; boxes are
Qwen3-VL's 0-1000 grid (box_format norm1000). Ocular sends temperature/top_p/max_tokens/seed with each request;
those win over the defaults here.

--dry-run answers without importing vLLM or loading a model, to check the protocol and the harness.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ocular_stdio  # noqa: E402


def main():
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
    parser.add_argument("--dry-run", action="store_true", help="answer without a model")
    args = parser.parse_args()

    if args.dry_run:
        ocular_stdio.serve(ocular_stdio.dry_run_batch, model="dry-run:" + args.model,
                           max_concurrency=args.max_num_seqs, max_batch=args.max_num_seqs)
        return

    from vllm import LLM, SamplingParams  # imported only for real runs

    mm_kwargs = {"max_pixels": args.max_pixels}
    if args.min_pixels:
        mm_kwargs["min_pixels"] = args.min_pixels
    llm = LLM(model=args.model, tensor_parallel_size=args.tensor_parallel_size, max_model_len=args.max_model_len,
              max_num_seqs=args.max_num_seqs, seed=args.seed, gpu_memory_utilization=args.gpu_memory_utilization,
              limit_mm_per_prompt={"image": args.limit_images}, mm_processor_kwargs=mm_kwargs)

    def to_openai(request):
        messages = []
        for role, parts in ocular_stdio.split_messages(request):
            content = []
            for kind, value in parts:
                if kind == "image":
                    content.append({"type": "image_url", "image_url": {"url": "file://" + value}})
                else:
                    content.append({"type": "text", "text": value})
            if role == "system":
                content = "".join(part["text"] for part in content if part["type"] == "text")
            messages.append({"role": role, "content": content})
        return messages

    def sampling(request):
        params = request.get("params") or {}
        return SamplingParams(temperature=params.get("temperature", 0.1), top_p=params.get("top_p", 0.001),
                              max_tokens=params.get("max_tokens", 8192), seed=params.get("seed", args.seed))

    def generate_batch(requests):
        # Requests that ask for another min_pixels (OCRBench: 102,400) are processed as their own sub-batch.
        results = [None] * len(requests)
        groups = {}
        for position, request in enumerate(requests):
            groups.setdefault((request.get("params") or {}).get("min_pixels"), []).append(position)
        for min_pixels, positions in groups.items():
            kwargs = dict(mm_kwargs)
            if min_pixels:
                kwargs["min_pixels"] = min_pixels
            outputs = llm.chat([to_openai(requests[p]) for p in positions], [sampling(requests[p]) for p in positions],
                               use_tqdm=False, chat_template_kwargs={"add_generation_prompt": True},
                               mm_processor_kwargs=kwargs)
            for position, output in zip(positions, outputs):
                completion = output.outputs[0]
                usage = {"prompt_tokens": len(output.prompt_token_ids or []),
                         "completion_tokens": len(completion.token_ids or [])}
                results[position] = (completion.text, usage)
        return results

    ocular_stdio.serve(generate_batch, model=os.path.basename(args.model.rstrip("/")),
                       max_concurrency=args.max_num_seqs, max_batch=args.max_num_seqs, batch_window=0.2)


if __name__ == "__main__":
    main()
