#!/usr/bin/env python3
"""Generate the sample suites benchmarks/refspatial, benchmarks/robospatial, benchmarks/refcoco_plus and
benchmarks/refcocog, and the small PNG masks of the RefSpatial golden tests.

Needs Python 3.9+ and Pillow (written against Pillow 13); run from anywhere:

    python3 -m venv /tmp/genvenv && /tmp/genvenv/bin/pip install pillow
    /tmp/genvenv/bin/python scripts/make_suites_spatial.py

Options:
    --out DIR          write the suites under DIR instead of <repo>/benchmarks
    --golden-masks DIR write the golden masks to DIR instead of <repo>/Tests/OcularCoreTests/Golden/refspatial_masks

The content is fixed (no randomness). Each suite folder is rewritten except its `data/` folder. The drawing and
file helpers come from scripts/make_sample_suites.py.

  * refspatial   - 13 rows of VLMEvalKit's EASI `RefSpatial` TSV (index, question, category, image_path,
                   mask_path); the masks are PNG files under masks/ in several encodings (8-bit gray, 1-bit,
                   RGB whose first channel is the mask, RGBA, a gray palette, gray+alpha, a gray value of 1)
  * robospatial  - 14 rows of `RoboSpatialHome` (index, question, answer, category, image_path): yes/no items in
                   compatibility and configuration, polygon golds (Python list literals in [0, 1]) in context;
                   no polygon is axis-aligned only, since VLMEvalKit 0.0.20's ray casting never finds a point
                   inside such a polygon (benchmarks.md 3.12)
  * refcoco_plus - OneThinker `eval_refcocop_{val,testA,testB}` records (5 + 4 + 4)
  * refcocog     - OneThinker `eval_refcocog_{val,test}` records (7 + 6); split sizes differ so that the
                   family number (mean of splits) differs from the pooled accuracy
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_sample_suites import (EXT, draw_shape, overlaps, reset_suite, save, to_pixels,  # noqa: E402
                                write_jsonl, write_manifest)

from PIL import Image, ImageDraw  # noqa: E402  (make_sample_suites already checked Pillow)

REPO = Path(__file__).resolve().parent.parent
GOLDEN_MASKS = REPO / "Tests" / "OcularCoreTests" / "Golden" / "refspatial_masks"

# ----------------------------------------------------------------------------------------------------------------
# RefSpatial

# Each item: (question, category, (W, H), background, target shapes [(shape, pixel box, colour)],
#             distractors [(shape, pixel box, colour)], mask encoding)
# The mask is the union of the target shapes. Encodings: "L" (0/255), "L1" (gray value 1 inside), "1" (1-bit),
# "RGB" (inside (255, 0, 0), outside (0, 255, 255): only the first channel counts), "RGBA", "P" (gray palette,
# index = gray value), "LA".
REFSPATIAL = [
    ("Please point out the red cup on the left of the blue plate.", "location", (320, 240), "white",
     [("ellipse", (40, 100, 100, 160), (220, 40, 40))], [("ellipse", (150, 90, 290, 170), (40, 80, 220))], "L"),
    ("Point to the book that stands between the two lamps.", "location", (300, 200), (235, 230, 220),
     [("rect", (130, 60, 170, 160), (120, 70, 30))],
     [("rect", (40, 40, 70, 160), (250, 220, 80)), ("rect", (230, 40, 260, 160), (250, 220, 80))], "L"),
    ("Point to the small black dot closest to the right edge of the picture.", "location", (240, 180), "white",
     [("rect", (228, 88, 231, 91), (0, 0, 0))], [("rect", (20, 20, 24, 24), (0, 0, 0))], "L"),
    ("Point to the green towel hanging in the top-left corner.", "Location", (256, 256), "white",
     [("rect", (0, 0, 60, 45), (40, 160, 60))], [("ellipse", (150, 150, 220, 220), (200, 200, 200))], "L"),
    ("Point to the yellow box that is the second from the left.", "location", (360, 160), "white",
     [("rect", (100, 50, 150, 110), (240, 200, 20))],
     [("rect", (20, 50, 70, 110), (240, 200, 20)), ("rect", (180, 50, 230, 110), (240, 200, 20)),
      ("rect", (260, 50, 310, 110), (240, 200, 20))], "1"),
    ("Please point to the free space on the table to the right of the mug.", "placement", (320, 240),
     (200, 170, 120), [("rect", (180, 90, 300, 200), (215, 190, 145))],
     [("ellipse", (60, 100, 120, 160), (250, 250, 250))], "L"),
    ("Point to a place where the fork could be put down, next to either plate.", "placement", (400, 200),
     "white", [("rect", (20, 60, 80, 140), (230, 230, 230)), ("rect", (320, 60, 380, 140), (230, 230, 230))],
     [("ellipse", (110, 40, 210, 140), (180, 180, 250)), ("ellipse", (210, 40, 310, 140), (180, 180, 250))],
     "RGB"),
    ("Point to the empty area in front of the vase where a cup would fit.", "placement", (300, 300), "white",
     [("polygon", (100, 150, 250, 290), (210, 235, 210))], [("rect", (140, 30, 190, 140), (70, 120, 200))],
     "RGBA"),
    ("Point to the middle of the shelf, where a new book can be placed.", "placement", (320, 200), "white",
     [("rect", (120, 80, 200, 120), (160, 110, 60))], [("rect", (20, 80, 110, 120), (90, 60, 30))], "LA"),
    ("Point to the café sign — the one above the door, not the one on the window.", "unseen", (280, 210),
     (230, 240, 250), [("rect", (110, 20, 170, 50), (30, 30, 30))], [("rect", (200, 90, 260, 120), (30, 30, 30))],
     "P"),
    ("Point to the third apple from the left in the bottom row.", "unseen", (300, 240), "white",
     [("ellipse", (150, 150, 190, 190), (200, 30, 30))],
     [("ellipse", (30, 150, 70, 190), (200, 30, 30)), ("ellipse", (90, 150, 130, 190), (200, 30, 30)),
      ("ellipse", (90, 40, 130, 80), (200, 30, 30))], "L1"),
    ("Point to the object that is both behind the chair and left of the lamp.", "unseen", (200, 320), "white",
     [("rect", (90, 140, 110, 180), (100, 60, 160))],
     [("rect", (60, 200, 140, 300), (150, 100, 50)), ("rect", (150, 60, 170, 180), (250, 220, 80))], "L"),
    ("Point to the gap between the two boxes on the floor.", "unseen", (360, 240), (240, 240, 240),
     [("rect", (160, 150, 200, 230), (250, 250, 250))],
     [("rect", (60, 130, 160, 230), (150, 110, 70)), ("rect", (200, 130, 300, 230), (150, 110, 70))], "L"),
]


def mask_image(size, shapes, encoding):
    """The target mask in the given PNG encoding; inside = the union of `shapes`."""
    gray = Image.new("L", size, 0)
    d = ImageDraw.Draw(gray)
    for shape, box, _ in shapes:
        draw_shape(d, shape, box, 255)
    return encode_mask(gray, encoding)


def encode_mask(gray, encoding):
    """Re-encodes a 0/255 gray mask."""
    if encoding == "L":
        return gray
    if encoding == "L1":
        return gray.point(lambda v: 1 if v else 0)
    if encoding == "1":
        return gray.convert("1", dither=Image.Dither.NONE)
    if encoding == "RGB":
        im = Image.new("RGB", gray.size, (0, 255, 255))
        im.paste((255, 0, 0), mask=gray)
        return im
    if encoding == "RGBA":
        im = Image.new("RGBA", gray.size, (0, 0, 0, 0))
        im.paste((255, 255, 255, 200), mask=gray)
        return im
    if encoding == "P":
        im = Image.frombytes("P", gray.size, gray.tobytes())  # index = gray value
        im.putpalette([v for i in range(256) for v in (i, i, i)])
        return im
    if encoding == "LA":
        return Image.merge("LA", (gray, Image.new("L", gray.size, 255)))
    raise ValueError(encoding)


def build_refspatial(root):
    folder = root / "refspatial"
    reset_suite(folder)
    records = []
    for index, (question, category, (w, h), bg, targets, distractors, encoding) in enumerate(REFSPATIAL):
        assert max(w, h) <= 400
        im = Image.new("RGB", (w, h), bg)
        d = ImageDraw.Draw(im)
        for shape, box, colour in distractors:
            assert all(not overlaps(box, t[1]) for t in targets), index
            draw_shape(d, shape, box, colour)
        for shape, box, colour in targets:
            draw_shape(d, shape, box, colour)
        image_path = f"images/refspatial_{index}.png"
        mask_path = f"masks/refspatial_{index}.png"
        save(im, folder / image_path, "png")
        save(mask_image((w, h), targets, encoding), folder / mask_path, "png")
        records.append({"index": index, "question": question, "category": category, "image_path": image_path,
                        "mask_path": mask_path})
    write_jsonl(folder / "samples.jsonl", records)
    write_manifest(folder, {
        "format": "ocular-suite/1",
        "name": "refspatial",
        "title": "RefSpatial (sample)",
        "benchmark": "refspatial",
        "group": "spatial",
        "metric": "point_in_mask",
        "scoring_profile": "vlmevalkit",
        "source": "Ocular sample suite: synthetic scenes in VLMEvalKit's EASI RefSpatial TSV schema, with "
                  "target masks as PNG files named by mask_path (generated by scripts/make_suites_spatial.py)",
        "id_field": "index",
        "image_field": "image_path",
        "files": [{"path": "samples.jsonl"}],
    })
    return records


# ----------------------------------------------------------------------------------------------------------------
# RoboSpatial

CONTEXT_SUFFIX = (" Your answer should be formatted as a list of tuples, i.e. [(x1, y1), (x2, y2), ...], where each "
                  "tuple contains the x and y coordinates of a point satisfying the conditions above. The "
                  "coordinates should be between 0 and 1, indicating the normalized pixel locations of the points "
                  "in the image.")

# Each item: (question, category, answer, drawing) where a drawing is a list of
# ("rect" | "ellipse", pixel box, colour) or ("polygon", [normalised points], colour).
ROBOSPATIAL = [
    ("Can the red cup fit inside the blue box? Answer yes or no.", "compatibility", "yes",
     [("rect", (150, 60, 290, 200), (40, 80, 220)), ("ellipse", (40, 120, 80, 160), (220, 40, 40))]),
    ("Can the large green crate fit on the small stool? Answer yes or no.", "compatibility", "no",
     [("rect", (20, 40, 200, 200), (40, 160, 60)), ("rect", (240, 150, 290, 200), (120, 70, 30))]),
    ("Can the book be placed on the shelf to the left of the vase? Answer yes or no.", "compatibility", "Yes",
     [("rect", (20, 120, 300, 140), (160, 110, 60)), ("rect", (200, 60, 230, 120), (70, 120, 200))]),
    ("Can the chair fit in the gap between the two tables? Answer yes or no.", "compatibility", " no ",
     [("rect", (20, 100, 150, 200), (150, 100, 50)), ("rect", (170, 100, 300, 200), (150, 100, 50))]),
    ("Is the lamp to the left of the sofa? Answer yes or no.", "configuration", "no",
     [("rect", (40, 100, 200, 200), (120, 40, 40)), ("rect", (250, 40, 270, 200), (250, 220, 80))]),
    ("Is the mug in front of the laptop? Answer yes or no.", "configuration", "yes",
     [("rect", (100, 40, 240, 140), (60, 60, 60)), ("ellipse", (150, 160, 190, 200), (250, 250, 250))]),
    ("Is the plant above the television? Answer yes or no.", "configuration", "No",
     [("rect", (80, 20, 240, 120), (20, 20, 20)), ("ellipse", (140, 150, 180, 220), (40, 160, 60))]),
    ("Is the picture frame hanging above the bed? Answer yes or no.", "configuration", "yes",
     [("rect", (120, 20, 200, 80), (200, 170, 60)), ("rect", (60, 130, 260, 220), (180, 180, 240))]),
    ("In the image, there is a blue box. Pinpoint several points within the vacant space situated to the left "
     "of the blue box." + CONTEXT_SUFFIX, "context",
     [(0.1, 0.8), (0.45, 0.75), (0.3, 0.35)],
     [("rect", (170, 60, 290, 200), (40, 80, 220))]),
    ("In the image, there is a shelf. Pinpoint several points within the vacant space on the shelf, under its "
     "pointed roof." + CONTEXT_SUFFIX, "context",
     [(0.2, 0.9), (0.2, 0.5), (0.5, 0.15), (0.8, 0.5), (0.8, 0.9)],
     [("rect", (20, 10, 50, 40), (200, 40, 40))]),
    ("In the image, there is a rug. Pinpoint several points within the vacant space on the slanted rug."
     + CONTEXT_SUFFIX, "context",
     [(0.15, 0.6), (0.55, 0.45), (0.85, 0.7), (0.4, 0.9)],
     [("ellipse", (250, 20, 300, 70), (240, 200, 20))]),
    ("In the image, there is a round table. Pinpoint several points within the vacant space on the hexagonal "
     "table top." + CONTEXT_SUFFIX, "context",
     [(0.5, 0.1), (0.75, 0.25), (0.75, 0.65), (0.5, 0.8), (0.25, 0.65), (0.25, 0.25)],
     [("rect", (10, 200, 40, 230), (60, 60, 60))]),
    ("In the image, there is a desk. Pinpoint several points within the free area in front of the desk, "
     "below the drawer.", "context",  # no "Your answer should": the whole question is kept
     [(0.3, 0.55), (0.9, 0.6), (0.7, 0.95), (0.35, 0.9)],
     [("rect", (60, 20, 260, 100), (120, 80, 40))]),
    ("In the image, there is a sink.   Pinpoint several points within the vacant counter space to the right of "
     "the sink.   " + CONTEXT_SUFFIX, "context",
     [(0.55, 0.3), (0.95, 0.35), (0.9, 0.7), (0.6, 0.65)],
     [("ellipse", (30, 80, 130, 160), (200, 200, 210))]),
]


def polygon_literal(points):
    return "[" + ", ".join(f"({x}, {y})" for x, y in points) + "]"


def build_robospatial(root):
    folder = root / "robospatial"
    reset_suite(folder)
    records = []
    w, h = 320, 240
    for index, (question, category, answer, drawing) in enumerate(ROBOSPATIAL):
        im = Image.new("RGB", (w, h), (238, 236, 230))
        d = ImageDraw.Draw(im)
        if category == "context":
            d.polygon([(x * (w - 1), y * (h - 1)) for x, y in answer], fill=(205, 225, 205))
        for shape, box, colour in drawing:
            draw_shape(d, shape, box, colour)
        image_path = f"images/robospatial_{index}.png"
        save(im, folder / image_path, "png")
        records.append({"index": index, "question": question,
                        "answer": polygon_literal(answer) if category == "context" else answer,
                        "category": category, "image_path": image_path})
    write_jsonl(folder / "samples.jsonl", records)
    write_manifest(folder, {
        "format": "ocular-suite/1",
        "name": "robospatial",
        "title": "RoboSpatial (sample)",
        "benchmark": "robospatial",
        "group": "spatial",
        "metric": "robospatial_accuracy",
        "scoring_profile": "vlmevalkit",
        "source": "Ocular sample suite: synthetic scenes in VLMEvalKit's EASI RoboSpatialHome TSV schema "
                  "(generated by scripts/make_suites_spatial.py)",
        "id_field": "index",
        "image_field": "image_path",
        "files": [{"path": "samples.jsonl"}],
    })
    return records


# ----------------------------------------------------------------------------------------------------------------
# RefCOCO+ and RefCOCOg (OneThinker grounding schema, as benchmarks/refcoco)

PROMPT = "Please provide the bounding box coordinate of the region this sentence describes: {}."

# Each item: (expression, (W, H), background, gold box in 0-1000 coords, shape, colour, distractors, format).
# RefCOCO+ expressions name appearance only (no location words); RefCOCOg's are longer sentences.
REFCOCO_PLUS = {
    "val": [
        ("man in the red shirt", (400, 200), "white", (100, 250, 350, 750), "rect", (220, 30, 30),
         [("rect", (260, 50, 360, 150), (30, 60, 220))], "png"),
        ("green ball", (300, 200), "white", (400, 300, 600, 700), "ellipse", (30, 160, 60),
         [("rect", (15, 20, 45, 50), (150, 150, 150))], "png"),
        ("striped cat", (320, 240), (230, 230, 230), (0, 500, 250, 1000), "rect", (240, 150, 30),
         [("ellipse", (200, 40, 260, 100), (90, 90, 90))], "png"),
        ("tiny purple dot", (400, 200), "white", (700, 200, 720, 240), "rect", (130, 40, 170),
         [("ellipse", (40, 60, 120, 140), (170, 170, 170))], "png"),
        ("blue jacket", (300, 300), "white", (300, 300, 700, 700), "rect", (40, 70, 200),
         [("rect", (10, 250, 40, 280), (200, 200, 200))], "png"),
    ],
    "testA": [
        ("woman with the white hat", (360, 240), "white", (250, 250, 750, 750), "rect", (250, 250, 250),
         [("rect", (10, 10, 40, 40), (40, 160, 60))], "png"),
        ("person in blue jeans", (200, 400), "white", (200, 100, 600, 900), "rect", (40, 70, 200),
         [("ellipse", (150, 10, 190, 50), (250, 150, 30))], "webp-lossless"),
        ("guy in the orange jacket", (320, 240), "white", (500, 500, 1000, 1000), "rect", (250, 140, 20),
         [("ellipse", (20, 20, 80, 80), (150, 150, 150))], "png"),
        ("kid holding the kite", (400, 300), (220, 235, 250), (20, 30, 980, 970), "rect", (200, 90, 90), [],
         "png"),
    ],
    "testB": [
        ("brown teddy bear", (300, 300), (40, 40, 60), (100, 100, 900, 900), "ellipse", (150, 100, 60), [], "png"),
        ("white car", (400, 200), "white", (250, 0, 750, 1000), "rect", (245, 245, 245),
         [("ellipse", (10, 60, 50, 100), (150, 150, 150))], "png"),
        ("yellow taxi", (250, 200), "white", (600, 600, 1000, 1000), "rect", (240, 200, 20),
         [("ellipse", (20, 20, 80, 80), (40, 90, 210))], "png"),
        ("black umbrella", (200, 160), "white", (300, 300, 700, 700), "rect", (20, 20, 20),
         [("rect", (10, 10, 40, 40), (200, 40, 40))], "png"),
    ],
}

REFCOCOG = {
    "val": [
        ("a red rectangle standing on the left side next to a smaller blue square", (400, 200), "white",
         (100, 250, 350, 750), "rect", (220, 30, 30), [("rect", (260, 50, 360, 150), (30, 60, 220))], "png"),
        ("the large light blue rectangle that covers most of the middle of the picture", (400, 320), "white",
         (150, 200, 850, 800), "rect", (150, 200, 245), [("ellipse", (358, 18, 382, 42), (220, 30, 30))], "png"),
        ("a small green circle sitting in the lower right part of the image below the gray square", (300, 300),
         "white", (700, 700, 900, 900), "ellipse", (30, 160, 60), [("rect", (210, 60, 270, 120), (150, 150, 150))],
         "png"),
        ("the thin vertical pole that runs from the top of the picture to the bottom", (200, 160), "white",
         (450, 0, 550, 1000), "rect", (90, 90, 90), [("ellipse", (10, 60, 40, 90), (240, 110, 180))], "png"),
        ("a wide brown table that stretches along the whole bottom edge of the room", (320, 240), (235, 230, 220),
         (0, 750, 1000, 1000), "rect", (120, 70, 30), [("ellipse", (140, 40, 180, 80), (250, 220, 80))], "png"),
        ("the orange triangle shaped sign above the door", (360, 240), "white", (400, 100, 600, 400), "polygon",
         (250, 140, 20), [("rect", (150, 150, 210, 230), (100, 60, 30))], "png"),
        ("a wide green mat lying in the middle of the floor, a little wider than it is tall", (200, 200), "white",
         (200, 250, 800, 750), "rect", (30, 160, 60), [("ellipse", (5, 5, 25, 25), (220, 30, 30))], "png"),
    ],
    "test": [
        ("a purple block placed in the bottom right corner of the picture", (320, 240), "white",
         (600, 500, 1000, 1000), "rect", (130, 40, 170), [("ellipse", (20, 20, 80, 80), (150, 150, 150))], "png"),
        ("the teal rectangle that is in the middle of the image slightly towards the bottom", (400, 200), "white",
         (250, 300, 750, 800), "rect", (20, 150, 150), [("polygon", (10, 10, 50, 45), (220, 30, 30))], "png"),
        ("a tall yellow bar that touches the left edge of the picture", (250, 300), (235, 235, 235),
         (0, 0, 400, 1000), "rect", (240, 200, 20), [("ellipse", (160, 120, 220, 180), (40, 90, 210))], "png"),
        ("the tiny black mark that is close to the very center of the image", (400, 200), "white",
         (480, 490, 500, 510), "rect", (0, 0, 0), [("ellipse", (30, 30, 90, 90), (170, 170, 170))], "png"),
        ("the big gray square in the center of the dark picture", (300, 300), (40, 40, 60),
         (200, 200, 800, 800), "rect", (128, 128, 128), [], "webp-lossless"),
        ("a pink ball that lies at the top of the image on the right", (240, 240), "white", (750, 0, 1000, 250),
         "ellipse", (240, 110, 180), [("rect", (20, 150, 80, 210), (40, 160, 60))], "png"),
    ],
}


def build_grounding(root, name, prefix, title, families):
    folder = root / name
    reset_suite(folder)
    files = {}
    for split, items in families.items():
        records = []
        for pid, (expr, (w, h), bg, box, shape, colour, distractors, fmt) in enumerate(items, start=1):
            assert 64 <= w <= 400 and 64 <= h <= 400
            target = to_pixels(box, w, h)
            im = Image.new("RGB", (w, h), bg)
            d = ImageDraw.Draw(im)
            for dshape, dbox, dcolour in distractors:
                assert not overlaps(dbox, target), (name, split, pid)
                draw_shape(d, dshape, dbox, dcolour)
            draw_shape(d, shape, target, colour)
            path = f"images/{name}_{split}_{pid}.{EXT[fmt]}"
            save(im, folder / path, fmt)
            records.append({
                "problem_id": pid,
                "problem": PROMPT.format(expr),
                "problem_type": "spatial grounding",
                "data_type": "image",
                "path": path,
                "solution": "<answer>" + json.dumps({"boxes": list(box)}) + "</answer>",
            })
        files[split] = records
        write_jsonl(folder / f"eval_{prefix}_{split}.jsonl", records)
    write_manifest(folder, {
        "format": "ocular-suite/1",
        "name": name,
        "title": f"{title} (sample)",
        "benchmark": name,
        "group": "grounding",
        "metric": "grounding_acc50",
        "scoring_profile": "onethinker",
        "source": f"Ocular sample suite: synthetic shapes in OneThinker's eval_{prefix}_<split> grounding schema, "
                  "boxes in Qwen3-VL 0-1000 coordinates (generated by scripts/make_suites_spatial.py)",
        "prompt_template": "{problem}",
        "id_field": "problem_id",
        "image_field": "path",
        "files": [{"path": f"eval_{prefix}_{s}.jsonl", "split": s} for s in families],
    })
    return files


# ----------------------------------------------------------------------------------------------------------------
# Golden masks (Tests/OcularCoreTests/Golden/refspatial_masks)


def golden_masks(folder):
    """Small masks in every encoding the RefSpatial golden cases use."""
    folder.mkdir(parents=True, exist_ok=True)
    rect = Image.new("L", (40, 30), 0)
    ImageDraw.Draw(rect).rectangle([10, 5, 29, 19], fill=255)  # inside: x in [10, 30), y in [5, 20)
    rect.putpixel((35, 25), 1)  # a lone pixel of value 1 counts as inside (1/255 > 0)
    masks = {
        "rect_L.png": rect,
        "rect_1bit.png": encode_mask(rect.point(lambda v: 255 if v else 0), "1"),
        "rect_RGB.png": encode_mask(rect.point(lambda v: 255 if v else 0), "RGB"),
        "rect_RGBA.png": encode_mask(rect.point(lambda v: 255 if v else 0), "RGBA"),
        "rect_P.png": encode_mask(rect.point(lambda v: 255 if v else 0), "P"),
        "rect_LA.png": encode_mask(rect.point(lambda v: 255 if v else 0), "LA"),
    }
    # Encodings Ocular declines to decode (the scorer marks the sample `error`): a palette whose index 0 is white
    # (PIL reads indices, libpng colours) and a 16-bit gray mask (PIL keeps 16 bits, libpng reduces to 8).
    inverted = Image.frombytes("P", rect.size, bytes(1 if v else 0 for v in rect.tobytes()))
    inverted.putpalette([255, 255, 255, 0, 0, 0])
    masks["rect_P_inverted.png"] = inverted
    masks["rect_I16.png"] = rect.point(lambda v: 255 if v else 0).convert("I").point(lambda v: v * 257).convert("I;16")
    wide = Image.new("L", (1200, 10), 0)
    ImageDraw.Draw(wide).rectangle([1000, 0, 1099, 9], fill=255)  # inside: x in [1000, 1100)
    masks["wide_L.png"] = wide
    checker = Image.new("L", (8, 8), 0)  # inside: pixels with (x + y) even
    for y in range(8):
        for x in range(8):
            if (x + y) % 2 == 0:
                checker.putpixel((x, y), 255)
    masks["checker_L.png"] = checker
    for name, im in masks.items():
        im.save(folder / name, "PNG", optimize=True)
    return masks


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks")
    ap.add_argument("--golden-masks", type=Path, default=GOLDEN_MASKS)
    args = ap.parse_args()
    refspatial = build_refspatial(args.out)
    robospatial = build_robospatial(args.out)
    plus = build_grounding(args.out, "refcoco_plus", "refcocop", "RefCOCO+", REFCOCO_PLUS)
    g = build_grounding(args.out, "refcocog", "refcocog", "RefCOCOg", REFCOCOG)
    masks = golden_masks(args.golden_masks)
    names = ("refspatial", "robospatial", "refcoco_plus", "refcocog")
    total = sum(p.stat().st_size for s in names for p in (args.out / s).rglob("*")
                if p.is_file() and "data" not in p.relative_to(args.out / s).parts)
    print(f"wrote {len(refspatial)} refspatial, {len(robospatial)} robospatial, "
          f"{sum(map(len, plus.values()))} refcoco_plus, {sum(map(len, g.values()))} refcocog samples under "
          f"{args.out} ({total} bytes); {len(masks)} golden masks in {args.golden_masks}")


if __name__ == "__main__":
    main()
