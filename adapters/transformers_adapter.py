#!/usr/bin/env python3
"""Ocular stdio adapter for a Hugging Face checkpoint run with transformers (ocular/1 protocol).

    ocular eval --model "stdio:python3 adapters/transformers_adapter.py --model Qwen/Qwen3-VL-8B-Instruct" --suite all

Needs torch, transformers (5.x), accelerate and pillow. Requests are generated in batches of up to --batch-size,
left-padded, one `generate` call per batch (requests that ask for different `min_pixels` or `max_tokens` go in
different calls). Images are read with Pillow (GIF/WebP: first frame) and resized by the processor to at most
--max-pixels (1,048,576 as in the paper) and at least the request's `min_pixels` (OCRBench: 102,400), through the
image processor's `size` setting. Boxes are Qwen3-VL's 0-1000 grid (box_format norm1000).

Only the sampling parameters Ocular sends apply (temperature, top_p, max_tokens, seed; the defaults below when a
request leaves one out): the checkpoint's generation_config keeps only its token ids (eos, pad, bos), so its
top_k, top_p, temperature, repetition_penalty and the like never leak in. Each request is sampled with its own
torch.Generator seeded from its `seed`, so its draw does not depend on the other requests in its batch.
With `params.logprobs`, the response carries the log-probability of each generated token under the model's raw
output distribution (log-softmax of the logits before temperature and top-p), as vLLM's default `raw_logprobs`.

--dry-run answers without importing torch or loading a model, to check the protocol and the harness.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ocular_stdio  # noqa: E402

# The OpenVLThinkerV2 paper's evaluation settings, used for any parameter a request leaves out.
DEFAULTS = {"temperature": 0.1, "top_p": 0.001, "max_tokens": 8192, "seed": 0}

# Fields of the checkpoint's generation_config that are kept: token ids, not sampling behaviour.
KEPT_GENERATION_FIELDS = ("bos_token_id", "eos_token_id", "pad_token_id")


class Sampling:
    """One request's generation settings, resolved from its params and the adapter's defaults."""

    __slots__ = ("temperature", "top_p", "max_tokens", "seed", "wants_logprobs", "min_pixels")

    def __init__(self, params, defaults=None):
        defaults = defaults or DEFAULTS
        params = params or {}

        def pick(name):
            value = params.get(name)
            return defaults[name] if value is None else value

        self.temperature = float(pick("temperature"))
        self.top_p = float(pick("top_p"))
        self.max_tokens = int(pick("max_tokens"))
        self.seed = int(pick("seed"))
        self.wants_logprobs = bool(params.get("logprobs", False))
        self.min_pixels = int(params["min_pixels"]) if params.get("min_pixels") else None
        if self.max_tokens < 1:
            raise ValueError("max_tokens must be at least 1, not %d" % self.max_tokens)
        if not 0.0 < self.top_p <= 1.0:
            raise ValueError("top_p must be in (0, 1], not %g" % self.top_p)
        if self.temperature < 0:
            raise ValueError("temperature must not be negative, not %g" % self.temperature)

    @property
    def is_greedy(self):
        """Temperature 0 means greedy decoding (as in vLLM and the OpenAI API)."""
        return self.temperature == 0.0

    def call_key(self):
        """Requests with equal keys can share one generate call (per-row sampling covers the rest)."""
        return (self.min_pixels, self.max_tokens)


def image_size_setting(min_pixels, max_pixels, checkpoint_min_pixels):
    """The image processor's `size` for one call: `shortest_edge`/`longest_edge` are the min and max pixel areas."""
    shortest = min_pixels if min_pixels else checkpoint_min_pixels
    return {"shortest_edge": int(min(shortest, max_pixels)), "longest_edge": int(max_pixels)}


def processor_settings(min_pixels, max_pixels, checkpoint_min_pixels, has_images=True):
    """The processor_kwargs of one apply_chat_template call: left padding, and the image size limits."""
    settings = {"padding": True, "padding_side": "left"}
    if has_images:
        settings["images_kwargs"] = {"size": image_size_setting(min_pixels, max_pixels, checkpoint_min_pixels)}
    return settings


def plan_calls(samplings, batch_size):
    """Splits positions into generate calls: grouped by call_key, in arrival order, at most batch_size each."""
    groups = {}
    for position, sampling in enumerate(samplings):
        if sampling is None:
            continue
        groups.setdefault(sampling.call_key(), []).append(position)
    calls = []
    for positions in groups.values():
        for start in range(0, len(positions), batch_size):
            calls.append(positions[start:start + batch_size])
    return calls


def completion_length(tokens, stop_ids, max_tokens):
    """How many of a row's generated tokens belong to it: up to and including its first stop token."""
    length = 0
    for token in tokens[:max_tokens]:
        length += 1
        if token in stop_ids:
            return length
    return length


def load_image(path):
    """Reads an image file fully (first frame of an animation) as RGB; raises naming the file if it cannot."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            image.seek(0)
            return image.convert("RGB")
    except Exception as error:
        raise ValueError("cannot read image %s: %s" % (path, error)) from error


def to_conversation(request):
    """The request's messages in the processor's chat format, images loaded."""
    conversation = []
    for role, parts in ocular_stdio.split_messages(request):
        content = [{"type": "image", "image": load_image(value)} if kind == "image" else
                   {"type": "text", "text": value} for kind, value in parts]
        conversation.append({"role": role, "content": content})
    return conversation


def make_row_sampler_class(torch, logits_processor_base):
    """A LogitsProcessor that picks each row's next token with that row's own settings and generator."""

    class RowSampler(logits_processor_base):
        """Samples row i with samplings[i] (temperature, top_p, seed) and records the chosen token's raw logprob.

        It must be the only logits processor, so `scores` are the model's raw logits; it returns logits that are
        -inf everywhere but the chosen token, for generate's greedy step to take.
        """

        def __init__(self, samplings):
            self.samplings = samplings
            self.generators = None
            self.logprobs = [[] for _ in samplings]

        def __call__(self, input_ids, scores):
            if self.generators is None:
                self.generators = []
                for sampling in self.samplings:
                    generator = torch.Generator(device=scores.device)
                    generator.manual_seed(sampling.seed)
                    self.generators.append(generator)
            logits = scores.float()
            raw_logprobs = torch.log_softmax(logits, dim=-1)
            chosen = torch.empty(logits.shape[0], dtype=torch.long, device=logits.device)
            for row, sampling in enumerate(self.samplings):
                if sampling.is_greedy:
                    chosen[row] = torch.argmax(logits[row])
                    continue
                probabilities = torch.softmax(logits[row] / sampling.temperature, dim=-1)
                if sampling.top_p < 1.0:
                    # Keep the smallest set of most likely tokens whose probability reaches top_p (at least one).
                    sorted_p, order = torch.sort(probabilities, descending=True)
                    before = torch.cumsum(sorted_p, dim=-1) - sorted_p
                    sorted_p[before >= sampling.top_p] = 0.0
                    probabilities = torch.zeros_like(probabilities).scatter_(0, order, sorted_p)
                chosen[row] = torch.multinomial(probabilities, 1, generator=self.generators[row])[0]
            for row in range(logits.shape[0]):
                self.logprobs[row].append(float(raw_logprobs[row, chosen[row]]))
            forced = torch.full_like(scores, float("-inf"))
            forced[torch.arange(scores.shape[0], device=scores.device), chosen] = 0.0
            return forced

    return RowSampler


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="Qwen/Qwen3-VL-8B-Instruct", help="checkpoint path or hub id")
    parser.add_argument("--device-map", default="auto", help="accelerate device map (cpu, cuda, auto)")
    parser.add_argument("--dtype", default="bfloat16", help="torch dtype of the weights (float32 on CPU)")
    parser.add_argument("--max-pixels", type=int, default=1048576, help="largest image area after resizing")
    parser.add_argument("--batch-size", type=int, default=1, help="requests per generate call")
    parser.add_argument("--dry-run", action="store_true", help="answer without a model")
    args = parser.parse_args()
    batch_size = max(1, args.batch_size)

    if args.dry_run:
        ocular_stdio.serve(ocular_stdio.dry_run_batch, model="dry-run:" + args.model,
                           max_concurrency=batch_size, max_batch=batch_size)
        return

    import torch
    from transformers import AutoModelForImageTextToText, AutoProcessor, GenerationConfig, LogitsProcessor
    from transformers import LogitsProcessorList

    processor = AutoProcessor.from_pretrained(args.model)
    tokenizer = processor.tokenizer
    model = AutoModelForImageTextToText.from_pretrained(args.model, dtype=getattr(torch, args.dtype),
                                                        device_map=args.device_map).eval()
    checkpoint_generation = model.generation_config.to_diff_dict()
    kept = {name: getattr(model.generation_config, name) for name in KEPT_GENERATION_FIELDS}
    if kept["pad_token_id"] is None:
        kept["pad_token_id"] = tokenizer.pad_token_id
    dropped = sorted(name for name in checkpoint_generation if name not in KEPT_GENERATION_FIELDS
                     and not name.startswith("_") and name != "transformers_version")
    # generate() fills any unset field of the config it is given from model.generation_config, so that one is
    # replaced too: nothing but the token ids is left to leak.
    model.generation_config = GenerationConfig(**kept)
    ocular_stdio.log("transformers_adapter: generation_config of the checkpoint: kept %s; ignored %s" % (
        kept, {name: checkpoint_generation[name] for name in dropped}))
    eos = kept["eos_token_id"]
    stop_ids = set(eos if isinstance(eos, (list, tuple)) else [eos] if eos is not None else [])
    checkpoint_min_pixels = int((getattr(processor.image_processor, "size", None) or {}).get("shortest_edge") or 0)
    RowSampler = make_row_sampler_class(torch, LogitsProcessor)

    def run_call(requests, samplings):
        """One left-padded generate call for requests that share min_pixels and max_tokens."""
        conversations = [to_conversation(request) for request in requests]
        has_images = any(part["type"] == "image" for conversation in conversations
                         for message in conversation for part in message["content"])
        processor_kwargs = processor_settings(samplings[0].min_pixels, args.max_pixels, checkpoint_min_pixels,
                                              has_images)
        inputs = processor.apply_chat_template(conversations, add_generation_prompt=True, tokenize=True,
                                               return_dict=True, return_tensors="pt",
                                               processor_kwargs=processor_kwargs).to(model.device)
        sampler = RowSampler(samplings)
        settings = GenerationConfig(max_new_tokens=samplings[0].max_tokens, do_sample=False, num_beams=1,
                                    repetition_penalty=1.0, **kept)
        with torch.inference_mode():
            output = model.generate(**inputs, generation_config=settings,
                                    logits_processor=LogitsProcessorList([sampler]))
        prompt_length = inputs["input_ids"].shape[1]
        prompt_tokens = inputs["attention_mask"].sum(dim=1).tolist()
        results = []
        for row, sampling in enumerate(samplings):
            tokens = output[row, prompt_length:].tolist()
            length = completion_length(tokens, stop_ids, sampling.max_tokens)
            text = processor.decode(tokens[:length], skip_special_tokens=True)
            usage = {"prompt_tokens": int(prompt_tokens[row]), "completion_tokens": length}
            results.append((text, usage, sampler.logprobs[row][:length] if sampling.wants_logprobs else None))
        return results

    def generate_batch(requests):
        results = [None] * len(requests)
        samplings = []
        for position, request in enumerate(requests):
            try:
                samplings.append(Sampling(request.get("params")))
            except (TypeError, ValueError) as error:
                results[position] = ValueError("bad params: %s" % error)
                samplings.append(None)
        for positions in plan_calls(samplings, batch_size):
            call = ocular_stdio.isolated_batch(
                lambda subset: run_call([requests[p] for p in subset], [samplings[p] for p in subset]),
                describe=lambda position: str(requests[position].get("id")))
            for position, result in zip(positions, call(positions)):
                results[position] = result
        return results

    ocular_stdio.serve(generate_batch, model=os.path.basename(args.model.rstrip("/")),
                       max_concurrency=2 * batch_size, max_batch=batch_size)


if __name__ == "__main__":
    main()
