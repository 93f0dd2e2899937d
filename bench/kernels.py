"""Benchmark phi1's kernels against PyTorch, on a GPU if there is one, else on the CPU.

    python bench/kernels.py layernorm     # GB/s, fused LayerNorm vs F.layer_norm, vs the copy bandwidth
    python bench/kernels.py attention     # ms and TFLOP/s, every kernels.attention version vs
                                          # F.scaled_dot_product_attention: causal, head dims 64 and
                                          # 128, T = 512, 2048, 8192 (16384 tokens, model width 2048)
    python bench/kernels.py smoke         # each CUDA kernel once on small shapes, checked against
                                          # float64 (what bench/gpu.sh runs under compute-sanitizer)
    python bench/kernels.py resources     # static figures of the attention kernels, no GPU needed:
                                          # registers and spills (ptxas -v, sm_80 and sm_90; nvcc
                                          # takes minutes), dynamic shared memory, blocks per SM
    python bench/kernels.py resources --ptxas-log LOG   # reuse the output of
        python -m kernels.build --cuda --arch 8.0,9.0 --build-dir /tmp/k --ptxas > LOG

Each benchmark prints a markdown table (bench/gpu.sh appends it to bench/RESULTS.md).

How the figures are computed:
  * layernorm: GB/s = the bytes a LayerNorm must move at least, divided by the time. Forward: read x,
    write y (2 M N bytes-per-element, plus weight/bias/statistics). Forward+backward: that, plus read
    dy and x and write dx (5 M N in all). The same byte count is used for both implementations, so
    their GB/s ratio is their speed ratio. "copy" is x.copy_ of the same size in the same run: what
    the memory system gives a kernel that only streams (the target: >= 80% of it on a GPU).
  * attention: FLOPs of the two matmuls, halved for causal: 4 B H T^2 D / 2 forward; backward counted
    as 2.5x forward (FlashAttention-2's convention: five matmuls against two).
  * Times are medians over --reps runs after warm-up (CUDA events on a GPU, perf_counter on the CPU).
  * resources: registers and spills from ptxas -v for bf16 (the --ptxas build); dynamic shared memory
    from the emulated program (attention_emu.h's `smem-table` mode compiles the kernel file's own
    constants); blocks per SM = the smaller of what registers allow (65536 a SM, allocated per warp
    in units of 256) and what shared memory allows (228 KiB a SM on sm_90, 164 KiB on sm_80, 1 KiB
    of it reserved per block), for 128-thread blocks: a model, not a measurement.
What this does not do: pin clocks (GPU settings are left alone), or time phi1's model end to end
(bench/train.py does that).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # before bench/: this file is also called kernels.py

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import kernels  # noqa: E402
from kernels import build  # noqa: E402
from kernels.attention import VERSIONS, _why_no_kernel  # noqa: E402

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
    # The CUDA kernels take fp16/bf16; the CPU kernel fp32/fp64 (and is the same for every version).
    dtype = DTYPES[args.dtype] if device == "cuda" else torch.float32
    versions = args.versions if device == "cuda" else [1]
    head_dims = args.head_dims or ([64, 128] if device == "cuda" else [64])
    seqs = args.seqs or ([512, 2048, 8192] if device == "cuda" else [512])
    tokens = args.tokens or (16384 if device == "cuda" else 512)
    width = args.width or (2048 if device == "cuda" else 512)  # phi-1: 32 heads of 64
    ext = kernels.extension()
    unit, scale = ("TFLOP/s", 1e12) if device == "cuda" else ("GFLOP/s", 1e9)
    print(f"Causal attention, {tokens} tokens a step (B = tokens / T), H = {width} / D, "
          f"{str(dtype).replace('torch.', '')}, {device_name(device)}; kernels.backend() = {kernels.backend()}\n")
    if device == "cpu":
        print("(CPU: every version runs the same C++ loops, so only version 1 is timed)\n")
    print(f"| D | T | B x H | implementation | fwd ms | fwd {unit} | fwd / SDPA | fwd+bwd ms "
          f"| fwd+bwd {unit} | fwd+bwd / SDPA |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for D in head_dims:
        for T in seqs:
            B, H = max(1, tokens // T), max(1, width // D)
            fwd_flops = 4 * B * H * T * T * D / 2  # causal: half the scores
            g = torch.Generator(device=device).manual_seed(0)
            q, k, v = (torch.randn(B, H, T, D, device=device, dtype=dtype, generator=g).requires_grad_()
                       for _ in range(3))
            do = torch.randn(B, H, T, D, device=device, dtype=dtype, generator=g)
            impls = [("F.scaled_dot_product_attention",
                      lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True))]
            for ver in versions:
                why = None if ext is None else _why_no_kernel(ext, q, k, v, ver)
                label = f"kernels.attention version {ver}" + (f" (twin: {why})" if why else "")
                impls.append((label, lambda q, k, v, ver=ver: kernels.attention(q, k, v, True, ver)))
            if B * H * T * T * 4 <= 2 ** 31:  # the naive twin stores the (T, T) scores
                impls.append(("attention_reference (naive)",
                              lambda q, k, v: kernels.attention_reference(q, k, v, causal=True)))
            base = None
            for name, op in impls:
                with torch.no_grad():
                    t_fwd = timer(lambda: op(q, k, v), device, args.reps)

                def run():
                    q.grad = k.grad = v.grad = None
                    op(q, k, v).backward(do)
                t_both = timer(run, device, args.reps)
                base = base or (t_fwd, t_both)
                print(f"| {D} | {T} | {B} x {H} | {name} | {1e3 * t_fwd:.2f} | {fwd_flops / t_fwd / scale:.1f} "
                      f"| {base[0] / t_fwd:.2f}x | {1e3 * t_both:.2f} | {3.5 * fwd_flops / t_both / scale:.1f} "
                      f"| {base[1] / t_both:.2f}x |", flush=True)


def smoke(args):
    """Each CUDA kernel once, small shapes, against float64: for compute-sanitizer (bench/gpu.sh),
    where a wrong result must still fail the run. Exit status 1 on a mismatch."""
    if not torch.cuda.is_available() or kernels.extension() is None or not kernels.extension().with_cuda():
        print(f"smoke: needs a GPU and the CUDA extension ({kernels.backend()})", file=sys.stderr)
        return 1
    failed = 0
    g = torch.Generator().manual_seed(0)
    for version in (1, 2):
        for dtype, D, T, causal in ((torch.bfloat16, 64, 130, True), (torch.float16, 32, 70, False),
                                    (torch.bfloat16, 128, 70, True), (torch.float16, 64, 1, True)):
            q, k, v, do = (torch.randn(1, 2, T, D, generator=g, dtype=torch.float64) for _ in range(4))
            ref = [t.clone().requires_grad_() for t in (q, k, v)]
            o_ref = F.scaled_dot_product_attention(*ref, is_causal=causal)
            o_ref.backward(do)
            dev = [t.to("cuda", dtype).requires_grad_() for t in (q, k, v)]
            o = kernels.attention(*dev, causal=causal, version=version)
            o.backward(do.to("cuda", dtype))
            eps = 2.0 ** -7 if dtype == torch.bfloat16 else 2.0 ** -10
            err = max(((a.double().cpu() - b).abs().max() / max(1.0, b.abs().max().item())).item()
                      for a, b in ((o, o_ref), (dev[0].grad, ref[0].grad), (dev[1].grad, ref[1].grad),
                                   (dev[2].grad, ref[2].grad)))
            ok = err <= 4 * eps
            failed += not ok
            print(f"{'ok  ' if ok else 'FAIL'} attention v{version} {str(dtype)[6:]} D={D} T={T} "
                  f"{'causal' if causal else 'full'}: max error {err:.2e} of the largest value")
    for dtype, N in ((torch.bfloat16, 2048), (torch.float32, 4097), (torch.float16, 8200)):
        x = torch.randn(33, N, generator=g, dtype=torch.float64)
        w, b, dy = torch.randn(N, generator=g, dtype=torch.float64), torch.randn(N, generator=g, dtype=torch.float64), \
            torch.randn(33, N, generator=g, dtype=torch.float64)
        ref = [t.clone().requires_grad_() for t in (x, w, b)]
        F.layer_norm(ref[0], (N,), ref[1], ref[2]).backward(dy)
        dev = [t.to("cuda", dtype).requires_grad_() for t in (x, w, b)]
        y = kernels.layer_norm(*dev)
        y.backward(dy.to("cuda", dtype))
        err = max(((a.double().cpu() - c).abs().max() / max(1.0, c.abs().max().item())).item()
                  for a, c in ((y, F.layer_norm(x, (N,), w, b)), (dev[0].grad, ref[0].grad)))
        tol = 1e-4 if dtype == torch.float32 else 4 * 2.0 ** -8
        failed += err > tol
        print(f"{'ok  ' if err <= tol else 'FAIL'} layer_norm {str(dtype)[6:]} N={N}: max error {err:.2e}")
    return 1 if failed else 0


CSRC = os.path.join(ROOT, "kernels", "csrc")
FILES = {1: "attention.cu", 2: "attention_v2.cu"}
SM_SMEM = {"sm_80": 167936, "sm_90": 233472}  # shared memory per SM, bytes
RES_THREADS = 128  # every attention kernel runs 128-thread blocks


def smem_table(version, workdir):
    """{(kernel name, head dim): dynamic shared memory bytes}, from the emulated program."""
    src = open(os.path.join(CSRC, FILES[version])).read()
    device = src[src.index("// ---- device code"):src.index("// ---- host side")]
    prog = os.path.join(workdir, f"smem_v{version}.cpp")
    with open(prog, "w") as f:
        f.write(f'#define PHI1_EMU_VERSION {version}\n#include "attention_emu.h"\n{device}\n'
                '#define PHI1_EMU_RUNNER\n#include "attention_emu.h"\n')
    exe = prog[:-4]
    subprocess.run(["g++", "-std=c++20", "-O0", "-pthread", "-Wno-unknown-pragmas", "-I", CSRC, prog,
                    "-o", exe], check=True)
    out = subprocess.run([exe, "smem-table"], capture_output=True, text=True, check=True).stdout
    return {(name, int(d)): int(b) for name, d, b in (ln.split() for ln in out.splitlines())}


def blocks_per_sm(registers, smem, arch):
    per_warp = -(-registers * 32 // 256) * 256
    by_regs = (65536 // per_warp) // (RES_THREADS // 32)
    by_smem = SM_SMEM[arch] // (smem + 1024)
    return min(by_regs, by_smem, 2048 // RES_THREADS)


def resources(args):
    """The static table (see the module docstring)."""
    if shutil.which("g++") is None:
        sys.exit("kernels.py resources: needs g++ (for the shared-memory table)")
    if args.ptxas_log:
        log = open(args.ptxas_log).read()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run([sys.executable, "-m", "kernels.build", "--cuda", "--arch", "8.0,9.0",
                                  "--build-dir", tmp, "--ptxas"], cwd=ROOT, capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit(f"kernel_resources: the CUDA build failed:\n{out.stderr[-2000:]}")
            log = out.stdout
    rows = build.parse_ptxas(log)
    if not rows:
        sys.exit("kernel_resources: no ptxas figures in the log (was it built with --ptxas?)")
    ptxas = {(r["kernel"], r["arch"]): r for r in rows}
    with tempfile.TemporaryDirectory() as tmp:
        smem = {v: smem_table(v, tmp) for v in FILES}
    print("| version | kernel | D | dynamic smem (bytes) | registers sm_80 / sm_90 | spills sm_80 / sm_90 "
          "(bytes stored) | blocks/SM sm_80 / sm_90 |")
    print("|---|---|---|---|---|---|---|")
    for version in FILES:
        for (name, D), nbytes in sorted(smem[version].items(), key=lambda kv: (kv[0][1], kv[0][0])):
            key = f"{name}<__nv_bfloat16, {D}>"
            r80, r90 = ptxas.get((key, "sm_80")), ptxas.get((key, "sm_90"))
            if r80 is None or r90 is None:
                sys.exit(f"kernel_resources: no ptxas figures for {key}")
            short = re.sub(r"^attention_(v2_)?", "", name).replace("_kernel", "")
            print(f"| {version} | {short} | {D} | {nbytes} | {r80['registers']} / {r90['registers']} "
                  f"| {r80['spill_stores']} / {r90['spill_stores']} "
                  f"| {blocks_per_sm(r80['registers'], nbytes, 'sm_80')} / "
                  f"{blocks_per_sm(r90['registers'], nbytes, 'sm_90')} |")



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
    sub.add_parser("smoke", help="each CUDA kernel once on small shapes (for compute-sanitizer)")
    sub.add_parser("resources", help="static figures of the attention kernels (no GPU needed)").add_argument(
        "--ptxas-log", help="output of `python -m kernels.build ... --ptxas` to reuse")
    for name in ("layernorm", "attention"):
        s = sub.add_parser(name)
        s.add_argument("--device", choices=["cpu", "cuda"], default=default_device)
        s.add_argument("--dtype", choices=list(DTYPES), default="bf16" if default_device == "cuda" else "fp32",
                       help="element type (attention on the CPU always uses fp32)")
        s.add_argument("--reps", type=int, default=20 if default_device == "cuda" else 5)
    ln, at = sub.choices["layernorm"], sub.choices["attention"]
    ln.add_argument("--rows", type=int, default=None, help="rows (tokens); default 16384 on a GPU, 2048 on the CPU")
    ln.add_argument("--widths", type=positive_ints, default=[1024, 2048], help="comma-separated row widths")
    at.add_argument("--versions", type=positive_ints, default=list(VERSIONS),
                    help="comma-separated kernel versions (GPU only)")
    at.add_argument("--head-dims", type=positive_ints, default=None, help="default 64,128 on a GPU, 64 on the CPU")
    at.add_argument("--seqs", type=positive_ints, default=None,
                    help="sequence lengths; default 512,2048,8192 on a GPU, 512 on the CPU")
    at.add_argument("--tokens", type=int, default=None, help="B x T per step; default 16384 on a GPU, 512 on the CPU")
    at.add_argument("--width", type=int, default=None, help="H x D; default 2048 (phi-1) on a GPU, 512 on the CPU")
    args = p.parse_args(argv)
    if args.which == "smoke":
        sys.exit(smoke(args))
    if args.which == "resources":
        return resources(args)
    if args.device == "cuda" and not torch.cuda.is_available():
        p.error("--device cuda, but torch sees no GPU")
    if args.reps < 1 or any(getattr(args, a, 1) is not None and getattr(args, a, 1) < 1
                            for a in ("rows", "tokens", "width")):
        p.error("--reps, --rows, --tokens and --width must be positive")
    if args.which == "attention" and any(v not in VERSIONS for v in args.versions):
        p.error(f"--versions: the kernel versions are {VERSIONS}")
    if args.device == "cpu" and args.dtype != "fp32" and args.which == "layernorm":
        print("note: on the CPU, 16-bit LayerNorm runs the scalar C++ loops (not the target of this bench)",
              file=sys.stderr)
    (bench_layernorm if args.which == "layernorm" else bench_attention)(args)


if __name__ == "__main__":
    main()
