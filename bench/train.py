"""bench/train.py: training throughput of a preset (tokens/s, FLOP/s, MFU), the way phi1.py trains.

    python bench/train.py --preset tiny                 # CPU: GFLOP/s against a big matmul's
    python bench/train.py --preset small                # GPU: MFU, torch kernels vs ours
    python bench/train.py --preset small --compile

FLOPs per token are phi1.flops_per_token (6N + 12*L*H*Q*T, PaLM appendix B). On a GPU, MFU is
against the card's dense bf16 peak (phi1.GPU_PEAK_FLOPS); the paper's phi-1 run reached about 50%
on A100s (docs/paper.md). On a CPU there is no fair peak to quote, so the reference is a large fp32
matmul measured in the same run: the fraction says how much of what the machine can do in
matmuls the whole training step achieves. Random tokens stand in for data (the loader is not what
is measured); dropout is off, since the fused attention has none.

--predict-only N adds a row for a model that predicts only N token ids (Phi.predict_only, as
`python phi1.py --tiny` trains on its offline data, which holds about 5,500 ids); its FLOPs count
only the lm_head columns it computes.
"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import phi1  # noqa: E402


def matmul_flops(device, n=2048, reps=10):
    """FLOP/s of an n x n x n matmul in the training dtype: what the machine's matmuls can reach.
    The fastest of reps single runs, so a noisy machine makes the reference high, not low."""
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    a, b = torch.randn(n, n, device=device, dtype=dtype), torch.randn(n, n, device=device, dtype=dtype)
    for _ in range(2):
        a @ b
    best = float("inf")
    for _ in range(reps):
        sync(device)
        t = time.perf_counter()
        a @ b
        sync(device)
        best = min(best, time.perf_counter() - t)
    return 2 * n**3 / best


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def run(preset, device, attn_impl, ln_impl, micro_batch, steps, warmup, compile_, predict_only=None):
    torch.manual_seed(0)
    cfg = phi1.PhiConfig.preset(preset, attn_impl=attn_impl, ln_impl=ln_impl)
    model = phi1.Phi(cfg).to(device)
    n = model.num_params()
    fpt = phi1.flops_per_token(cfg, n, predict_only)
    ids = torch.arange(50295, device=device)
    if predict_only:
        ids = torch.randperm(50295, device=device)[:predict_only].sort().values
        model.predict_only(ids)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=True)  # as phi1.train
    step_model = torch.compile(model) if compile_ else model
    amp = torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda")
    x = ids[torch.randint(0, len(ids), (micro_batch, cfg.block_size + 1), device=device)]
    times = []
    for i in range(warmup + steps):
        sync(device)
        t = time.perf_counter()
        with amp:
            _, loss = step_model(x[:, :-1], x[:, 1:])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        sync(device)
        if i >= warmup:
            times.append(time.perf_counter() - t)
    dt = sorted(times)[len(times) // 2]  # median step
    tok_s = micro_batch * cfg.block_size / dt
    flops = fpt * tok_s
    mem = torch.cuda.max_memory_allocated() / 2**30 if device.type == "cuda" else None
    return dict(params=n, tok_s=tok_s, flops=flops, step_ms=dt * 1e3, mem_gib=mem)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--preset", default="tiny", choices=list(phi1.PRESETS))
    p.add_argument("--micro-batch", type=int, default=None, help="default: the preset's pretrain micro_batch")
    p.add_argument("--steps", type=int, default=None, help="timed steps (default 10 on GPU, 5 on CPU)")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--compile", action="store_true")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--predict-only", type=int, default=None, metavar="N",
                   help="also time a model that predicts only N token ids (--tiny's recipe: about 5,500)")
    args = p.parse_args()
    device = torch.device(args.device)
    mb = args.micro_batch or phi1.TRAIN_PRESETS[args.preset]["pretrain"]["micro_batch"]
    steps = args.steps or (10 if device.type == "cuda" else 5)
    # on a GPU compare torch's kernels with ours; on a CPU ours are teaching code, so torch's only
    variants = [("sdpa", "torch", None)]
    if args.predict_only:
        variants.append(("sdpa", "torch", args.predict_only))
    if device.type == "cuda":
        import kernels

        if kernels.backend() == "cuda+cpu":
            variants.append(("fused", "fused", None))
        else:
            print(f"kernels: {kernels.backend()}: measuring torch's kernels only")
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else f"CPU, {torch.get_num_threads()} threads"
    peak = phi1.peak_flops(device)
    print(f"{args.preset}: micro-batch {mb} x {phi1.PhiConfig.preset(args.preset).block_size} tokens, "
          f"{steps} timed steps, on {name}{', compiled' if args.compile else ''}")
    mm = matmul_flops(device)
    results = [(f"{attn}/{ln}" + (f", {only:,} ids" if only else ""),
                run(args.preset, device, attn, ln, mb, steps, args.warmup, args.compile, only)) for attn, ln, only in variants]
    mm = max(mm, matmul_flops(device))  # the reference before and after, whichever is faster
    print(f"reference: {mm / 1e12:.3f} TFLOP/s, the fastest 2048^3 matmul" + (f"; card peak {peak / 1e12:.0f} TFLOP/s" if peak else ""))
    print(f"{'attention/layernorm':<26} {'tokens/s':>10} {'step ms':>9} {'TFLOP/s':>9} {'MFU':>6} {'of matmul':>10} {'mem GiB':>8}")
    for label, r in results:
        mfu = f"{100 * r['flops'] / peak:.1f}%" if peak else "-"
        mem = f"{r['mem_gib']:.1f}" if r["mem_gib"] is not None else "-"
        print(f"{label:<26} {r['tok_s']:>10,.0f} {r['step_ms']:>9.1f} {r['flops'] / 1e12:>9.3f} {mfu:>6} "
              f"{100 * r['flops'] / mm:>9.1f}% {mem:>8}")


if __name__ == "__main__":
    main()
