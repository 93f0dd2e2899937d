"""Throughput of the whole offline data pipeline: verified tokens per minute.

    python bench/data_gen.py                 # the `tiny` pipeline in a temporary directory
    python bench/data_gen.py --size tiny --seed 1 --keep data/bench

"Verified" tokens are those that end up in train.bin + val.bin: every exercise passed its tests
in the sandbox, every textbook code block ran and printed what the text says, duplicates and
HumanEval look-alikes are gone. The clock covers generation, sandbox checks, dedup,
decontamination, stats and packing (the whole of `data_gen.pipeline`), not interpreter start-up.

For context it also prints the same diversity measures for a slice of real Python code of about
the same number of tokens (the standard library of the interpreter running this script), so the
synthetic data's distinct-n and compression ratio can be read against something real.
"""
import argparse
import functools
import os
import resource
import sys
import sysconfig
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import data_gen  # noqa: E402


def cpu_seconds():
    """User + system CPU of this process and of its finished children (the sandbox helpers)."""
    return sum(resource.getrusage(w).ru_utime + resource.getrusage(w).ru_stime
               for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size", default="tiny", choices=list(data_gen.SIZES))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--keep", default=None, help="run in this directory and keep it (default: a temp dir)")
    p.add_argument("--no-reference", action="store_true", help="skip the real-code comparison")
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
    t0, cpu0 = time.perf_counter(), cpu_seconds()
    summary = data_gen.pipeline(out, seed=a.seed, size=a.size)
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    tokens = sum(m["train_tokens"] + m["val_tokens"] for m in summary["meta"].values())
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; size {a.size}, seed {a.seed}")
    for name, s in spent.items():
        print(f"  {name:10s} {s:7.1f} s")
    print(f"whole pipeline: {wall:.1f} s for {tokens:,} verified tokens "
          f"({summary['meta']['textbook']['documents']:,} textbooks, {summary['meta']['exercises']['documents']:,} exercises)")
    print(f"throughput: {tokens / wall * 60 / 1e6:.2f}M verified tokens per minute (wall clock); "
          f"CPU time {cpu:.1f} s (this process + sandbox helpers), load average now {os.getloadavg()[0]:.1f}")

    table = dict(summary["stats"])
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
        table["python stdlib"] = data_gen.stats(recs)
    data_gen.print_stats(table)
    if not a.keep:
        import shutil
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
