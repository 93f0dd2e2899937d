"""How long the course's commands take: `build` (which grades the reference, the stubs and every
mutant) and `grade` of a correct submission through the built autograder, per assignment.

    python bench/course.py                       # every assignment, once
    python bench/course.py model loss --repeat 3 # some, three times each (min and max reported)
    python bench/course.py --out /tmp/builds      # keep the builds (DIR/NAME) and their tables (DIR/NAME.log)

Prints a markdown table and the machine it ran on (CPU model, cores, load average before and
after: these are wall-clock times, and a busy machine makes them longer). The builds go to a
temporary directory; the kernels assignment compiles the C++ extension (a reused build directory
makes repeats faster than a first build).
"""
import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from course import manifest  # noqa: E402


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown CPU"


def timed(argv, cwd, log=None):
    t0 = time.perf_counter()
    r = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=dict(os.environ, PYTHONHASHSEED="0"))
    if log:
        with open(log, "a") as f:
            f.write(r.stdout + r.stderr)
    if r.returncode != 0:  # reported, and the other assignments still run
        print(f"error: {' '.join(argv)} failed:\n{r.stdout[-3000:]}\n{r.stderr[-2000:]}", file=sys.stderr)
        return None
    return time.perf_counter() - t0


def span(xs):
    """'12' or '12-15' seconds; 'refused' when the build failed."""
    if not xs or None in xs:
        return "refused"
    return f"{min(xs):.0f}" if len(xs) == 1 else f"{min(xs):.0f}-{max(xs):.0f}"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("names", nargs="*", help="assignments (default: all)")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--out", default=None, help="keep the builds here (DIR/NAME) with their tables (DIR/NAME.log)")
    args = p.parse_args()
    names = args.names or [a.name for a in manifest.ASSIGNMENTS]
    load0 = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        keep = args.out or tmp
        for name in names:
            a = manifest.get(name)
            builds, grades = [], []
            for i in range(args.repeat):
                out = os.path.join(keep, name if i == 0 else f"{name}{i}")
                log = os.path.join(keep, f"{name}.log") if args.out else None
                builds.append(timed([sys.executable, "-m", "course", "build", name, "--out", out], ROOT, log))
                if builds[-1] is None:
                    break
                sub = os.path.join(tmp, f"{name}{i}_submission")
                for rel in a.files():
                    os.makedirs(os.path.join(sub, os.path.dirname(rel)), exist_ok=True)
                    shutil.copy(os.path.join(ROOT, rel), os.path.join(sub, rel))
                grades.append(timed([sys.executable, "-m", "course", "grade", name, "--submission", sub,
                                     "--out", os.path.join(tmp, "results.json")], os.path.join(out, "autograder")))
            rows.append((name, len(a.tests), len(a.mutants), builds, grades))
            print(f"{name}: build {span(builds)} s, grade {span(grades)} s", file=sys.stderr, flush=True)
    load1 = os.getloadavg()
    print(f"Machine: {cpu_name()}, {os.cpu_count()} cores; load average {load0[0]:.1f} before, {load1[0]:.1f} after "
          f"(wall-clock seconds; {args.repeat} run(s) each, min-max)\n")
    print("| assignment | tests | mutants | build (s) | grade a correct submission (s) |")
    print("|---|---|---|---|---|")
    for name, n_tests, n_mut, builds, grades in rows:
        print(f"| {name} | {n_tests} | {n_mut} | {span(builds)} | {span(grades)} |")


if __name__ == "__main__":
    main()
