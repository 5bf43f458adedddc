#!/usr/bin/env python3
"""Generate Ocular's bundled sample suites: benchmarks/mmstar, benchmarks/docvqa, benchmarks/refcoco.

Needs Python 3.9+ and Pillow (any recent version with WebP support; written against Pillow 13):

    python3 -m venv /tmp/genvenv && /tmp/genvenv/bin/pip install pillow
    /tmp/genvenv/bin/python scripts/make_sample_suites.py            # from the repo root

Options:
    --out DIR             write the suites under DIR instead of <repo>/benchmarks
    --refscore-cases DIR  also write refscore input files for the baseline and oracle policies
                          (mcq_cases.jsonl, anls_cases.jsonl) and refcoco_iou.json (IoUs computed here),
                          used to produce benchmarks/EXPECTED_BASELINE.md

The content is fixed (no randomness), so a rerun rewrites the same records; the image bytes are identical for a
given Pillow/zlib/libjpeg/libwebp build. Each suite folder is deleted and rewritten except its `data/` folder.

The suites follow docs/suite-format.md:
  * mmstar  - 12 VLMEvalKit MMStar TSV rows (index, question, [hint], A-D, answer, category, l2-category, image_path)
  * docvqa  - 12 VLMEvalKit DocVQA_VAL rows (index, question, answer = Python list literal string, image_path)
  * refcoco - OneThinker grounding records in three split files (val 5, testA 4, testB 4), gold boxes in
              Qwen3-VL 0-1000 coordinates; every object is drawn exactly on its gold box (x_px = x * W / 1000).

Image formats: PNG by default, plus a baseline JPEG (mmstar 0), a GIF (mmstar 2), a lossy WebP with alpha
(VP8X, mmstar 5), a progressive JPEG (docvqa 4), a lossy WebP (VP8, docvqa 9) and a lossless WebP (VP8L, refcoco
testA 2).
"""

import argparse
import json
import math
import shutil
import sys
from pathlib import Path

try:
    from PIL import Image, ImageDraw, ImageFont, features
except ImportError:  # pragma: no cover
    sys.exit("make_sample_suites.py needs Pillow: python3 -m venv /tmp/genvenv && "
             "/tmp/genvenv/bin/pip install pillow, then run it with /tmp/genvenv/bin/python")

REPO = Path(__file__).resolve().parent.parent

# ----------------------------------------------------------------------------------------------------------------
# helpers


def font(size):
    """Pillow's built-in default font (a scalable one when FreeType is available)."""
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, ValueError, OSError):  # old Pillow or no FreeType: the fixed bitmap font
        return ImageFont.load_default()


def save(im, path, fmt):
    """Save `im` to `path` in one of: png, jpeg, jpeg-progressive, gif, webp, webp-lossless."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "png":
        im.save(path, "PNG", optimize=True)
    elif fmt == "jpeg":
        im.convert("RGB").save(path, "JPEG", quality=88, progressive=False, optimize=False)
    elif fmt == "jpeg-progressive":
        im.convert("RGB").save(path, "JPEG", quality=88, progressive=True)
    elif fmt == "gif":
        im.convert("RGB").quantize(colors=16, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            path, "GIF")
    elif fmt in ("webp", "webp-lossless"):
        if not features.check("webp"):
            sys.exit("this Pillow has no WebP support; install a Pillow wheel built with libwebp")
        im.save(path, "WEBP", lossless=(fmt == "webp-lossless"), quality=85, method=6)
    else:
        raise ValueError(fmt)


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def write_manifest(folder, manifest):
    with open(folder / "suite.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")


def reset_suite(folder):
    """Remove everything in the suite folder except a `data/` import."""
    folder.mkdir(parents=True, exist_ok=True)
    for child in folder.iterdir():
        if child.name == "data":
            continue
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


def centered_text(d, box, text, f, fill="black"):
    x0, y0, x1, y1 = box
    l, t, r, b = d.textbbox((0, 0), text, font=f)
    d.text((x0 + (x1 - x0 - (r - l)) / 2 - l, y0 + (y1 - y0 - (b - t)) / 2 - t), text, font=f, fill=fill)


# ----------------------------------------------------------------------------------------------------------------
# MMStar


def mm_scene():
    im = Image.new("RGB", (320, 200), (135, 200, 240))
    d = ImageDraw.Draw(im)
    d.rectangle([0, 130, 319, 199], fill=(70, 170, 60))
    d.ellipse([230, 20, 280, 70], fill=(255, 215, 0))
    for i in range(8):  # sun rays
        a = i * math.pi / 4
        d.line([255 + 32 * math.cos(a), 45 + 32 * math.sin(a), 255 + 44 * math.cos(a), 45 + 44 * math.sin(a)],
               fill=(255, 215, 0), width=3)
    for cx in (40, 90, 150, 200):  # flowers in the meadow
        d.ellipse([cx - 5, 155, cx + 5, 165], fill=(230, 60, 120))
    d.rectangle([60, 90, 70, 135], fill=(110, 70, 30))  # a tree
    d.ellipse([40, 55, 90, 105], fill=(30, 120, 40))
    return im


def mm_face():
    im = Image.new("RGB", (200, 200), "white")
    d = ImageDraw.Draw(im)
    d.ellipse([20, 20, 180, 180], fill=(255, 220, 60), outline="black", width=3)
    d.ellipse([65, 65, 85, 90], fill="black")
    d.ellipse([115, 65, 135, 90], fill="black")
    d.arc([55, 80, 145, 150], start=20, end=160, fill="black", width=5)  # smile
    return im


def mm_count():
    im = Image.new("RGB", (320, 120), "white")
    d = ImageDraw.Draw(im)
    for i in range(5):
        cx = 40 + i * 60
        d.ellipse([cx - 20, 40, cx + 20, 80], fill=(30, 80, 220))
    return im


def mm_red_square():
    im = Image.new("RGB", (200, 200), (225, 225, 225))
    ImageDraw.Draw(im).rectangle([50, 50, 149, 149], fill=(255, 0, 0))
    return im


def mm_quadrants():
    im = Image.new("RGB", (240, 240), "white")
    d = ImageDraw.Draw(im)
    d.line([120, 0, 120, 239], fill=(160, 160, 160), width=2)
    d.line([0, 120, 239, 120], fill=(160, 160, 160), width=2)
    d.polygon([(60, 20), (100, 95), (20, 95)], fill=(20, 160, 40))  # green triangle, top-left
    d.ellipse([160, 160, 200, 200], fill=(150, 150, 150))  # grey circle, bottom-right
    return im


def mm_triangle_rgba():
    im = Image.new("RGBA", (160, 160), (255, 255, 255, 0))  # transparent background -> WebP VP8X with ALPH
    ImageDraw.Draw(im).polygon([(80, 20), (145, 135), (15, 135)], fill=(240, 120, 20, 255))
    return im


def mm_two_circles():
    im = Image.new("RGB", (300, 160), "white")
    d = ImageDraw.Draw(im)
    d.ellipse([45, 50, 105, 110], fill=(200, 40, 40))  # left, r = 30
    d.ellipse([165, 25, 275, 135], fill=(200, 40, 40))  # right, r = 55
    return im


def mm_sequence():
    im = Image.new("RGB", (320, 100), "white")
    centered_text(ImageDraw.Draw(im), (0, 0, 320, 100), "2, 4, 8, 16, ?", font(34))
    return im


def mm_chain():
    im = Image.new("RGB", (400, 100), "white")
    d = ImageDraw.Draw(im)
    f = font(22)
    for i, name in enumerate("WXYZ"):
        x = 15 + i * 100
        d.rectangle([x, 30, x + 50, 70], outline="black", width=2)
        centered_text(d, (x, 30, x + 50, 70), name, f)
        if i < 3:  # arrow to the next box
            d.line([x + 52, 50, x + 112, 50], fill="black", width=2)
            d.polygon([(x + 113, 50), (x + 104, 45), (x + 104, 55)], fill="black")
    return im


def mm_clock():
    im = Image.new("RGB", (200, 200), "white")
    d = ImageDraw.Draw(im)
    c, r = 100, 85
    d.ellipse([c - r, c - r, c + r, c + r], outline="black", width=4)
    f = font(16)
    for h in range(1, 13):
        a = math.radians(h * 30 - 90)
        centered_text(d, (c + 68 * math.cos(a) - 10, c + 68 * math.sin(a) - 10,
                          c + 68 * math.cos(a) + 10, c + 68 * math.sin(a) + 10), str(h), f)
    d.line([c, c, c + 45, c], fill="black", width=7)  # hour hand -> 3
    d.line([c, c, c, c - 52], fill="black", width=3)  # minute hand -> 12
    d.ellipse([c - 5, c - 5, c + 5, c + 5], fill="black")
    return im


def mm_bars():
    im = Image.new("RGB", (300, 200), "white")
    d = ImageDraw.Draw(im)
    f = font(16)
    d.line([30, 170, 290, 170], fill="black", width=2)
    d.line([30, 10, 30, 170], fill="black", width=2)
    for i, (name, v) in enumerate([("P", 3), ("Q", 5), ("R", 2), ("S", 7)]):
        x = 50 + i * 60
        d.rectangle([x, 170 - v * 20, x + 35, 169], fill=(70, 110, 200))
        centered_text(d, (x, 172, x + 35, 195), name, f)
    return im


def mm_thermometer():
    im = Image.new("RGB", (160, 260), "white")
    d = ImageDraw.Draw(im)
    f = font(14)
    d.rounded_rectangle([60, 20, 90, 215], radius=15, outline="black", width=2)
    d.ellipse([50, 200, 100, 250], fill=(220, 30, 30), outline="black", width=2)
    y0, step = 200, 30  # 0 degrees at y = 200, one tick = 10 degrees = 30 px
    for k in range(6):
        y = y0 - k * step
        d.line([90, y, 102, y], fill="black", width=2)
        d.text((106, y - 8), str(10 * k), font=f, fill="black")
    d.rectangle([68, y0 - 3 * step, 82, 210], fill=(220, 30, 30))  # mercury up to 30
    return im


MMSTAR = [
    # (question, options, gold, category, l2-category, hint, draw, format)
    ("What is the main scene shown in the image?",
     ["A sunny meadow", "A city at night", "An underwater reef", "A snowy mountain"], "A",
     "coarse perception", "image scene and topic", None, mm_scene, "jpeg"),
    ("What emotion does the face in the image express?",
     ["Sad", "Happy", "Angry", "Surprised"], "B",
     "coarse perception", "image emotion", None, mm_face, "png"),
    ("How many blue circles are there in the image?",
     ["3", "4", "5", "6"], "C",
     "fine-grained perception", "object counting", None, mm_count, "gif"),
    ("What color is the square?",  # "red" is a substring of "dark red"
     ["dark red", "blue", "green", "red"], "D",
     "fine-grained perception", "recognition", None, mm_red_square, "png"),
    ("In which part of the image is the green triangle?",
     ["top-left", "top-right", "bottom-left", "bottom-right"], "A",
     "fine-grained perception", "localization", None, mm_quadrants, "png"),
    ("Which shape is shown in the image?",  # every option starts with the article "A"
     ["A circle", "A square", "A triangle", "A star"], "C",
     "instance reasoning", "single-instance reasoning", None, mm_triangle_rgba, "webp"),
    ("Which of the two circles is larger?",
     ["The left one.", "The right one.", "They are the same size.", "There is only one circle."], "B",
     "instance reasoning", "cross-instance attribute reasoning", None, mm_two_circles, "png"),
    ("Which number should replace the question mark?",
     ["18", "24", "32", "64"], "C",
     "logical reasoning", "code & sequence reasoning", None, mm_sequence, "png"),
    ("Start at box W and follow the arrows. Which box do you reach last?",
     ["X", "Y", "W", "Z"], "D",
     "logical reasoning", "diagram reasoning", None, mm_chain, "png"),
    ("What time does the clock show?",
     ["3:00", "9:00", "12:15", "6:30"], "A",
     "math", "numeric commonsense and calculation", "The short hand shows the hour.", mm_clock, "png"),
    ("Which bar is the tallest?",
     ["P", "Q", "R", "S"], "D",
     "math", "statistical reasoning", None, mm_bars, "png"),
    ("What temperature does the thermometer show?",
     ["20 °C", "30 °C", "40 °C", "50 °C"], "B",
     "science & technology", "biology & chemistry & physics", "Each tick mark is 10 °C.", mm_thermometer, "png"),
]

EXT = {"png": "png", "jpeg": "jpg", "jpeg-progressive": "jpg", "gif": "gif", "webp": "webp", "webp-lossless": "webp"}


def build_mmstar(root):
    folder = root / "mmstar"
    reset_suite(folder)
    records = []
    for index, (q, opts, gold, cat, l2, hint, draw, fmt) in enumerate(MMSTAR):
        name = f"mmstar_{index}.{EXT[fmt]}"
        save(draw(), folder / "images" / name, fmt)
        r = {"index": index, "question": q}
        if hint is not None:
            r["hint"] = hint
        r.update(zip("ABCD", opts))
        r.update({"answer": gold, "category": cat, "l2-category": l2, "image_path": name})
        records.append(r)
    write_jsonl(folder / "samples.jsonl", records)
    write_manifest(folder, {
        "format": "ocular-suite/1",
        "name": "mmstar",
        "title": "MMStar (sample)",
        "benchmark": "mmstar",
        "group": "general_vqa",
        "metric": "mcq_accuracy",
        "scoring_profile": "vlmevalkit",
        "source": "Ocular sample suite: synthetic images in VLMEvalKit's MMStar TSV schema "
                  "(generated by scripts/make_sample_suites.py)",
        "prompt_template": "{hint}Question: {question}\n{options}",
        "id_field": "index",
        "image_field": "image_path",
        "image_root": "images",
        "files": [{"path": "samples.jsonl"}],
    })
    return records


# ----------------------------------------------------------------------------------------------------------------
# DocVQA

DOCVQA = [
    # (question, gold answers (a list; written as its Python repr), document lines, format)
    ("What is the name of the company?", ["ITC Limited", "itc limited"],
     ["#ITC Limited", "Virginia House, 37 J.L. Nehru Road", "Kolkata 700 071", "",
      "Report of the Directors, 1999"], "png"),
    ("Which hospital is named in the letterhead?", ["Children's Hospital", "children's hospital"],
     ["#Children's Hospital", "Department of Pediatrics", "", "Dear Dr. Smith,",
      "Thank you for your letter of May 3."], "png"),
    ("What is the total amount due?", ["$1,250.00", "1,250.00", "1250"],
     ["#INVOICE No. 4471", "Item: Laboratory supplies", "Quantity: 5 cases", "Shipping: included",
      "Total due: $1,250.00"], "png"),
    ("What is the date of the meeting?", ["March 14, 1998", "14 March 1998", "3/14/98"],
     ["#MEETING NOTICE", "Date: March 14, 1998", "Time: 10:00 a.m.", "Place: Room 210",
      "Agenda: budget review"], "jpeg-progressive"),
    ("What is the telephone number?", ["(212) 555-0147", "212-555-0147"],
     ["#Contact Information", "For questions please call", "Phone: (212) 555-0147",
      "Fax: (212) 555-0199"], "png"),
    ("What is the title of the report?", ["Annual Report on Tobacco Research"],
     ["", "#Annual Report on Tobacco Research", "", "Prepared for the Board of Directors",
      "December 1985"], "png"),
    ("Who signed the letter?", ["Patrick O'Neill", "P. O Neill"],
     ["We look forward to your reply.", "", "Sincerely,", "", "Patrick O'Neill",
      "Director of Research"], "png"),
    ("How many employees work in the Sales department?", ["42", "forty-two"],
     ["#Staff by Department", "Department      Employees", "Sales                42",
      "Finance              17", "Research             23"], "png"),
    ("What is the tax rate?", ["8.5%", "8.5"],
     ["#RECEIPT", "Subtotal: $200.00", "Tax rate: 8.5%", "Tax: $17.00", "Total: $217.00"], "webp"),
    ("What is the zip code in the address?", ["10017", "10017-2345"],
     ["#Research Office", "245 Park Avenue", "New York, NY 10017", "", "Open Monday to Friday"], "png"),
    ("What is the marital status given on the form?", ["Unknown", "unknown"],
     ["#PERSONAL DATA FORM", "Name: J. Doe", "Age: 54", "Marital status: Unknown",
      "Occupation: Clerk"], "png"),
    ("Who is the fax from?", ["Unknown Sender", "unknown sender"],
     ["#FAX TRANSMITTAL", "To: R. Miller", "From: Unknown Sender", "Pages: 3 (including cover)",
      "Date: 06/02/94"], "png"),
]


def doc_image(lines):
    """A white document snippet with black text in Pillow's default font; '#' marks a heading line."""
    body, head = font(14), font(20)
    im = Image.new("L", (360, 40 + 26 * len(lines)), 255)
    d = ImageDraw.Draw(im)
    y = 16
    for line in lines:
        f = head if line.startswith("#") else body
        d.text((18, y), line.lstrip("#"), font=f, fill=0)
        y += 30 if line.startswith("#") else 24
    d.rectangle([0, 0, im.width - 1, im.height - 1], outline=180)
    return im


def build_docvqa(root):
    folder = root / "docvqa"
    reset_suite(folder)
    records = []
    for index, (q, answers, lines, fmt) in enumerate(DOCVQA, start=1):
        assert any(a in " ".join(lines) for a in answers), q
        name = f"docvqa_{index}.{EXT[fmt]}"
        im = doc_image(lines)
        save(im if fmt == "png" else im.convert("RGB"), folder / "images" / name, fmt)
        records.append({"index": index, "question": q, "answer": repr(answers), "image_path": name})
    write_jsonl(folder / "samples.jsonl", records)
    write_manifest(folder, {
        "format": "ocular-suite/1",
        "name": "docvqa",
        "title": "DocVQA (sample)",
        "benchmark": "docvqa",
        "group": "documents",
        "metric": "anls",
        "scoring_profile": "vlmevalkit",
        "source": "Ocular sample suite: rendered document snippets in VLMEvalKit's DocVQA_VAL TSV schema "
                  "(generated by scripts/make_sample_suites.py)",
        "prompt_template": "{question}\nAnswer the question using a single word or phrase.",
        "id_field": "index",
        "image_field": "image_path",
        "image_root": "images",
        "files": [{"path": "samples.jsonl"}],
    })
    return records


# ----------------------------------------------------------------------------------------------------------------
# RefCOCO (OneThinker grounding schema)

PROMPT = "Please provide the bounding box coordinate of the region this sentence describes: {}."

# Each item: (expression, (W, H), background, gold box in 0-1000 coords, target shape, colour, distractors, format)
# A distractor is (shape, box in pixels, colour); it never overlaps the target.
REFCOCO = {
    "val": [
        ("the red square on the left", (400, 200), "white", (100, 250, 350, 750), "rect", (220, 30, 30),
         [("rect", (260, 50, 360, 150), (30, 60, 220))], "png"),
        ("the green ellipse in the middle", (300, 200), "white", (300, 300, 700, 700), "ellipse", (30, 160, 60),
         [("rect", (15, 20, 45, 50), (150, 150, 150)), ("rect", (255, 150, 285, 180), (150, 150, 150))], "png"),
        ("the tiny black mark near the center", (400, 200), "white", (480, 490, 500, 510), "rect", (0, 0, 0),
         [("ellipse", (30, 30, 90, 90), (170, 170, 170)), ("ellipse", (300, 110, 370, 180), (170, 170, 170))],
         "png"),
        ("the tall yellow bar on the left edge", (250, 300), (235, 235, 235), (0, 0, 400, 1000), "rect",
         (240, 200, 20), [("ellipse", (160, 120, 220, 180), (40, 90, 210))], "png"),
        ("the large light blue rectangle", (400, 320), "white", (150, 200, 850, 800), "rect", (150, 200, 245),
         [("ellipse", (358, 18, 382, 42), (220, 30, 30))], "png"),
    ],
    "testA": [
        ("the large gray rectangle that fills almost the whole picture", (400, 300), "white",
         (20, 30, 980, 970), "rect", (128, 128, 128), [], "png"),
        ("the blue rectangle", (200, 400), "white", (200, 200, 700, 800), "rect", (40, 70, 200),
         [("ellipse", (150, 340, 190, 380), (250, 150, 30))], "webp-lossless"),
        ("the orange rectangle in the center", (360, 240), "white", (250, 250, 750, 750), "rect", (250, 140, 20),
         [("rect", (10, 10, 40, 40), (40, 160, 60)), ("rect", (320, 200, 350, 230), (40, 160, 60))], "png"),
        ("the purple block in the bottom right corner", (320, 240), "white", (600, 500, 1000, 1000), "rect",
         (130, 40, 170), [("ellipse", (20, 20, 80, 80), (150, 150, 150))], "png"),
    ],
    "testB": [
        ("the big white square", (300, 300), (40, 40, 60), (100, 100, 900, 900), "rect", (255, 255, 255),
         [], "png"),
        ("the teal rectangle", (400, 200), "white", (250, 300, 750, 800), "rect", (20, 150, 150),
         [("polygon", (10, 10, 50, 45), (220, 30, 30))], "png"),
        ("the brown block at the bottom left", (250, 200), "white", (0, 600, 300, 1000), "rect", (120, 70, 30),
         [("ellipse", (170, 20, 230, 80), (40, 90, 210))], "png"),
        ("the tall pink pole in the middle", (200, 160), "white", (250, 0, 750, 1000), "rect", (240, 110, 180),
         [("ellipse", (10, 60, 40, 90), (150, 150, 150)), ("ellipse", (160, 60, 190, 90), (150, 150, 150))],
         "png"),
    ],
}


def to_pixels(box, w, h):
    """0-1000 box -> pixel box; the generator only uses boxes that map to whole pixels exactly."""
    x1, y1, x2, y2 = box
    px = (x1 * w / 1000, y1 * h / 1000, x2 * w / 1000, y2 * h / 1000)
    assert all(v == int(v) for v in px), (box, w, h)
    return tuple(int(v) for v in px)


def draw_shape(d, shape, box, colour):
    """Fill exactly the pixels [x1, x2) x [y1, y2) of a pixel box (Pillow's corners are inclusive)."""
    x1, y1, x2, y2 = box
    if shape == "rect":
        d.rectangle([x1, y1, x2 - 1, y2 - 1], fill=colour)
    elif shape == "ellipse":
        d.ellipse([x1, y1, x2 - 1, y2 - 1], fill=colour)
    elif shape == "polygon":
        d.polygon([((x1 + x2) / 2, y1), (x2 - 1, y2 - 1), (x1, y2 - 1)], fill=colour)


def overlaps(a, b):
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def build_refcoco(root):
    folder = root / "refcoco"
    reset_suite(folder)
    files = {}
    for split, items in REFCOCO.items():
        records = []
        for pid, (expr, (w, h), bg, box, shape, colour, distractors, fmt) in enumerate(items, start=1):
            assert 64 <= w <= 400 and 64 <= h <= 400
            target = to_pixels(box, w, h)
            im = Image.new("RGB", (w, h), bg)
            d = ImageDraw.Draw(im)
            for dshape, dbox, dcolour in distractors:
                assert not overlaps(dbox, target), (split, pid)
                draw_shape(d, dshape, dbox, dcolour)
            draw_shape(d, shape, target, colour)
            path = f"images/refcoco_{split}_{pid}.{EXT[fmt]}"
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
        write_jsonl(folder / f"eval_refcoco_{split}.jsonl", records)
    write_manifest(folder, {
        "format": "ocular-suite/1",
        "name": "refcoco",
        "title": "RefCOCO (sample)",
        "benchmark": "refcoco",
        "group": "grounding",
        "metric": "grounding_acc50",
        "scoring_profile": "onethinker",
        "source": "Ocular sample suite: synthetic shapes in OneThinker's eval_refcoco_<split> grounding schema, "
                  "boxes in Qwen3-VL 0-1000 coordinates (generated by scripts/make_sample_suites.py)",
        "prompt_template": "{problem}",
        "id_field": "problem_id",
        "image_field": "path",
        "files": [{"path": f"eval_refcoco_{s}.jsonl", "split": s} for s in REFCOCO],
    })
    return files


# ----------------------------------------------------------------------------------------------------------------
# baseline / oracle cases (for benchmarks/EXPECTED_BASELINE.md)

BASELINE_BOX = [250, 250, 750, 750]


def iou(a, b):
    """benchmarks.md 3.16: boxes compared as given in 0-1000 space."""
    inter = max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    area = lambda r: max(0.0, r[2] - r[0]) * max(0.0, r[3] - r[1])
    union = area(a) + area(b) - inter
    return inter / union if union > 1e-12 else 0.0


def write_cases(out, mmstar, docvqa, refcoco):
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "mcq_cases.jsonl", "w", encoding="utf-8") as f:
        for policy in ("baseline", "oracle"):
            for r in mmstar:
                pred = "A" if policy == "baseline" else r["answer"]
                case = {"bench": "mcq", "id": f"{policy}/{r['index']}", "pred": pred,
                        "options": {k: r[k] for k in "ABCD"}, "answer": r["answer"],
                        "question": r["question"], "dataset": "MMStar"}
                f.write(json.dumps(case, ensure_ascii=False) + "\n")
    with open(out / "anls_cases.jsonl", "w", encoding="utf-8") as f:
        for policy in ("baseline", "oracle"):
            for r in docvqa:
                answers = DOCVQA[r["index"] - 1][1]
                pred = "unknown" if policy == "baseline" else answers[0]
                case = {"bench": "anls", "id": f"{policy}/{r['index']}", "pred": pred, "answer": r["answer"]}
                f.write(json.dumps(case, ensure_ascii=False) + "\n")
    rows = {}
    for split, records in refcoco.items():
        rows[split] = []
        for r in records:
            gold = json.loads(r["solution"][len("<answer>"):-len("</answer>")])["boxes"]
            v = iou(BASELINE_BOX, gold)
            rows[split].append({"problem_id": r["problem_id"], "gold": gold, "iou": v, "hit": v >= 0.5,
                                "oracle_iou": iou(gold, gold)})
    with open(out / "refcoco_iou.json", "w", encoding="utf-8") as f:
        json.dump(rows, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks")
    ap.add_argument("--refscore-cases", type=Path)
    args = ap.parse_args()
    mmstar = build_mmstar(args.out)
    docvqa = build_docvqa(args.out)
    refcoco = build_refcoco(args.out)
    total = sum(p.stat().st_size for s in ("mmstar", "docvqa", "refcoco")
                for p in (args.out / s).rglob("*") if p.is_file() and "data" not in p.relative_to(args.out / s).parts)
    print(f"wrote {len(mmstar)} mmstar, {len(docvqa)} docvqa, {sum(map(len, refcoco.values()))} refcoco samples "
          f"under {args.out} ({total} bytes)")
    if args.refscore_cases:
        write_cases(args.refscore_cases, mmstar, docvqa, refcoco)
        print(f"wrote refscore cases to {args.refscore_cases}")


if __name__ == "__main__":
    main()
