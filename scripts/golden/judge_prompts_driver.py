#!/usr/bin/env python3
"""judge_prompts_driver.py -- golden values for Ocular's LLM-judge path (Sources/OcularCore/Judges/), from the REAL
VLMEvalKit code of ms-vlmeval==0.0.20 (module `vlmeval`, Apache-2.0, installed by ../shared/tools/refscore/setup.sh).

Nothing from VLMEvalKit is copied here. The package is imported the way refscore.py does it (refscore's own
bootstrap is called: the parent packages are registered as empty package objects whose __path__ is the real
installed folder, so every module is the installed file). The judge is a stub object with the `generate(prompt,
**kwargs)` method the reference calls: it records every prompt it receives and answers with a fixed text. So the
prompt is exactly what the reference would send its judge, and the verdict is exactly what the reference makes of
the chosen judge reply (with its own retries: the stub answers the same text every time).

Subcommands (each reads JSONL cases and writes one JSONL result per case, same order, same `id`):

  prompts   the prompt of the reference's FIRST judge call for a record and a prediction, or null when the
            reference makes no call (its rule path decided). The stub answers a text each function accepts at
            once, so there are no retries.
            case: {id, bench, record: {TSV columns; null = NaN}, prediction (the E1 prediction)}
            out:  {id, bench, prompt: str | null, calls: number of judge calls}
  outputs   the reference's verdict when the judge replies `judge_output` (every call).
            case: {id, bench, record, prediction, judge_output}
            out:  {id, bench, calls, ...per bench below} or {id, bench, error} when the reference raises.

bench -> reference code (both subcommands)
  mmmu        multiple_choice.eval_vanilla(judge, item, 'MMMU_DEV_VAL') on the row after MMMU_preproc, GT = the
              answer if it is one upper-case letter, else 'A' (mcq_vanilla_eval's answer map).
              out: {hit, opt, random_fallback}
  mmbench     multiple_choice.eval_vanilla(judge, item, 'MMBench_DEV_EN'), GT = the row's answer: the per-row
              resolution eval_circular_group does with extract_answer_from_item (the group verdict is Ocular's
              CircularAggregator, tested elsewhere). out: {hit, opt, random_fallback}
  mmstar      eval_vanilla(judge, item, 'MMStar').   ai2d: eval_vanilla(judge, item, 'AI2D_TEST').
              A judge reply can_infer cannot read makes eval_vanilla retry 3 times and then draw rd.choice: the
              draw is seeded here and flagged random_fallback (Ocular reports such rows unparsed instead).
  mathvista   mathvista.MathVista_auxeval(judge, line) -> {res, log}; hit = post_check(line + res, prefetch=False)
              (as MathVista_acc). out: {res, prefetch, hit}
  mathvision  mathv.MATH_V_auxeval(judge, line), hit = mathv.post_check(line + res, prefetch=False).
              out: {res, prefetch, hit}
  mathverse   mathverse.MathVerse_auxeval_extract(judge, line) -> extract; strip_equal =
              post_check_score(line + extract, prefetch=False) (stage 2's own test, before its second judge).
              out: {extract, strip_equal}
  charxiv     vlmeval/dataset/charxiv.py auxeval(judge, line) (10 tries, json.loads, both keys required).
              out: {score, extract_answer, result (the dict auxeval returned)}
  embspatial  spatial_bench/llm_extract.extract_ans_by_llm(judge, row, mode='mcq', max_retry=3), the call
              compute_score_llm makes per row (build_mcq_score_fn with an LLM judge); hit = grade == 'A'.
              out: {grade, extracted, hit}

Run with any python3; it re-executes itself in the refscore venv:
    python3 scripts/golden/judge_prompts_driver.py prompts -i CASES -o GOLDEN
"""

import argparse
import importlib
import json
import math
import os
import string
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the shared refscore folder
HERE = Path(__file__).resolve().parent
REFSCORE_DIR = Path(os.environ.get('OCULAR_REFSCORE_DIR', HERE.parent.parent.parent / 'shared' / 'tools' / 'refscore'))
sys.path.insert(0, str(REFSCORE_DIR))
import refscore  # noqa: E402  (the shared tool: bootstrap + venv re-exec)

refscore.reexec_in_venv(__file__)
refscore._boot_vlmeval()

import pandas as pd  # noqa: E402

NAN = float('nan')
DATASET_NAMES = {'mmmu': 'MMMU_DEV_VAL', 'mmbench': 'MMBench_DEV_EN', 'mmstar': 'MMStar', 'ai2d': 'AI2D_TEST'}
# A reply each reference function accepts on the first call (prompts subcommand): no retries, one prompt.
ACCEPTED_REPLY = {
    'mmmu': 'A', 'mmbench': 'A', 'mmstar': 'A', 'ai2d': 'A', 'mathvista': 'x', 'mathvision': 'x',
    'mathverse': 'x', 'charxiv': '{"extract_answer": "x", "score": 0}', 'embspatial': 'B\tx',
}


def vek(name):
    return importlib.import_module(name)


class StubJudge:
    """The judge object the reference calls: records each prompt, answers a fixed text."""

    def __init__(self, reply):
        self.reply = reply
        self.prompts = []

    def generate(self, prompt, **kwargs):
        self.prompts.append(prompt)
        return self.reply


def cell(value):
    """A record value as the TSV cell pandas gives the reference: null is NaN."""
    return NAN if value is None else value


def row_of(case):
    row = {k: cell(v) for k, v in case['record'].items()}
    row['prediction'] = str(case['prediction'])
    return row


def mcq_item(case):
    bench = case['bench']
    data = pd.DataFrame([row_of(case)])
    for letter in 'AB':  # MMMU_preproc reads both columns
        if letter not in data:
            data[letter] = [NAN]
    if bench == 'mmmu':
        data = vek('vlmeval.dataset.utils.multiple_choice').MMMU_preproc(data)
    item = data.iloc[0].copy()
    answer = case['record']['answer']
    if bench == 'mmmu':
        answer = answer if answer in list(string.ascii_uppercase) else 'A'
    item['GT'] = answer
    return item


_MCQ = {}


def mcq_module():
    """multiple_choice with extract_answer_from_item wrapped to record its result (eval_vanilla looks the name up
    in the module's globals, so it goes through the wrapper); the function itself is unchanged."""
    if 'mc' not in _MCQ:
        mc = vek('vlmeval.dataset.utils.multiple_choice')
        original = mc.extract_answer_from_item

        def recording(model, item, dataset_name=None):
            _MCQ['last'] = original(model, item, dataset_name=dataset_name)
            return _MCQ['last']
        mc.extract_answer_from_item = recording
        _MCQ['mc'] = mc
    return _MCQ['mc']


def run_mcq(case, judge):
    mc = mcq_module()
    mc.rd.seed(0)  # the reference's random fallback, made reproducible
    _MCQ.pop('last', None)
    res = mc.eval_vanilla(judge, mcq_item(case), dataset_name=DATASET_NAMES[case['bench']])
    last = _MCQ.get('last', {})
    return {'hit': int(res['hit']), 'opt': last.get('opt'),
            'random_fallback': 'randomly generate' in str(last.get('log', ''))}


def run_mathvista(case, judge):
    mv = vek('vlmeval.dataset.utils.mathvista')
    line = row_of(case)
    aux = mv.MathVista_auxeval(judge, line)
    hit = mv.post_check(dict(line, res=aux['res'], log=aux['log']), prefetch=False)
    return {'res': aux['res'], 'prefetch': aux['log'] == 'Prefetch succeed', 'hit': bool(hit)}


def run_mathvision(case, judge):
    mt = vek('vlmeval.dataset.utils.mathv')
    line = row_of(case)
    aux = mt.MATH_V_auxeval(judge, line)
    hit = mt.post_check(dict(line, res=aux['res'], log=aux['log']), prefetch=False)
    return {'res': aux['res'], 'prefetch': aux['log'] == 'Prefetch succeed', 'hit': bool(hit)}


def run_mathverse(case, judge):
    mvs = vek('vlmeval.dataset.utils.mathverse')
    line = row_of(case)
    aux = mvs.MathVerse_auxeval_extract(judge, line)
    equal = mvs.post_check_score(dict(line, extract=aux['extract']), prefetch=False)
    return {'extract': aux['extract'], 'strip_equal': bool(equal)}


def run_charxiv(case, judge):
    cx = vek('vlmeval.dataset.charxiv')
    result = cx.auxeval(judge, pd.Series(row_of(case)))
    return {'score': result.get('score'), 'extract_answer': result.get('extract_answer'), 'result': result}


def run_embspatial(case, judge):
    le = vek('vlmeval.dataset.utils.spatial_bench.llm_extract')
    grade, extracted = le.extract_ans_by_llm(model=judge, row=pd.Series(row_of(case)), mode='mcq', max_retry=3)
    return {'grade': grade, 'extracted': extracted, 'hit': 1 if grade == 'A' else 0}


RUNNERS = {
    'mmmu': run_mcq, 'mmbench': run_mcq, 'mmstar': run_mcq, 'ai2d': run_mcq, 'mathvista': run_mathvista,
    'mathvision': run_mathvision, 'mathverse': run_mathverse, 'charxiv': run_charxiv, 'embspatial': run_embspatial,
}


def jsonable(x):
    if isinstance(x, float) and math.isnan(x):
        return None
    return refscore._jsonable(x)


def read_cases(path):
    with open(path, encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


def write_lines(path, rows):
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        for r in rows:
            f.write(json.dumps(jsonable(r), ensure_ascii=False) + '\n')


def prompts(cases):
    out = []
    for case in cases:
        judge = StubJudge(ACCEPTED_REPLY[case['bench']])
        RUNNERS[case['bench']](case, judge)
        assert len(set(judge.prompts)) <= 1, case['id']
        out.append({'id': case['id'], 'bench': case['bench'],
                    'prompt': judge.prompts[0] if judge.prompts else None, 'calls': len(judge.prompts)})
    return out


def outputs(cases):
    out = []
    for case in cases:
        judge = StubJudge(case['judge_output'])
        try:
            result = RUNNERS[case['bench']](case, judge)
        except Exception as err:  # the reference itself raises on this reply
            result = {'error': f'{type(err).__name__}: {err}'}
        out.append(dict({'id': case['id'], 'bench': case['bench'], 'calls': len(judge.prompts)}, **result))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('command', choices=['prompts', 'outputs'])
    parser.add_argument('-i', '--input', required=True)
    parser.add_argument('-o', '--output', required=True)
    args = parser.parse_args()
    cases = read_cases(args.input)
    rows = prompts(cases) if args.command == 'prompts' else outputs(cases)
    write_lines(args.output, rows)
    print(f'{args.command}: {len(rows)} cases -> {args.output}', file=sys.stderr)


if __name__ == '__main__':
    main()
