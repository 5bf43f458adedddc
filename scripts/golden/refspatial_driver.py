#!/usr/bin/env python3
"""Golden RefSpatial scores from VLMEvalKit's own code (ms-vlmeval 0.0.20).

For every case it loads the mask exactly as `vlmeval.dataset.refspatialbench.RefSpatialBench.evaluate` does
(`np.array(Image.open(path)) / 255.0`, first channel when 3-D, `> 0`), calls the REAL
`vlmeval.dataset.utils.spatial_bench.tools.utils.Point2DParser.parse(pred, W, H, output='pixel')`, and scores the
points with the loop body of `RefSpatialBench.evaluate` (in-range test, `mask[y, x]`, out-of-range points count 0,
mean). Nothing of the reference is copied here; the glue is those few lines. The package is imported the way
../shared/tools/refscore/refscore.py does it (its bootstrap is reused: the vlmeval package __init__ cascade is
bypassed, every scoring module is the installed file).

Each case is also run "as published": the real bound `RefSpatialBench.parse_prediction`, which first calls
`Point2DParser.log_hint`. In 0.0.20 that method calls `cls.logger`, an attribute the class does not have, so it
raises AttributeError on every call; `evaluate` catches it and scores the row 0 (is_parsable False).

Cross-check (--metrics): the real `RefSpatialBench.evaluate` runs over all cases as one table, twice: as published,
and with `Point2DParser.logger` set to the module's logger (the defect repaired). Its per-row `score` column
must equal the glue's scores (checked; the driver exits 1 otherwise), and its aggregate (`overall`, `location`,
`placement`, `unseen`, fractions) is written to the metrics file.

Usage (from the repo root; re-executes itself in refscore's venv):
  python3 scripts/golden/refspatial_driver.py \
    -i Tests/OcularCoreTests/Golden/refspatial.cases.jsonl \
    -o Tests/OcularCoreTests/Golden/refspatial.golden.jsonl \
    --metrics Tests/OcularCoreTests/Golden/refspatial.metrics.json

Case line:   {"id", "pred" (the extracted prediction), "mask" (PNG path relative to the repo root),
              "category" (location | placement | unseen, any case)}
Golden line: {"id", "score", "num_points", "is_parsable", "error", "width", "height", "points" (the first 8
              parsed pixel points), "as_published": {"score", "error"}}
"""

import argparse
import json
import logging
import os
import pickle
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(ROOT, '..', 'shared', 'tools', 'refscore'))
import refscore  # noqa: E402

refscore.reexec_in_venv(__file__)
refscore._boot_vlmeval()

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

utils = refscore._vek('vlmeval.dataset.utils.spatial_bench.tools.utils')
_hub = sys.modules.get('huggingface_hub')
if _hub is not None and not hasattr(_hub, 'snapshot_download'):
    # refscore stubs huggingface_hub when it is absent; refspatialbench imports snapshot_download at module
    # level but only prepare_tsv (the dataset download, never called here) uses it.
    def _no_download(*args, **kwargs):
        raise RuntimeError('refspatial_driver: snapshot_download is not available')
    _hub.snapshot_download = _no_download
refspatial = refscore._vek('vlmeval.dataset.refspatialbench')
Point2DParser = utils.Point2DParser
RefSpatialBench = refspatial.RefSpatialBench


def load_mask(path):
    """The mask as RefSpatialBench.evaluate reads it."""
    mask = np.array(Image.open(path)) / 255.0
    if mask.ndim == 3:
        mask = mask[:, :, 0]
    return (mask > 0).astype(np.uint8)


def score_points(points, mask):
    """The scoring lines of RefSpatialBench.evaluate's loop body, after a successful parse."""
    acc = 0.0
    if len(points) > 0:
        in_range = ((points[:, 0] >= 0) & (points[:, 0] < mask.shape[1])
                    & (points[:, 1] >= 0) & (points[:, 1] < mask.shape[0]))
        if in_range.any():
            vals = mask[points[in_range, 1], points[in_range, 0]]
            vals = np.concatenate([vals, np.zeros(points.shape[0] - in_range.sum())])
            acc = float(vals.mean())
    return acc


def bench_instance():
    inst = object.__new__(RefSpatialBench)  # no __init__: it would download the TSV
    inst.dataset_name = 'RefSpatial'
    return inst


def score_case(case):
    mask = load_mask(os.path.join(ROOT, case['mask']))
    height, width = mask.shape
    out = {'id': case['id'], 'width': int(width), 'height': int(height)}
    try:
        points = Point2DParser.parse(case['pred'], width, height, output='pixel')
        out.update(score=score_points(points, mask), num_points=int(len(points)), is_parsable=True, error=None,
                   points=[[int(v) for v in p] for p in points[:8]])
    except Exception as err:  # evaluate: print a warning, acc stays 0.0, is_parsable False
        out.update(score=0.0, num_points=0, is_parsable=False, error=f'{type(err).__name__}: {err}', points=[])
    try:
        points = bench_instance().parse_prediction(case['pred'], width, height)
        out['as_published'] = {'score': score_points(points, mask), 'error': None}
    except Exception as err:
        out['as_published'] = {'score': 0.0, 'error': f'{type(err).__name__}: {err}'}
    return out


def run_evaluate(cases, folder, tag):
    """The real RefSpatialBench.evaluate over all cases; returns (aggregate dict, per-row scores by index)."""
    import pandas as pd
    table = pd.DataFrame([{'index': i, 'category': c.get('category', 'location'),
                           'mask_path': os.path.join(ROOT, c['mask']), 'prediction': c['pred']}
                          for i, c in enumerate(cases)])
    eval_file = os.path.join(folder, f'RefSpatial_{tag}.pkl')
    with open(eval_file, 'wb') as f:
        pickle.dump(table, f)
    results = bench_instance().evaluate(eval_file)
    result_file = os.path.join(folder, f'RefSpatial_{tag}_result.pkl')
    with open(result_file, 'rb') as f:
        scored = pickle.load(f)
    return results, dict(zip(scored['index'].tolist(), scored['score'].tolist()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('-i', '--input', required=True)
    ap.add_argument('-o', '--output', required=True)
    ap.add_argument('--metrics')
    args = ap.parse_args()
    with open(args.input, encoding='utf-8') as f:
        cases = [json.loads(line) for line in f if line.strip()]
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # the reference's own prints
    results = [score_case(c) for c in cases]
    with open(args.output, 'w', encoding='utf-8') as f:
        for r in results:
            f.write(json.dumps(r, ensure_ascii=False) + '\n')
    if args.metrics:
        with tempfile.TemporaryDirectory() as folder:
            published, published_rows = run_evaluate(cases, folder, 'published')
            Point2DParser.logger = logging.getLogger(utils.__name__)  # the repaired defect
            try:
                repaired, repaired_rows = run_evaluate(cases, folder, 'repaired')
            finally:
                del Point2DParser.logger
        mismatches = [c['id'] for i, (c, r) in enumerate(zip(cases, results))
                      if repaired_rows[i] != r['score'] or published_rows[i] != r['as_published']['score']]
        with open(args.metrics, 'w', encoding='utf-8') as f:
            json.dump({'as_published': published, 'logger_repaired': repaired, 'cases': len(cases)}, f, indent=1)
            f.write('\n')
        if mismatches:
            print(f'refspatial_driver: evaluate() disagrees with the per-case glue on {mismatches}', file=sys.stderr)
            sys.exit(1)
    sys.stdout = real_stdout
    print(f'refspatial_driver: {len(results)} cases', file=sys.stderr)


if __name__ == '__main__':
    main()
