#!/usr/bin/env python3
"""Golden grounding IoU values from OneThinker's own scorer.

Imports `Evaluation/Eval/eval_bench.py` of the public repo tulerfeng/OneThinker from a
path given on the command line or in $ONETHINKER_EVAL_BENCH, and calls its REAL
`extract_answer` and `accuracy_only(response, solution, "image", "spatial grounding")`
on every case. No code of that file is copied here; it is never committed to this repo.

Heavy imports at the top of that file (torch, tqdm, rouge_score, transformers, vllm,
qwen_vl_utils) are replaced by inert stub modules. None of them is reached on the
spatial-grounding path.

Each case is scored twice:
  1. as published. The file's `iou_2d` raises TypeError on every well-formed pair of
     boxes (`inter_x2, inter_y2 = min(x2, X2)` unpacks one float into two names). The
     error or the value is recorded under "as_published".
  2. corrected. The module's global `iou_2d` is replaced by `corrected_iou_2d` below,
     which differs from the published function only in computing the intersection's
     lower-right corner as (min(x2, X2), min(y2, Y2)). `accuracy_only` looks `iou_2d`
     up in the module globals, so it picks the replacement up. These values are the
     golden "iou", "hit30", "hit50", "hit70".

Usage (from the repo root):
  ONETHINKER_EVAL_BENCH=/tmp/onethinker/eval_bench.py \
    python3 scripts/golden/onethinker_driver.py \
      -i Tests/OcularCoreTests/Golden/grounding.cases.jsonl \
      -o Tests/OcularCoreTests/Golden/grounding.golden.jsonl \
      [--metrics Tests/OcularCoreTests/Golden/grounding.metrics.json]

Case line:   {"id": str, "response": str, "solution": str}
Golden line: {"id", "extracted", "scored_answer", "gold_extracted", "iou", "hit30",
              "hit50", "hit70", "error", "as_published": {"iou", "error"}}
"""

import argparse
import hashlib
import importlib.util
import json
import os
import sys
import types

# sha256 of the stored copy this golden data was produced from
# (tulerfeng/OneThinker @ 4448451e6e519e17c9e72d2b67f94a45612f2323, Evaluation/Eval/eval_bench.py)
EXPECTED_SHA256 = '57d9cfa4c0cd26bb31b3d70097f94a177fc8c85b05f5e32192095c9d5d20744d'

PROBLEM_TYPE = 'spatial grounding'
DATA_TYPE = 'image'
THRESHOLDS = (0.3, 0.5, 0.7)   # eval_bench.RECALL_THRESHOLDS; hit = iou >= t


class _Inert:
    """Stands for any name imported from a stubbed package; fails loudly if used."""

    def __init__(self, name):
        self._name = name

    def __call__(self, *a, **k):
        raise RuntimeError(f'onethinker_driver: stubbed {self._name} was called')

    def __getattr__(self, attr):
        return _Inert(f'{self._name}.{attr}')


class _StubModule(types.ModuleType):
    def __getattr__(self, attr):
        if attr.startswith('__'):
            raise AttributeError(attr)
        return _Inert(f'{self.__name__}.{attr}')


_STUBBED = ('torch', 'tqdm', 'rouge_score', 'transformers', 'vllm', 'qwen_vl_utils')


def load_reference(path):
    with open(path, 'rb') as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    if digest != EXPECTED_SHA256:
        print(f'onethinker_driver: warning: {path} has sha256 {digest}, '
              f'golden data was made from {EXPECTED_SHA256}', file=sys.stderr)
    saved = {name: sys.modules.get(name) for name in _STUBBED}
    try:
        for name in _STUBBED:
            sys.modules[name] = _StubModule(name)
        spec = importlib.util.spec_from_file_location('onethinker_eval_bench', path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    finally:
        for name, m in saved.items():
            if m is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = m
    return mod, digest


def make_corrected_iou_2d(mod):
    """IoU of two [x1, y1, x2, y2] boxes, written for this driver.

    Same validity gate as the reference (its own `_is_list_of_numbers(box, 4)`), same
    float() conversion and the same argument order inside every max()/min() (this
    matters for NaN, which Python's max/min do not propagate symmetrically). The only
    change from the published function: the intersection's lower-right corner is
    (min(x2, X2), min(y2, Y2)) instead of a failing unpack of min(x2, X2).
    """
    valid = mod._is_list_of_numbers

    def corrected_iou_2d(box1, box2):
        if not (valid(box1, 4) and valid(box2, 4)):
            return 0.0
        px1, py1, px2, py2 = (float(v) for v in box1)
        gx1, gy1, gx2, gy2 = (float(v) for v in box2)
        left, top = max(px1, gx1), max(py1, gy1)
        right, bottom = min(px2, gx2), min(py2, gy2)
        overlap = max(0.0, right - left) * max(0.0, bottom - top)
        pred_area = max(0.0, px2 - px1) * max(0.0, py2 - py1)
        gold_area = max(0.0, gx2 - gx1) * max(0.0, gy2 - gy1)
        union = pred_area + gold_area - overlap
        if union > 1e-12:
            return overlap / union
        return 0.0

    return corrected_iou_2d


def _err(e):
    return f'{type(e).__name__}: {e}'


def score_all(mod, cases):
    published_iou_2d = mod.iou_2d
    corrected = make_corrected_iou_2d(mod)
    out = []
    agg = mod.init_aggregator()
    for case in cases:
        response, solution = case['response'], case['solution']
        row = {'id': case.get('id')}
        row['extracted'] = mod.extract_answer(response)
        # what accuracy_only itself scores: extract_answer(x) or x.strip()
        row['scored_answer'] = row['extracted'] or response.strip()
        row['gold_extracted'] = mod.extract_answer(solution) or solution or ''

        mod.iou_2d = published_iou_2d
        try:
            acc, comp = mod.accuracy_only(response, solution, DATA_TYPE, PROBLEM_TYPE)
            pub = {'iou': float(comp['iou']), 'error': None}
        except Exception as e:  # the published defect
            pub = {'iou': None, 'error': _err(e)}

        mod.iou_2d = corrected
        try:
            acc, comp = mod.accuracy_only(response, solution, DATA_TYPE, PROBLEM_TYPE)
            iou = float(comp['iou'])
            row['iou'] = iou
            for t in THRESHOLDS:
                row[f'hit{int(round(t * 100))}'] = iou >= t
            row['error'] = None
            mod.accumulate_metrics(agg, PROBLEM_TYPE, acc, comp)
        except Exception as e:
            row['iou'] = None
            for t in THRESHOLDS:
                row[f'hit{int(round(t * 100))}'] = None
            row['error'] = _err(e)
        finally:
            mod.iou_2d = published_iou_2d
        row['as_published'] = pub
        out.append(row)
    return out, mod.finalize_metrics(agg)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('-i', '--input', required=True, help='cases JSONL')
    ap.add_argument('-o', '--output', required=True, help='golden JSONL')
    ap.add_argument('--metrics', help='also write finalize_metrics() over all cases (JSON)')
    ap.add_argument('--eval-bench', default=os.environ.get('ONETHINKER_EVAL_BENCH'),
                    help='path to OneThinker Evaluation/Eval/eval_bench.py '
                         '(default: $ONETHINKER_EVAL_BENCH)')
    args = ap.parse_args()
    if not args.eval_bench or not os.path.isfile(args.eval_bench):
        ap.error('set ONETHINKER_EVAL_BENCH (or --eval-bench) to a copy of '
                 'tulerfeng/OneThinker Evaluation/Eval/eval_bench.py')

    mod, digest = load_reference(args.eval_bench)
    with open(args.input, encoding='utf-8') as f:
        cases = [json.loads(line) for line in f if line.strip()]
    rows, metrics = score_all(mod, cases)
    with open(args.output, 'w', encoding='utf-8') as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=True, allow_nan=False) + '\n')
    if args.metrics:
        with open(args.metrics, 'w', encoding='utf-8') as f:
            json.dump({'source_sha256': digest, 'n': len(rows), 'metrics': metrics}, f,
                      indent=2, sort_keys=True, allow_nan=False)
            f.write('\n')
    n_pub_err = sum(1 for r in rows if r['as_published']['error'])
    n_err = sum(1 for r in rows if r['error'])
    print(f'onethinker_driver: {len(rows)} cases; as published: {n_pub_err} raised; '
          f'corrected: {n_err} errors', file=sys.stderr)


if __name__ == '__main__':
    main()
