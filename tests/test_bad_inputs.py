"""Every command line, fed bad input: one error line on stderr, a non-zero exit, no traceback.

One row per bad input, so the next one is a one-line addition. A row is (script, setup): `setup(tmp)`
writes whatever files the case needs under `tmp` and returns (argv, what the error line must contain).
"""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


# -----------------------------------------------------------------------------
# phi1.py: train, sample, eval


def data_dir(tmp, name="data", ids=range(2000), meta='{"dtype": "uint16"}'):
    """A data directory phi1.py train reads: train.bin and val.bin (uint16 ids) and meta.json."""
    import numpy as np

    d = os.path.join(tmp, name)
    os.makedirs(d, exist_ok=True)
    for split in ("train", "val"):
        np.asarray(list(ids), dtype=np.uint16).tofile(os.path.join(d, f"{split}.bin"))
    write(os.path.join(d, "meta.json"), meta)
    return d


def checkpoint(tmp, config=None, weights=None):
    """A Hugging Face checkpoint directory of a small phi, with config.json or the weights replaced."""
    import phi1

    d = os.path.join(tmp, "ckpt")
    phi1.Phi(phi1.PhiConfig(vocab_size=300, n_layer=1, n_embd=32, n_inner=64, n_head=2, rotary_dim=8, block_size=32)).save_pretrained(d)
    if config is not None:
        write(os.path.join(d, "config.json"), config)
    if weights is not None:
        path = os.path.join(d, "model.safetensors")
        data = open(path, "rb").read()
        with open(path, "wb") as f:
            f.write(weights(data))
    return d


def hf_config_with(**changes):
    import phi1

    m = phi1.Phi(phi1.PhiConfig(vocab_size=300, n_layer=1, n_embd=32, n_inner=64, n_head=2, rotary_dim=8, block_size=32))
    return json.dumps(phi1.hf_config(m) | changes)


def sample(d):
    return ["sample", "--init-from", d, "--prompt", "x", "--device", "cpu"]


def train(tmp, *more):
    return ["train", "--data", data_dir(tmp), "--out", os.path.join(tmp, "run"), "--max-steps", "1", *more]


PHI1_ROWS = {
    "meta.json not JSON": lambda t: (["train", "--data", data_dir(t, meta="{oops"), "--out", t + "/run"],
                                     "meta.json: not readable JSON"),
    "meta.json a list": lambda t: (["train", "--data", data_dir(t, meta="[1, 2]"), "--out", t + "/run"],
                                   "meta.json: expected a JSON object, found list"),
    "token id past the vocabulary": lambda t: (["train", "--data", data_dir(t, ids=[5, 60000] * 1000), "--out", t + "/run"],
                                               "token id 60000 is outside the model's vocabulary of 51200"),
    "--vocab-from with bad meta.json": lambda t: (train(t, "--vocab-from", data_dir(t, "v", meta="3")),
                                                  "meta.json: expected a JSON object, found int"),
    "--resume with a truncated ckpt.pt": lambda t: (
        train(t, "--resume") if write(os.path.join(t, "run", "ckpt.pt"), "PK\x03\x04 cut short") else None,
        "not a phi1 training checkpoint"),
    "sample: config.json not JSON": lambda t: (sample(checkpoint(t, config="{\"vocab_size\": 3")), "config.json: not readable JSON"),
    "sample: config.json a list": lambda t: (sample(checkpoint(t, config="[]")), "config.json: expected a JSON object, found list"),
    "sample: num_attention_heads 0": lambda t: (sample(checkpoint(t, config=hf_config_with(num_attention_heads=0))),
                                                "num_attention_heads must be a positive integer, got 0"),
    "sample: hidden_size a string": lambda t: (sample(checkpoint(t, config=hf_config_with(hidden_size="32"))),
                                               "config.json: bad config value"),
    "sample: safetensors cut in half": lambda t: (sample(checkpoint(t, weights=lambda b: b[:len(b) // 2])),
                                                  "model.safetensors: not a readable weights file"),
    "sample: safetensors garbage": lambda t: (sample(checkpoint(t, weights=lambda b: os.urandom(len(b)))),
                                              "model.safetensors: not a readable weights file"),
    "train --init-from: config.json a list": lambda t: (train(t, "--init-from", checkpoint(t, config="[0]")),
                                                        "config.json: expected a JSON object, found list"),
    "train --init-from: safetensors cut": lambda t: (train(t, "--init-from", checkpoint(t, weights=lambda b: b[:100])),
                                                     "model.safetensors: not a readable weights file"),
    "--tiny --mbpp missing file": lambda t: (["--tiny", "--mbpp", t + "/none.jsonl", "--out", t + "/o", "--data", t + "/d"],
                                             "error: --mbpp:"),
}

# -----------------------------------------------------------------------------
# eval_humaneval.py


MBPP_FIXTURE = os.path.join(ROOT, "tests", "fixtures", "mbpp.jsonl")


def he_samples(tmp, task_id="HumanEval/0"):
    return write(os.path.join(tmp, "s.jsonl"), json.dumps({"task_id": task_id, "completion": "    pass\n"}) + "\n")


def mbpp(tmp, *argv, problems=MBPP_FIXTURE, task_id=11):
    return ["--benchmark", "mbpp", "--problems", problems, "--samples", he_samples(tmp, task_id),
            "--out", os.path.join(tmp, "o"), *argv]


EVAL_ROWS = {
    "out-is-a-file": lambda tmp: (["--samples", he_samples(tmp), "--out", write(os.path.join(tmp, "f"), "x")],
                                  "exists and is not a directory"),
    "out-under-a-file": lambda tmp: (["--samples", he_samples(tmp), "--out", write(os.path.join(tmp, "f"), "x") + "/sub"],
                                     "cannot write there"),
    "out-is-a-file-checked-before-the-model": lambda tmp: (
        ["--model", os.path.join(tmp, "no-model"), "--out", write(os.path.join(tmp, "f"), "x")], "--out"),
    "out-holds-a-samples-directory": lambda tmp: (
        ["--samples", he_samples(tmp), "--out", os.path.dirname(os.path.dirname(write(os.path.join(tmp, "o", "samples.jsonl", "x"), "")))],
        "samples.jsonl is a directory"),
    "timeout-nan": lambda tmp: (["--samples", he_samples(tmp), "--out", tmp, "--timeout", "nan"], "--timeout must be"),
    "timeout-inf": lambda tmp: (["--samples", he_samples(tmp), "--out", tmp, "--timeout", "inf"], "--timeout must be"),
    "timeout-1e12": lambda tmp: (["--samples", he_samples(tmp), "--out", tmp, "--timeout", "1e12"], "--timeout must be"),
    "canonical-loss-without-model": lambda tmp: (["--samples", he_samples(tmp), "--out", tmp, "--canonical-loss"],
                                                 "--canonical-loss needs --model"),
    "split-without-mbpp": lambda tmp: (["--samples", he_samples(tmp), "--out", tmp, "--split", "train"], "--benchmark mbpp"),
    "mbpp-without-problems": lambda tmp: (mbpp(tmp)[:2] + mbpp(tmp)[4:], "needs --problems"),
    "mbpp-problems-missing": lambda tmp: (mbpp(tmp, problems=os.path.join(tmp, "nope.jsonl")), "cannot read"),
    "mbpp-problems-not-json": lambda tmp: (mbpp(tmp, problems=write(os.path.join(tmp, "p.jsonl"), "{x\n")), "p.jsonl:1: not valid JSON"),
    "mbpp-problems-humaneval-format": lambda tmp: (
        mbpp(tmp, problems=write(os.path.join(tmp, "p.jsonl"), json.dumps({"task_id": 11, "prompt": "", "test": ""}) + "\n")),
        "missing or wrong-type field(s) text"),
    "mbpp-test_list-a-string": lambda tmp: (
        mbpp(tmp, problems=write(os.path.join(tmp, "p.jsonl"), json.dumps(dict(
            task_id=11, text="t", code="c", test_list="assert 1", test_setup_code="", challenge_test_list=[])) + "\n")),
        "test_list (list of strings)"),
    "mbpp-task-outside-split": lambda tmp: (mbpp(tmp, "--tasks", "601"), "outside the test split (11-510)"),
    "mbpp-sample-outside-split": lambda tmp: (mbpp(tmp, "--split", "validation"), "unknown task_id 11 (the validation split is task_ids 511-600)"),
    "mbpp-task-not-an-integer": lambda tmp: (mbpp(tmp, "--tasks", "HumanEval/0"), "MBPP task ids are integers"),
}

# -----------------------------------------------------------------------------
# data_gen.py


def jsonl(t, *lines):
    """A JSONL file under t whose lines are these strings."""
    return write(os.path.join(t, "in.jsonl"), "".join(line + "\n" for line in lines))


GOOD = json.dumps({"id": "ok", "text": "def f(x):\n    return x\n"})


DATA_GEN_ROWS = {
    "pack: a line that is a list": lambda t: (["pack", "--in", jsonl(t, GOOD, "[1, 2]"), "--out", t + "/p"],
                                              "line 2 is a JSON list, not an object"),
    "pack: a line that is a number": lambda t: (["pack", "--in", jsonl(t, "42"), "--out", t + "/p"],
                                                "line 1 is a JSON int, not an object"),
    "pack: text not a string": lambda t: (["pack", "--in", jsonl(t, '{"id": "a", "text": 7}'), "--out", t + "/p"],
                                          "record a: `text` must be a string, not int"),
    "dedup: a line that is a list": lambda t: (["dedup", "--in", jsonl(t, "[]"), "--out", t + "/d.jsonl"],
                                               "line 1 is a JSON list, not an object"),
    "dedup: text not a string": lambda t: (["dedup", "--in", jsonl(t, GOOD, '{"id": "b", "text": ["x"]}'),
                                            "--out", t + "/d.jsonl"], "record b: `text` must be a string, not list"),
    "decontam: a line that is a number": lambda t: (["decontam", "--in", jsonl(t, GOOD, "3.5"),
                                                     "--out", t + "/c.jsonl"], "line 2 is a JSON float, not an object"),
    "decontam: text not a string": lambda t: (["decontam", "--in", jsonl(t, '{"id": "c", "text": null}'),
                                               "--out", t + "/c.jsonl"], "record c: `text` must be a string, not NoneType"),
    "pipeline: corrupt config.json in --out": lambda t: (
        ["pipeline", "--out", os.path.dirname(write(os.path.join(t, "run", "config.json"), '{"seed": 0,'))],
        "config.json is not a readable JSON config"),
    "pipeline: --workers -3": lambda t: (["pipeline", "--out", t + "/run", "--workers", "-3"],
                                         "argument --workers: must be at least 1, got -3"),
    "exercises: --n 0": lambda t: (["exercises", "--out", t + "/e.jsonl", "--n", "0"],
                                   "argument --n: must be at least 1, got 0"),
}

# -----------------------------------------------------------------------------
# bench/ablation.py


ABLATION_ROWS = {
    "unknown arm": lambda t: (["--arms", "textbooks,nope", "--out", t + "/o"], "unknown arm(s) nope"),
    "seeds not integers": lambda t: (["--seeds", "0,x", "--out", t + "/o"], "--seeds: expected comma-separated integers"),
    "a seed twice": lambda t: (["--seeds", "1,1", "--out", t + "/o"], "each once"),
    "--out is a file": lambda t: (["--out", write(os.path.join(t, "f"), "x")], "exists and is not a directory"),
    "data made with other settings": lambda t: (
        ["--out", os.path.dirname(os.path.dirname(write(os.path.join(t, "o", "data", "config.json"), '{"keep": 1}')))],
        "holds data made with other settings"),
    "corrupt data config": lambda t: (
        ["--out", os.path.dirname(os.path.dirname(write(os.path.join(t, "o", "data", "config.json"), '{"keep":')))],
        "config.json is not readable JSON"),
}

# -----------------------------------------------------------------------------

ROWS = [("phi1.py", k, v) for k, v in PHI1_ROWS.items()] + \
       [("eval_humaneval.py", k, v) for k, v in EVAL_ROWS.items()] + \
       [("data_gen.py", k, v) for k, v in DATA_GEN_ROWS.items()] + \
       [("bench/ablation.py", k, v) for k, v in ABLATION_ROWS.items()]


@pytest.mark.parametrize("script, case, setup", ROWS, ids=[f"{s}:{k}" for s, k, _ in ROWS])
def test_bad_input_is_one_clear_error(tmp_path, script, case, setup):
    argv, expect = setup(str(tmp_path))
    env = dict(os.environ, PYTHONPATH=ROOT)
    r = subprocess.run([sys.executable, os.path.join(ROOT, script), *argv], capture_output=True, text=True,
                       env=env, timeout=300, cwd=str(tmp_path))
    err = r.stderr.strip()
    assert r.returncode != 0, f"{case}: exit 0\nstdout: {r.stdout[-2000:]}\nstderr: {err[-2000:]}"
    assert "Traceback" not in err, f"{case}: a traceback\n{err[-3000:]}"
    last = err.splitlines()[-1] if err else ""
    assert expect in last, f"{case}: wanted {expect!r} in the last stderr line, got {last!r}"
