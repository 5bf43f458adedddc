#!/usr/bin/env python3
"""Ocular stdio adapter for a Hugging Face checkpoint run with transformers (ocular/1 protocol).

    ocular eval --model "stdio:python3 adapters/transformers_adapter.py --model Qwen/Qwen3-VL-8B-Instruct" --suite all

Slower than vLLM but needs only torch + transformers: one request at a time by default (--batch-size for more).
Images are resized by the processor to at most --max-pixels (1,048,576 as in the paper). Boxes are Qwen3-VL's
0-1000 grid (box_format norm1000). Greedy decoding when temperature <= 0.1, as near-greedy as the paper's setting.

--dry-run answers without importing torch or loading a model, to check the protocol and the harness.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ocular_stdio  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="Qwen/Qwen3-VL-8B-Instruct")
    parser.add_argument("--device-map", default="auto")
    parser.add_argument("--dtype", default="bfloat16")
    parser.add_argument("--max-pixels", type=int, default=1048576)
    parser.add_argument("--batch-size", type=int, default=1)
    parser.add_argument("--dry-run", action="store_true", help="answer without a model")
    args = parser.parse_args()

    if args.dry_run:
        ocular_stdio.serve(ocular_stdio.dry_run_batch, model="dry-run:" + args.model,
                           max_concurrency=max(1, args.batch_size), max_batch=max(1, args.batch_size))
        return

    import torch
    from transformers import AutoModelForImageTextToText, AutoProcessor

    processor = AutoProcessor.from_pretrained(args.model, max_pixels=args.max_pixels)
    model = AutoModelForImageTextToText.from_pretrained(args.model, torch_dtype=getattr(torch, args.dtype),
                                                        device_map=args.device_map)
    model.eval()

    def to_chat(request):
        messages = []
        for role, parts in ocular_stdio.split_messages(request):
            content = [{"type": "image", "image": value} if kind == "image" else {"type": "text", "text": value}
                       for kind, value in parts]
            messages.append({"role": role, "content": content})
        return messages

    def generate_batch(requests):
        results = []
        for request in requests:
            params = request.get("params") or {}
            extra = {}
            if params.get("min_pixels"):
                extra["images_kwargs"] = {"min_pixels": params["min_pixels"], "max_pixels": args.max_pixels}
            inputs = processor.apply_chat_template(to_chat(request), add_generation_prompt=True, tokenize=True,
                                                   return_dict=True, return_tensors="pt", **extra).to(model.device)
            temperature = params.get("temperature", 0.1)
            if params.get("seed") is not None:
                torch.manual_seed(params["seed"])
            sample = temperature is not None and temperature > 0.1
            with torch.inference_mode():
                output = model.generate(**inputs, max_new_tokens=params.get("max_tokens", 8192), do_sample=sample,
                                        temperature=temperature if sample else None,
                                        top_p=params.get("top_p") if sample else None)
            prompt_length = inputs["input_ids"].shape[1]
            generated = output[0][prompt_length:]
            text = processor.decode(generated, skip_special_tokens=True)
            results.append((text, {"prompt_tokens": int(prompt_length), "completion_tokens": int(len(generated))}))
        return results

    ocular_stdio.serve(generate_batch, model=os.path.basename(args.model.rstrip("/")),
                       max_concurrency=max(1, args.batch_size), max_batch=max(1, args.batch_size))


if __name__ == "__main__":
    main()
