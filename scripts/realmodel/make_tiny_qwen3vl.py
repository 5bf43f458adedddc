#!/usr/bin/env python3
"""Builds a tiny random-weight Qwen3-VL checkpoint offline, laid out like Qwen/Qwen3-VL-8B-Instruct.

    python make_tiny_qwen3vl.py --out DIR [--scripted] [--bench benchmarks]

The checkpoint is loaded by the real code a user runs: `AutoProcessor.from_pretrained`,
`AutoModelForImageTextToText.from_pretrained` (Qwen3VLForConditionalGeneration), `transformers serve`. Its files
are the real checkpoint's, with tiny contents:

  config.json                   Qwen3VLConfig: a 3-block vision tower (width 32, patch 16, merge 2, deepstack at
                                blocks 0 and 1) and a 2-layer text model (width 64, 4 query / 2 key-value heads of
                                16, interleaved M-RoPE sections [4, 2, 2]); random weights, bfloat16 on disk.
  tokenizer.json, vocab.json,   a byte-level BPE in Qwen2Tokenizer's format (Qwen's pre-tokenizer regex, NFC,
  merges.txt,                   byte-level decoder), its vocabulary learned here from the bundled suites' texts,
  tokenizer_config.json         followed by Qwen3-VL's 26 added tokens in their real order and specialness.
  chat_template.json            Qwen3-VL-8B-Instruct's chat template (qwen3vl_instruct_chat_template.jinja).
  preprocessor_config.json,     Qwen3-VL-8B-Instruct's image and video processor settings.
  video_preprocessor_config.json
  generation_config.json        Qwen3-VL-8B-Instruct's sampling defaults (top_k 20, top_p 0.8, temperature 0.7,
                                repetition_penalty 1.0), with this vocabulary's ids: adapters must not let them leak.

--scripted writes a variant whose greedy answer to any prompt is `<think>ok</think>A`: every text layer's output
projections are zeroed, so the last position's hidden state is its own token's embedding; the tokens of the
answer get orthogonal embeddings, and lm_head maps each to the next one (the prompt's final "\\n" -> <think> -> ok
-> </think> -> A -> <|im_end|>). It shows what a server does with a think block, which random weights never write.

The text a random checkpoint writes is noise; the point is that the processor, chat template, vision tower,
M-RoPE, generate and decoding all run, on CPU, in seconds. The script checks the saved checkpoint by loading it
back and generating for a bundled image.
"""
import argparse
import glob
import json
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# Qwen3-VL's added tokens after the learned vocabulary, in the real tokenizer's order: (text, special).
QWEN3VL_ADDED_TOKENS = [
    ("<|endoftext|>", True), ("<|im_start|>", True), ("<|im_end|>", True),
    ("<|object_ref_start|>", True), ("<|object_ref_end|>", True), ("<|box_start|>", True), ("<|box_end|>", True),
    ("<|quad_start|>", True), ("<|quad_end|>", True), ("<|vision_start|>", True), ("<|vision_end|>", True),
    ("<|vision_pad|>", True), ("<|image_pad|>", True), ("<|video_pad|>", True),
    ("<tool_call>", False), ("</tool_call>", False),
    ("<|fim_prefix|>", True), ("<|fim_middle|>", True), ("<|fim_suffix|>", True), ("<|fim_pad|>", True),
    ("<|repo_name|>", True), ("<|file_sep|>", True),
    ("<tool_response>", False), ("</tool_response>", False), ("<think>", False), ("</think>", False),
]

# Qwen's pre-tokenizer: contractions, letter runs with one leading non-letter, single digits, punctuation runs,
# newline runs, other whitespace.
QWEN_SPLIT_REGEX = (r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"""
                    r"""|\s*[\r\n]+|\s+(?!\S)|\s+""")

IMAGE_PROCESSOR = {  # Qwen/Qwen3-VL-8B-Instruct preprocessor_config.json (size is in pixels: min and max area)
    "size": {"longest_edge": 16777216, "shortest_edge": 65536},
    "patch_size": 16, "temporal_patch_size": 2, "merge_size": 2,
    "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5],
    "processor_class": "Qwen3VLProcessor", "image_processor_type": "Qwen2VLImageProcessorFast",
}
VIDEO_PROCESSOR = {  # Qwen/Qwen3-VL-8B-Instruct video_preprocessor_config.json
    "size": {"longest_edge": 25165824, "shortest_edge": 4096},
    "patch_size": 16, "temporal_patch_size": 2, "merge_size": 2,
    "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5],
    "processor_class": "Qwen3VLProcessor", "video_processor_type": "Qwen3VLVideoProcessor",
}

SCRIPTED_ANSWER = "<think>ok</think>A"


def training_texts(bench_dir):
    """Every short string field of the bundled suites, plus the prompt and answer shapes Ocular uses."""
    texts = []
    for path in sorted(glob.glob(os.path.join(bench_dir, "*", "*.jsonl"))):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                line = line.strip()
                if not line:
                    continue
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict):
                    texts += [str(v) for v in record.values()
                              if isinstance(v, (str, int, float)) and len(str(v)) < 4000]
    if not texts:
        raise SystemExit("make_tiny_qwen3vl.py: no suite texts under %s/*/*.jsonl (run from the Ocular checkout "
                         "or pass --bench)" % bench_dir)
    shapes = ["<think>\nok\n</think>\n\n<answer>\nA\n</answer>", "ok A B C D", "\\boxed{42}",
              "{\"boxes\": [120, 80, 560, 910]}", "(x, y) [[500, 500]]", "Question: Options:\nA. B. C. D.\n"]
    return texts + shapes * 25


def build_tokenizer_files(out, bench_dir, vocab_size, chat_template):
    """Trains the byte-level BPE and writes tokenizer.json, vocab.json, merges.txt and tokenizer_config.json."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE(unk_token=None, continuing_subword_prefix="", end_of_word_suffix="",
                                     fuse_unk=False, byte_fallback=False))
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN_SPLIT_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
    ])
    tokenizer.post_processor = None
    tokenizer.decoder = decoders.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=2, show_progress=False, special_tokens=[],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tokenizer.train_from_iterator(training_texts(bench_dir), trainer=trainer)
    # Added tokens get the ids after the learned vocabulary, one call each so their order is Qwen's.
    for text, special in QWEN3VL_ADDED_TOKENS:
        token = AddedToken(text, special=special, normalized=False, single_word=False, lstrip=False, rstrip=False)
        (tokenizer.add_special_tokens if special else tokenizer.add_tokens)([token])
    tokenizer.save(os.path.join(out, "tokenizer.json"))
    tokenizer.model.save(out)  # vocab.json and merges.txt, as the real checkpoint ships them too

    ids = {text: tokenizer.token_to_id(text) for text, _ in QWEN3VL_ADDED_TOKENS}
    first = ids["<|endoftext|>"]
    if [ids[text] for text, _ in QWEN3VL_ADDED_TOKENS] != list(range(first, first + len(QWEN3VL_ADDED_TOKENS))):
        raise SystemExit("make_tiny_qwen3vl.py: added tokens did not get consecutive ids: %s" % ids)
    config = {  # the keys of Qwen3-VL-8B-Instruct's tokenizer_config.json
        "add_bos_token": False, "add_prefix_space": False,
        "added_tokens_decoder": {
            str(ids[text]): {"content": text, "lstrip": False, "normalized": False, "rstrip": False,
                             "single_word": False, "special": special}
            for text, special in QWEN3VL_ADDED_TOKENS},
        "additional_special_tokens": ["<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>",
                                      "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>",
                                      "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>",
                                      "<|video_pad|>"],
        "bos_token": None, "chat_template": chat_template, "clean_up_tokenization_spaces": False,
        "eos_token": "<|im_end|>", "errors": "replace", "model_max_length": 262144, "pad_token": "<|endoftext|>",
        "split_special_tokens": False, "tokenizer_class": "Qwen2Tokenizer", "unk_token": None,
    }
    write_json(os.path.join(out, "tokenizer_config.json"), config)
    return ids, tokenizer.get_vocab_size(with_added_tokens=True)


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(value, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def build_model(ids, vocab_size, seed):
    """A Qwen3VLForConditionalGeneration with tiny sizes and random weights."""
    import torch
    from transformers import GenerationConfig, Qwen3VLConfig, Qwen3VLForConditionalGeneration

    padded_vocab = -(-vocab_size // 64) * 64
    config = Qwen3VLConfig(
        text_config={
            "vocab_size": padded_vocab, "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
            "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16, "hidden_act": "silu",
            "max_position_embeddings": 262144, "rms_norm_eps": 1e-6, "attention_bias": False,
            "rope_parameters": {"rope_type": "default", "rope_theta": 5000000.0, "mrope_section": [4, 2, 2],
                                "mrope_interleaved": True},
            "bos_token_id": ids["<|endoftext|>"], "eos_token_id": ids["<|im_end|>"],
            "pad_token_id": ids["<|endoftext|>"], "dtype": "bfloat16",
        },
        vision_config={
            "depth": 3, "hidden_size": 32, "intermediate_size": 64, "num_heads": 2, "in_channels": 3,
            "patch_size": 16, "spatial_merge_size": 2, "temporal_patch_size": 2, "out_hidden_size": 64,
            "num_position_embeddings": 2304, "deepstack_visual_indexes": [0, 1], "hidden_act": "gelu_pytorch_tanh",
        },
        image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"],
        tie_word_embeddings=False, architectures=["Qwen3VLForConditionalGeneration"],
    )
    torch.manual_seed(seed)
    model = Qwen3VLForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(  # Qwen3-VL-8B-Instruct's generation_config.json, these ids
        bos_token_id=ids["<|endoftext|>"], pad_token_id=ids["<|endoftext|>"],
        eos_token_id=[ids["<|im_end|>"], ids["<|endoftext|>"]], do_sample=True, top_k=20, top_p=0.8,
        repetition_penalty=1.0, temperature=0.7)
    return model


def script_answer(model, tokenizer_json, ids):
    """Rewires the text model so that greedy decoding after "<|im_start|>assistant\\n" writes SCRIPTED_ANSWER."""
    import torch
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(tokenizer_json)

    def single(text):
        encoded = tokenizer.encode(text, add_special_tokens=False).ids
        if len(encoded) != 1:
            raise SystemExit("make_tiny_qwen3vl.py: %r is %d tokens in this vocabulary, not 1" % (text, len(encoded)))
        return encoded[0]

    chain = [single("\n"), ids["<think>"], single("ok"), ids["</think>"], single("A"), ids["<|im_end|>"]]
    text_model = model.model.language_model
    hidden = text_model.config.hidden_size
    with torch.no_grad():
        for layer in text_model.layers:  # residual stream = the token's own embedding
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
        text_model.norm.weight.fill_(1.0)
        embeddings = text_model.embed_tokens.weight
        head = model.lm_head.weight
        head.mul_(0.01)  # every other token's logit stays near 0
        for position, token in enumerate(chain[:-1]):
            embeddings[token].zero_()
            embeddings[token][position] = 1.0  # orthogonal unit directions, one per link of the chain
        for position, following in enumerate(chain[1:]):
            head[following].zero_()
            head[following][position] = 4.0  # after RMS norm the direction is sqrt(hidden): logit 4*sqrt(hidden)
        # No other token may point along a chain direction strongly enough to compete.
        others = torch.ones(embeddings.shape[0], dtype=torch.bool)
        others[chain[:-1]] = False
        embeddings[others, : len(chain)] = 0.0
    return chain, 4.0 * hidden ** 0.5


def check(out, image, question, expect=None):
    """Loads the saved checkpoint with the Auto classes and generates greedily for one image."""
    import torch
    from transformers import AutoModelForImageTextToText, AutoProcessor

    processor = AutoProcessor.from_pretrained(out)
    model = AutoModelForImageTextToText.from_pretrained(out, dtype=torch.float32, device_map="cpu").eval()
    messages = [{"role": "user", "content": [{"type": "image", "image": image}, {"type": "text", "text": question}]}]
    inputs = processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True,
                                           return_tensors="pt")
    start = time.monotonic()
    with torch.inference_mode():
        output = model.generate(**inputs, max_new_tokens=12, do_sample=False, top_k=None, top_p=None,
                                temperature=None)
    text = processor.decode(output[0][inputs["input_ids"].shape[1]:], skip_special_tokens=True)
    print("check: %s %s %s loaded; image grid %s; greedy answer %r in %.2f s" % (
        type(processor).__name__, type(processor.image_processor).__name__, type(model).__name__,
        inputs["image_grid_thw"].tolist(), text, time.monotonic() - start))
    if expect is not None and text != expect:
        raise SystemExit("make_tiny_qwen3vl.py: the scripted checkpoint answered %r, not %r" % (text, expect))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="the checkpoint folder to write (replaced if it exists)")
    parser.add_argument("--scripted", action="store_true", help="greedy answer always " + SCRIPTED_ANSWER)
    parser.add_argument("--bench", default=os.path.join(os.path.dirname(os.path.dirname(HERE)), "benchmarks"),
                        help="the suites whose texts train the vocabulary (default: the checkout's benchmarks/)")
    parser.add_argument("--vocab-size", type=int, default=3000,
                        help="most learned tokens before the 26 added ones (the bundled texts give about 1,800)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random weights")
    parser.add_argument("--no-check", action="store_true", help="skip loading it back and generating")
    args = parser.parse_args()

    start = time.monotonic()
    with open(os.path.join(HERE, "qwen3vl_instruct_chat_template.jinja"), encoding="utf-8") as handle:
        chat_template = handle.read()
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    ids, vocab_size = build_tokenizer_files(args.out, args.bench, args.vocab_size, chat_template)
    write_json(os.path.join(args.out, "chat_template.json"), {"chat_template": chat_template})
    write_json(os.path.join(args.out, "preprocessor_config.json"), IMAGE_PROCESSOR)
    write_json(os.path.join(args.out, "video_preprocessor_config.json"), VIDEO_PROCESSOR)

    import torch
    model = build_model(ids, vocab_size, args.seed)
    if args.scripted:
        chain, logit = script_answer(model, os.path.join(args.out, "tokenizer.json"), ids)
        print("scripted chain %s, winning logit about %.0f" % (chain, logit))
    model.to(torch.bfloat16).save_pretrained(args.out)
    parameters = sum(p.numel() for p in model.parameters())
    print("wrote %s: Qwen3VLForConditionalGeneration, %d parameters, vocabulary %d (+%d padding), %.1f s" % (
        args.out, parameters, vocab_size, -(-vocab_size // 64) * 64 - vocab_size, time.monotonic() - start))

    if not args.no_check:
        images = sorted(glob.glob(os.path.join(args.bench, "mmstar", "images", "*.png")))
        if images:
            check(args.out, os.path.abspath(images[0]), "Which option is right?",
                  SCRIPTED_ANSWER if args.scripted else None)


if __name__ == "__main__":
    sys.exit(main())
