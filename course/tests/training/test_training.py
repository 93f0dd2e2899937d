"""Training, visible tests: the learning-rate schedule as the paper states it (linear warmup to
the peak, then linear decay to 0), and batches as windows of the token stream chosen only by
(seed, step, index)."""
import math

import numpy as np
import torch

import phi1


def test_lr_schedule_is_the_papers():
    for peak, warmup, max_steps in [(1e-3, 750, 36000), (1e-4, 50, 6000), (5e-3, 10, 100), (1.0, 4, 9)]:
        lr = [phi1.lr_at(s, peak, warmup, max_steps) for s in range(max_steps + 3)]
        where = f"(peak {peak}, warmup {warmup}, max_steps {max_steps})"
        # warmup: a straight line whose first step already trains (at peak / warmup) and whose
        # last step is at the peak
        assert math.isclose(lr[0], peak / warmup, rel_tol=1e-9), f"first step {where}: {lr[0]}"
        assert math.isclose(lr[warmup - 1], peak, rel_tol=1e-9), f"last warmup step {where}: {lr[warmup - 1]}"
        rises = [b - a for a, b in zip(lr[:warmup - 1], lr[1:warmup])]
        assert all(math.isclose(d, peak / warmup, rel_tol=1e-6) for d in rises), f"warmup is not linear {where}"
        # decay: a straight line from the peak at step `warmup` down to 0 at max_steps, then 0
        assert math.isclose(lr[warmup], peak, rel_tol=1e-9), f"step {warmup} {where}: {lr[warmup]}"
        falls = [a - b for a, b in zip(lr[warmup:max_steps], lr[warmup + 1:max_steps + 1])]
        assert all(math.isclose(d, falls[0], rel_tol=1e-6) for d in falls), f"decay is not linear {where}"
        assert lr[max_steps] == 0.0 and lr[max_steps + 2] == 0.0, f"after max_steps {where}: {lr[max_steps:]}"


def test_batches_are_windows_and_shifted():
    data = np.arange(5000, dtype=np.uint16)
    B, T = 6, 32
    x, y = phi1.get_batch(data, T, B, seed=1, step=3, index=0, device=torch.device("cpu"))
    assert x.shape == (B, T) and y.shape == (B, T) and x.dtype == torch.int64
    for r in range(B):
        start = x[r, 0].item()
        assert 0 <= start and start + T + 1 <= len(data), "a window must fit in the data"
        assert torch.equal(x[r], torch.arange(start, start + T)), "each row is a contiguous window of tokens"
        assert torch.equal(y[r], x[r] + 1), "targets are the inputs shifted by one token"
    starts = {x[r, 0].item() for r in range(B)}
    assert len(starts) > 1, "rows are drawn at random places"


def test_batches_depend_only_on_seed_step_index():
    data = np.random.default_rng(0).integers(0, 50000, 20000).astype(np.uint16)
    cpu = torch.device("cpu")
    get = lambda *a: phi1.get_batch(data, 16, 4, *a, device=cpu)[0]  # noqa: E731
    assert torch.equal(get(1, 5, 2), get(1, 5, 2)), "the same (seed, step, index): the same batch"
    others = [get(2, 5, 2), get(1, 6, 2), get(1, 5, 3)]
    assert all(not torch.equal(get(1, 5, 2), o) for o in others), "a different seed, step or index: another batch"
