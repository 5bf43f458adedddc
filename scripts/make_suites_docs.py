#!/usr/bin/env python3
"""Generate Ocular's sample suites benchmarks/chartqa, benchmarks/charxiv, benchmarks/ocrbench and benchmarks/infovqa.

Needs Python 3.9+ and Pillow (written against Pillow 13):

    python3 -m venv /tmp/genvenv && /tmp/genvenv/bin/pip install pillow
    /tmp/genvenv/bin/python scripts/make_suites_docs.py            # from the repo root

Options:
    --out DIR             write the suites under DIR instead of <repo>/benchmarks
    --refscore-cases DIR  also write refscore inputs for the baseline and oracle predictions (after extraction):
                          chartqa_cases.jsonl (bench relaxed), ocrbench_cases.jsonl (bench ocrbench) and
                          infovqa_cases.jsonl (bench anls, dataset InfoVQA_VAL). CharXiv has no refscore bench
                          (its reference needs an LLM judge); charxiv_rule.json lists the rule-only expectations.

The content is fixed (no randomness). Each suite folder is deleted and rewritten except its `data/` folder. The
shared drawing helpers come from scripts/make_sample_suites.py.

The suites follow docs/suite-format.md, each in its VLMEvalKit TSV schema (benchmarks.md section 3):
  * chartqa  - 12 ChartQA_TEST rows (index, question, answer, split = human | augmented, image_path)
  * charxiv  - 12 CharXiv_reasoning_val rows (index, question, answer, grading_query with {PREDICTION},
               inst_category 1-4, image_path); one row has no answer column (gold read from grading_query) and
               one lists two images (only the first is sent)
  * ocrbench - 13 OCRBench rows (index, question, answer = list literal, category: all ten, image_path)
  * infovqa  - 12 InfoVQA_VAL rows (index, question, answer = list literal, image_path)
"""

import argparse
import ast
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_sample_suites import (  # noqa: E402  (shared helpers: Pillow import check, fonts, writers)
    Image, ImageDraw, centered_text, font, reset_suite, save, write_jsonl, write_manifest)

REPO = Path(__file__).resolve().parent.parent

ANSWER_SUFFIX = "\nAnswer the question using a single word or phrase."

# ----------------------------------------------------------------------------------------------------------------
# drawing


def bar_chart(title, labels, values, unit="", size=(320, 220), color=(70, 110, 200)):
    """A vertical bar chart with value labels; values may be negative."""
    w, h = size
    im = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(im)
    centered_text(d, (0, 4, w, 24), title, font(13))
    top, bottom, left, right = 34, h - 26, 30, w - 10
    lo, hi = min(0, min(values)), max(0, max(values))
    span = (hi - lo) or 1
    y_of = lambda v: bottom - (v - lo) / span * (bottom - top - 14)
    d.line([left, y_of(0), right, y_of(0)], fill="black")
    slot = (right - left) / len(values)
    for i, (label, v) in enumerate(zip(labels, values)):
        x0 = left + i * slot + slot * 0.2
        x1 = left + (i + 1) * slot - slot * 0.2
        y0, y1 = sorted((y_of(0), y_of(v)))
        d.rectangle([x0, y0, x1, y1], fill=color)
        text = f"{v:g}{unit}"
        centered_text(d, (x0 - 10, y0 - 14 if v >= 0 else y1 + 1, x1 + 10, y0 - 1 if v >= 0 else y1 + 14), text,
                      font(10))
        centered_text(d, (x0 - 10, bottom + 4, x1 + 10, bottom + 20), label, font(10))
    return im


def line_chart(title, xs, series, size=(320, 220)):
    """Line chart: series = [(name, color, values)], with a legend."""
    w, h = size
    im = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(im)
    centered_text(d, (0, 4, w, 24), title, font(13))
    top, bottom, left, right = 40, h - 26, 34, w - 12
    allv = [v for _, _, vs in series for v in vs]
    lo, hi = min(allv), max(allv)
    span = (hi - lo) or 1
    d.line([left, bottom, right, bottom], fill="black")
    d.line([left, top, left, bottom], fill="black")
    step = (right - left) / (len(xs) - 1)
    for i, x in enumerate(xs):
        centered_text(d, (left + i * step - 15, bottom + 4, left + i * step + 15, bottom + 20), str(x), font(10))
    for k, (name, color, vs) in enumerate(series):
        pts = [(left + i * step, bottom - (v - lo) / span * (bottom - top)) for i, v in enumerate(vs)]
        d.line(pts, fill=color, width=2)
        for (px, py), v in zip(pts, vs):
            d.ellipse([px - 2, py - 2, px + 2, py + 2], fill=color)
            d.text((px + 3, py - 12), f"{v:g}", font=font(9), fill=color)
        d.rectangle([left + 8 + k * 90, 26, left + 18 + k * 90, 34], fill=color)
        d.text((left + 22 + k * 90, 24), name, font=font(10), fill="black")
    return im


def pie_chart(title, parts, size=(300, 220)):
    """Pie chart: parts = [(label, percent, color)]."""
    w, h = size
    im = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(im)
    centered_text(d, (0, 4, w, 24), title, font(13))
    start = -90.0
    for i, (label, pct, color) in enumerate(parts):
        end = start + pct * 3.6
        d.pieslice([20, 40, 180, 200], start, end, fill=color, outline="white")
        start = end
        d.rectangle([195, 60 + i * 22, 205, 70 + i * 22], fill=color)
        d.text((210, 58 + i * 22), f"{label} {pct:g}%", font=font(11), fill="black")
    return im


def text_card(lines, size=None, fg=0, bg=255, f=18, rotate=0):
    """Black text lines on a plain card (OCR crops); optionally rotated."""
    fnt = font(f)
    width = max(int(ImageDraw.Draw(Image.new("L", (1, 1))).textlength(s, font=fnt)) for s in lines) + 24
    im = Image.new("L", size or (min(400, width), 16 + (f + 8) * len(lines)), bg)
    d = ImageDraw.Draw(im)
    for i, line in enumerate(lines):
        d.text((12, 8 + i * (f + 8)), line, font=fnt, fill=fg)
    if rotate:
        im = im.rotate(rotate, expand=True, fillcolor=bg)
    return im


def formula_power():
    """Handwritten-style x^2 + 1: a raised small 2 (the default font has no superscript glyphs)."""
    im = Image.new("L", (150, 60), 255)
    d = ImageDraw.Draw(im)
    d.text((12, 14), "x", font=font(30), fill=0)
    d.text((32, 6), "2", font=font(16), fill=0)
    d.text((50, 14), "+ 1", font=font(30), fill=0)
    return im


def formula_fraction():
    """a over b with a drawn fraction bar."""
    im = Image.new("L", (70, 90), 255)
    d = ImageDraw.Draw(im)
    centered_text(d, (0, 4, 70, 40), "a", font(26))
    d.line([14, 45, 56, 45], fill=0, width=2)
    centered_text(d, (0, 50, 70, 86), "b", font(26))
    return im


def infographic(title, rows, accent):
    """A small infographic: a coloured title band, then (big number, caption) rows."""
    im = Image.new("RGB", (300, 60 + 44 * len(rows)), (250, 248, 240))
    d = ImageDraw.Draw(im)
    d.rectangle([0, 0, 299, 40], fill=accent)
    centered_text(d, (0, 0, 300, 40), title, font(15), fill="white")
    for i, (big, caption) in enumerate(rows):
        y = 52 + 44 * i
        d.text((14, y), big, font=font(20), fill=accent)
        d.text((120, y + 6), caption, font=font(12), fill=(40, 40, 40))
    return im


# ----------------------------------------------------------------------------------------------------------------
# ChartQA (benchmarks.md 3.8)

# (split, question, answer cell, image builder); the answer is the raw TSV cell, as VLMEvalKit stores it.
CHARTQA = [
    ("human", "What is the value of the tallest bar?", "42",
     lambda: bar_chart("Sales by region", ["North", "South", "East", "West"], [42, 17, 30, 25])),
    ("human", "Is the value of East greater than the value of West?", "Yes",
     lambda: bar_chart("Sales by region", ["North", "South", "East", "West"], [42, 17, 30, 25])),
    ("human", "Which region has the lowest sales?", "South",
     lambda: bar_chart("Sales by region", ["North", "South", "East", "West"], [42, 17, 30, 25], color=(200, 90, 60))),
    ("human", "What share of respondents answered Agree?", "45%",
     lambda: pie_chart("Survey answers", [("Agree", 45, (80, 160, 90)), ("Neutral", 30, (200, 200, 90)),
                                          ("Disagree", 25, (200, 80, 80))])),
    ("human", "What is the difference between Q3 and Q2 profit?", "0",
     lambda: bar_chart("Profit (m$)", ["Q1", "Q2", "Q3", "Q4"], [3.5, 4, 4, 6.5])),
    ("human", "What is the lowest temperature shown?", "-5.2",
     lambda: bar_chart("Winter temperatures", ["Dec", "Jan", "Feb"], [-2.1, -5.2, -3.4], unit="C")),
    ("augmented", "What was the revenue in 2020?", "1,000",
     lambda: bar_chart("Revenue (units)", ["2018", "2019", "2020"], [800, 900, 1000])),
    ("augmented", "Does the blue line ever fall below the red line?", "['No', 'no']",
     lambda: line_chart("Prices", [2019, 2020, 2021, 2022],
                        [("Blue", (40, 80, 200), [5, 6, 7.5, 9]), ("Red", (200, 50, 50), [2, 3, 4, 4.5])])),
    ("augmented", "What is the value of the red line in 2021?", "4",
     lambda: line_chart("Prices", [2019, 2020, 2021, 2022],
                        [("Blue", (40, 80, 200), [5, 6, 7.5, 9]), ("Red", (200, 50, 50), [2, 3, 4, 4.5])])),
    ("augmented", "What is the average of the Blue values?", "6.875",
     lambda: line_chart("Prices", [2019, 2020, 2021, 2022],
                        [("Blue", (40, 80, 200), [5, 6, 7.5, 9]), ("Red", (200, 50, 50), [2, 3, 4, 4.5])])),
    ("augmented", "Is the Neutral share larger than the Disagree share?", "Yes",
     lambda: pie_chart("Survey answers", [("Agree", 45, (80, 160, 90)), ("Neutral", 30, (200, 200, 90)),
                                          ("Disagree", 25, (200, 80, 80))])),
    ("augmented", "What is the ratio of North to South sales?", "2.47",
     lambda: bar_chart("Sales by region", ["North", "South", "East", "West"], [42, 17, 30, 25], color=(90, 90, 90))),
]


def literal_golds(cell):
    """VLMEvalKit's reading of an answer cell: a list literal's strings, else the cell itself."""
    try:
        value = ast.literal_eval(cell)
    except (ValueError, SyntaxError):
        return [cell]
    return [str(x) for x in value] if isinstance(value, list) else [cell]


def build_chartqa(root):
    folder = root / "chartqa"
    reset_suite(folder)
    records = []
    for index, (split, question, answer, draw) in enumerate(CHARTQA, start=1):
        name = f"chartqa_{index}.png"
        save(draw().quantize(colors=32), folder / "images" / name, "png")
        records.append({"index": index, "question": question, "answer": answer, "split": split,
                        "image_path": name})
    write_jsonl(folder / "samples.jsonl", records)
    write_manifest(folder, {
        "format": "ocular-suite/1",
        "name": "chartqa",
        "title": "ChartQA (sample)",
        "benchmark": "chartqa",
        "group": "charts",
        "metric": "relaxed_accuracy",
        "scoring_profile": "vlmevalkit",
        "source": "Ocular sample suite: drawn charts in VLMEvalKit's ChartQA_TEST TSV schema "
                  "(generated by scripts/make_suites_docs.py)",
        "prompt_template": "{question}" + ANSWER_SUFFIX,
        "id_field": "index",
        "image_field": "image_path",
        "image_root": "images",
        "split_field": "split",
        "files": [{"path": "samples.jsonl"}],
    })
    return records


# ----------------------------------------------------------------------------------------------------------------
# CharXiv reasoning (benchmarks.md 3.9)

CHARXIV_PREFIX = (
    "You will be given a question, a ground truth answer and a model response. Extract the final answer from the "
    "model response, compare it with the ground truth answer, and assign a binary score. Reply in JSON with keys "
    "[extract_answer, score], where score is an integer in [0, 1].\n")
CHARXIV_RULES = {
    1: "* Score 1 if and only if the final answer and the ground truth refer to the same term.\n",
    2: "* Score 1 if the final answer has the same meaning as the ground truth.\n",
    3: "* Score 1 if and only if the two numbers are exactly equal in value.\n",
    4: "* Score 1 if and only if the two numbers are exactly equal in value.\n",
}
CHARXIV_FORMAT = {
    1: "* Your final answer must be grounded to some text that is explicitly written and relevant to the question "
       "in the chart.",
    2: "* Your final answer must be a short phrase.",
    3: "* Your final answer must be an exact integer.",
    4: "* Your final answer must be a number with 2 decimal places.",
}


def grading_query(category, question, gold):
    return (CHARXIV_PREFIX + "\n### Rules ###\n" + CHARXIV_RULES[category] + "\n### Your Turn ###\n"
            + f"* Question: {question}\n* Ground Truth: {gold}\n* Response: {{PREDICTION}}\n")


# (category, question, gold, keep answer column, image builder(s))
CHARXIV = [
    (1, "Which subplot has the largest peak value? Answer with the subplot title.", "Revenue", True,
     [lambda: line_chart("Revenue", [1, 2, 3, 4], [("rev", (40, 80, 200), [3, 9, 4, 2])])]),
    (1, "What is the label of the y-axis variable written in LaTeX?", "$\\alpha$", True,
     [lambda: text_card(["y-axis: alpha", "x-axis: t"], f=16)]),
    (1, "Which legend entry is drawn in red?", "Red", False,
     [lambda: line_chart("Prices", [2019, 2020, 2021], [("Blue", (40, 80, 200), [5, 6, 7]),
                                                          ("Red", (200, 50, 50), [2, 3, 4])])]),
    (2, "What is the overall trend of the blue curve?", "increasing then decreasing", True,
     [lambda: line_chart("Trend", [1, 2, 3, 4, 5], [("Blue", (40, 80, 200), [1, 4, 6, 3, 1])])]),
    (2, "Do the two curves intersect? Answer Yes or No.", "No.", True,
     [lambda: line_chart("Curves", [1, 2, 3], [("A", (40, 80, 200), [5, 6, 7]), ("B", (200, 50, 50), [1, 2, 3])])]),
    (2, "Which of the two panels shows the larger variance, left or right?", "left", True,
     [lambda: bar_chart("Left panel", ["a", "b", "c"], [1, 9, 2]),
      lambda: bar_chart("Right panel", ["a", "b", "c"], [4, 5, 4])]),
    (3, "How many bars exceed a value of 20?", "3", True,
     [lambda: bar_chart("Counts", ["A", "B", "C", "D"], [42, 17, 30, 25])]),
    (3, "What is the value of the blue curve at x = 3, in units?", "1500", True,
     [lambda: line_chart("Load", [1, 2, 3], [("Blue", (40, 80, 200), [500, 1000, 1500])])]),
    (3, "What is the difference between the highest and the lowest bar?", "25", True,
     [lambda: bar_chart("Counts", ["A", "B", "C", "D"], [42, 17, 30, 25], color=(60, 150, 90))]),
    (4, "What is the ratio between the Agree and the Disagree shares?", "1.80", True,
     [lambda: pie_chart("Survey", [("Agree", 45, (80, 160, 90)), ("Neutral", 30, (200, 200, 90)),
                                   ("Disagree", 25, (200, 80, 80))])]),
    (4, "What is the average of the three bars?", "-3.57", True,
     [lambda: bar_chart("Temperatures", ["Dec", "Jan", "Feb"], [-2.1, -5.2, -3.4])]),
    (4, "What is the slope of the line between x = 1 and x = 2?", "0.50", True,
     [lambda: line_chart("Line", [1, 2, 3], [("L", (40, 80, 200), [1, 1.5, 2])])]),
]


def build_charxiv(root):
    folder = root / "charxiv"
    reset_suite(folder)
    records = []
    for index, (category, question, gold, keep_answer, draws) in enumerate(CHARXIV, start=1):
        names = []
        for k, draw in enumerate(draws):
            name = f"charxiv_{index}{'abcdefgh'[k] if len(draws) > 1 else ''}.png"
            save(draw().quantize(colors=32), folder / "images" / name, "png")
            names.append(name)
        full_question = question + "\n" + CHARXIV_FORMAT[category]
        record = {"index": index, "question": full_question}
        if keep_answer:
            record["answer"] = gold
        record.update({"grading_query": grading_query(category, question, gold), "inst_category": category,
                       "image_path": names[0] if len(names) == 1 else repr(names)})
        records.append(record)
    write_jsonl(folder / "samples.jsonl", records)
    write_manifest(folder, {
        "format": "ocular-suite/1",
        "name": "charxiv",
        "title": "CharXiv (RQ) (sample)",
        "benchmark": "charxiv",
        "group": "charts",
        "metric": "charxiv_accuracy",
        "scoring_profile": "vlmevalkit",
        "source": "Ocular sample suite: drawn charts in VLMEvalKit's CharXiv_reasoning_val TSV schema "
                  "(generated by scripts/make_suites_docs.py)",
        "prompt_template": "{question}",
        "id_field": "index",
        "image_field": "image_path",
        "image_root": "images",
        "files": [{"path": "samples.jsonl"}],
    })
    return records


def charxiv_normalize(text):
    """benchmarks.md 3.9 rule-only normalisation, as Ocular documents it (for the expectations file only)."""
    s = " ".join(text.lower().split())
    s = s.strip("$").strip()
    if s.endswith("."):
        s = s[:-1].strip()
    return s


# ----------------------------------------------------------------------------------------------------------------
# OCRBench (benchmarks.md 3.14)

HMER = "Handwritten Mathematical Expression Recognition"
# (category, question, answers, image builder)
OCRBENCH = [
    ("Regular Text Recognition", "what is written in the image?", ["Cuisine"],
     lambda: text_card(["Cuisine"], f=28)),
    ("Irregular Text Recognition", "what is written in the image?", ["BAKERY"],
     lambda: text_card(["BAKERY"], f=26, rotate=12)),
    ("Artistic Text Recognition", "what is written in the image?", ["Sunset"],
     lambda: text_card(["S u n s e t"], f=26, fg=255, bg=40)),
    ("Handwriting Recognition", "what is written in the image?", ["remember"],
     lambda: text_card(["remember"], f=24, rotate=-4)),
    ("Digit String Recognition", "what is the number in the image?", ["0123456"],
     lambda: text_card(["0123456"], f=26)),
    ("Non-Semantic Text Recognition", "what is written in the image?", ["xqzvbk"],
     lambda: text_card(["xqzvbk"], f=26)),
    ("Scene Text-centric VQA", "What does the sign say?", ["STOP", "stop sign"],
     lambda: text_card(["STOP"], f=40, fg=255, bg=150)),
    ("Scene Text-centric VQA", "What are the two lines on the shop front?", ["Fresh Bread\nDaily"],
     lambda: text_card(["Fresh Bread", "Daily"], f=22)),
    ("Doc-oriented VQA", "What is the invoice number?", ["INV-2024-007"],
     lambda: text_card(["INVOICE", "No. INV-2024-007", "Date: 2024-03-01"], f=16)),
    ("Key Information Extraction", "What is the total amount?", ["12.50", "$12.50"],
     lambda: text_card(["Coffee     4.00", "Sandwich   8.50", "TOTAL     $12.50"], f=16)),
    ("Key Information Extraction", "What is the company name?", ["ACME Corp."],
     lambda: text_card(["ACME Corp.", "12 Main Street"], f=18)),
    (HMER, "Please write out the expression of the formula in the image using LaTeX format.",
     ["x ^ { 2 } + 1"], formula_power),
    (HMER, "Please write out the expression of the formula in the image using LaTeX format.",
     ["\\frac { a } { b }"], formula_fraction),
]


def build_ocrbench(root):
    folder = root / "ocrbench"
    reset_suite(folder)
    records = []
    for index, (category, question, answers, draw) in enumerate(OCRBENCH):
        name = f"ocrbench_{index}.png"
        save(draw(), folder / "images" / name, "png")
        records.append({"index": index, "question": question, "answer": repr(answers), "category": category,
                        "image_path": name})
    write_jsonl(folder / "samples.jsonl", records)
    write_manifest(folder, {
        "format": "ocular-suite/1",
        "name": "ocrbench",
        "title": "OCRBench (sample)",
        "benchmark": "ocrbench",
        "group": "documents",
        "metric": "ocrbench_score",
        "scoring_profile": "vlmevalkit",
        "source": "Ocular sample suite: rendered text crops in VLMEvalKit's OCRBench TSV schema "
                  "(generated by scripts/make_suites_docs.py)",
        "prompt_template": "{question}",
        "id_field": "index",
        "image_field": "image_path",
        "image_root": "images",
        "files": [{"path": "samples.jsonl"}],
    })
    return records


# ----------------------------------------------------------------------------------------------------------------
# InfoVQA (benchmarks.md 3.15)

INFOVQA = [
    ("What percentage of adults use social media daily?", ["62%", "62"],
     lambda: infographic("Social media 2023", [("62%", "use it daily"), ("3 h", "average per day")], (40, 90, 160))),
    ("How many hours per day are spent on average?", ["3 h", "3 hours", "3"],
     lambda: infographic("Social media 2023", [("62%", "use it daily"), ("3 h", "average per day")], (40, 90, 160))),
    ("Which country has the most visitors?", ["France"],
     lambda: infographic("Tourism", [("France", "89 million visitors"), ("Spain", "83 million")], (180, 70, 50))),
    ("How many visitors did Spain have?", ["83 million", "83,000,000"],
     lambda: infographic("Tourism", [("France", "89 million visitors"), ("Spain", "83 million")], (180, 70, 50))),
    ("In which year was the survey conducted?", ["2015"],
     lambda: infographic("Survey 2015", [("1,200", "people asked"), ("48%", "said yes")], (60, 140, 80))),
    ("How many people were asked?", ["1,200", "1200"],
     lambda: infographic("Survey 2015", [("1,200", "people asked"), ("48%", "said yes")], (60, 140, 80))),
    ("What is the most popular sport?", ["Football", "soccer"],
     lambda: infographic("Sports", [("Football", "4 billion fans"), ("Cricket", "2.5 billion")], (120, 60, 150))),
    ("How many fans does cricket have?", ["2.5 billion"],
     lambda: infographic("Sports", [("Football", "4 billion fans"), ("Cricket", "2.5 billion")], (120, 60, 150))),
    ("Which app is used least?", ["LinkedIn"],
     lambda: infographic("Apps used", [("Facebook", "70%"), ("LinkedIn", "25%")], (30, 120, 140))),
    ("What share uses Facebook?", ["70%"],
     lambda: infographic("Apps used", [("Facebook", "70%"), ("LinkedIn", "25%")], (30, 120, 140))),
    ("What is the name of the organisation?", ["World Health Organization", "WHO"],
     lambda: infographic("WHO facts", [("194", "member states"), ("1948", "founded")], (20, 110, 190))),
    ("When was it founded?", ["1948"],
     lambda: infographic("WHO facts", [("194", "member states"), ("1948", "founded")], (20, 110, 190))),
]


def build_infovqa(root):
    folder = root / "infovqa"
    reset_suite(folder)
    records = []
    for index, (question, answers, draw) in enumerate(INFOVQA, start=1):
        name = f"infovqa_{index}.png"
        save(draw().quantize(colors=32), folder / "images" / name, "png")
        records.append({"index": index, "question": question, "answer": repr(answers), "image_path": name})
    write_jsonl(folder / "samples.jsonl", records)
    write_manifest(folder, {
        "format": "ocular-suite/1",
        "name": "infovqa",
        "title": "InfoVQA (sample)",
        "benchmark": "infovqa",
        "group": "documents",
        "metric": "anls",
        "scoring_profile": "vlmevalkit",
        "source": "Ocular sample suite: drawn infographics in VLMEvalKit's InfoVQA_VAL TSV schema "
                  "(generated by scripts/make_suites_docs.py)",
        "prompt_template": "{question}" + ANSWER_SUFFIX,
        "id_field": "index",
        "image_field": "image_path",
        "image_root": "images",
        "files": [{"path": "samples.jsonl"}],
    })
    return records


# ----------------------------------------------------------------------------------------------------------------

BASELINE = {"chartqa": "Yes", "ocrbench": "unknown", "infovqa": "unknown", "charxiv": "unknown"}


def write_cases(out, chartqa, charxiv, ocrbench, infovqa):
    """Refscore inputs: the baseline and oracle predictions as they reach the scorer after E1 extraction."""
    out.mkdir(parents=True, exist_ok=True)

    def dump(name, cases):
        with open(out / name, "w", encoding="utf-8") as f:
            for c in cases:
                f.write(json.dumps(c, ensure_ascii=False) + "\n")

    dump("chartqa_cases.jsonl", [
        {"bench": "relaxed", "id": f"{policy}/{r['index']}", "answer": r["answer"], "dataset": "ChartQA_TEST",
         "pred": BASELINE["chartqa"] if policy == "baseline" else literal_golds(r["answer"])[0]}
        for policy in ("baseline", "oracle") for r in chartqa])
    dump("ocrbench_cases.jsonl", [
        {"bench": "ocrbench", "id": f"{policy}/{r['index']}", "answer": r["answer"], "category": r["category"],
         "pred": BASELINE["ocrbench"] if policy == "baseline" else literal_golds(r["answer"])[0]}
        for policy in ("baseline", "oracle") for r in ocrbench])
    dump("infovqa_cases.jsonl", [
        {"bench": "anls", "id": f"{policy}/{r['index']}", "answer": r["answer"], "dataset": "InfoVQA_VAL",
         "pred": BASELINE["infovqa"] if policy == "baseline" else literal_golds(r["answer"])[0]}
        for policy in ("baseline", "oracle") for r in infovqa])
    rule = []
    for (category, _, gold, _, _), r in zip(CHARXIV, charxiv):
        for policy in ("baseline", "oracle"):
            pred = BASELINE["charxiv"] if policy == "baseline" else gold
            rule.append({"id": f"{policy}/{r['index']}", "category": category,
                         "hit": charxiv_normalize(pred) == charxiv_normalize(gold)})
    with open(out / "charxiv_rule.json", "w", encoding="utf-8") as f:
        json.dump(rule, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks")
    ap.add_argument("--refscore-cases", type=Path)
    args = ap.parse_args()
    chartqa = build_chartqa(args.out)
    charxiv = build_charxiv(args.out)
    ocrbench = build_ocrbench(args.out)
    infovqa = build_infovqa(args.out)
    names = ("chartqa", "charxiv", "ocrbench", "infovqa")
    total = sum(p.stat().st_size for s in names for p in (args.out / s).rglob("*")
                if p.is_file() and "data" not in p.relative_to(args.out / s).parts)
    print(f"wrote {len(chartqa)} chartqa, {len(charxiv)} charxiv, {len(ocrbench)} ocrbench, {len(infovqa)} infovqa "
          f"samples under {args.out} ({total} bytes)")
    if args.refscore_cases:
        write_cases(args.refscore_cases, chartqa, charxiv, ocrbench, infovqa)
        print(f"wrote refscore cases to {args.refscore_cases}")


if __name__ == "__main__":
    main()
