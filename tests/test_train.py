"""The training loop: it learns, resumes bit-exactly after kill -9, scales across processes, and
refuses bad data with one clear line."""
import json
import math
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter

import numpy as np
import pytest
import torch

import phi1

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# a model small enough that a few hundred steps take seconds on 2 cores: phi-1's head size and
# vocabulary, one head, two layers
MICRO = dict(n_layer=2, n_embd=64, n_inner=256, n_head=1, block_size=64)
# a training run in its own process (so that it can be killed): a TrainConfig as JSON, then train()
TRAIN = "import json, sys; import phi1; phi1.train(phi1.TrainConfig(**json.loads(sys.argv[1])))"


def make_corpus(path, n_docs=3000, seed=0):
    """A small structured corpus: tiny Python functions whose bodies follow from their names."""
    tok = phi1.get_tokenizer()
    rng = random.Random(seed)
    docs = []
    for _ in range(n_docs):
        a, var, op = rng.randint(0, 9), rng.choice(["x", "y", "n", "value"]), rng.choice(["+", "-", "*"])
        docs.append(f"def add_{a}({var}):\n    return {var} {op} {a}\n\nprint(add_{a}({a}))\n")
    ids = [i for d in tok.encode_batch(docs) for i in d + [tok.eot]]
    arr = np.array(ids, dtype=np.uint16)
    n = int(len(arr) * 0.9)
    os.makedirs(path, exist_ok=True)
    arr[:n].tofile(os.path.join(path, "train.bin"))
    arr[n:].tofile(os.path.join(path, "val.bin"))
    with open(os.path.join(path, "meta.json"), "w") as f:
        json.dump({"vocab_size": 51200, "dtype": "uint16"}, f)
    return arr


def train_argv(**config):
    """The command line of a process that trains the micro model with these TrainConfig fields."""
    return [sys.executable, "-c", TRAIN, json.dumps(dict(model=MICRO, **config))]


def run(argv, **kw):
    env = dict(os.environ, OMP_NUM_THREADS="1")
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, **kw)


def losses(out):
    with open(os.path.join(out, "metrics.jsonl")) as f:
        rows = [json.loads(line) for line in f]
    return {r["step"]: r["loss"] for r in rows if "loss" in r}


COMMON = dict(micro_batch=4, log_interval=1, dropout=0.1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("corpus")
    arr = make_corpus(str(d))
    return str(d), arr


def test_loss_falls_far_below_unigram_entropy(corpus, tmp_path):
    data, arr = corpus
    counts = np.array(list(Counter(arr.tolist()).values()), dtype=np.float64)
    p = counts / counts.sum()
    unigram = float(-(p * np.log(p)).sum())  # nats: the best a model that ignores context can do
    out = str(tmp_path / "run")
    r = run(train_argv(data=data, out=out, max_steps=150, batch_size=8, lr=3e-3, warmup=20,
                       eval_interval=150, save_interval=150, **COMMON))
    assert r.returncode == 0, r.stderr
    ls = losses(out)
    final = sum(ls[s] for s in range(141, 151)) / 10
    print(f"unigram entropy {unigram:.3f} nats, final train loss {final:.3f}")
    assert final < 0.5 * unigram, (final, unigram)
    # the run leaves a resumable checkpoint and two Hugging Face exports
    for name in ("ckpt.pt", "final/model.safetensors", "best/config.json"):
        assert os.path.exists(os.path.join(out, name)), name


def test_kill_and_resume_reproduce_losses_exactly(corpus, tmp_path):
    data, _ = corpus
    config = dict(data=data, max_steps=24, batch_size=8, save_interval=6, eval_interval=6, resume=True, **COMMON)
    ref = str(tmp_path / "ref")
    assert run(train_argv(out=ref, **config)).returncode == 0
    # the same run, killed with SIGKILL once it has passed a checkpoint, then resumed
    out = str(tmp_path / "killed")
    env = dict(os.environ, OMP_NUM_THREADS="1")
    p = subprocess.Popen(train_argv(out=out, **config), cwd=ROOT, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        if os.path.exists(os.path.join(out, "metrics.jsonl")) and max(losses(out), default=0) >= 14:
            break
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    killed_at = max(losses(out))
    assert 14 <= killed_at < 24, f"killed at step {killed_at}: the test needs a kill between checkpoints"
    r = run(train_argv(out=out, **config))
    assert r.returncode == 0, r.stderr
    assert "resumed from" in r.stdout
    a, b = losses(ref), losses(out)
    assert sorted(a) == sorted(b) == list(range(1, 25))
    diff = [(s, a[s], b[s]) for s in a if a[s] != b[s]]
    assert not diff, f"losses differ after resume (step, uninterrupted, resumed): {diff[:5]}"


@pytest.mark.parametrize("sharding", ["ddp", "fsdp"])
def test_two_processes_match_one_with_twice_the_accumulation(corpus, tmp_path, sharding):
    """torchrun with 2 processes (gloo) against 1 process: same losses, same checkpoint, also after
    a resume (3 steps, then on to 6 from the checkpoint, optimizer state included)."""
    data, _ = corpus
    config = dict(data=data, batch_size=8, micro_batch=2, dropout=0.0, log_interval=1, eval_interval=3,
                  save_interval=3, resume=True)
    one, two = str(tmp_path / "one"), str(tmp_path / "two")
    script = str(tmp_path / "launch.py")
    with open(script, "w") as f:
        f.write(f"import sys; sys.path.insert(0, {ROOT!r})\n" + TRAIN + "\n")
    for steps in (3, 6):
        r = run(train_argv(max_steps=steps, out=one, **config))
        assert r.returncode == 0, r.stderr
        argv = train_argv(max_steps=steps, out=two, fsdp=sharding == "fsdp", **config)[3:]  # the JSON
        r = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2", "--master_port=29517",
                            script, *argv], cwd=ROOT, env=dict(os.environ, OMP_NUM_THREADS="1"),
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr[-3000:]
    assert "resumed from" in r.stdout
    a, b = losses(one), losses(two)
    assert sorted(a) == sorted(b) == list(range(1, 7))
    for s in a:  # same batches, same mean gradient; only the order of float additions differs
        assert math.isclose(a[s], b[s], rel_tol=1e-4), (s, a[s], b[s])
    # the checkpoint and the export hold whole tensors (FSDP gathers its shards to rank 0), the same ones
    w1, w2 = (torch.load(os.path.join(d, "ckpt.pt"), weights_only=False)["model"] for d in (one, two))
    m1, m2 = (phi1.load_model(os.path.join(d, "final")).state_dict() for d in (one, two))
    assert w1.keys() == w2.keys() == m1.keys() == m2.keys()
    for k in w1:
        torch.testing.assert_close(w2[k], w1[k], rtol=1e-3, atol=1e-5, msg=k)
        torch.testing.assert_close(m2[k], w2[k], rtol=0, atol=0, msg=k)


def test_learning_rate_schedule_has_the_papers_shape():
    peak, warmup, total = 1e-3, 750, 36000
    lrs = [phi1.lr_at(s, peak, warmup, total) for s in range(total)]
    assert lrs[0] == pytest.approx(peak / warmup)
    assert max(lrs) == pytest.approx(peak) and lrs.index(max(lrs)) == warmup - 1  # linear warmup to the peak
    assert all(b > a for a, b in zip(lrs[:warmup - 1], lrs[1:warmup]))
    mid = phi1.lr_at((warmup + total) // 2, peak, warmup, total)
    assert mid == pytest.approx(peak / 2, rel=1e-3)  # linear decay: half-way down at the midpoint
    assert lrs[-1] < peak / 1000 and phi1.lr_at(total, peak, warmup, total) == 0.0
    diffs = np.diff(lrs[warmup:])
    assert np.allclose(diffs, diffs[0])  # a straight line


@pytest.mark.parametrize("case, message", [
    ("no_dir", "no such data directory"),
    ("no_meta", "meta.json: missing"),
    ("odd_bytes", "not a whole number of uint16 tokens"),
    ("too_short", "fewer than one sequence"),
    ("wrong_dtype", "expected 'uint16'"),
    ("empty", "fewer than one sequence"),
])
def test_bad_data_gets_one_clear_line(tmp_path, case, message):
    d = tmp_path / "data"
    if case != "no_dir":
        d.mkdir()
        (d / "train.bin").write_bytes(np.arange(500, dtype=np.uint16).tobytes())
        (d / "val.bin").write_bytes(np.arange(500, dtype=np.uint16).tobytes())
        if case != "no_meta":
            (d / "meta.json").write_text(json.dumps({"dtype": "int32" if case == "wrong_dtype" else "uint16"}))
        if case == "odd_bytes":
            (d / "train.bin").write_bytes(b"\x01\x02\x03")
        if case == "too_short":
            (d / "val.bin").write_bytes(np.arange(10, dtype=np.uint16).tobytes())
        if case == "empty":
            (d / "train.bin").write_bytes(b"")
    r = run([sys.executable, "phi1.py", "train", "--data", str(d), "--out", str(tmp_path / "out"), "--max-steps", "1"])
    assert r.returncode != 0
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("error:") and message in last, r.stderr[-2000:]
    assert "Traceback" not in r.stderr


def test_chunked_lm_head_loss_matches_plain_cross_entropy(monkeypatch):
    """The chunked loss (phi1.LMHeadCrossEntropy) against F.cross_entropy on full logits: loss and
    every gradient, over several chunks with ignored targets, in float64."""
    import torch
    import torch.nn.functional as F

    monkeypatch.setattr(phi1.LMHeadCrossEntropy, "CHUNK", 7)
    torch.manual_seed(0)
    x = torch.randn(30, 16, dtype=torch.float64, requires_grad=True)
    w = torch.randn(300, 16, dtype=torch.float64, requires_grad=True)
    b = torch.randn(300, dtype=torch.float64, requires_grad=True)
    t = torch.randint(0, 300, (30,))
    t[::4] = -1
    ours = phi1.LMHeadCrossEntropy.apply(x, w, b, t)
    (2.5 * ours).backward()
    got = [g.clone() for g in (x.grad, w.grad, b.grad)]
    x.grad = w.grad = b.grad = None
    ref = F.cross_entropy(F.linear(x, w, b), t, ignore_index=-1)
    (2.5 * ref).backward()
    assert abs(ours.item() - ref.item()) < 1e-12, (ours.item(), ref.item())
    for name, a, r in zip(("x", "weight", "bias"), got, (x.grad, w.grad, b.grad)):
        assert torch.allclose(a, r, atol=1e-12), f"d{name}: max diff {(a - r).abs().max().item():.3e}"


def test_predict_only_gives_the_full_vocabulary_loss_and_gradients():
    """Phi.predict_only: the loss over the kept columns equals F.cross_entropy over all 51,200
    logits, and so do all gradients (float64); the other ids get probability exactly 0 (float32)."""
    import torch.nn.functional as F

    torch.manual_seed(0)
    cfg = phi1.PhiConfig(n_layer=2, n_embd=32, n_inner=64, n_head=1, block_size=16)
    model = phi1.Phi(cfg).double()
    keep = torch.randperm(cfg.vocab_size)[:300].sort().values
    x = torch.randint(0, cfg.vocab_size, (3, 16))
    y = keep[torch.randint(0, len(keep), (3, 16))]
    y[0, ::3] = -1  # ignored targets stay ignored
    model.predict_only(keep)
    _, ours = model(x, y)
    ours.backward()
    got = {k: p.grad.clone() for k, p in model.named_parameters()}
    model.zero_grad()
    model.live = None  # the plain way: every logit
    logits, _ = model(x)
    ref = F.cross_entropy(logits.reshape(-1, cfg.vocab_size), y.reshape(-1), ignore_index=-1)
    ref.backward()
    assert abs(ours.item() - ref.item()) < 1e-12, (ours.item(), ref.item())
    for k, p in model.named_parameters():
        torch.testing.assert_close(got[k], p.grad, rtol=0, atol=1e-12, msg=k)
    others = torch.ones(cfg.vocab_size, dtype=torch.bool)
    others[keep] = False
    assert torch.softmax(logits.float(), -1)[..., others].max().item() == 0.0
    # an id wanted later (finetuning data) is predicted again, from a zero bias
    model.predict_only(torch.cat([keep, others.nonzero()[:1, 0]]))
    assert model.lm_head.bias[others.nonzero()[0, 0]].item() == 0.0 and len(model.live) == 301


def test_tokens_in_lists_every_id_of_both_shards(corpus, tmp_path):
    data, arr = corpus
    assert phi1.tokens_in([data], 51200).tolist() == sorted(set(arr.tolist()))


def test_lm_head_loss_under_bf16_autocast_stays_close_to_fp32(monkeypatch):
    """Under autocast the loss's matmuls run in bf16 (as on a GPU) and its softmax in fp32: loss
    and gradients stay within bf16's precision of the fp32 ones, in fp32 tensors."""
    import torch.nn.functional as F

    monkeypatch.setattr(phi1.LMHeadCrossEntropy, "CHUNK", 128)
    torch.manual_seed(0)
    x = torch.randn(300, 64, requires_grad=True)
    w = (0.1 * torch.randn(5000, 64)).requires_grad_()
    b = torch.zeros(5000, requires_grad=True)
    t = torch.randint(0, 5000, (300,))
    with torch.autocast("cpu", dtype=torch.bfloat16):
        ours = phi1.LMHeadCrossEntropy.apply(x, w, b, t)
    ours.backward()
    got = [v.grad.clone() for v in (x, w, b)]
    x.grad = w.grad = b.grad = None
    ref = F.cross_entropy(F.linear(x, w, b), t)
    ref.backward()
    assert ours.dtype == torch.float32 and abs(ours.item() - ref.item()) < 1e-3 * ref.item()
    for a, v in zip(got, (x, w, b)):
        assert a.dtype == torch.float32
        assert (a - v.grad).abs().max() < 0.02 * v.grad.abs().max()
