#!/usr/bin/env bash
# Regenerate the golden reference files in Tests/OcularCoreTests/Golden/ from their case files.
#
#   scripts/golden/regenerate.sh            # run from anywhere; works from the repo root
#
# mcq / anls: scored by ../shared/tools/refscore/refscore.py, which calls the real
#   VLMEvalKit code of ms-vlmeval==0.0.20 (venv built by ../shared/tools/refscore/setup.sh).
#   VERBOSE is removed from the environment: VLMEvalKit's can_infer_option changes
#   behaviour when it is set (a lone "A" in an answer longer than 3 tokens is rejected).
#
# grounding: needs a copy of OneThinker's scorer, which is NOT in this repo:
#   tulerfeng/OneThinker  Evaluation/Eval/eval_bench.py
#   (golden data made from commit 4448451e6e519e17c9e72d2b67f94a45612f2323,
#    sha256 57d9cfa4c0cd26bb31b3d70097f94a177fc8c85b05f5e32192095c9d5d20744d)
#   Point ONETHINKER_EVAL_BENCH at it, e.g.
#     ONETHINKER_EVAL_BENCH=/tmp/onethinker/eval_bench.py scripts/golden/regenerate.sh
#   scripts/golden/onethinker_driver.py imports that file (heavy imports stubbed) and
#   calls its extract_answer / accuracy_only with iou_2d replaced by a corrected version
#   (see Tests/OcularCoreTests/Golden/README.md). Without the variable the grounding
#   files are left untouched.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
GOLDEN=Tests/OcularCoreTests/Golden
REFSCORE=../shared/tools/refscore

bash "$REFSCORE/setup.sh" >&2

for bench in mcq anls; do
    env -u VERBOSE python3 "$REFSCORE/refscore.py" -i "$GOLDEN/$bench.cases.jsonl" -o "$GOLDEN/$bench.golden.jsonl"
    echo "regenerated $GOLDEN/$bench.golden.jsonl ($(wc -l < "$GOLDEN/$bench.golden.jsonl") lines)" >&2
done

if [[ -n "${ONETHINKER_EVAL_BENCH:-}" ]]; then
    env -u VERBOSE PYTHONDONTWRITEBYTECODE=1 python3 scripts/golden/onethinker_driver.py \
        --eval-bench "$ONETHINKER_EVAL_BENCH" \
        -i "$GOLDEN/grounding.cases.jsonl" \
        -o "$GOLDEN/grounding.golden.jsonl" \
        --metrics "$GOLDEN/grounding.metrics.json"
    echo "regenerated $GOLDEN/grounding.golden.jsonl and grounding.metrics.json" >&2
else
    echo "skipped grounding: set ONETHINKER_EVAL_BENCH to a copy of tulerfeng/OneThinker Evaluation/Eval/eval_bench.py" >&2
fi

# chartqa / ocrbench / infovqa (docs helper): refscore benches relaxed, ocrbench and anls (InfoVQA_VAL cases carry
#   "dataset": "InfoVQA_VAL"), same VLMEvalKit 0.0.20 venv. The ocrbench and infovqa files each hold error lines
#   where the reference itself crashes (see Tests/OcularCoreTests/Golden/README.md).
for bench in chartqa ocrbench infovqa; do
    env -u VERBOSE python3 "$REFSCORE/refscore.py" -i "$GOLDEN/$bench.cases.jsonl" -o "$GOLDEN/$bench.golden.jsonl"
    echo "regenerated $GOLDEN/$bench.golden.jsonl ($(wc -l < "$GOLDEN/$bench.golden.jsonl") lines)" >&2
done

# ai2d / mmmu / mmbench / embspatial / MCQ prompts / can_match_option (mcq helper): ai2d through refscore bench mcq
#   (dataset AI2D_TEST); the others through scripts/golden/mcq_driver.py, which imports the same ms-vlmeval 0.0.20
#   venv the way refscore.py does (it calls refscore's bootstrap and re-executes itself in the venv) and calls
#   mcq_vanilla_eval + report_acc (MMMU), mcq_circular_eval + prefetch_answer + report_acc (MMBench),
#   compute_mcq_score + eval_mcq_score (EmbSpatial), the datasets' build_prompt / split_MMMU (prompts) and
#   can_match_option (fuzz). The fuzz cases are seeded (fuzz-cases --seed 20260311 --count 400) and not rewritten here.
env -u VERBOSE python3 "$REFSCORE/refscore.py" -i "$GOLDEN/ai2d.cases.jsonl" -o "$GOLDEN/ai2d.golden.jsonl"
echo "regenerated $GOLDEN/ai2d.golden.jsonl ($(wc -l < "$GOLDEN/ai2d.golden.jsonl") lines)" >&2
for bench in mmmu mmbench embspatial; do
    env -u VERBOSE PYTHONDONTWRITEBYTECODE=1 python3 scripts/golden/mcq_driver.py "$bench" \
        -i "$GOLDEN/$bench.cases.jsonl" -o "$GOLDEN/$bench.golden.jsonl" --metrics "$GOLDEN/$bench.metrics.json"
done
env -u VERBOSE PYTHONDONTWRITEBYTECODE=1 python3 scripts/golden/mcq_driver.py prompts \
    -i "$GOLDEN/mcq_prompts.cases.jsonl" -o "$GOLDEN/mcq_prompts.golden.jsonl"
env -u VERBOSE PYTHONDONTWRITEBYTECODE=1 python3 scripts/golden/mcq_driver.py match \
    -i "$GOLDEN/can_match_option.cases.jsonl" -o "$GOLDEN/can_match_option.golden.jsonl"

# robospatial / refspatial (spatial helper): robospatial through refscore bench robospatial_vek (the real
#   RoboSpatialBench.evaluate_answer, ms-vlmeval 0.0.20); refspatial through scripts/golden/refspatial_driver.py,
#   which boots the same venv the way refscore.py does and calls the real Point2DParser.parse and the mask test of
#   RefSpatialBench.evaluate, then cross-checks against the real evaluate() (as published and with the log_hint
#   defect repaired). Its masks (Golden/refspatial_masks/) and the suite masks are written by
#   scripts/make_suites_spatial.py (Pillow), not here.
env -u VERBOSE python3 "$REFSCORE/refscore.py" -i "$GOLDEN/robospatial.cases.jsonl" -o "$GOLDEN/robospatial.golden.jsonl"
echo "regenerated $GOLDEN/robospatial.golden.jsonl ($(wc -l < "$GOLDEN/robospatial.golden.jsonl") lines)" >&2
env -u VERBOSE PYTHONDONTWRITEBYTECODE=1 python3 scripts/golden/refspatial_driver.py \
    -i "$GOLDEN/refspatial.cases.jsonl" -o "$GOLDEN/refspatial.golden.jsonl" --metrics "$GOLDEN/refspatial.metrics.json"
echo "regenerated $GOLDEN/refspatial.golden.jsonl and refspatial.metrics.json" >&2

# mathvista / mathv / mathverse (math helper): mathvista and mathv through refscore benches mathvista and mathv
#   (the real MathVista_auxeval / MATH_V_auxeval with a judge that always fails, then post_check; mathv's is_equal
#   forks a process per call, so it takes about two minutes); mathverse and the two aggregation sets through
#   scripts/golden/math_driver.py, which boots the same ms-vlmeval 0.0.20 venv the way refscore.py does and calls
#   post_check_score + MathVerse_auxeval_score + MathVerse_acc, MathVista_auxeval + MathVista_acc, and
#   MATH_V_auxeval + MATH_V_acc.
for bench in mathvista mathv; do
    env -u VERBOSE python3 "$REFSCORE/refscore.py" -i "$GOLDEN/$bench.cases.jsonl" -o "$GOLDEN/$bench.golden.jsonl"
    echo "regenerated $GOLDEN/$bench.golden.jsonl ($(wc -l < "$GOLDEN/$bench.golden.jsonl") lines)" >&2
done
env -u VERBOSE PYTHONDONTWRITEBYTECODE=1 python3 scripts/golden/math_driver.py mathverse \
    -i "$GOLDEN/mathverse.cases.jsonl" -o "$GOLDEN/mathverse.golden.jsonl" --metrics "$GOLDEN/mathverse.metrics.json"
env -u VERBOSE PYTHONDONTWRITEBYTECODE=1 python3 scripts/golden/math_driver.py mathvista-acc \
    -i "$GOLDEN/mathvista_acc.cases.jsonl" -o "$GOLDEN/mathvista_acc.golden.jsonl" \
    --metrics "$GOLDEN/mathvista_acc.metrics.json"
env -u VERBOSE PYTHONDONTWRITEBYTECODE=1 python3 scripts/golden/math_driver.py mathv-acc \
    -i "$GOLDEN/mathv_acc.cases.jsonl" -o "$GOLDEN/mathv_acc.golden.jsonl" --metrics "$GOLDEN/mathv_acc.metrics.json"
echo "regenerated the mathverse, mathvista_acc and mathv_acc golden files" >&2

# judges (judge helper): the LLM-judge path through scripts/golden/judge_prompts_driver.py, which boots the same
#   ms-vlmeval 0.0.20 venv the way refscore.py does and calls the real judge functions (eval_vanilla /
#   extract_answer_from_item, MathVista_auxeval, MATH_V_auxeval, MathVerse_auxeval_extract, charxiv.auxeval,
#   spatial_bench llm_extract.extract_ans_by_llm) with a stub judge that records the prompts and answers a fixed reply.
env -u VERBOSE PYTHONDONTWRITEBYTECODE=1 python3 scripts/golden/judge_prompts_driver.py prompts \
    -i "$GOLDEN/judge_prompts.cases.jsonl" -o "$GOLDEN/judge_prompts.golden.jsonl"
env -u VERBOSE PYTHONDONTWRITEBYTECODE=1 python3 scripts/golden/judge_prompts_driver.py outputs \
    -i "$GOLDEN/judge_outputs.cases.jsonl" -o "$GOLDEN/judge_outputs.golden.jsonl"
echo "regenerated the judge_prompts and judge_outputs golden files" >&2
# judge calls: every judge call (prompt, settings) and the verdict through the reference's real API client, whose
#   HTTP requests are answered from each case's script (scripts/golden/judge_calls_driver.py).
env -u VERBOSE PYTHONDONTWRITEBYTECODE=1 python3 scripts/golden/judge_calls_driver.py \
    -i "$GOLDEN/judge_calls.cases.jsonl" -o "$GOLDEN/judge_calls.golden.jsonl"
echo "regenerated the judge_calls golden files" >&2

# scoring profiles (profiles helper): scripts/golden/profiles_driver.py boots the same ms-vlmeval 0.0.20 venv the way
#   refscore.py does. `robospatial` runs the REAL dataset-level RoboSpatialBench.evaluate() over every RoboSpatial case
#   (published, log_hint defect included) and evaluate_answer with the ray casting's missing edge test added
#   (corrected); `nan-gold` writes real TSVs whose gold cell is one of pandas' default NA strings, reads them with
#   vlmeval.smp.load and scores them with the real evaluate_heuristic (it also records the installed pandas' NA
#   strings). MathVision's local-`a` cases go through refscore bench mathv; the lmms-eval cases through refscore's
#   anls_lmms / relaxed_lmms / ocrbench_lmms (lmms-eval 0.7.3).
env -u VERBOSE PYTHONDONTWRITEBYTECODE=1 python3 scripts/golden/profiles_driver.py robospatial \
    -i "$GOLDEN/robospatial.cases.jsonl" -o "$GOLDEN/robospatial_profiles.golden.jsonl"
env -u VERBOSE PYTHONDONTWRITEBYTECODE=1 python3 scripts/golden/profiles_driver.py nan-gold \
    -i "$GOLDEN/nan_gold.cases.jsonl" -o "$GOLDEN/nan_gold.golden.jsonl" --na-values "$GOLDEN/pandas_na_values.json"
for bench in mathv_local_a lmms_profile; do
    env -u VERBOSE python3 "$REFSCORE/refscore.py" -i "$GOLDEN/$bench.cases.jsonl" -o "$GOLDEN/$bench.golden.jsonl"
done
echo "regenerated the scoring-profile golden files" >&2
