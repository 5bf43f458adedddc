#!/usr/bin/env python3
"""Generate Ocular's sample suites benchmarks/mathvista, benchmarks/mathverse and benchmarks/mathvision.

Needs Python 3.9+ and Pillow (written against Pillow 13):

    python3 -m venv /tmp/genvenv && /tmp/genvenv/bin/pip install pillow
    /tmp/genvenv/bin/python scripts/make_suites_math.py            # from the repo root

Options:
    --out DIR             write the suites under DIR instead of <repo>/benchmarks
    --refscore-cases DIR  also write refscore inputs for the oracle and baseline predictions (after extraction):
                          mathvista_cases.jsonl (bench mathvista) and mathv_cases.jsonl (bench mathv). They check
                          the reference's prefetch path; MathVerse has no refscore bench (its rule-only test is the
                          strip equality of post_check_score, see scripts/golden/mathverse_driver.py).

The content is fixed (no randomness). Each suite folder is deleted and rewritten except its `data/` folder. The
shared drawing helpers come from scripts/make_sample_suites.py.

The suites follow docs/suite-format.md, each in its VLMEvalKit TSV schema (benchmarks.md section 3):
  * mathvista  - 14 MathVista_MINI rows (index, question = the full query with Hint/Question/Choices, answer,
                 question_type, answer_type, choices = list literal or null, answer_option, task, skills = list
                 literal, category, context, source, image_path). Modelled on the real testmini rows in
                 uclanlp/OpenVLThinker example_data/sample_math_val_data.json. No `text`/`list` free-form row: bug
                 #1679 makes those unscorable, so the oracle could not reach 100 (the scorer's tests cover them).
  * mathverse  - 13 MathVerse_MINI rows: three problems in several problem versions (index, question,
                 answer, question_for_eval, problem_version, metadata = dict literal, query_cot, image_path)
  * mathvision - 13 MathVision rows (index, question, answer, choices = list literal, "[]" when free-form,
                 category, image_path)
"""

import argparse
import ast
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_sample_suites import (  # noqa: E402  (shared helpers: Pillow import check, fonts, writers)
    Image, ImageDraw, centered_text, font, reset_suite, save, write_jsonl, write_manifest)

REPO = Path(__file__).resolve().parent.parent

# ----------------------------------------------------------------------------------------------------------------
# drawing


def canvas(w, h):
    im = Image.new("RGB", (w, h), "white")
    return im, ImageDraw.Draw(im)


def text_lines(lines, size=(300, 140), fsize=16):
    im, d = canvas(*size)
    f = font(fsize)
    for i, line in enumerate(lines):
        d.text((12, 10 + i * (fsize + 8)), line, font=f, fill="black")
    return im


def clevr(objects, size=(320, 200)):
    """Flat CLEVR-like scene: objects = [(kind, color, x, y, r)], kind in cube/ball/cylinder."""
    im, d = canvas(*size)
    d.rectangle([0, 0, size[0], size[1]], fill=(200, 200, 200))
    for kind, color, x, y, r in objects:
        if kind == "cube":
            d.rectangle([x - r, y - r, x + r, y + r], fill=color, outline="black")
        elif kind == "ball":
            d.ellipse([x - r, y - r, x + r, y + r], fill=color, outline="black")
        else:  # cylinder
            d.rectangle([x - r, y - r // 2, x + r, y + r], fill=color, outline="black")
            d.ellipse([x - r, y - r, x + r, y], fill=color, outline="black")
    return im


def bar_chart(title, labels, values, size=(320, 210), unit=""):
    im, d = canvas(*size)
    w, h = size
    centered_text(d, (0, 4, w, 24), title, font(13))
    top, bottom, left, right = 34, h - 26, 20, w - 10
    hi = max(values) or 1
    slot = (right - left) / len(values)
    for i, (label, v) in enumerate(zip(labels, values)):
        x0, x1 = left + i * slot + slot * 0.2, left + (i + 1) * slot - slot * 0.2
        y = bottom - v / hi * (bottom - top - 14)
        d.rectangle([x0, y, x1, bottom], fill=(70, 110, 200))
        centered_text(d, (x0 - 10, y - 14, x1 + 10, y - 1), f"{v:g}{unit}", font(10))
        centered_text(d, (x0 - 10, bottom + 4, x1 + 10, bottom + 20), label, font(10))
    d.line([left, bottom, right, bottom], fill="black")
    return im


def food_chain():
    im, d = canvas(320, 170)
    f = font(13)
    boxes = {"Gum Tree": (10, 120), "Koala": (120, 120), "Lion": (230, 120), "Grass": (10, 20), "Zebra": (120, 20)}
    for name, (x, y) in boxes.items():
        d.rectangle([x, y, x + 80, y + 30], outline=(30, 110, 40), width=2)
        centered_text(d, (x, y, x + 80, y + 30), name, f)
    for (ax, ay), (bx, by) in [((90, 135), (120, 135)), ((200, 135), (230, 135)), ((90, 35), (120, 35)),
                               ((200, 35), (240, 120))]:
        d.line([ax, ay, bx, by], fill="black", width=2)
        d.ellipse([bx - 3, by - 3, bx + 3, by + 3], fill="black")
    return im


def triangle(labels, sides=None, right_angle=None, size=(300, 200)):
    im, d = canvas(*size)
    pts = [(40, 170), (260, 170), (40, 30)]
    d.polygon(pts, outline="black", width=2)
    f = font(14)
    for (x, y), name, (dx, dy) in zip(pts, labels, [(-18, 0), (8, 0), (-18, -10)]):
        d.text((x + dx, y + dy), name, font=f, fill="black")
    if right_angle:
        d.rectangle([40, 155, 55, 170], outline="black")
    for (x, y), text in (sides or []):
        d.text((x, y), text, font=font(12), fill=(180, 30, 30))
    return im


def sequence(text, size=(300, 90)):
    im, d = canvas(*size)
    centered_text(d, (0, 0, size[0], size[1]), text, font(26))
    return im


def function_plot(f, xs=(-4, 4), ys=(-5, 5), size=(260, 220)):
    im, d = canvas(*size)
    w, h = size
    to_px = lambda x, y: (20 + (x - xs[0]) / (xs[1] - xs[0]) * (w - 40), h - 20 - (y - ys[0]) / (ys[1] - ys[0]) * (h - 40))
    d.line([to_px(xs[0], 0), to_px(xs[1], 0)], fill=(120, 120, 120))
    d.line([to_px(0, ys[0]), to_px(0, ys[1])], fill=(120, 120, 120))
    pts = [to_px(x / 10, f(x / 10)) for x in range(xs[0] * 10, xs[1] * 10 + 1) if ys[0] <= f(x / 10) <= ys[1]]
    d.line(pts, fill=(200, 40, 40), width=2)
    return im


def parallel_lines(angle_text):
    im, d = canvas(300, 180)
    d.line([20, 50, 280, 50], fill="black", width=2)
    d.line([20, 130, 280, 130], fill="black", width=2)
    d.line([90, 10, 210, 170], fill="black", width=2)
    f = font(13)
    d.text((5, 32), "A", font=f, fill="black")
    d.text((282, 32), "B", font=f, fill="black")
    d.text((5, 112), "C", font=f, fill="black")
    d.text((282, 112), "D", font=f, fill="black")
    if angle_text:
        d.text((128, 56), angle_text, font=f, fill=(180, 30, 30))
    d.text((176, 110), "2", font=f, fill=(30, 30, 180))
    return im


def cylinder(label):
    im, d = canvas(200, 220)
    d.ellipse([40, 20, 160, 60], outline="black", width=2)
    d.line([40, 40, 40, 180], fill="black", width=2)
    d.line([160, 40, 160, 180], fill="black", width=2)
    d.arc([40, 160, 160, 200], 0, 180, fill="black", width=2)
    d.arc([40, 160, 160, 200], 180, 360, fill=(150, 150, 150), width=1)
    if label:
        d.text((90, 28), label[0], font=font(12), fill="black")
        d.text((166, 100), label[1], font=font(12), fill="black")
    return im


def shaded_bar(parts, shaded):
    im, d = canvas(40 * parts + 40, 80)
    for i in range(parts):
        d.rectangle([20 + 40 * i, 20, 60 + 40 * i, 60], outline="black", width=2,
                    fill=(120, 160, 220) if i < shaded else "white")
    return im


def grid_shapes(n_cols, shapes):
    im, d = canvas(60 * n_cols + 20, 100)
    for i, s in enumerate(shapes):
        x = 20 + i * 60
        if s == "square":
            d.rectangle([x, 30, x + 40, 70], outline="black", width=2)
        elif s == "circle":
            d.ellipse([x, 30, x + 40, 70], outline="black", width=2)
        elif s == "triangle":
            d.polygon([(x + 20, 28), (x + 40, 70), (x, 70)], outline="black", width=2)
        else:
            centered_text(d, (x, 30, x + 40, 70), s, font(18))
    return im


# ----------------------------------------------------------------------------------------------------------------
# MathVista (benchmarks.md 3.4)

HINT_MC = "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.\n"
HINT_INT = ("Hint: Please answer the question requiring an integer answer and provide the final value, e.g., 1, 2, 3, "
            "at the end.\n")
HINT_FLOAT1 = ("Hint: Please answer the question requiring a floating-point number with one decimal place and provide "
               "the final value, e.g., 1.2, 1.3, 1.4, at the end.\n")
HINT_FLOAT2 = ("Hint: Please answer the question requiring a floating-point number with two decimal places and "
               "provide the final value, e.g., 1.23, 1.34, 1.45, at the end.\n")


def vista_mc(question, choices):
    return HINT_MC + "Question: " + question + "\nChoices:\n" + "\n".join(
        f"({chr(65 + i)}) {c}" for i, c in enumerate(choices))


# (index, question, answer, question_type, answer_type, choices, answer_option, task, skills, category, context,
#  source, draw)
MATHVISTA = [
    (330, HINT_INT + "Question: Subtract all tiny cubes. Subtract all brown balls. How many objects are left?", "5",
     "free_form", "integer", None, None, "math word problem", ["arithmetic reasoning"], "math-targeted-vqa",
     "synthetic scene", "CLEVR-Math",
     lambda: clevr([("cube", (200, 40, 40), 40, 60, 10), ("ball", (130, 80, 30), 100, 120, 22),
                    ("cylinder", (40, 90, 200), 170, 80, 24), ("ball", (40, 160, 60), 240, 140, 20),
                    ("cube", (220, 200, 40), 280, 60, 26), ("ball", (160, 60, 200), 80, 170, 16),
                    ("cylinder", (90, 90, 90), 200, 170, 14)])),
    (915, vista_mc("What would happen to the Lion population if the Gum Tree population decreased?",
                   ["Unable to determine.", "Nothing would happen.", "It would also decrease.",
                    "It would increase."]),
     "It would also decrease.", "multi_choice", "text",
     ["Unable to determine.", "Nothing would happen.", "It would also decrease.", "It would increase."], "C",
     "textbook question answering", ["scientific reasoning"], "general-vqa", "scientific figure", "TQA",
     food_chain),
    (410, vista_mc("Find the perimeter of  $\\triangle D E F,$ if $\\triangle D E F \\sim \\triangle C B F,$ perimeter "
                   "of $\\triangle C B F=27, D F=6,$ and $F C=8$", ["20.25", "21", "27", "36"]),
     "20.25", "multi_choice", "text", ["20.25", "21", "27", "36"], "A", "geometry problem solving",
     ["geometry reasoning", "algebraic reasoning"], "math-targeted-vqa", "geometry diagram", "Geometry3K",
     lambda: triangle(["C", "B", "F"], [((20, 95), "DF=6"), ((140, 172), "FC=8")])),
    (425, vista_mc("在Rt△ABC中，∠C＝90°，若AC＝6，BC＝8，则cosA的值为（）", ["0.6", "0.8", "0.75", "\\frac{4}{3}"]),
     "0.6", "multi_choice", "text", ["0.6", "0.8", "0.75", "\\frac{4}{3}"], "A", "geometry problem solving",
     ["geometry reasoning", "algebraic reasoning"], "math-targeted-vqa", "geometry diagram", "GeoQA+",
     lambda: triangle(["C", "B", "A"], [((14, 95), "6"), ((140, 172), "8")], right_angle=True)),
    (597, HINT_INT + "Question: What percentage of people prefer the least preferred object?", "10", "free_form",
     "integer", None, None, "figure question answering", ["statistical reasoning"], "general-vqa", "bar chart",
     "DVQA", lambda: bar_chart("Most preferred objects", ["fuel", "lake", "cap", "wire"], [40, 10, 30, 20],
                               unit="%")),
    (958, vista_mc("Choose the missing letters from below to form a word, using all letters presented",
                   ["A, R, N", "R, D, N", "I, A, M", "H, O, W"]),
     "R, D, N", "multi_choice", "text", ["A, R, N", "R, D, N", "I, A, M", "H, O, W"], "B",
     "figure question answering", ["logical reasoning"], "math-targeted-vqa", "puzzle test", "IQTest",
     lambda: sequence("W ? ? ? E", size=(260, 80))),
    (883, HINT_INT + "Question: Which number is missing?", "15", "free_form", "integer", None, None,
     "figure question answering", ["logical reasoning", "arithmetic reasoning"], "math-targeted-vqa", "puzzle test",
     "IQTest", lambda: sequence("3, 6, 9, 12, ?")),
    (1001, HINT_INT + "Question: Subtract all cylinders. How many cylinders are left?", "0", "free_form", "integer",
     None, None, "math word problem", ["arithmetic reasoning"], "math-targeted-vqa", "synthetic scene",
     "CLEVR-Math", lambda: clevr([("cylinder", (40, 90, 200), 90, 100, 26), ("cube", (200, 40, 40), 220, 110, 24)])),
    (1002, HINT_FLOAT2 + "Question: How much money does Luca need to buy a sour apple candy and a butterscotch "
     "candy? (Unit: $)", "1.45", "free_form", "float", None, None, "math word problem", ["arithmetic reasoning"],
     "math-targeted-vqa", "table", "TabMWP",
     lambda: text_lines(["sour apple candy    $0.68", "butterscotch candy  $0.77", "mint                $0.35"],
                        size=(300, 100))),
    (1003, HINT_FLOAT1 + "Question: What is the value of f(0)?", "-2.5", "free_form", "float", None, None,
     "textbook question answering", ["algebraic reasoning"], "math-targeted-vqa", "function plot", "FunctionQA",
     lambda: function_plot(lambda x: 0.5 * x - 2.5)),
    (1004, vista_mc("Which shape has the most sides?", ["triangle", "square", "pentagon", "circle", "hexagon"]),
     "hexagon", "multi_choice", "text", ["triangle", "square", "pentagon", "circle", "hexagon"], "E",
     "figure question answering", ["geometry reasoning"], "general-vqa", "abstract scene", "IconQA",
     lambda: grid_shapes(5, ["triangle", "square", "5", "circle", "6"])),
    (1005, vista_mc("Is the number of blue balls greater than the number of red cubes?", ["Yes", "No"]), "No",
     "multi_choice", "text", ["Yes", "No"], "B", "visual question answering", ["arithmetic reasoning"],
     "general-vqa", "synthetic scene", "Super-CLEVR",
     lambda: clevr([("ball", (40, 90, 200), 80, 100, 20), ("cube", (200, 40, 40), 170, 90, 18),
                    ("cube", (200, 40, 40), 250, 130, 18)])),
    (1006, HINT_INT + "Question: What is the total number of visitors in the table?", "1250", "free_form", "integer",
     None, None, "figure question answering", ["arithmetic reasoning", "statistical reasoning"], "general-vqa",
     "table", "TabMWP", lambda: text_lines(["Day       Visitors", "Saturday  700", "Sunday    550"],
                                           size=(240, 100))),
    (1007, HINT_INT + "Question: What is the lowest temperature shown, in degrees Celsius?", "-3", "free_form",
     "integer", None, None, "figure question answering", ["statistical reasoning"], "general-vqa", "line plot",
     "ChartQA", lambda: text_lines(["Mon  4 °C", "Tue  -3 °C", "Wed  1 °C"], size=(200, 100))),
]


def build_mathvista(root):
    folder = root / "mathvista"
    reset_suite(folder)
    records = []
    for (index, question, answer, qtype, atype, choices, option, task, skills, category, context, source,
         draw) in MATHVISTA:
        name = f"mathvista_{index}.png"
        save(draw().quantize(colors=32), folder / "images" / name, "png")
        records.append({
            "index": index, "question": question, "answer": answer, "question_type": qtype, "answer_type": atype,
            "choices": repr(choices) if choices is not None else None, "answer_option": option, "task": task,
            "skills": repr(skills), "category": category, "context": context, "source": source, "image_path": name,
        })
    write_jsonl(folder / "samples.jsonl", records)
    write_manifest(folder, {
        "format": "ocular-suite/1",
        "name": "mathvista",
        "title": "MathVista (sample)",
        "benchmark": "mathvista",
        "group": "math",
        "metric": "accuracy",
        "scoring_profile": "vlmevalkit",
        "source": "Ocular sample suite: drawn figures in VLMEvalKit's MathVista_MINI TSV schema, modelled on the "
                  "testmini rows in OpenVLThinker's example data (generated by scripts/make_suites_math.py)",
        "prompt_template": "{question}",
        "id_field": "index",
        "image_field": "image_path",
        "image_root": "images",
        "files": [{"path": "samples.jsonl"}],
    })
    return records


# ----------------------------------------------------------------------------------------------------------------
# MathVerse (benchmarks.md 3.5)

MC_DIRECT = "Please directly answer the question and provide the correct option letter, e.g., A, B, C, D.\n"
MC_VISION = ("According to the question shown in the image, please directly answer the question and provide the "
             "correct option letter, e.g., A, B, C, D.")
FF_DIRECT = "Please directly answer the question and provide the final value, e.g., 1, 2.5, 300.\n"
FF_VISION = ("According to the question shown in the image, please directly answer the question and provide the final "
             "value, e.g., 1, 2.5, 300.")
COT_MC = ("Please first conduct reasoning, and then answer the question and provide the correct option letter, e.g., "
          "A, B, C, D, at the end.\n")
COT_FF = "Please first conduct reasoning, and then answer the question and provide the final value, e.g., 1, 2.5, 300, at the end.\n"

ANGLE_CHOICES = "\nChoices:\nA:40°\nB:50°\nC:130°\nD:140°"
LINE_CHOICES = "\nChoices:\nA:y=2x+1\nB:y=x+2\nC:y=-2x+1\nD:y=2x-1"

# (problem, version, text (None: the question is in the image), answer, metadata, draw)
MATHVERSE_PROBLEMS = {
    1: dict(answer="B", subject="Plane Geometry", subfield="Angle", source="GeoQA", mc=True,
            texts={
                "Text Dominant": "As shown in the figure, AB is parallel to CD, the transversal crosses AB at an angle "
                                 "of 50°, and angle 2 is the corresponding angle at CD. Then the degree of angle 2 is "
                                 "()" + ANGLE_CHOICES,
                "Text Lite": "As shown in the figure, AB ∥ CD, ∠1 = 50°, then the degree of ∠2 is ()" + ANGLE_CHOICES,
                "Vision Intensive": "As shown in the figure, AB ∥ CD, then the degree of ∠2 is ()" + ANGLE_CHOICES,
                "Vision Dominant": "As shown in the figure, then the degree of ∠2 is ()" + ANGLE_CHOICES,
                "Vision Only": None,
            }),
    2: dict(answer="A", subject="Functions", subfield="Expression", source="FunctionQA", mc=True,
            texts={
                "Text Dominant": "The line passes through the points (0, 1) and (1, 3). Which equation describes the "
                                 "line?" + LINE_CHOICES,
                "Text Lite": "Which equation describes the line in the figure?" + LINE_CHOICES,
                "Vision Intensive": "Which equation describes the line?" + LINE_CHOICES,
                "Vision Only": None,
            }),
    3: dict(answer="12\\pi", subject="Solid Geometry", subfield="Volume", source="GeoQA", mc=False,
            texts={
                "Text Dominant": "As shown in the figure, the cylinder has base radius 2 and height 3. Find the volume "
                                 "of the cylinder (in terms of \\pi).",
                "Text Lite": "As shown in the figure, the cylinder has radius 2. Find its volume (in terms of \\pi).",
                "Vision Dominant": "Find the volume of the cylinder (in terms of \\pi).",
                "Vision Only": None,
            }),
}


def build_mathverse(root):
    folder = root / "mathverse"
    reset_suite(folder)
    records = []
    index = 0
    for problem, spec in MATHVERSE_PROBLEMS.items():
        full_text = spec["texts"]["Text Dominant"]
        for version, text in spec["texts"].items():
            index += 1
            # The figure carries what the text omits (everything for Vision Only).
            if problem == 1:
                im = parallel_lines(None if version == "Text Dominant" else "50°")
                if version == "Vision Only":
                    d = ImageDraw.Draw(im)
                    d.text((10, 150), "AB // CD, angle 1 = 50°, angle 2 = ?  A:40° B:50° C:130° D:140°", font=font(10), fill="black")
            elif problem == 2:
                im = function_plot(lambda x: 2 * x + 1)
                if version == "Vision Only":
                    d = ImageDraw.Draw(im)
                    d.text((6, 4), "Which equation? A:y=2x+1 B:y=x+2", font=font(10), fill="black")
            else:
                im = cylinder(None if version == "Text Dominant" else ("r=2", "h=3"))
                if version == "Vision Only":
                    ImageDraw.Draw(im).text((6, 202), "Find the volume (in terms of pi).", font=font(10), fill="black")
            name = f"mathverse_{index}.png"
            save(im.quantize(colors=32), folder / "images" / name, "png")
            mc = spec["mc"]
            if text is None:
                question = MC_VISION if mc else FF_VISION
                query_cot = ("According to the question shown in the image, " + (COT_MC if mc else COT_FF)[0].lower()
                             + (COT_MC if mc else COT_FF)[1:].rstrip("\n"))
                question_for_eval = full_text
            else:
                question = (MC_DIRECT if mc else FF_DIRECT) + "Question: " + text
                query_cot = (COT_MC if mc else COT_FF) + "Question: " + text
                question_for_eval = text
            metadata = {"split": "testmini", "source": spec["source"], "subject": spec["subject"],
                        "subfield": spec["subfield"]}
            records.append({
                "index": index, "question": question, "answer": spec["answer"],
                "question_for_eval": question_for_eval, "problem_version": version, "metadata": repr(metadata),
                "query_cot": query_cot, "image_path": name,
            })
    write_jsonl(folder / "samples.jsonl", records)
    write_manifest(folder, {
        "format": "ocular-suite/1",
        "name": "mathverse",
        "title": "MathVerse (sample)",
        "benchmark": "mathverse",
        "group": "math",
        "metric": "accuracy",
        "scoring_profile": "vlmevalkit",
        "source": "Ocular sample suite: three drawn problems in several problem versions, in VLMEvalKit's "
                  "MathVerse_MINI TSV schema (generated by scripts/make_suites_math.py)",
        "prompt_template": "{question}",
        "id_field": "index",
        "image_field": "image_path",
        "image_root": "images",
        "files": [{"path": "samples.jsonl"}],
    })
    return records


# ----------------------------------------------------------------------------------------------------------------
# MathVision (benchmarks.md 3.6)


def vision_mc(question, choices):
    return question + "\nChoices: " + " ".join(f"({chr(65 + i)}) {c}" for i, c in enumerate(choices))


# (index, question, answer, choices, category, draw)
MATHVISION = [
    (1, vision_mc("How many triangles are in the picture?", ["2", "3", "4", "5", "6"]), "B", ["2", "3", "4", "5", "6"],
     "counting", lambda: grid_shapes(5, ["triangle", "square", "triangle", "circle", "triangle"])),
    (2, "Which number should be written in place of the question mark?", "15", [], "arithmetic",
     lambda: sequence("3, 6, 9, 12, ?")),
    (3, "What fraction of the bar is shaded? Give the answer as a fraction.", "\\frac{3}{4}", [], "arithmetic",
     lambda: shaded_bar(4, 3)),
    (4, "In the right triangle, the legs have length 2 and the hypotenuse has length 4. How long is the other leg?",
     "2\\sqrt{3}", [], "metric geometry - length",
     lambda: triangle(["A", "B", "C"], [((14, 95), "2"), ((150, 90), "4")], right_angle=True)),
    (5, vision_mc("Which of the figures shows the cube net that folds into the cube?", ["A", "B", "C", "D", "E"]),
     "D", ["A", "B", "C", "D", "E"], "descriptive geometry",
     lambda: grid_shapes(5, ["A", "B", "C", "D", "E"])),
    (6, "The line crosses the y-axis at which value?", "-1", [], "analytic geometry",
     lambda: function_plot(lambda x: x - 1)),
    (7, vision_mc("What is the angle x in the figure, in degrees?", ["30", "45", "60", "90", "120"]), "A",
     ["30", "45", "60", "90", "120"], "metric geometry - angle",
     lambda: triangle(["P", "Q", "R"], [((200, 150), "x")])),
    (8, "What is the mean of the numbers shown?", "2.5", [], "statistics",
     lambda: sequence("1, 2, 3, 4")),
    (9, vision_mc("Which shape comes next in the pattern?", ["circle", "square", "triangle", "star", "moon"]), "B",
     ["circle", "square", "triangle", "star", "moon"], "logic",
     lambda: grid_shapes(4, ["circle", "square", "circle", "?"])),
    (10, "How many different paths lead from the top to the bottom along the lines?", "6", [], "combinatorics",
     lambda: grid_shapes(3, ["?", "?", "?"])),
    (11, "The volume of the cylinder is how many times the volume of a cone with the same base and height?", "3", [],
     "solid geometry", lambda: cylinder(("r", "h"))),
    (12, vision_mc("After a rotation by 90° clockwise, which picture do we see?", ["A", "B", "C", "D", "E"]), "E",
     ["A", "B", "C", "D", "E"], "transformation geometry",
     lambda: grid_shapes(5, ["A", "B", "C", "D", "E"])),
    (13, "What is x if 2^x = 1024?", "10", [], "algebra", lambda: sequence("2^x = 1024")),
]


def build_mathvision(root):
    folder = root / "mathvision"
    reset_suite(folder)
    records = []
    for index, question, answer, choices, category, draw in MATHVISION:
        name = f"mathvision_{index}.png"
        save(draw().quantize(colors=32), folder / "images" / name, "png")
        records.append({"index": index, "question": question, "answer": answer, "choices": repr(choices),
                        "category": category, "image_path": name})
    write_jsonl(folder / "samples.jsonl", records)
    write_manifest(folder, {
        "format": "ocular-suite/1",
        "name": "mathvision",
        "title": "MathVision (sample)",
        "benchmark": "mathvision",
        "group": "math",
        "metric": "accuracy",
        "scoring_profile": "vlmevalkit",
        "source": "Ocular sample suite: drawn figures in VLMEvalKit's MathVision TSV schema "
                  "(generated by scripts/make_suites_math.py)",
        "prompt_template": "{question}",
        "id_field": "index",
        "image_field": "image_path",
        "image_root": "images",
        "files": [{"path": "samples.jsonl"}],
    })
    return records


# ----------------------------------------------------------------------------------------------------------------
# refscore inputs (oracle and baseline predictions, after E1 extraction)


def write_cases(out, mathvista, mathvision):
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "mathvista_cases.jsonl", "w", encoding="utf-8") as f:
        for r in mathvista:
            mc = r["question_type"] == "multi_choice"
            for policy, pred in (("oracle", r["answer_option"] if mc else r["answer"]), ("baseline", "A" if mc else "0")):
                f.write(json.dumps({
                    "id": f"{policy}-{r['index']}", "bench": "mathvista", "pred": pred,
                    "question_type": r["question_type"], "answer_type": r["answer_type"],
                    "choices": ast.literal_eval(r["choices"]) if r["choices"] else None, "answer": r["answer"],
                    "answer_option": r["answer_option"]}, ensure_ascii=True) + "\n")
    with open(out / "mathv_cases.jsonl", "w", encoding="utf-8") as f:
        for r in mathvision:
            choices = ast.literal_eval(r["choices"])
            for policy, pred in (("oracle", r["answer"]), ("baseline", "A" if choices else "0")):
                f.write(json.dumps({"id": f"{policy}-{r['index']}", "bench": "mathv", "pred": pred,
                                    "choices": choices, "answer": r["answer"]}, ensure_ascii=True) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks")
    ap.add_argument("--refscore-cases", type=Path)
    args = ap.parse_args()
    mathvista = build_mathvista(args.out)
    mathverse = build_mathverse(args.out)
    mathvision = build_mathvision(args.out)
    names = ("mathvista", "mathverse", "mathvision")
    total = sum(p.stat().st_size for s in names for p in (args.out / s).rglob("*")
                if p.is_file() and "data" not in p.relative_to(args.out / s).parts)
    print(f"wrote {len(mathvista)} mathvista, {len(mathverse)} mathverse, {len(mathvision)} mathvision samples "
          f"under {args.out} ({total} bytes)")
    if args.refscore_cases:
        write_cases(args.refscore_cases, mathvista, mathvision)
        print(f"wrote refscore cases to {args.refscore_cases}")


if __name__ == "__main__":
    main()
