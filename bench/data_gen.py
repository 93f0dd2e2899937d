"""The offline data pipeline's guarantees, measured: speed, determinism, resume, decontamination.

    python bench/data_gen.py                 # the `tiny` pipeline in a temporary directory
    python bench/data_gen.py --size tiny --seed 1 --keep data/bench
    python bench/data_gen.py --no-resume --no-reference   # only the timed run

1. Speed: "verified" tokens are those that end up in train.bin + val.bin: every exercise passed
   its tests in the sandbox, every textbook code block ran and printed what the text says,
   duplicates and HumanEval look-alikes are gone. The clock covers generation, sandbox checks,
   dedup, decontamination, behaviour probes, stats and packing (the whole of `data_gen.pipeline`),
   not interpreter start-up. CPU time (this process and the sandbox helpers) is printed beside
   wall time: on a shared machine wall time says more about the neighbours than about the code.
2. Determinism and resume: the same pipeline again in a child process, killed with SIGKILL half
   way, then run to the end; every output file must be byte-identical to the first run's.
3. Decontamination: every HumanEval problem, renamed throughout and with its docstring replaced,
   is put through `decontam`; the table says what caught it (13-gram, AST shape, behaviour) or
   that it got through. Honest records dropped: the `tiny` run's own records dropped by
   behaviour, by the HumanEval problem they matched.
4. For scale, the same diversity measures for a slice of real Python code of about the same
   number of tokens (the standard library of the interpreter running this script).
"""
import argparse
import ast
import collections
import functools
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import data_gen  # noqa: E402


def cpu_seconds():
    """User + system CPU of this process and of its finished children (the sandbox helpers)."""
    return sum(resource.getrusage(w).ru_utime + resource.getrusage(w).ru_stime
               for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


def output_files(out):
    """Every output of a run (not the resumable chunk files), relative path -> bytes."""
    files = {}
    for d, _, names in os.walk(out):
        for n in names:
            rel = os.path.relpath(os.path.join(d, n), out)
            if ".parts" not in rel:
                with open(os.path.join(d, n), "rb") as f:
                    files[rel] = f.read()
    return files


def kill_and_resume(ref, seed, size, after_s):
    """Run the pipeline in a child, SIGKILL it after `after_s`, run it again to the end; compare."""
    out = tempfile.mkdtemp(prefix="phi1-data-resume-")
    code = f"import data_gen; data_gen.pipeline({out!r}, {seed}, {size!r})"
    env = dict(os.environ, PYTHONPATH=ROOT)
    child = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(after_s)
    killed = child.poll() is None
    if killed:
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    done = sorted(os.listdir(os.path.join(out, "work"))) if os.path.isdir(os.path.join(out, "work")) else []
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    a, b = output_files(ref), output_files(out)
    differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    shutil.rmtree(out, ignore_errors=True)
    return killed, done, differ


class Rename(ast.NodeTransformer):
    """Every user identifier renamed (imported module names kept, so the code still runs)."""

    def __init__(self, keep):
        self.map, self.keep = {}, keep

    def new(self, name):
        if name in data_gen.BUILTIN_NAMES or name in self.keep:
            return name
        return self.map.setdefault(name, f"v{len(self.map)}")

    def visit_FunctionDef(self, node):
        node.name = self.new(node.name)
        self.generic_visit(node)
        return node

    def visit_arg(self, node):
        node.arg = self.new(node.arg)
        return node

    def visit_Name(self, node):
        node.id = self.new(node.id)
        return node


def paraphrase(problem):
    tree = ast.parse(problem["prompt"] + problem["canonical_solution"])
    keep = {a.asname or a.name.split(".")[0] for n in ast.walk(tree)
            if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str):
            node.value.value = "Does what the name says."
    return ast.unparse(Rename(keep).visit(tree))


def decontam_table(index):
    """What catches a renamed, reworded copy of each HumanEval problem."""
    problems = index.problems
    recs = [{"id": tid, "prompt": paraphrase(p), "solution": ""} for tid, p in problems.items()]
    short = {tid for tid, p in problems.items()
             if all(len(s) < data_gen.MIN_NODES for s in data_gen.ast_shapes(p["prompt"] + p["canonical_solution"]))}
    with tempfile.TemporaryDirectory() as d:
        data_gen.decontam(recs, report=os.path.join(d, "r.json"), index=index)
        with open(os.path.join(d, "r.json")) as f:
            rep = json.load(f)
    how = {r["id"]: ("13-gram" if "gram" in r["why"] else "AST shape" if "AST" in r["why"] else "behaviour")
           for r in rep["dropped_records"]}
    right = sum(r["task_id"] == r["id"] for r in rep["dropped_records"])
    rows = collections.Counter((tid in short, how.get(tid, "got through")) for tid in problems)
    print(f"\ndecontamination of renamed + reworded copies of all {len(problems)} HumanEval problems "
          f"({len(short)} of them under {data_gen.MIN_NODES} syntax-tree nodes; behaviour covers "
          f"{len(index.behaviours)} problems):")
    for what in ("13-gram", "AST shape", "behaviour", "got through"):
        print(f"  {what:12s} {rows[(False, what)] + rows[(True, what)]:4d}   (of the short ones: {rows[(True, what)]})")
    print(f"  dropped copies that name their own problem: {right} of {len(rep['dropped_records'])}")
    through = sorted((tid for tid in problems if tid not in how), key=lambda t: int(t.split("/")[1]))
    print(f"  got through: {', '.join(through)}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", default="tiny", choices=list(data_gen.SIZES))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--keep", default=None, help="run in this directory and keep it (default: a temp dir)")
    p.add_argument("--no-reference", action="store_true", help="skip the real-code comparison")
    p.add_argument("--no-resume", action="store_true", help="skip the kill-and-resume run")
    p.add_argument("--no-decontam", action="store_true", help="skip the HumanEval paraphrase table")
    a = p.parse_args()

    # time each stage by wrapping the module functions the pipeline calls
    spent = {}
    for name in ("generate", "dedup", "decontam", "tokenize", "stats", "pack"):
        def timed(*args, _f=getattr(data_gen, name), _n=name, **kw):
            t0 = time.perf_counter()
            try:
                return _f(*args, **kw)
            finally:
                spent[_n] = spent.get(_n, 0.0) + time.perf_counter() - t0
        setattr(data_gen, name, functools.wraps(getattr(data_gen, name))(timed))

    out = a.keep or tempfile.mkdtemp(prefix="phi1-data-bench-")
    if a.keep and os.path.exists(os.path.join(a.keep, "config.json")):
        sys.exit(f"bench/data_gen.py: error: {a.keep} already holds a run; a resumed run would time nothing")
    load0 = os.getloadavg()[0]
    t0, cpu0 = time.perf_counter(), cpu_seconds()
    summary = data_gen.pipeline(out, seed=a.seed, size=a.size)
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    tokens = sum(m["train_tokens"] + m["val_tokens"] for m in summary["meta"].values())
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; size {a.size}, seed {a.seed}; "
          f"load average {load0:.1f} before, {os.getloadavg()[0]:.1f} after"
          + (" (shared: other jobs were running)" if max(load0, os.getloadavg()[0]) > 1.5 else ""))
    for name, s in spent.items():
        print(f"  {name:10s} {s:7.1f} s")
    print(f"whole pipeline: {wall:.1f} s wall, {cpu:.1f} s CPU (this process + sandbox helpers) for "
          f"{tokens:,} verified tokens ({summary['meta']['textbook']['documents']:,} textbooks, "
          f"{summary['meta']['exercises']['documents']:,} exercises)")
    print(f"throughput: {tokens / wall * 60 / 1e6:.2f}M verified tokens per minute (wall clock), "
          f"{tokens / cpu * 60 / 1e6:.2f}M per CPU-minute")
    for kind in ("textbooks", "exercises"):
        with open(os.path.join(out, "reports", f"{kind}.decontam.json")) as f:
            rep = json.load(f)
        by = collections.Counter(d["task_id"] for d in rep["dropped_records"] if "behaviour" in d["why"])
        print(f"{kind}: decontam dropped {rep['in'] - rep['out']} of {rep['in']} (13-gram {rep['dropped_ngram']}, "
              f"AST {rep['dropped_ast']}, behaviour {rep['dropped_behaviour']}); behaviour matches: "
              + ", ".join(f"{t} x{n}" for t, n in by.most_common()))

    if not a.no_resume:
        killed, done, differ = kill_and_resume(out, a.seed, a.size, after_s=wall / 2)
        print(f"\nresume: a second run {'killed with SIGKILL' if killed else 'finished before the kill'} "
              f"after {wall / 2:.0f} s (work files then: {', '.join(done) or 'none'}), then run to the end: "
              + ("every output byte-identical to the first run" if not differ else f"DIFFERENT: {differ}"))
    if not a.no_decontam:
        decontam_table(data_gen.HumanEvalIndex())

    table = {k: v for k, v in summary["stats"].items() if k != "all"}
    if not a.no_reference:  # real code of a similar size, for scale
        budget, recs = table["textbooks"]["tokens"], []
        lib = sysconfig.get_paths()["stdlib"]
        tok = data_gen.get_tokenizer()
        for d, _, names in sorted(os.walk(lib)):
            if "test" in d or "site-packages" in d:
                continue
            for n in sorted(names):
                if n.endswith(".py") and budget > 0:
                    with open(os.path.join(d, n), errors="replace") as f:
                        text = f.read()
                    recs.append({"text": text, "topic": "stdlib"})
                    budget -= len(tok.encode(text))
        # behaviours are not measured on library code (few of its functions are annotated, and
        # running module bodies is beside the point)
        table["python stdlib"] = data_gen.stats(recs, behaviours={})
    print()
    data_gen.print_stats(table)
    print(f"distinct behaviours, both corpora together: {summary['stats']['all']['distinct_behaviours']:,} "
          f"of {summary['stats']['all']['probed_functions']:,} probed functions")
    if not a.keep:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
