#!/usr/bin/env python3
"""judge_calls_driver.py -- golden judge CALLS for Ocular's judge pipeline (Sources/OcularCore/Judges/), from the REAL
VLMEvalKit code of ms-vlmeval==0.0.20 (module `vlmeval`, Apache-2.0, installed by ../shared/tools/refscore/setup.sh).

Where judge_prompts_driver.py gives a stub judge one fixed reply, this driver runs the reference's real API wrapper
(`vlmeval.api.gpt.OpenAIWrapper`, built by `build_judge` with the arguments each dataset's `evaluate` passes it) and
replaces only the HTTP request (`requests.post` inside `vlmeval/api/gpt.py`): every request body the wrapper would
send is recorded -- the prompt (its one user message), `temperature`, `max_tokens`, `seed`, `top_p` exactly as the
wrapper puts them in the payload -- and answered with the case's scripted replies, in order (the last one repeats).
So the number of calls, their settings (retry temperature schedules included) and the verdict are the reference's.

judge_kwargs are those `vlmeval/run.py: get_judge_kwargs` builds for `--judge gpt-4o-mini` with run.py's own
defaults: `retry` is read from run.py's `--retry` argument default (the source text, not typed here), `verbose`
False, `timeout` 600.

Case line: {id, bench, record: {TSV columns; null = NaN}, prediction, replies: [judge reply or null, ...]}, one
per judge call (`model.generate`), the last repeated; null is a call that fails (the API answers HTTP 500 to each of
the wrapper's own attempts, so `generate` returns the wrapper's failure text). Replies must be non-empty and already
stripped: the wrapper strips every reply and retries an empty one itself, which Ocular's adapters do not do.

Output line: {id, bench, calls: [{prompt, settings: {temperature, max_tokens, seed?, top_p?}, reply (null: failed),
returned (what generate gave the reference)}], ...verdict}
  mmmu/mmbench/mmstar/ai2d  multiple_choice.eval_vanilla (extract_answer_from_item): {hit, opt, random_fallback}
  mathvista                 MathVista_auxeval + post_check(prefetch=False): {res, hit}
  mathvision                MATH_V_auxeval + post_check(prefetch=False): {res, hit}
  mathverse                 MathVerse_auxeval_extract, then MathVerse_auxeval_score: {extract, score}
  charxiv                   charxiv.auxeval: {score, extract_answer}
  embspatial                llm_extract.extract_ans_by_llm(mode='mcq', max_retry=judge_kwargs.get('retry', 3)) as
                            cal_scores._build_score_fn passes it: {grade, extracted, hit}

Run with any python3; it re-executes itself in the refscore venv:
    python3 scripts/golden/judge_calls_driver.py -i CASES -o GOLDEN
"""

import argparse
import json
import os
import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
REFSCORE_DIR = Path(os.environ.get('OCULAR_REFSCORE_DIR', HERE.parent.parent.parent / 'shared' / 'tools' / 'refscore'))
sys.path.insert(0, str(REFSCORE_DIR))
import refscore  # noqa: E402

refscore.reexec_in_venv(__file__)
sys.path.insert(0, str(HERE))
import judge_prompts_driver as jp  # noqa: E402  (boots vlmeval; its record helpers are reused)

import types  # noqa: E402

import pandas as pd  # noqa: E402

# The refscore venv has no `requests` (nothing there talks to a network): the wrapper's one use of it, `post`, is
# replaced per case by Script.post, so a module object standing in for it is enough. `vlmeval.api`'s __init__ imports
# every API client; like refscore's bootstrap, register the package without running it and load only gpt.py/base.py.
sys.modules.setdefault('requests', types.ModuleType('requests'))
refscore._stub_pkg('vlmeval.api', str(Path(list(jp.vek('vlmeval').__path__)[0]) / 'api'))
_gpt = jp.vek('vlmeval.api.gpt')
sys.modules['vlmeval.api'].OpenAIWrapper = _gpt.OpenAIWrapper
sys.modules['vlmeval.api'].HFChatModel = None
sys.modules['vlmeval.api'].SiliconFlowAPI = None

# A placeholder so the wrapper builds; no request ever leaves this process (requests.post is replaced below).
os.environ.setdefault('OPENAI_API_KEY', 'sk-ocular-golden-offline')


def run_py_retry_default():
    """run.py's `--retry` default, read from the installed run.py's source."""
    source = Path(list(jp.vek('vlmeval').__path__)[0]).joinpath('run.py').read_text(encoding='utf-8')
    match = re.search(r"add_argument\('--retry', type=int, default=(\d+)", source)
    return int(match.group(1))


JUDGE_KWARGS = {'nproc': 1, 'verbose': False, 'retry': run_py_retry_default(), 'timeout': 600, 'model': 'gpt-4o-mini'}


class Script:
    """The replies of one case, and every judge call (`model.generate`) the reference made.

    A reply of None is a failed call: every HTTP attempt of that `generate` gets status 500, so the wrapper gives up
    after its own `retry` attempts and returns its failure text, as it does when the API cannot be reached. The
    settings of a call are those of its first HTTP request body.
    """

    def __init__(self, replies):
        self.replies = list(replies)
        self.calls = []
        self.current = None
        self.payloads = []

    def wrap(self, model):
        generate = model.generate

        def recorded(message, **kwargs):
            self.current = self.replies[min(len(self.calls), len(self.replies) - 1)]
            self.payloads = []
            answer = generate(message, **kwargs)
            payload = self.payloads[0]
            content = payload['messages'][-1]['content']
            prompt = content if isinstance(content, str) else [p['text'] for p in content if p['type'] == 'text'][-1]
            settings = {key: payload[key] for key in ('temperature', 'max_tokens', 'seed', 'top_p') if key in payload}
            self.calls.append({'prompt': prompt, 'settings': settings, 'reply': self.current, 'returned': answer})
            return answer
        model.generate = recorded
        return model

    def post(self, url, headers=None, data=None, proxies=None, timeout=None, **_):
        self.payloads.append(json.loads(data))
        reply = self.current

        class Response:
            status_code = 500 if reply is None else 200
            text = '' if reply is None else json.dumps({'choices': [{'message': {'content': reply}}]})
        return Response()


def judge(script, **extra):
    """`build_judge(**extra, **JUDGE_KWARGS)` with the wrapper's HTTP call answered by the script."""
    gpt = jp.vek('vlmeval.api.gpt')
    base = jp.vek('vlmeval.api.base')
    gpt.requests.post = script.post
    base.time.sleep = lambda seconds: None  # the wrapper's random pauses between calls
    kwargs = dict(JUDGE_KWARGS)
    kwargs.update(extra)
    return script.wrap(jp.vek('vlmeval.dataset.utils.judge_util').build_judge(**kwargs))


def run(case):
    bench = case['bench']
    script = Script(case['replies'])
    line = jp.row_of(case)
    if bench in ('mmmu', 'mmbench', 'mmstar', 'ai2d'):
        # image_mcq.py ImageMCQDataset.evaluate_heuristic: build_judge(**judge_kwargs)
        verdict = jp.run_mcq(case, judge(script))
    elif bench == 'mathvista':
        # image_vqa.py MathVista.evaluate_heuristic: build_judge(max_tokens=128, **judge_kwargs)
        mv = jp.vek('vlmeval.dataset.utils.mathvista')
        aux = mv.MathVista_auxeval(judge(script, max_tokens=128), line)
        verdict = {'res': aux['res'], 'hit': bool(mv.post_check(dict(line, res=aux['res']), prefetch=False))}
    elif bench == 'mathvision':
        # image_vqa.py MathVision.evaluate_heuristic: build_judge(max_tokens=128, **judge_kwargs)
        mt = jp.vek('vlmeval.dataset.utils.mathv')
        aux = mt.MATH_V_auxeval(judge(script, max_tokens=128), line)
        verdict = {'res': aux['res'], 'hit': bool(mt.post_check(dict(line, res=aux['res']), prefetch=False))}
    elif bench == 'mathverse':
        # image_vqa.py MathVerse.evaluate: build_judge(max_tokens=128, **judge_kwargs), stage 1 then stage 2
        mvs = jp.vek('vlmeval.dataset.utils.mathverse')
        model = judge(script, max_tokens=128)
        extract = mvs.MathVerse_auxeval_extract(model, line)['extract']
        score = mvs.MathVerse_auxeval_score(model, dict(line, extract=extract))['score']
        verdict = {'extract': extract, 'score': bool(score)}
    elif bench == 'charxiv':
        # charxiv.py CharXiv.evaluate: build_judge(model=..., **judge_kwargs); auxeval(judge_model, line)
        kwargs = dict(JUDGE_KWARGS)
        kwargs.pop('model')
        result = jp.vek('vlmeval.dataset.charxiv').auxeval(judge(script), pd.Series(line))
        verdict = {'score': result.get('score'), 'extract_answer': result.get('extract_answer')}
    elif bench == 'embspatial':
        # cal_scores.py _build_score_fn: build_judge(**judge_kwargs), max_retry = judge_kwargs.get('retry', 3)
        le = jp.vek('vlmeval.dataset.utils.spatial_bench.llm_extract')
        grade, extracted = le.extract_ans_by_llm(
            model=judge(script), row=pd.Series(line), mode='mcq', max_retry=JUDGE_KWARGS.get('retry', 3))
        verdict = {'grade': grade, 'extracted': extracted, 'hit': 1 if grade == 'A' else 0}
    else:
        raise SystemExit(f'unknown bench {bench}')
    return dict({'id': case['id'], 'bench': bench, 'calls': script.calls}, **verdict)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('-i', '--input', required=True)
    parser.add_argument('-o', '--output', required=True)
    args = parser.parse_args()
    rows = [run(case) for case in jp.read_cases(args.input)]
    jp.write_lines(args.output, rows)
    print(f'judge calls: {len(rows)} cases -> {args.output} (run.py --retry default {JUDGE_KWARGS["retry"]})',
          file=sys.stderr)


if __name__ == '__main__':
    main()
