#!/usr/bin/env python3
"""math_driver.py -- golden values for MathVerse and the MathVista / MathVision aggregations, from the REAL
VLMEvalKit code of ms-vlmeval==0.0.20 (module `vlmeval`, installed by ../shared/tools/refscore/setup.sh).

Nothing from VLMEvalKit is copied here. The package is imported the way refscore.py does it (refscore's own
bootstrap is called: the parent packages are registered as empty package objects whose __path__ is the real
installed folder, so every scoring module is the installed file). The LLM judges are replaced by refscore's
`_UnavailableJudge` (every call fails), which is the reference's behaviour without a working API.

Subcommands (each reads JSONL cases and writes one JSONL result per case, same order, same `id`):

  mathverse     vlmeval.dataset.utils.mathverse: post_check_score(line, prefetch=False) with line = {answer,
                extract = the case's pred}, and MathVerse_auxeval_score(<failing judge>, line) (the prefetch,
                then 5 failed judge calls), then MathVerse_acc(<table of all cases with their score>) into
                --metrics.
                case: {id, pred (the E1 prediction, used as the extract), answer, problem_version,
                       metadata (the dict-literal cell), [question_for_eval]}
                out:  {id, post_check (bool), score (bool, MathVerse_auxeval_score), log (its last line)}
  mathvista-acc vlmeval.dataset.utils.mathvista: MathVista_auxeval(<failing judge>, line) per case, then
                MathVista_acc(<table>) into --metrics (the rows tot/prefetch/hit/prefetch_rate/acc per
                Overall, task and skill).
                case: refscore's mathvista fields + task, skills (a list literal cell)
                out:  {id, res, log (last line), hit (post_check(prefetch=False))}
  mathv-acc     vlmeval.dataset.utils.mathv: MATH_V_auxeval(<failing judge>, line), then MATH_V_acc into
                --metrics (per Overall and category).
                case: refscore's mathv fields + category
                out:  {id, res, log (last line), hit}

Run with any python3; it re-executes itself in the refscore venv:
    python3 scripts/golden/math_driver.py mathverse -i CASES -o GOLDEN --metrics METRICS.json
"""

import argparse
import importlib
import json
import math
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFSCORE_DIR = Path(os.environ.get('OCULAR_REFSCORE_DIR', HERE.parent.parent.parent / 'shared' / 'tools' / 'refscore'))
sys.path.insert(0, str(REFSCORE_DIR))
import refscore  # noqa: E402  (the shared tool: bootstrap + venv re-exec)

refscore.reexec_in_venv(__file__)
refscore._boot_vlmeval()

import pandas as pd  # noqa: E402

os.environ.setdefault('PRED_FORMAT', 'tsv')
NAN = float('nan')


def vek(name):
    return importlib.import_module(name)


def read_cases(path):
    with open(path, encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


def write_lines(path, rows):
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + '\n')


def clean(value):
    """JSON-safe: numpy scalars to Python, NaN to null."""
    if hasattr(value, 'item'):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def last_line(log):
    """The last line of a reference log ('Prefetch succeed' or 'All 5 retries failed.')."""
    return log.strip().splitlines()[-1]


def table_file(df, name):
    smp = vek('vlmeval.smp')
    path = os.path.join(tempfile.mkdtemp(prefix='ocular-math-driver-'), name + '.pkl')
    smp.dump(df, path)
    return path


def run_mathverse(cases, metrics_path):
    mv = vek('vlmeval.dataset.utils.mathverse')
    judge = refscore._UnavailableJudge(mv.FAIL_MSG)
    out, rows = [], []
    for i, case in enumerate(cases):
        line = {'index': i, 'prediction': case['pred'], 'extract': case['pred'], 'answer': str(case['answer']),
                'question_for_eval': case.get('question_for_eval', ''),
                'problem_version': case.get('problem_version', 'ref'),
                'metadata': case.get('metadata', "{'subject': 'ref', 'subfield': 'ref'}")}
        post = mv.post_check_score(line, prefetch=False)
        aux = mv.MathVerse_auxeval_score(judge, line)
        out.append({'id': case['id'], 'post_check': bool(post), 'score': bool(aux['score']),
                    'log': last_line(aux['log_score'])})
        rows.append(dict(line, score=aux['score']))
    if metrics_path:
        table = mv.MathVerse_acc(table_file(pd.DataFrame(rows), 'mathverse'))
        records = [{str(k): clean(v) for k, v in r.items()} for r in table.to_dict(orient='records')]
        records.sort(key=lambda r: r['split'])
        with open(metrics_path, 'w', encoding='utf-8') as f:
            json.dump({'reference': 'ms-vlmeval 0.0.20 vlmeval.dataset.utils.mathverse.MathVerse_acc',
                       'rows': records}, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.write('\n')
    return out


def run_mathvista_acc(cases, metrics_path):
    mv = vek('vlmeval.dataset.utils.mathvista')
    judge = refscore._UnavailableJudge(mv.FAIL_MSG)
    out, rows = [], []
    for i, case in enumerate(cases):
        line = {'index': i, 'question': case.get('question', ''), 'prediction': str(case['pred']),
                'question_type': case['question_type'], 'answer_type': case['answer_type'],
                'choices': refscore._list_cell(case.get('choices')), 'answer': str(case['answer']),
                'answer_option': case.get('answer_option') if case.get('answer_option') is not None else NAN,
                'task': case['task'], 'skills': case['skills']}
        aux = mv.MathVista_auxeval(judge, line)
        row = dict(line, res=aux['res'], log=aux['log'])
        out.append({'id': case['id'], 'res': clean(aux['res']), 'log': last_line(aux['log']),
                    'hit': bool(mv.post_check(row, prefetch=False))})
        rows.append(row)
    table = mv.MathVista_acc(table_file(pd.DataFrame(rows), 'mathvista'))
    records = [{str(k): clean(v) for k, v in r.items()} for r in table.to_dict(orient='records')]
    with open(metrics_path, 'w', encoding='utf-8') as f:
        json.dump({'reference': 'ms-vlmeval 0.0.20 vlmeval.dataset.utils.mathvista.MathVista_acc', 'rows': records},
                  f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write('\n')
    return out


def run_mathv_acc(cases, metrics_path):
    mt = vek('vlmeval.dataset.utils.mathv')
    judge = refscore._UnavailableJudge(mt.FAIL_MSG)
    out, rows = [], []
    for i, case in enumerate(cases):
        choices = case.get('choices') or []
        line = {'index': i, 'question': case.get('question', ''), 'prediction': str(case['pred']),
                'answer': str(case['answer']), 'choices': str(list(choices)), 'category': case['category']}
        aux = mt.MATH_V_auxeval(judge, line)
        row = dict(line, res=aux['res'], log=aux['log'])
        out.append({'id': case['id'], 'res': clean(aux['res']), 'log': last_line(aux['log']),
                    'hit': bool(mt.post_check(row, prefetch=False))})
        rows.append(row)
    table = mt.MATH_V_acc(table_file(pd.DataFrame(rows), 'mathv'))
    records = [{str(k): clean(v) for k, v in r.items()} for r in table.to_dict(orient='records')]
    with open(metrics_path, 'w', encoding='utf-8') as f:
        json.dump({'reference': 'ms-vlmeval 0.0.20 vlmeval.dataset.utils.mathv.MATH_V_acc', 'rows': records},
                  f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write('\n')
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('command', choices=['mathverse', 'mathvista-acc', 'mathv-acc'])
    ap.add_argument('-i', '--input', required=True)
    ap.add_argument('-o', '--output', required=True)
    ap.add_argument('--metrics')
    args = ap.parse_args()
    if args.command != 'mathverse' and not args.metrics:
        ap.error(f'{args.command} needs --metrics')
    cases = read_cases(args.input)
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # the reference's own prints stay off the output files
    try:
        run = {'mathverse': run_mathverse, 'mathvista-acc': run_mathvista_acc, 'mathv-acc': run_mathv_acc}
        out = run[args.command](cases, args.metrics)
    finally:
        sys.stdout = real_stdout
    write_lines(args.output, out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
