#!/usr/bin/env python3
"""Golden values for Ocular's scoring profiles, from the reference code itself (ms-vlmeval 0.0.20).

Subcommands (each re-executes itself in refscore's venv and imports the installed package the way
../shared/tools/refscore/refscore.py does; nothing of the reference is copied here):

  robospatial  For every RoboSpatial case: `published`, the row's `is_correct` from the REAL dataset-level
               `RoboSpatialBench.evaluate()` run over all cases as one table (images of each case's size written to
               a temporary img_root), defects included; and `corrected`, the real `evaluate_answer` with
               `RoboSpatialBench.point_in_polygon` replaced for that call by the same ray casting with the missing
               `x <= max(p1x, p2x)` edge test (the one-line correction; see Golden/README.md).
  nan-gold     Rows whose gold cell is one of pandas' default NA strings: a real TSV is written, read back with
               `vlmeval.smp.load` (pandas `read_csv`), predictions added, and the REAL dataset-level scorer run on a
               one-row table: `ImageVQADataset.evaluate_heuristic` (DocVQA_VAL / InfoVQA_VAL / ChartQA_TEST,
               score = Overall / 100) or `ImageMCQDataset.evaluate_heuristic` with judge `exact_matching` (score =
               Overall). Also writes the NA strings of the installed pandas (--na-values FILE).

Usage (from the repo root):
  python3 scripts/golden/profiles_driver.py robospatial -i G/robospatial.cases.jsonl -o G/robospatial_profiles.golden.jsonl
  python3 scripts/golden/profiles_driver.py nan-gold -i G/nan_gold.cases.jsonl -o G/nan_gold.golden.jsonl \
      --na-values G/pandas_na_values.json
"""

import argparse
import json
import os
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(ROOT, '..', 'shared', 'tools', 'refscore'))
import refscore  # noqa: E402

refscore.reexec_in_venv(__file__)
refscore._boot_vlmeval()
os.environ.setdefault('PRED_FORMAT', 'tsv')  # intermediate files; no xlsx writer in the venv


def corrected_point_in_polygon(x, y, poly):
    """Ray casting with the edge test the reference lacks (`x <= max(p1x, p2x)`); otherwise its own lines."""
    num = len(poly)
    inside = False
    p1x, p1y = poly[0]
    for i in range(1, num + 1):
        p2x, p2y = poly[i % num]
        if y > min(p1y, p2y):
            if y <= max(p1y, p2y):
                if x <= max(p1x, p2x):
                    if p1y != p2y:
                        xinters = (y - p1y) * (p2x - p1x) / (p2y - p1y) + p1x
                    else:
                        xinters = p1x
                    if p1x == p2x or x <= xinters:
                        inside = not inside
        p1x, p1y = p2x, p2y
    return inside


def robospatial(cases):
    import pandas as pd
    from PIL import Image
    rs = refscore._vek('vlmeval.dataset.robospatialbench')
    bench = rs.RoboSpatialBench
    out = []
    original = bench.point_in_polygon
    bench.point_in_polygon = staticmethod(corrected_point_in_polygon)
    try:
        for c in cases:
            correct = bench.evaluate_answer(c['answer'], c['pred'], c.get('width'), c.get('height'))[0]
            out.append({'id': c['id'], 'corrected': 1.0 if correct else 0.0})
    finally:
        bench.point_in_polygon = original
    with tempfile.TemporaryDirectory() as folder:
        rows = []
        for i, c in enumerate(cases):
            size = (c.get('width') or 1, c.get('height') or 1)
            Image.new('RGB', size).save(os.path.join(folder, f'{i}.png'))
            gold = c['answer'].strip().lower()
            rows.append({'index': i, 'answer': c['answer'], 'prediction': c['pred'],
                         'category': 'compatibility' if gold in ('yes', 'no') else 'context'})
        eval_file = os.path.join(folder, 'RoboSpatialHome_published.pkl')
        refscore._vek('vlmeval.smp').dump(pd.DataFrame(rows), eval_file)
        inst = object.__new__(bench)  # no __init__: it would download the TSV
        inst.dataset_name = 'RoboSpatialHome'
        inst.img_root = folder
        inst.evaluate(eval_file)
        scored = refscore._vek('vlmeval.smp').load(os.path.join(folder, 'RoboSpatialHome_published_result.pkl'))
        by_index = dict(zip(scored['index'].tolist(), scored['is_correct'].tolist()))
    for i, r in enumerate(out):
        r['published'] = 1.0 if by_index[i] else 0.0
    return out


def nan_gold(cases):
    import numpy as np
    smp = refscore._vek('vlmeval.smp')
    iv = refscore._vek('vlmeval.dataset.image_vqa')
    mcqd = refscore._vek('vlmeval.dataset.image_mcq')
    refscore.preload(['mcq'])
    out = []
    with tempfile.TemporaryDirectory() as folder:
        for n, c in enumerate(cases):
            letters = sorted(c.get('options', {}))
            header = ['index', 'question', 'answer'] + letters
            cells = [str(n), 'q', c['gold_cell']] + [c['options'][k] for k in letters]
            tsv = os.path.join(folder, f'data{n}.tsv')
            with open(tsv, 'w', encoding='utf-8') as f:
                f.write('\t'.join(header) + '\n' + '\t'.join(cells) + '\n')
            data = smp.load(tsv)  # the reference's reader: pandas read_csv with its default NA strings
            gold = data['answer'].iloc[0]
            is_nan = isinstance(gold, float) and gold != gold
            data['prediction'] = [c['pred']]
            eval_file = os.path.join(folder, f'pred{n}.pkl')
            smp.dump(data, eval_file)
            if c['bench'] == 'mcq':
                ds = object.__new__(mcqd.ImageMCQDataset)
                ds.dataset_name = c.get('dataset', 'MMStar')
                ds.data = data.drop(columns=['prediction'])
                ret = ds.evaluate_heuristic(eval_file, model='exact_matching', nproc=1)
                score = float(ret['Overall'].iloc[0])
            else:
                ds = object.__new__(iv.ImageVQADataset)
                ds.dataset_name = c['dataset']
                ret = ds.evaluate_heuristic(eval_file)
                score = float(ret['Overall'].iloc[0]) / 100
            out.append({'id': c['id'], 'score': score, 'gold_is_nan': bool(is_nan), 'gold_read': repr(gold)})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('mode', choices=['robospatial', 'nan-gold'])
    ap.add_argument('-i', '--input', required=True)
    ap.add_argument('-o', '--output', required=True)
    ap.add_argument('--na-values')
    args = ap.parse_args()
    with open(args.input, encoding='utf-8') as f:
        cases = [json.loads(line) for line in f if line.strip()]
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # the reference's own prints
    results = robospatial(cases) if args.mode == 'robospatial' else nan_gold(cases)
    sys.stdout = real_stdout
    with open(args.output, 'w', encoding='utf-8') as f:
        for r in results:
            f.write(json.dumps(r, ensure_ascii=True) + '\n')
    if args.na_values:
        import pandas
        from pandas._libs.parsers import STR_NA_VALUES
        with open(args.na_values, 'w', encoding='utf-8') as f:
            json.dump({'pandas': pandas.__version__, 'na_values': sorted(STR_NA_VALUES)}, f, indent=1)
            f.write('\n')
    print(f'profiles_driver {args.mode}: {len(results)} cases', file=sys.stderr)


if __name__ == '__main__':
    main()
