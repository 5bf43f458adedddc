#!/usr/bin/env python3
"""Checks that transformers_adapter.py's image size settings work on the installed transformers, without warnings.

    check_image_cap.py --model CHECKPOINT [--max-pixels 1048576]

With every warning turned into an error, it builds the adapter's processor settings (processor_settings, the same
function the adapter calls) and counts the image tokens a 4000x3000 image and a 100x80 image become:
  * capped: the large image's resized area is at most --max-pixels and its token count is the capped grid's;
  * uncapped (the checkpoint's own limit): the same image gives more tokens, so the cap is what limited it;
  * min_pixels 102,400 (OCRBench): the small image is enlarged to at least that area.
Prints one "ok"/"FAIL" line per assertion; exits 1 on a failure.
"""
import argparse
import os
import sys
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                "adapters"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--max-pixels", type=int, default=1048576)
    args = parser.parse_args()
    warnings.simplefilter("error")  # a FutureWarning (deprecated min_pixels/max_pixels) fails the check

    import transformers_adapter as adapter
    from PIL import Image
    from transformers import AutoProcessor

    processor = AutoProcessor.from_pretrained(args.model)
    image_processor = processor.image_processor
    checkpoint_min = int(image_processor.size["shortest_edge"])
    checkpoint_max = int(image_processor.size["longest_edge"])
    unit = image_processor.patch_size * image_processor.merge_size  # pixels per side of one image token
    image_token = processor.tokenizer.convert_tokens_to_ids("<|image_pad|>")

    def measure(image, min_pixels, max_pixels):
        conversation = [{"role": "user", "content": [{"type": "image", "image": image},
                                                     {"type": "text", "text": "What is shown?"}]}]
        inputs = processor.apply_chat_template([conversation], add_generation_prompt=True, tokenize=True,
                                               return_dict=True, return_tensors="pt",
                                               processor_kwargs=adapter.processor_settings(min_pixels, max_pixels,
                                                                                           checkpoint_min))
        _, height, width = inputs["image_grid_thw"][0].tolist()
        area = height * width * image_processor.patch_size ** 2
        return int((inputs["input_ids"] == image_token).sum()), area

    failures = 0

    def check(condition, what):
        nonlocal failures
        print("%s image-cap: %s" % ("ok  " if condition else "FAIL", what), flush=True)
        failures += 0 if condition else 1

    large = Image.new("RGB", (4000, 3000), (200, 30, 30))
    small = Image.new("RGB", (100, 80), (30, 30, 200))
    capped_tokens, capped_area = measure(large, None, args.max_pixels)
    check(capped_area <= args.max_pixels and capped_tokens == capped_area // unit ** 2,
          "a 4000x3000 image is resized to %d px <= %d, %d image tokens, no warning" % (
              capped_area, args.max_pixels, capped_tokens))
    uncapped_tokens, uncapped_area = measure(large, None, checkpoint_max)
    check(uncapped_tokens > capped_tokens,
          "without the cap (the checkpoint's %d px) the same image is %d px, %d image tokens" % (
              checkpoint_max, uncapped_area, uncapped_tokens))
    plain_tokens, plain_area = measure(small, None, args.max_pixels)
    raised_tokens, raised_area = measure(small, 102400, args.max_pixels)
    check(raised_area >= 102400 > plain_area,
          "min_pixels 102400 enlarges a 100x80 image from %d px (%d tokens) to %d px (%d tokens)" % (
              plain_area, plain_tokens, raised_area, raised_tokens))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
