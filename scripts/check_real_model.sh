#!/usr/bin/env bash
# The real-model integration check: Ocular against real transformers code, on CPU, offline.
#
#   bash scripts/check_real_model.sh            (run by .ci/run after swift test)
#
# 0. runs the adapters' Python unit tests (adapters/tests, standard library only);
# 1. sets up the Python venv (scripts/realmodel/setup_venv.sh; cached outside the clone, first install ~5 min);
# 2. builds two tiny random-weight Qwen3-VL checkpoints (scripts/realmodel/make_tiny_qwen3vl.py), one of them
#    scripted to answer <think>ok</think>A;
# 3. builds ocular (reusing swift test's debug build) and runs, on suites covering GIF/WebP/JPEG/PNG, multi-image
#    MMMU and OCRBench's min_pixels:
#    0. the adapter's image size settings on the installed transformers: no FutureWarning, the cap is effective;
#    a. ocular eval through stdio + adapters/transformers_adapter.py (--batch-size 2), 2 repeats at temperature 0.7:
#       0 errors, repeats differ in >= 80% of samples, logprobs stored on every answered sample, analyze shows an
#       entropy;
#    b. the same through `transformers serve` + openai: (0 errors; logprobs reported when the server returns them);
#    c. the scripted checkpoint through both paths on MMStar: the think block is kept and the extracted answers and
#       scores are identical.
# Each assertion prints one line (ok / FAIL); the last line is "real-model: N passed, M failed"; exit 1 on any
# failure. Nothing is downloaded from the Hugging Face Hub (HF_HUB_OFFLINE=1, TRANSFORMERS_OFFLINE=1).
# The body is one { } block, so bash reads all of it before running any: editing the file mid-run is harmless.
{
set -uo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1
export TOKENIZERS_PARALLELISM=false PYTHONUNBUFFERED=1
# One torch thread per process: the tiny model gains nothing from intra-op threads, and on a busy 2-core machine
# OpenMP's spinning threads made 16 requests take 99.8 s instead of 9.4 s (scripts/realmodel/bench_batching.py).
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" MKL_NUM_THREADS="${MKL_NUM_THREADS:-1}"

suites="mmstar,docvqa,mmmu,ocrbench,refcoco,mathvista"  # GIF/WebP/JPEG/PNG, multi-image, min_pixels, boxes
work="$(mktemp -d "${TMPDIR:-/tmp}/ocular-real-model.XXXXXX")"
results="$work/results.txt"
: >"$results"
serve_pid=""

stop_serve() {
  if [ -n "$serve_pid" ]; then
    kill -TERM -- "-$serve_pid" 2>/dev/null || kill -TERM "$serve_pid" 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$serve_pid" 2>/dev/null || kill -KILL "$serve_pid" 2>/dev/null
    wait "$serve_pid" 2>/dev/null
    serve_pid=""
  fi
}
cleanup() {
  stop_serve
  if [ "${OCULAR_KEEP_WORK:-0}" = 1 ]; then echo "real-model: work folder kept at $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

abort() {  # a set-up step failed: nothing further can be checked
  echo "real-model: FAIL $*" >&2
  echo "real-model: 0 passed, 1 failed"
  exit 1
}
ok() { echo "ok   $*" | tee -a "$results"; }
fail() { echo "FAIL $*" | tee -a "$results"; }
assert() {  # assert LABEL CONDITION-STATUS DETAIL
  if [ "$2" = 0 ]; then ok "$1${3:+ ($3)}"; else fail "$1${3:+ ($3)}"; fi
}
step_start=0
step() { step_start=$SECONDS; echo "== $*"; }
step_done() { echo "== $1: $((SECONDS - step_start)) s"; }

# --- 0. the adapters' unit tests (standard library; vLLM is faked) -------------------------------------------------
step "adapter unit tests"
python3 -m unittest discover -s adapters/tests >"$work/unittest.log" 2>&1
assert "adapters/tests: python3 -m unittest discover" $? "$(grep -E '^(Ran|OK|FAILED)' "$work/unittest.log" | tr '\n' ' ')"
step_done "adapter unit tests"

# --- 1. the venv ---------------------------------------------------------------------------------------------
step "venv"
python="$(bash scripts/realmodel/setup_venv.sh | tail -n 1)" || abort "the Python venv could not be set up (scripts/realmodel/setup_venv.sh)"
[ -x "$python" ] || abort "setup_venv.sh printed no python path"
step_done "venv"
check_start=$SECONDS

# --- 2. the checkpoints ----------------------------------------------------------------------------------------
step "checkpoints"
"$python" scripts/realmodel/make_tiny_qwen3vl.py --out "$work/tiny-qwen3vl" --bench benchmarks >"$work/make-tiny.log" 2>&1 &
tiny_pid=$!
"$python" scripts/realmodel/make_tiny_qwen3vl.py --out "$work/tiny-qwen3vl-scripted" --scripted --bench benchmarks \
  >"$work/make-scripted.log" 2>&1 &
scripted_pid=$!
wait "$tiny_pid" || abort "make_tiny_qwen3vl.py failed: $(tail -n 1 "$work/make-tiny.log")"
wait "$scripted_pid" || abort "make_tiny_qwen3vl.py --scripted failed: $(tail -n 1 "$work/make-scripted.log")"
grep -h "^wrote\|^check" "$work/make-tiny.log" "$work/make-scripted.log"
step_done "checkpoints"

# --- 3. ocular, and the adapter's image size settings (in parallel) -------------------------------------------------
step "swift build; image size cap"
"$python" scripts/realmodel/check_image_cap.py --model "$work/tiny-qwen3vl" >"$work/image-cap.log" 2>&1 &
cap_pid=$!
swift build >"$work/swift-build.log" 2>&1 || abort "swift build failed: $(tail -n 1 "$work/swift-build.log")"
ocular="$(swift build --show-bin-path)/ocular"
[ -x "$ocular" ] || abort "no ocular binary at $ocular"
wait "$cap_pid"
cap_status=$?
grep -E '^(ok|FAIL) ' "$work/image-cap.log" | tee -a "$results"
grep -qE '^(ok|FAIL) ' "$work/image-cap.log" || assert "image-cap: check_image_cap.py ran" "$cap_status" \
  "$(tail -n 1 "$work/image-cap.log")"
step_done "swift build; image size cap"

adapter_command() {  # adapter_command CHECKPOINT [ADAPTER OPTIONS...]: the stdio: command, shell-quoted
  local checkpoint="$1"
  shift
  printf 'stdio:%q %q --model %q --device-map cpu --dtype float32' "$python" "$root/adapters/transformers_adapter.py" \
    "$checkpoint"
  if [ "$#" -gt 0 ]; then printf ' %q' "$@"; fi
}

eval_limit=420  # seconds one ocular eval may take before it is stopped (SIGTERM, then SIGKILL 15 s later)
run_eval() {  # run_eval LABEL DB MODEL-SPEC [EVAL OPTIONS...]: runs ocular eval, asserts it exits 0
  local label="$1" db="$2" spec="$3"
  shift 3
  local started=$SECONDS
  timeout --kill-after=15 "$eval_limit" "$ocular" eval --db "$db" --model "$spec" --request-timeout 120 "$@" \
    >"$work/$label.out" 2>&1
  local status=$?
  local last
  last="$(grep -v '^\s*$' "$work/$label.out" | tail -n 1)"
  if [ "$status" = 124 ] || [ "$status" = 137 ]; then last="did not finish within $eval_limit s and was stopped; last line: $last"; fi
  assert "$label: ocular eval exits 0" "$status" "exit $status, $((SECONDS - started)) s; $last"
}

start_serve() {  # start_serve CHECKPOINT: transformers serve on a free 127.0.0.1 port; sets serve_pid and port
  port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  setsid "$(dirname "$python")/transformers" serve "$1" --host 127.0.0.1 --port "$port" --device cpu \
    --dtype float32 --log-level warning </dev/null >"$work/serve-$port.log" 2>&1 &
  serve_pid=$!
  local started=$SECONDS
  while [ $((SECONDS - started)) -lt 300 ]; do
    if "$python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2).read()' \
      "http://127.0.0.1:$port/v1/models" 2>/dev/null; then
      ok "transformers serve $(basename "$1") ready on 127.0.0.1:$port ($((SECONDS - started)) s)"
      return 0
    fi
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 1
  done
  fail "transformers serve $(basename "$1") did not answer GET /v1/models within $((SECONDS - started)) s: $(tail -n 1 "$work/serve-$port.log")"
  stop_serve
  return 1
}

check() {  # check_run.py's assertions, one line each; a crash of the script itself is a failure too
  "$python" scripts/realmodel/check_run.py "$@" >"$work/check.out" 2>&1
  local status=$?
  grep -E '^(ok|FAIL|info) ' "$work/check.out" | tee -a "$results"
  if [ "$status" != 0 ] && ! grep -q '^FAIL' "$work/check.out"; then
    fail "check_run.py $1 exited $status: $(tail -n 1 "$work/check.out")"
  fi
}

# --- a. stdio + transformers_adapter.py --------------------------------------------------------------------------
step "a. stdio: transformers_adapter.py --batch-size 2 on $suites"
run_eval "stdio" "$work/stdio.sqlite" "$(adapter_command "$work/tiny-qwen3vl" --batch-size 2)" --suite "$suites" \
  --repeats 2 --temperature 0.7 --top-p 0.95 --max-tokens 24 --concurrency 8
check samples "$work/stdio.sqlite" 1 --label stdio --suites "$suites" --min-differing 0.8 --logprobs required
"$ocular" analyze 1 --db "$work/stdio.sqlite" >"$work/stdio-analyze.txt" 2>&1
entropy_rows="$(grep -cE '(above|below|within) \[0.2, 0.6\]' "$work/stdio-analyze.txt")"
no_logprobs_rows="$(grep -c 'no logprobs' "$work/stdio-analyze.txt")"
[ "$entropy_rows" -gt 0 ] && [ "$no_logprobs_rows" = 0 ]
assert "stdio: ocular analyze reports an entropy" $? "$entropy_rows rows with an entropy band, $no_logprobs_rows with 'no logprobs'"
step_done "a. stdio"

# --- b. transformers serve + openai: -----------------------------------------------------------------------------
step "b. http: transformers serve + openai: on $suites"
if start_serve "$work/tiny-qwen3vl"; then
  run_eval "http" "$work/http.sqlite" "openai:http://127.0.0.1:$port/v1#$work/tiny-qwen3vl" --suite "$suites" \
    --repeats 2 --temperature 0.7 --top-p 0.95 --max-tokens 24 --concurrency 4
  check samples "$work/http.sqlite" 1 --label http --suites "$suites" --min-differing 0.8 --logprobs optional
  stop_serve
fi
step_done "b. http"

# --- c. the scripted checkpoint on both paths ------------------------------------------------------------------
step "c. scripted checkpoint: stdio and http on mmstar"
run_eval "scripted-stdio" "$work/scripted-stdio.sqlite" "$(adapter_command "$work/tiny-qwen3vl-scripted")" \
  --suite mmstar --temperature 0 --max-tokens 16
if start_serve "$work/tiny-qwen3vl-scripted"; then
  run_eval "scripted-http" "$work/scripted-http.sqlite" "openai:http://127.0.0.1:$port/v1#$work/tiny-qwen3vl-scripted" \
    --suite mmstar --temperature 0 --max-tokens 16 --concurrency 4
  stop_serve
  check same-answers "$work/scripted-stdio.sqlite" 1 "$work/scripted-http.sqlite" 1 --label scripted \
    --think "<think>ok</think>"
fi
step_done "c. scripted"

# --- d. a judged run: the tiny model judges ----------------------------------------------------------------------
step "d. judged: mathverse and charxiv with --judge (the tiny model, stdio), then ocular rescore"
run_eval "judged" "$work/judged.sqlite" "$(adapter_command "$work/tiny-qwen3vl")" --suite mathverse,charxiv \
  --shard 1/4 --temperature 0 --max-tokens 8 --concurrency 4 --judge "$(adapter_command "$work/tiny-qwen3vl")"
"$ocular" rescore 1 --db "$work/judged.sqlite" >"$work/judged-rescore.out" 2>&1
assert "judged: ocular rescore exits 0" $? "$(grep -v '^\s*$' "$work/judged-rescore.out" | tail -n 1)"
check judged "$work/judged.sqlite" 1 2 --label judged
step_done "d. judged"

passed="$(grep -c '^ok ' "$results")"
failed="$(grep -c '^FAIL' "$results")"
echo "real-model: check took $((SECONDS - check_start)) s after the venv"
if [ "$failed" -gt 0 ]; then
  echo "real-model: failed assertions:"
  grep '^FAIL' "$results"
fi
echo "real-model: $passed passed, $failed failed"
[ "$failed" = 0 ]
exit
}
