#!/usr/bin/env bash
# bench/gpu.sh: everything in phi1 that needs a GPU, in one go, in under 8 minutes on an H100/H200.
#
#   bash bench/gpu.sh
#
# Steps (each under its own time limit, all under a total budget of 8 minutes):
#   1. build the kernel extension with CUDA for the visible GPU (python -m kernels.build)
#   2. correctness: python -m kernels.selftest (no pytest needed), then, when pytest is installed,
#      the GPU tests of tests/test_kernels_layernorm.py and tests/test_kernels_attention.py
#      (every attention version against float64 and SDPA; the CPU and emulated tests run in CI)
#   3. benchmarks: bench/kernels.py attention (every version vs SDPA: bf16, causal, head dims 64
#      and 128, T = 512, 2048, 8192, forward and forward+backward) and layernorm
#   4. compute-sanitizer memcheck and racecheck over `bench/kernels.py smoke`: every CUDA kernel
#      (attention versions 1 and 2 at head dims 32/64/128 in fp16/bf16, LayerNorm) once, on small
#      shapes, results checked against float64; skipped with a line if compute-sanitizer is absent
#   5. bench/train.py --preset small when that file exists (whatever time is left)
# It prints a summary table and appends everything (card, date, commit, tables) to
# bench/RESULTS.md. It never changes GPU settings (no clock locking, no persistence mode), so the
# figures are what the card gives as configured.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
[ -d "$ROOT/../shared/tiktoken" ] && export TIKTOKEN_CACHE_DIR="${TIKTOKEN_CACHE_DIR:-$ROOT/../shared/tiktoken}"
PY=${PYTHON:-python}
BUDGET=480                     # seconds for the whole script
START=$(date +%s)
LOGDIR=$(mktemp -d)
trap 'rm -rf "$LOGDIR"' EXIT

if ! $PY -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"; then
  echo "bench/gpu.sh: torch sees no GPU here; nothing to do (the CPU paths run in tests/)" >&2
  exit 1
fi
CARD=$($PY -c "import torch; print(torch.cuda.get_device_name())")
DATE=$(date -u +"%Y-%m-%d %H:%M UTC")
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo "unknown")
DIRTY=$(git status --porcelain 2>/dev/null | grep -q . && echo " + uncommitted changes" || true)
VERSIONS=$($PY -c "import torch, sys; print(f'torch {torch.__version__}, CUDA {torch.version.cuda}, Python {sys.version.split()[0]}')")

SUMMARY="$LOGDIR/summary.md"
printf '| step | result | seconds |\n|---|---|---|\n' > "$SUMMARY"
FAILED=0

# run_step NAME CAP_SECONDS COMMAND...: run under min(CAP, time left), log to $LOGDIR/NAME.log.
run_step() {
  local name=$1 cap=$2; shift 2
  local left=$((BUDGET - ($(date +%s) - START)))
  local limit=$((cap < left ? cap : left))
  if [ "$limit" -le 5 ]; then
    printf '| %s | skipped (8-minute budget spent) | 0 |\n' "$name" >> "$SUMMARY"; FAILED=1; return
  fi
  echo "== $name (limit ${limit}s): $*"
  local t0=$(date +%s) rc
  timeout "$limit" "$@" > "$LOGDIR/$name.log" 2>&1; rc=$?
  local dt=$(($(date +%s) - t0)) result="ok"
  if [ $rc -eq 124 ]; then result="timed out after ${limit}s"; FAILED=1
  elif [ $rc -ne 0 ]; then result="FAILED (exit $rc)"; FAILED=1; fi
  tail -n 25 "$LOGDIR/$name.log"
  printf '| %s | %s | %s |\n' "$name" "$result" "$dt" >> "$SUMMARY"
}

run_step build 240 $PY -m kernels.build
run_step selftest 60 $PY -m kernels.selftest
if $PY -c "import pytest" 2>/dev/null; then
  # Only the tests that need the GPU: the CPU and emulated ones (minutes of g++ and ThreadSanitizer)
  # and test_kernels_build.py (nvcc for sm_80 and sm_90 again) run in CI anyway.
  run_step pytest-kernels 120 $PY -m pytest -q -k "cuda and not emulated" \
    tests/test_kernels_layernorm.py tests/test_kernels_attention.py
else
  printf '| pytest-kernels | skipped (pytest not installed; selftest covers the kernels) | 0 |\n' >> "$SUMMARY"
fi
run_step bench-attention 120 $PY bench/kernels.py attention --reps 10
run_step bench-layernorm 45 $PY bench/kernels.py layernorm
SANITIZER=$(command -v compute-sanitizer || true)
for d in "${CUDA_HOME:-}" /usr/local/cuda; do
  [ -z "$SANITIZER" ] && [ -n "$d" ] && [ -x "$d/bin/compute-sanitizer" ] && SANITIZER="$d/bin/compute-sanitizer"
done
if [ -n "$SANITIZER" ]; then
  # --error-exitcode: a reported error fails the step even when the results come out right
  run_step sanitize-memcheck 75 "$SANITIZER" --tool memcheck --error-exitcode 9 $PY bench/kernels.py smoke
  run_step sanitize-racecheck 90 "$SANITIZER" --tool racecheck --error-exitcode 9 $PY bench/kernels.py smoke
else
  printf '| sanitize | skipped (no compute-sanitizer on PATH or in $CUDA_HOME/bin) | 0 |\n' >> "$SUMMARY"
fi
if [ -f bench/train.py ]; then
  run_step bench-train 150 $PY bench/train.py --preset small
fi

# ---- the report: stdout, and appended to bench/RESULTS.md (written whole to a temp file, then moved)
REPORT="$LOGDIR/report.md"
{
  echo
  echo "## $DATE: $CARD"
  echo
  echo "commit $COMMIT$DIRTY; $VERSIONS; \`bash bench/gpu.sh\` in $(($(date +%s) - START)) s"
  echo
  cat "$SUMMARY"
  for name in bench-layernorm bench-attention; do  # their output is markdown already
    if [ -f "$LOGDIR/$name.log" ]; then
      printf '\n### %s\n\n' "$name"
      cat "$LOGDIR/$name.log"
    fi
  done
  if [ -f "$LOGDIR/bench-train.log" ]; then
    printf '\n### bench-train (last lines)\n\n```\n'
    tail -n 20 "$LOGDIR/bench-train.log"
    echo '```'
  fi
  for name in sanitize-memcheck sanitize-racecheck; do
    if [ -f "$LOGDIR/$name.log" ]; then
      printf '\n### %s\n\n```\n' "$name"
      grep -E '^(ok|FAIL)|ERROR SUMMARY|RACECHECK SUMMARY|Hazard' "$LOGDIR/$name.log" | head -n 40
      echo '```'
    fi
  done
  if [ -f "$LOGDIR/selftest.log" ]; then
    echo
    echo "### selftest"
    echo
    echo '```'
    grep -E '^(FAIL|[0-9]+/[0-9]+ checks)' "$LOGDIR/selftest.log"
    echo '```'
  fi
} > "$REPORT"

echo
echo "================ summary ================"
cat "$REPORT"
RESULTS="$ROOT/bench/RESULTS.md"
TMP=$(mktemp "$ROOT/bench/.RESULTS.md.XXXXXX")
{ [ -f "$RESULTS" ] && cat "$RESULTS"; cat "$REPORT"; } > "$TMP" && mv "$TMP" "$RESULTS"
echo
echo "appended to bench/RESULTS.md"
exit $FAILED
