"""`python phi1.py --tiny` end to end at reduced size: offline data, pretrain, finetune, samples,
HumanEval in the sandbox, the report; then a second run resumes instead of redoing."""
import ast
import json
import os
import subprocess
import sys

import pytest

import eval_humaneval
import phi1

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# the tiny recipe with a micro model, a few steps and a little data, so CI runs it in minutes
REDUCED = dict(
    preset="tiny", data_size=dict(textbooks=120, exercises=240), eval_batch=41, max_new_tokens=24,
    model=dict(n_layer=2, n_embd=64, n_inner=256, n_head=1, block_size=256),
    pretrain=dict(batch_size=8, micro_batch=8, lr=3e-3, warmup=5, dropout=0.0, max_steps=30, eval_interval=15, save_interval=15),
    finetune=dict(batch_size=8, micro_batch=8, lr=1e-3, warmup=2, dropout=0.0, max_steps=20, eval_interval=10, save_interval=10),
)
RECIPE = "import json, sys; import phi1; phi1.recipe(phi1.RecipeConfig(**json.loads(sys.argv[1])))"


def test_tiny_recipe_end_to_end_and_resume(tmp_path):
    out, data = str(tmp_path / "out"), str(tmp_path / "data")
    mbpp = os.path.join(ROOT, "tests", "fixtures", "mbpp.jsonl")  # MBPP's format, problems of our own
    argv = [sys.executable, "-c", RECIPE, json.dumps(dict(REDUCED, out=out, data=data, mbpp=mbpp))]
    env = dict(os.environ, OMP_NUM_THREADS="2")
    r = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    for name in ("pretrain/ckpt.pt", "pretrain/final/model.safetensors", "finetune/best/config.json",
                 "finetune/metrics.jsonl", "humaneval/samples.jsonl", "humaneval/results.jsonl", "loss.png"):
        assert os.path.exists(os.path.join(out, name)), name
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    with open(os.path.join(out, "humaneval", "summary.json")) as f:
        he = json.load(f)
    assert he["tasks"] == 164 and summary["humaneval_pass@1"] == he["pass@1"]
    with open(os.path.join(out, "mbpp", "summary.json")) as f:
        mb = json.load(f)
    assert mb["benchmark"] == "mbpp" and mb["split"] == "test" and summary["mbpp_pass@1"] == mb["pass@1"]
    assert mb["tasks"] == len(eval_humaneval.load_mbpp(mbpp, "test"))
    # the valid-Python share, recounted here from the samples: prompt + completion must parse
    with open(os.path.join(out, "humaneval", "samples.jsonl")) as f:
        completions = {row["task_id"]: row["completion"] for row in map(json.loads, f)}
    problems = eval_humaneval.load_problems()
    valid = sum(parses(problems[t]["prompt"] + c) for t, c in completions.items())
    assert len(completions) == 164 and summary["humaneval_valid_python"] == pytest.approx(valid / 164)
    # finetuning on exercises lowers the loss on held-out exercises
    assert summary["exercises_val_loss_finetuned"] < summary["exercises_val_loss_pretrain_only"], summary
    assert "phi1 --tiny summary" in r.stdout
    # both stages predict only the data's token ids; the export keeps the rest at probability 0
    assert r.stdout.count("predicting only the") == 2
    bias = phi1.load_model(os.path.join(out, "finetune", "best")).lm_head.bias
    assert 1000 < int((bias > -1e3).sum()) < 20000 and int((bias == -1e4).sum()) > 30000

    # a second run finds every stage done: it trains nothing and regenerates no sample
    mtime = os.path.getmtime(os.path.join(out, "pretrain", "ckpt.pt"))
    r2 = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert r2.returncode == 0, r2.stderr[-3000:]
    assert "exists: skipping" in r2.stdout and "step " not in r2.stdout.split("==> samples")[0].split("==> pretrain")[1]
    assert os.path.getmtime(os.path.join(out, "pretrain", "ckpt.pt")) == mtime


def parses(src):
    try:
        ast.parse(src)
        return True
    except (SyntaxError, ValueError):
        return False
