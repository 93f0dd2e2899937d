"""course/: every assignment builds (its tests pass on the reference, fail on the stubs, catch every
mutant, and nothing of the solutions leaks into the student tree), and the autograder grades:
the reference gets full marks, the handout's stubs zero, a mutant less than full, and a submission
that smuggles in a conftest.py or module-level code gains nothing by it.

Each build runs the assignment's graded tests several times (reference, stubs, each mutant), and
the kernels build compiles the extension: this file takes a few minutes of CPU.
"""
import ast
import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from course import blank, manifest  # noqa: E402

GRADED = ["tokenizer", "loss"]  # graded end to end below (two of the fastest to grade)
# graded trees: a directory of this run's own (not under /tmp, which sandbox.py replaces)
WORK = os.path.join(os.path.expanduser("~"), ".cache", "phi1-course", f"pytest-{os.getpid()}")


@pytest.fixture(scope="module", autouse=True)
def _work_dir():
    yield
    shutil.rmtree(WORK, ignore_errors=True)


def course(*args, cwd=ROOT, timeout=1500):
    env = dict(os.environ, PYTHONHASHSEED="0", PHI1_COURSE_WORK=WORK)
    return subprocess.run([sys.executable, "-m", "course", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """NAME -> the build directory, built once per assignment on first use."""
    base, done = tmp_path_factory.mktemp("course"), {}

    def get(name):
        if name not in done:
            out = base / name
            r = course("build", name, "--out", str(out))
            assert r.returncode == 0, f"build {name} refused or failed:\n{r.stdout[-6000:]}\n{r.stderr[-3000:]}"
            done[name] = (out, r.stdout)
        return done[name]

    return get


def test_forked_tests_start_without_the_repository_modules():
    """Every graded test is forked from a process that imported the heavy libraries (preload).
    transformers probes for Hugging Face's `kernels` package by importing that name, which finds
    this repository's kernels/ from its root: a forked test must not inherit that module, or it
    builds and runs the reference kernels instead of the tree it grades."""
    code = ("import os, sys; from course import runner; runner.preload(); "
            "print([m for m, v in sys.modules.items() if getattr(v, '__file__', None) and "
            "os.path.realpath(v.__file__).startswith(runner.ROOT + os.sep) and not m.startswith('course')])")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "[]", f"modules of the repository in the preloaded image: {r.stdout.strip()}"


def test_list_json():
    r = course("list", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    names = [row["name"] for row in rows]
    assert {"tokenizer", "model", "loss", "generation", "training", "data", "evaluation", "kernels"} <= set(names)
    for row in rows:
        assert row["blanks"] and row["tests"] and row["points"] == sum(t["points"] for t in row["tests"])
        assert {t["visibility"] for t in row["tests"]} <= {"visible", "hidden"}


@pytest.mark.parametrize("name", [a.name for a in manifest.ASSIGNMENTS])
def test_build(builds, name):
    if "c++" in manifest.get(name).needs and shutil.which("g++") is None:
        pytest.skip("no C++ compiler for the kernels assignment")
    out, log = builds(name)
    a = manifest.get(name)
    assert f"build {name}: OK" in log and "none found" in log  # the table's verdicts
    student = out / "student"
    # the student tree: blanked bodies that raise naming the assignment; no hidden test, no manifest
    for rel, names in {b.split(":")[0]: [x.split(":")[1] for x in a.blanks if x.startswith(b.split(":")[0] + ":")]
                       for b in a.blanks}.items():
        text = (student / rel).read_text()
        for n in names:
            body = blank.bodies(rel, text, [n])[n]
            assert f"{name}: {n} is yours to write" in body and len(body.strip().splitlines()) < 12, (rel, n, body)
        if rel.endswith(".py"):
            ast.parse(text)
    files = [os.path.relpath(os.path.join(d, f), student) for d, _, fs in os.walk(student) for f in fs]
    assert not [f for f in files if "hidden" in f.split(os.sep) or f.endswith(("manifest.py", ".so", ".pyc"))]
    assert not [f for f in files if f.startswith(os.path.join("course", "tests")) and f.count(os.sep) > 3
                and f.split(os.sep)[2] != name]
    assert (out / "HANDOUT.md").read_text().startswith("# Assignment")
    with zipfile.ZipFile(out / "autograder.zip") as z:
        listed = set(z.namelist())
    assert {"setup.sh", "run_autograder", "requirements.txt", "phi1.py", "course/manifest.py"} <= listed
    assert any(n.startswith("tiktoken_cache/") for n in listed)
    hidden = [t.id.split("::")[0] for t in a.tests if t.visibility == "hidden"]
    assert all(h in listed for h in hidden)


def grade(autograder, name, submission, out):
    r = course("grade", name, "--submission", str(submission), "--out", str(out), cwd=autograder)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    with open(out) as f:
        return json.load(f)


@pytest.mark.parametrize("name", GRADED)
def test_grade_reference_stubs_and_a_mutant(builds, tmp_path, name):
    out, _ = builds(name)
    a = manifest.get(name)
    autograder = out / "autograder"
    total = a.points()
    files = a.files()

    ref = tmp_path / "reference"
    for rel in files:  # a flat upload: just the files
        ref.mkdir(exist_ok=True)
        shutil.copy(os.path.join(ROOT, rel), ref / os.path.basename(rel))
    res = grade(autograder, name, ref, tmp_path / "ref.json")
    assert res["score"] == total, json.dumps(res, indent=1)[:3000]
    for t in res["tests"]:
        assert {"name", "score", "max_score", "status", "visibility", "output"} <= t.keys()
        assert t["status"] == "passed" and t["visibility"] in ("visible", "hidden")

    res = grade(autograder, name, out / "student", tmp_path / "stubs.json")
    assert res["score"] == 0 and all(t["status"] == "failed" for t in res["tests"])
    assert "yours to write" in res["tests"][0]["output"]  # says why, visibly

    m = a.mutants[0]
    sub = tmp_path / "mutant"
    for rel in files:
        (sub / os.path.dirname(rel)).mkdir(parents=True, exist_ok=True)
        shutil.copy(os.path.join(ROOT, rel), sub / rel)
    text = open(os.path.join(ROOT, m.file)).read()
    (sub / m.file).write_text(text.replace(m.find, m.replace))
    res = grade(autograder, name, sub, tmp_path / "mutant.json")
    assert res["score"] < total
    # no output quotes a line of a hidden test that students cannot read elsewhere
    public = {ln.strip() for spec in a.tests if spec.visibility == "visible"
              for ln in open(os.path.join(ROOT, spec.id.split("::")[0]))}
    secret = {ln.strip() for spec in a.tests if spec.visibility == "hidden"
              for ln in open(os.path.join(ROOT, spec.id.split("::")[0])) if len(ln.strip()) > 15} - public
    for t in res["tests"]:
        assert not any(ln in t["output"] for ln in secret), t


def test_grading_ignores_what_students_may_not_change(builds, tmp_path):
    """A stub submission that adds a conftest.py passing every test, a tests/ folder and module-level
    code patching the tests' reference, still scores 0; a forbidden call inside a student function
    fails its test."""
    name = "tokenizer"
    out, _ = builds(name)
    sub = tmp_path / "sub"
    shutil.copytree(out / "student", sub)
    (sub / "conftest.py").write_text("import pytest\n@pytest.hookimpl(tryfirst=True)\n"
                                     "def pytest_runtest_call(item):\n    pass\n")
    (sub / "course" / "tests" / "conftest.py").write_text("import pytest\ndef pytest_collection_modifyitems(items):\n    items.clear()\n")
    phi = (sub / "phi1.py").read_text()
    (sub / "phi1.py").write_text(phi + "\nimport transformers\ntransformers.CodeGenTokenizer.__call__ = "
                                 "lambda self, texts, **kw: {'input_ids': [[] for _ in texts]}\n")
    res = grade(out / "autograder", name, sub, tmp_path / "r.json")
    assert res["score"] == 0, json.dumps(res, indent=1)[:3000]

    # the reference's encode_batch, but calling the forbidden Hugging Face tokenizer inside
    text = open(os.path.join(ROOT, "phi1.py")).read()
    body = blank.bodies("phi1.py", text, ["Tokenizer.encode_batch"])["Tokenizer.encode_batch"]
    sneaky = "        __import__('tokeni' + 'zers')\n" + body
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "phi1.py").write_text(blank.replace_bodies("phi1.py", text, {"Tokenizer.encode_batch": sneaky}))
    res = grade(out / "autograder", name, tmp_path / "f", tmp_path / "f.json")
    enc = [t for t in res["tests"] if t["name"] == "test_matches_hf_on_code"][0]
    assert enc["score"] == 0 and "forbids" in enc["output"], enc


def test_check_runs_the_visible_tests(builds, tmp_path):
    """`check` in a student tree: the visible tests only, 0 points on the stubs, all of them once
    the functions are written (here: the reference's)."""
    out, _ = builds("tokenizer")
    tree = tmp_path / "student"
    shutil.copytree(out / "student", tree)
    r = course("check", "tokenizer", cwd=tree)
    visible = sum(t.points for t in manifest.get("tokenizer").tests if t.visibility == "visible")
    assert r.returncode == 1 and f"0 of {visible:g} points" in r.stdout, r.stdout[-2000:]
    assert "hidden" not in r.stdout
    shutil.copy(os.path.join(ROOT, "phi1.py"), tree / "phi1.py")
    r = course("check", "tokenizer", cwd=tree)
    assert r.returncode == 0 and f"{visible:g} of {visible:g} points" in r.stdout, r.stdout[-2000:]
