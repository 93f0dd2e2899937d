"""Training, hidden tests."""
import json
import os

import numpy as np
import pytest

import phi1


def paper_lr(step, peak, warmup, max_steps):
    """The schedule from its definition (see the handout)."""
    if step < warmup:
        return peak * (step + 1) / warmup
    if step >= max_steps:
        return 0.0
    return peak * (max_steps - step) / (max_steps - warmup)


def test_lr_schedule_edges():
    for peak, warmup, max_steps in [(1e-3, 750, 36000), (3.0, 7, 30), (1.0, 1, 2)]:
        for step in sorted({0, 1, warmup - 1, warmup, warmup + 1, max_steps - 1, max_steps, max_steps + 5}):
            got, want = phi1.lr_at(step, peak, warmup, max_steps), paper_lr(step, peak, warmup, max_steps)
            assert abs(got - want) <= 1e-12 * peak, f"lr_at({step}, {peak}, {warmup}, {max_steps}) = {got}, want {want}"
    assert phi1.lr_at(0, 2.0, 1, 10) == 2.0, "warmup of one step: the first step is at the peak"
    assert phi1.lr_at(5, 2.0, 0, 10) == pytest.approx(1.0), "no warmup: straight decay"
    assert phi1.lr_at(10, 2.0, 2, 10) == 0.0 and phi1.lr_at(11, 2.0, 2, 10) == 0.0, "0 at and after max_steps"
    lrs = [phi1.lr_at(s, 1.0, 5, 20) for s in range(25)]
    assert all(a <= b for a, b in zip(lrs[:5], lrs[1:5])) and all(a >= b for a, b in zip(lrs[4:], lrs[5:]))


MICRO = dict(n_layer=1, n_embd=32, n_inner=64, n_head=1, block_size=32)


class Interrupted(BaseException):
    pass


def corpus(path):
    rng = np.random.default_rng(0)
    words = rng.integers(0, 300, 40000).astype(np.uint16)
    os.makedirs(path, exist_ok=True)
    words[:36000].tofile(os.path.join(path, "train.bin"))
    words[36000:].tofile(os.path.join(path, "val.bin"))
    with open(os.path.join(path, "meta.json"), "w") as f:
        json.dump({"vocab_size": 51200, "dtype": "uint16"}, f)


def losses(out):
    with open(os.path.join(out, "metrics.jsonl")) as f:
        return {r["step"]: r["loss"] for r in map(json.loads, f) if "loss" in r}


def test_resume_reproduces_the_losses(tmp_path, monkeypatch):
    data = str(tmp_path / "data")
    corpus(data)
    common = dict(data=data, model=MICRO, max_steps=8, batch_size=4, micro_batch=2, lr=3e-3, warmup=2,
                  dropout=0.1, eval_interval=4, save_interval=4, eval_iters=2, log_interval=1, resume=True,
                  device="cpu", dtype="float32")
    phi1.train(phi1.TrainConfig(out=str(tmp_path / "straight"), **common))
    # the same run, stopped by an exception at step 6 (after the checkpoint of step 4), then resumed
    real = phi1.lr_at

    def stop_at_6(step, *a):
        if step == 6:
            raise Interrupted()
        return real(step, *a)

    monkeypatch.setattr(phi1, "lr_at", stop_at_6)
    with pytest.raises(Interrupted):
        phi1.train(phi1.TrainConfig(out=str(tmp_path / "resumed"), **common))
    monkeypatch.setattr(phi1, "lr_at", real)
    phi1.train(phi1.TrainConfig(out=str(tmp_path / "resumed"), **common))
    a, b = losses(tmp_path / "straight"), losses(tmp_path / "resumed")
    assert sorted(a) == sorted(b) == list(range(1, 9)), (sorted(a), sorted(b))
    diff = [(s, a[s], b[s]) for s in a if a[s] != b[s]]
    assert not diff, f"losses differ after the resume (step, uninterrupted, resumed): {diff[:4]}"
