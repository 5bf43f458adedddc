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
