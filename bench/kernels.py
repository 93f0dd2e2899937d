"""Benchmark phi1's kernels against PyTorch, on a GPU if there is one, else on the CPU.

    python bench/kernels.py layernorm     # GB/s, fused LayerNorm vs F.layer_norm, vs the copy bandwidth
    python bench/kernels.py attention     # ms and TFLOP/s, kernels.attention vs F.scaled_dot_product_attention

Each prints a markdown table (bench/gpu.sh appends it to bench/RESULTS.md).

How the figures are computed:
  * layernorm: GB/s = the bytes a LayerNorm must move at least, divided by the time. Forward: read x,
    write y (2 M N bytes-per-element, plus weight/bias/statistics). Forward+backward: that, plus read
    dy and x and write dx (5 M N in all). The same byte count is used for both implementations, so
    their GB/s ratio is their speed ratio. "copy" is x.copy_ of the same size in the same run: what
    the memory system gives a kernel that only streams (the issue's target: >= 80% of it on a GPU).
  * attention: FLOPs of the two matmuls, halved for causal: 4 B H T^2 D / 2 forward; backward counted
    as 2.5x forward (FlashAttention-2's convention: five matmuls against two).
  * Times are medians over --reps runs after warm-up (CUDA events on a GPU, perf_counter on the CPU).
What this does not do: pin clocks (GPU settings are left alone), or time phi1's model end to end
(bench/train.py does that).
"""
import argparse
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # before bench/: this file is also called kernels.py

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import kernels  # noqa: E402

DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


def timer(fn, device, reps, warmup=3):
    """Median seconds per call of fn()."""
    for _ in range(warmup):
        fn()
    times = []
    if device == "cuda":
        torch.cuda.synchronize()
        for _ in range(reps):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            end.synchronize()
            times.append(start.elapsed_time(end) / 1e3)
    else:
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def fwd_bwd(op, x, w, b, dy):
    """One forward and backward; the gradients are freed each time, as in training."""
    def run():
        x.grad = w.grad = b.grad = None
        op(x, w, b).backward(dy)
    return run


def bench_layernorm(args):
    device = args.device
    dtype = DTYPES[args.dtype]
    rows = args.rows or (16384 if device == "cuda" else 2048)  # GPU: 8 sequences of 2048 tokens
    s = torch.finfo(dtype).bits // 8
    torch_ln = lambda x, w, b: F.layer_norm(x, (x.shape[-1],), w, b, 1e-5)
    fused_ln = lambda x, w, b: kernels.layer_norm(x, w, b, 1e-5)

    print(f"LayerNorm, {rows} rows, {args.dtype}, {device_name(device)}; kernels.backend() = {kernels.backend()}\n")
    print("| width | copy GB/s | fwd torch GB/s | fwd fused GB/s | fwd+bwd torch GB/s | fwd+bwd fused GB/s "
          "| fused/torch fwd+bwd | fused fwd+bwd / copy |")
    print("|---|---|---|---|---|---|---|---|")
    for N in args.widths:
        g = torch.Generator(device=device).manual_seed(0)
        x = torch.randn(rows, N, device=device, dtype=dtype, generator=g).requires_grad_()
        w = torch.randn(N, device=device, dtype=dtype, generator=g).requires_grad_()
        b = torch.randn(N, device=device, dtype=dtype, generator=g).requires_grad_()
        dy = torch.randn(rows, N, device=device, dtype=dtype, generator=g)
        dst = torch.empty_like(dy)
        MN = rows * N * s
        params, stats = 2 * N * s, 2 * rows * 4
        fwd_bytes = 2 * MN + params + stats
        fwd_bwd_bytes = fwd_bytes + 3 * MN + params + stats + 2 * N * s  # + read w, write dw and db
        gbps = lambda nbytes, sec: nbytes / sec / 1e9

        copy = gbps(2 * MN, timer(lambda: dst.copy_(dy), device, args.reps))
        with torch.no_grad():
            fwd_t = gbps(fwd_bytes, timer(lambda: torch_ln(x, w, b), device, args.reps))
            fwd_f = gbps(fwd_bytes, timer(lambda: fused_ln(x, w, b), device, args.reps))
        both_t = gbps(fwd_bwd_bytes, timer(fwd_bwd(torch_ln, x, w, b, dy), device, args.reps))
        both_f = gbps(fwd_bwd_bytes, timer(fwd_bwd(fused_ln, x, w, b, dy), device, args.reps))
        print(f"| {N} | {copy:.1f} | {fwd_t:.1f} | {fwd_f:.1f} | {both_t:.1f} | {both_f:.1f} "
              f"| {both_f / both_t:.2f}x | {100 * both_f / copy:.0f}% |")


def bench_attention(args):
    device = args.device
    # The CUDA kernel takes fp16/bf16; the CPU kernel fp32/fp64.
    dtype = DTYPES[args.dtype] if device == "cuda" else torch.float32
    B = args.batch or (4 if device == "cuda" else 1)
    H = args.heads or (32 if device == "cuda" else 8)  # phi-1: 32 heads of 64
    T = args.seq or (2048 if device == "cuda" else 512)
    D = 64
    fwd_flops = 4 * B * H * T * T * D / 2  # causal: half the scores
    print(f"Causal attention, B={B} H={H} T={T} D={D}, {str(dtype).replace('torch.', '')}, {device_name(device)}; "
          f"kernels.backend() = {kernels.backend()}\n")
    unit, scale = ("TFLOP/s", 1e12) if device == "cuda" else ("GFLOP/s", 1e9)
    print(f"| implementation | fwd ms | fwd {unit} | fwd+bwd ms | fwd+bwd {unit} |")
    print("|---|---|---|---|---|")
    g = torch.Generator(device=device).manual_seed(0)
    q, k, v = (torch.randn(B, H, T, D, device=device, dtype=dtype, generator=g).requires_grad_() for _ in range(3))
    do = torch.randn(B, H, T, D, device=device, dtype=dtype, generator=g)
    impls = [("F.scaled_dot_product_attention", lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True)),
             ("kernels.attention", lambda q, k, v: kernels.attention(q, k, v, causal=True)),
             ("attention_reference (naive)", lambda q, k, v: kernels.attention_reference(q, k, v, causal=True))]
    for name, op in impls:
        with torch.no_grad():
            t_fwd = timer(lambda: op(q, k, v), device, args.reps)

        def run():
            q.grad = k.grad = v.grad = None
            op(q, k, v).backward(do)
        t_both = timer(run, device, args.reps)
        print(f"| {name} | {1e3 * t_fwd:.2f} | {fwd_flops / t_fwd / scale:.2f} | {1e3 * t_both:.2f} "
              f"| {3.5 * fwd_flops / t_both / scale:.2f} |")


def device_name(device):
    if device == "cuda":
        return torch.cuda.get_device_name()
    return f"CPU ({os.cpu_count()} cores, {torch.get_num_threads()} torch threads)"


def positive_ints(text):
    try:
        values = [int(v) for v in text.split(",") if v]
    except ValueError:
        values = []
    if not values or min(values) <= 0:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive integers, got {text!r}")
    return values


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="which", required=True)
    default_device = "cuda" if torch.cuda.is_available() else "cpu"
    for name in ("layernorm", "attention"):
        s = sub.add_parser(name)
        s.add_argument("--device", choices=["cpu", "cuda"], default=default_device)
        s.add_argument("--dtype", choices=list(DTYPES), default="bf16" if default_device == "cuda" else "fp32",
                       help="element type (attention on the CPU always uses fp32)")
        s.add_argument("--reps", type=int, default=20 if default_device == "cuda" else 5)
    ln, at = sub.choices["layernorm"], sub.choices["attention"]
    ln.add_argument("--rows", type=int, default=None, help="rows (tokens); default 16384 on a GPU, 2048 on the CPU")
    ln.add_argument("--widths", type=positive_ints, default=[1024, 2048], help="comma-separated row widths")
    at.add_argument("--batch", type=int, default=None)
    at.add_argument("--heads", type=int, default=None, help="default 32 (phi-1) on a GPU, 8 on the CPU")
    at.add_argument("--seq", type=int, default=None, help="sequence length; default 2048 on a GPU, 512 on the CPU")
    args = p.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        p.error("--device cuda, but torch sees no GPU")
    if args.reps < 1 or any(getattr(args, a, 1) is not None and getattr(args, a, 1) < 1
                            for a in ("rows", "batch", "heads", "seq")):
        p.error("--reps, --rows, --batch, --heads and --seq must be positive")
    if args.device == "cpu" and args.dtype != "fp32" and args.which == "layernorm":
        print("note: on the CPU, 16-bit LayerNorm runs the scalar C++ loops (not the target of this bench)",
              file=sys.stderr)
    (bench_layernorm if args.which == "layernorm" else bench_attention)(args)


if __name__ == "__main__":
    main()
