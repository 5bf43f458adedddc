#!/usr/bin/env python3
"""mcq_driver.py -- golden values for MMMU, MMBench (circular), EmbSpatial and the MCQ prompts, from the REAL
VLMEvalKit code of ms-vlmeval==0.0.20 (module `vlmeval`, installed by ../shared/tools/refscore/setup.sh).

Nothing from VLMEvalKit is copied here. The package is imported the way refscore.py does it (refscore's own
bootstrap is called: the parent packages are registered as empty package objects whose __path__ is the real
installed folder, so every scoring module is the installed file). One extra stub: `num2words`, which the venv
lacks and `matching_func` only uses to build the word table of `can_match_na` (numeric answers), never on the
`can_match_option` path.

Subcommands (each reads JSONL cases and writes one JSONL result per case, same order, same `id`):

  mmmu        vlmeval.dataset.utils.multiple_choice.mcq_vanilla_eval(None, data, meta, 1, tmp,
              'MMMU_DEV_VAL') -- judge exact_matching; it applies MMMU_preproc and the answer map (non-letter
              golds -> 'A') -- then report_acc(result) into --metrics.
              case: {id, pred, answer, options: {letter: text} (omitted or {} = open question),
                     split, category, l2-category}
              out:  {id, index, hit, extracted (eval_vanilla's letter, 'Z' when can_infer failed), can_infer
                     (its own result: a letter, 'Z' for a refusal, null for False), choices (after
                     MMMU_preproc), gt}
  mmbench     per `run`: mcq_circular_eval(None, data, meta, 1, tmp, 'MMBench_DEV_EN') then report_acc(main
              rows) into --metrics[run]; every row's letter from prefetch_answer (= can_infer). PRED_FORMAT is
              set to tsv (the default xlsx round trip needs openpyxl, absent from the venv).
              case: {id, run, index, pred, answer, options, [hint], category, l2-category, split}
              out:  {id, run, index, extracted (letter or null), is_main, group_hit (null when the group has
                     no main row), group_log}
  embspatial  vlmeval.dataset.utils.spatial_bench.cal_scores.compute_mcq_score(df) (can_match_option on the
              prediction and on answer.strip()), then eval_mcq_score(load_fn=<in memory>, score_fn=
              build_mcq_score_fn(model='exact_matching'), group_col='data_source', order=[mp3d, ai2thor,
              scannet]) into --metrics.
              case: {id, pred, answer, data_source}
              out:  {id, pred_extracted (letter or false), gold_extracted, hit}
  match       can_match_option(text) alone (default letters A-F), for the matcher's differential cases.
              case: {id, text}
              out:  {id, letter (a letter or false)}
  fuzz-cases  writes -o: seeded random texts for `match` (no reference call): tokens that stress every rule
              (tags with spaces and case, brackets, markdown, `option X:` lines, answer phrases in English and
              Chinese, zero-width and non-ASCII case-folding characters, Python line breaks, long tails).
  prompts     the dataset prompts: ImageMCQDataset.build_prompt (MMBench, AI2D), MMMUDataset.build_prompt
              (= build_prompt + split_MMMU) and EmbSpatialBench.build_prompt, called on an instance made with
              cls.__new__ (no __init__, which would download the TSV) whose meta_only is True, so the images
              are the record's `image_path` names.
              case: {id, bench: mmmu|mmbench|ai2d|embspatial, record: {TSV columns; null = NaN}}
              out:  {id, messages: [{type: image|text, value}]} or {id, error}

Run with any python3; it re-executes itself in the refscore venv:
    python3 scripts/golden/mcq_driver.py mmmu -i CASES -o GOLDEN --metrics METRICS.json
"""

import argparse
import glob
import importlib
import json
import math
import os
import sys
import tempfile
import types
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the shared refscore folder
HERE = Path(__file__).resolve().parent
REFSCORE_DIR = Path(os.environ.get('OCULAR_REFSCORE_DIR', HERE.parent.parent.parent / 'shared' / 'tools' / 'refscore'))
sys.path.insert(0, str(REFSCORE_DIR))
import refscore  # noqa: E402  (the shared tool: bootstrap + venv re-exec)

refscore.reexec_in_venv(__file__)
refscore._boot_vlmeval()
if 'num2words' not in sys.modules:
    try:
        import num2words  # noqa: F401
    except ImportError:
        _stub = types.ModuleType('num2words')
        _stub.num2words = lambda n, lang='en': f'<num2words {n}>'
        sys.modules['num2words'] = _stub

import pandas as pd  # noqa: E402

# mcq_circular_eval round-trips its main rows through /tmp/<time>.<PRED_FORMAT>; the default xlsx needs openpyxl,
# which the venv lacks. TSV is one of VLMEvalKit's own formats; the hits come from the in-memory result map.
os.environ.setdefault('PRED_FORMAT', 'tsv')

NAN = float('nan')


def vek(name):
    return importlib.import_module(name)


def jsonable(x):
    return refscore._jsonable(x)


def read_cases(path):
    with open(path, encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


def write_lines(path, rows):
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        for r in rows:
            f.write(json.dumps(jsonable(r), ensure_ascii=False) + '\n')


def write_json(path, obj):
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        f.write(json.dumps(jsonable(obj), ensure_ascii=False, indent=2, sort_keys=True) + '\n')


def acc_table(mc, scored):
    """report_acc(scored), as {split: {"Overall": v, "l2-category": {name: v}, "category": {name: v}}}.

    report_acc names its columns by MMB_abbrs (so `coarse_perception` is the column `CP`); the column of each
    name is looked up through the module's own MMB_abbrs."""
    acc = mc.report_acc(scored.copy())
    out = {}
    for _, row in acc.iterrows():
        entry = {'Overall': float(row['Overall'])}
        for group in ('l2-category', 'category'):
            if group in scored:
                entry[group] = {str(ab): float(row[mc.MMB_abbrs.get(ab, ab)]) for ab in sorted(set(scored[group]))}
        out[str(row['split'])] = entry
    return out


def recording_extract(mc):
    """Wrap extract_answer_from_item (looked up in the module's globals by eval_vanilla) to record each row's
    letter by index; prefetch_answer is used for the circular rows."""
    orig = mc.extract_answer_from_item
    seen = {}

    def wrapper(model, item, dataset_name=None):
        out = orig(model, item, dataset_name=dataset_name)
        seen[int(item['index'])] = out['opt']
        return out
    return orig, wrapper, seen


# ---------------------------------------------------------------------------------------------------- mmmu
def run_mmmu(cases, metrics_path):
    mc = vek('vlmeval.dataset.utils.multiple_choice')
    rows = []
    for n, c in enumerate(cases, 1):
        row = {'index': n, 'question': c.get('question', 'Which option is correct?'), 'answer': c['answer'],
               'split': c.get('split', 'validation'), 'category': c.get('category', 'Art'),
               'l2-category': c.get('l2-category', 'Art & Design')}
        options = c.get('options') or {}
        for letter in 'ABCDEFGHI':
            row[letter] = options.get(letter, NAN)
        rows.append(row)
    meta = pd.DataFrame(rows)
    data = pd.DataFrame([dict(r, prediction=str(c['pred'])) for r, c in zip(rows, cases)])
    orig, wrapper, seen = recording_extract(mc)
    mc.extract_answer_from_item = wrapper
    try:
        with tempfile.TemporaryDirectory() as tmp:
            result = mc.mcq_vanilla_eval(None, data.copy(), meta, 1, os.path.join(tmp, 'mmmu_result.pkl'),
                                         dataset_name='MMMU_DEV_VAL')
    finally:
        mc.extract_answer_from_item = orig
    pre = mc.MMMU_preproc(data.copy())
    hits = {int(i): int(h) for i, h in zip(result['index'], result['hit'])}
    out = []
    for n, c in enumerate(cases, 1):
        prow = pre[pre['index'] == n].iloc[0]
        gt = meta[meta['index'] == n].iloc[0]['answer']
        gt = gt if gt in list('ABCDEFGHIJKLMNOPQRSTUVWXYZ') else 'A'
        choices = mc.build_choices(prow)
        # a copy: can_infer_text lower-cases the dict it is given in place
        inferred = vek('vlmeval.utils').can_infer(str(c['pred']), dict(choices))
        out.append({'id': c['id'], 'index': n, 'hit': hits[n], 'extracted': seen[n], 'gt': gt,
                    'can_infer': inferred if inferred else None, 'choices': choices})
    write_json(metrics_path, {'report_acc': acc_table(mc, result)})
    return out


# ---------------------------------------------------------------------------------------------------- mmbench
def run_mmbench(cases, metrics_path):
    mc = vek('vlmeval.dataset.utils.multiple_choice')
    runs = []
    for c in cases:
        if c['run'] not in runs:
            runs.append(c['run'])
    out_by_id, metrics = {}, {}
    for run in runs:
        sub = [c for c in cases if c['run'] == run]
        rows = []
        for c in sub:
            row = {'index': int(c['index']), 'question': c.get('question', 'Which option is correct?'),
                   'hint': c.get('hint', NAN) if c.get('hint') is not None else NAN, 'answer': c['answer'],
                   'category': c.get('category', 'image_scene'),
                   'l2-category': c.get('l2-category', 'coarse_perception'), 'split': c.get('split', 'dev')}
            for letter in 'ABCD':
                row[letter] = c['options'].get(letter, NAN)
            rows.append(row)
        meta = pd.DataFrame(rows)
        data = pd.DataFrame([dict(r, prediction=str(c['pred'])) for r, c in zip(rows, sub)])
        before = set(glob.glob('/tmp/*.tsv'))
        with tempfile.TemporaryDirectory() as tmp:
            main = mc.mcq_circular_eval(None, data.copy(), meta, 1, os.path.join(tmp, 'mmb_result.pkl'),
                                        dataset_name='MMBench_DEV_EN')
        for path in set(glob.glob('/tmp/*.tsv')) - before:  # the round-trip file mcq_circular_eval leaves
            if Path(path).stem.isdigit():
                os.remove(path)
        group_hit = {int(i): int(h) for i, h in zip(main['index'], main['hit'])}
        group_log = {int(i): str(lg) for i, lg in zip(main['index'], main['log'])}
        gt_rows = data.copy()
        gt_rows['GT'] = gt_rows['answer']
        for c, (_, item) in zip(sub, gt_rows.iterrows()):
            letter = mc.prefetch_answer(item)
            g = int(int(c['index']) % 1e6)
            out_by_id[c['id']] = {
                'id': c['id'], 'run': run, 'index': int(c['index']), 'extracted': letter if letter else None,
                'is_main': int(c['index']) == g, 'group_hit': group_hit.get(g), 'group_log': group_log.get(g)}
        metrics[run] = acc_table(mc, main)
    write_json(metrics_path, {'report_acc': metrics})
    return [out_by_id[c['id']] for c in cases]


# ---------------------------------------------------------------------------------------------------- embspatial
def run_embspatial(cases, metrics_path):
    cs = vek('vlmeval.dataset.utils.spatial_bench.cal_scores')
    mf = vek('vlmeval.dataset.utils.spatial_bench.matching_func')
    df = pd.DataFrame([{'index': n, 'question': 'q', 'prediction': str(c['pred']), 'answer': c['answer'],
                        'data_source': c.get('data_source', 'mp3d')} for n, c in enumerate(cases, 1)])
    scored = cs.compute_mcq_score(df.copy())
    out = []
    for c, (_, r) in zip(cases, scored.iterrows()):
        out.append({'id': c['id'], 'pred_extracted': r['pred_extracted'],
                    'gold_extracted': mf.can_match_option(str(c['answer']).strip()), 'hit': float(r['hit'])})
    score_fn = cs.build_mcq_score_fn(model='exact_matching')
    with tempfile.TemporaryDirectory() as tmp:
        real_stdout = sys.stdout
        sys.stdout = sys.stderr
        try:
            summary = cs.eval_mcq_score(load_fn=lambda _: df.copy(), eval_file=os.path.join(tmp, 'emb.xlsx'),
                                        score_fn=score_fn, group_col='data_source',
                                        order=['mp3d', 'ai2thor', 'scannet'], dataset_name='EmbSpatialBench')
        finally:
            sys.stdout = real_stdout
    write_json(metrics_path, {'summary': {k: v for k, v in summary.items() if not k.startswith('tabulated')},
                              'judge_tag': 'exact_matching'})
    return out


# ---------------------------------------------------------------------------------------------------- prompts
def run_prompts(cases):
    im = vek('vlmeval.dataset.image_mcq')
    es = vek('vlmeval.dataset.embspatialbench')
    classes = {'mmmu': im.MMMUDataset, 'mmbench': im.ImageMCQDataset, 'ai2d': im.ImageMCQDataset,
               'embspatial': es.EmbSpatialBench}
    out = []
    for c in cases:
        line = pd.Series({k: (NAN if v is None else v) for k, v in c['record'].items()})
        cls = classes[c['bench']]
        dataset = cls.__new__(cls)  # no __init__ (it would download the TSV); build_prompt only reads meta_only
        dataset.meta_only = True
        try:
            msgs = dataset.build_prompt(line)
            out.append({'id': c['id'], 'messages': [{'type': m['type'], 'value': m['value']} for m in msgs]})
        except Exception as err:  # the reference itself fails on this record
            out.append({'id': c['id'], 'error': f'{type(err).__name__}: {err}'})
    return out


# ---------------------------------------------------------------------------------------------------- match
def run_match(cases):
    mf = vek('vlmeval.dataset.utils.spatial_bench.matching_func')
    return [{'id': c['id'], 'letter': mf.can_match_option(c['text'])} for c in cases]


FUZZ_TOKENS = [
    'A', 'B', 'C', 'D', 'E', 'F', 'G', 'I', 'J', 'a', 'b', 'c', 'f', 'x', 'Ab', 'bA', ' ', ' ', ' ', '  ', '\n', '\n',
    '\r\n', '\r', '\u2028', '\x0b', '\t', '\u00a0', '\u3000', '<answer>', '</answer>', '< answer >',
    '< / Answer >', '<answer id=1>', '<answers>', '</ANSWER>', '<think>', '</think>', '</ think >', '<thinking>',
    '</thinK>', '</thin\u212a>', '<an\u017fwer>', '\u0130', '\u0131', '(', ')', '[', ']', '{', '}', '\uff08',
    '\uff09', '\u3010', '\u3011', '.', '\uff0e', ':', '\uff1a', ';', ',', '!', '?', '-', '*', '**', '_', '`', '>',
    '\u3001', '\u3002', '\u300b', 'option', 'Option', '\u9009\u9879', 'answer', 'Answer', 'final answer',
    'the answer is', 'correct answer', 'answer is', '\u7b54\u6848', '\u6700\u7ec8\u7b54\u6848', '\u9009',
    '\u6211\u9009', '\u6211\u9009\u62e9', '\u9009\u62e9', '\u6240\u4ee5', '=', '\uff1d', '\u200b',
    '\u200d', '\ufeff', 'the', 'is', 'so', 'word', 'xyz', '1', '42', '_A', 'A_', '\u00e9', '\u4e2d', '\u0663',
]


def fuzz_cases(path, seed, count):
    import random
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        size = rng.choice([1, 2, 3, 5, 8, 12, 20, 30, 45])
        text = ''.join(rng.choice(FUZZ_TOKENS) for _ in range(size))
        if n % 37 == 0:  # a long middle so that the 800-character tail window matters
            head = ''.join(rng.choice(FUZZ_TOKENS) for _ in range(6))
            tail = ''.join(rng.choice(FUZZ_TOKENS) for _ in range(6))
            text = head + 'filler text ' * rng.choice([60, 66, 70]) + tail
        rows.append({'id': f'fuzz-{seed}-{n}', 'text': text})
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=True) + '\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('command', choices=['mmmu', 'mmbench', 'embspatial', 'prompts', 'match', 'fuzz-cases'])
    ap.add_argument('--seed', type=int, default=20260311)
    ap.add_argument('--count', type=int, default=400)
    ap.add_argument('-i', '--input')
    ap.add_argument('-o', '--output', required=True)
    ap.add_argument('--metrics', help='aggregate output (mmmu, mmbench, embspatial)')
    args = ap.parse_args()
    if args.command == 'fuzz-cases':
        fuzz_cases(args.output, args.seed, args.count)
        return
    if not args.input:
        sys.exit('mcq_driver: -i is required')
    cases = read_cases(args.input)
    if len({c['id'] for c in cases}) != len(cases):
        sys.exit('mcq_driver: case ids must be unique')
    if args.command == 'prompts':
        rows = run_prompts(cases)
    elif args.command == 'match':
        rows = run_match(cases)
    else:
        if not args.metrics:
            sys.exit(f'mcq_driver: {args.command} needs --metrics')
        rows = {'mmmu': run_mmmu, 'mmbench': run_mmbench, 'embspatial': run_embspatial}[args.command](
            cases, args.metrics)
    write_lines(args.output, rows)
    print(f'mcq_driver {args.command}: {len(rows)} cases -> {args.output}', file=sys.stderr)


if __name__ == '__main__':
    main()
