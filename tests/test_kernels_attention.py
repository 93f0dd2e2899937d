"""Tests of kernels.attention: the tiled attention kernels against float64 naive attention.

Three layers, from what runs everywhere to what needs a GPU:
  * the C++ CPU kernel (kernels/csrc/attention_cpu.cpp) in float64 and float32, forward and
    backward, called directly and through the autograd Function, and the PyTorch twin;
  * the CUDA kernels' device code (kernels/csrc/attention.cu), compiled with g++ on top of
    kernels/csrc/attention_emu.h and run on the CPU in fp16 and bf16 (what that covers and what it
    does not is written in attention_emu.h);
  * the CUDA kernels on a GPU (skipped without one; bench/gpu.sh runs them).
The reference everywhere: softmax(q k^T / sqrt(D) + causal mask) v in float64, and its gradients
from autograd. Shapes cover T = 1, T not a multiple of the 64-row tile, several tiles, several
batches and heads, head dims 32, 64, 128 (and odd ones on the CPU), causal and not.
"""
import math
import os
import shutil
import subprocess

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import kernels
from kernels.attention import attention_reference
from kernels.build import extension

CSRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "kernels", "csrc")

# (B, H, T, D): one row; T below, across and at tile edges (tiles are 64 rows); the three CUDA
# head dims. The CPU kernel takes any D, so two odd ones are added there.
SHAPES = [(1, 1, 1, 64), (2, 3, 37, 64), (1, 2, 130, 32), (2, 2, 65, 128), (1, 1, 128, 64)]
CPU_ONLY_SHAPES = [(1, 1, 200, 24), (2, 1, 64, 8)]


def scores(q, k, causal):
    """q k^T / sqrt(D), -inf where row i would see a key j > i."""
    s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        T = q.shape[-2]
        hidden = torch.ones(T, T, dtype=torch.bool, device=q.device).triu(1)
        s = s.masked_fill(hidden, float("-inf"))
    return s


def naive(q, k, v, causal):
    """softmax(q k^T / sqrt(D) + mask) v, written out: the float64 reference."""
    return torch.softmax(scores(q, k, causal), dim=-1) @ v


def reference(q, k, v, dout, causal):
    """o, lse, dq, dk, dv of naive attention in float64, for inputs of any dtype."""
    q, k, v = (t.detach().double().requires_grad_() for t in (q, k, v))
    o = naive(q, k, v, causal)
    dq, dk, dv = torch.autograd.grad(o, (q, k, v), dout.double())
    lse = torch.logsumexp(scores(q.detach(), k.detach(), causal), dim=-1)
    return {"o": o.detach(), "lse": lse, "dq": dq, "dk": dk, "dv": dv}


def assert_close(name, got, want, atol):
    """Fail with the max difference and the first few mismatching values."""
    got, want = got.detach().double().cpu(), want.detach().double().cpu().reshape(got.shape)
    diff = (got - want).abs()
    bad = (diff > atol) | ~torch.isfinite(got)
    if bad.any():
        idx = bad.nonzero()[:5].tolist()
        rows = ", ".join(f"{tuple(i)}: got {got[tuple(i)].item():.6g} "
                         f"want {want[tuple(i)].item():.6g}" for i in idx)
        pytest.fail(f"{name}: max |diff| {diff.max().item():.3g} > {atol:.3g} "
                    f"({int(bad.sum())} of {bad.numel()} values); first: {rows}")


def random_qkv(shape, dtype, device="cpu", seed=0):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(shape, generator=g, dtype=torch.float64).to(device=device, dtype=dtype)
            for _ in range(4)]  # q, k, v, dout


# ----------------------------------------------------------------------------------------------
# the C++ CPU kernel

@pytest.fixture(scope="module")
def ext():
    """The compiled extension, shared by every test in this file (one build per session)."""
    if os.environ.get("PHI1_NO_KERNELS", "") not in ("", "0"):
        pytest.skip("PHI1_NO_KERNELS is set")
    if shutil.which("c++") is None and shutil.which("g++") is None:
        pytest.skip("no C++ compiler: the extension cannot be built here")
    e = extension()
    if e is None:  # a compiler is there, so a failed build is a bug
        pytest.fail(f"the kernels extension did not build: {kernels.backend()}")
    return e


@pytest.mark.parametrize("causal", [True, False], ids=["causal", "full"])
@pytest.mark.parametrize("shape", SHAPES + CPU_ONLY_SHAPES, ids=str)
def test_cpu_kernel_float64(ext, shape, causal):
    # float64 in, float64 accumulation: the only differences from the reference are the order of
    # the sums and the online softmax's rescaling, a few ulps of values of size ~1-10
    # (measured ~2e-15); 1e-11 leaves room while any indexing or masking error is >= 1e-3.
    q, k, v, dout = random_qkv(shape, torch.float64)
    scale = 1.0 / math.sqrt(shape[-1])
    o, lse = ext.attention_fwd(q, k, v, causal, scale)
    dq, dk, dv = ext.attention_bwd(dout, q, k, v, o, lse, causal, scale)
    want = reference(q, k, v, dout, causal)
    for name, got in [("o", o), ("lse", lse), ("dq", dq), ("dk", dk), ("dv", dv)]:
        assert_close(name, got, want[name], 1e-11)


@pytest.mark.parametrize("causal", [True, False], ids=["causal", "full"])
@pytest.mark.parametrize("shape", [(2, 3, 37, 64), (1, 2, 130, 32), (2, 2, 65, 128)], ids=str)
def test_cpu_kernel_float32(ext, shape, causal):
    # float32 accumulation (as on the GPU): eps 6e-8 per operation, sums of up to 130 terms of
    # size ~1 in S, P V, dP and dS: a few 1e-6 (measured <= 2e-6); tolerance 2e-5.
    q, k, v, dout = random_qkv(shape, torch.float32)
    scale = 1.0 / math.sqrt(shape[-1])
    o, lse = ext.attention_fwd(q, k, v, causal, scale)
    assert o.dtype == torch.float32 and lse.dtype == torch.float32 and lse.shape == shape[:3]
    dq, dk, dv = ext.attention_bwd(dout, q, k, v, o, lse, causal, scale)
    want = reference(q, k, v, dout, causal)
    for name, got in [("o", o), ("lse", lse), ("dq", dq), ("dk", dk), ("dv", dv)]:
        assert_close(name, got, want[name], 2e-5)


@pytest.mark.parametrize("causal", [True, False], ids=["causal", "full"])
def test_autograd_function_matches_sdpa(ext, causal):
    # kernels.attention end to end (autograd Function, non-contiguous inputs made contiguous)
    # against PyTorch's own scaled_dot_product_attention, in float64.
    B, H, T, D = 2, 3, 77, 32
    g = torch.Generator().manual_seed(1)
    leaves = [torch.randn(B, T, H, D, generator=g, dtype=torch.float64, requires_grad=True)
              for _ in range(3)]
    q, k, v = (t.transpose(1, 2) for t in leaves)  # (B, H, T, D) views, as phi1.py makes them
    assert not q.is_contiguous()
    o = kernels.attention(q, k, v, causal=causal)
    want = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    assert o.shape == (B, H, T, D) and o.dtype == torch.float64
    assert_close("o", o, want, 1e-11)
    dout = torch.randn(o.shape, generator=g, dtype=torch.float64)
    got = torch.autograd.grad(o, leaves, dout)
    exp = torch.autograd.grad(want, leaves, dout)
    for name, a, b in zip(["dq", "dk", "dv"], got, exp):
        assert_close(name, a, b, 1e-11)


def test_gradcheck(ext):
    # finite differences, independent of any reference implementation
    g = torch.Generator().manual_seed(2)
    q, k, v = (torch.randn(1, 2, 11, 8, generator=g, dtype=torch.float64, requires_grad=True)
               for _ in range(3))
    assert torch.autograd.gradcheck(lambda a, b, c: kernels.attention(a, b, c, causal=True),
                                    (q, k, v))


def test_backward_is_deterministic(ext):
    q, k, v, dout = random_qkv((2, 2, 150, 64), torch.float32, seed=3)
    scale = 1 / 8
    o, lse = ext.attention_fwd(q, k, v, True, scale)
    first = ext.attention_bwd(dout, q, k, v, o, lse, True, scale)
    second = ext.attention_bwd(dout, q, k, v, o, lse, True, scale)
    for a, b in zip(first, second):
        assert torch.equal(a, b)


def test_entry_points_reject_bad_input(ext):
    q = torch.randn(1, 2, 10, 16)
    with pytest.raises(RuntimeError, match="same shape"):
        ext.attention_fwd(q, q[:, :, :5].contiguous(), q, True, 0.25)
    with pytest.raises(RuntimeError, match="contiguous"):
        ext.attention_fwd(q.transpose(2, 3), q.transpose(2, 3), q.transpose(2, 3), True, 0.25)
    with pytest.raises(RuntimeError, match="float32 or float64"):
        h = q.half()
        ext.attention_fwd(h, h, h, True, 0.25)
    with pytest.raises(ValueError, match=r"\(B, H, T, D\)"):
        kernels.attention(q[0], q[0], q[0])
    with pytest.raises(ValueError, match="share dtype"):
        kernels.attention(q, q.double(), q)
    with pytest.raises(ValueError, match="version must be one of"):
        kernels.attention(q, q, q, version=3)
    with pytest.raises(RuntimeError, match="version must be 1 or 2"):
        ext.attention_fwd(q, q, q, True, 0.25, 0)


def test_version_picks_the_cuda_kernel_only(ext):
    # CPU tensors run attention_cpu.cpp whatever the version: the same bits for 1 and 2; the CUDA
    # check says in words why a CPU tensor gets no CUDA kernel.
    q, k, v, dout = random_qkv((1, 2, 70, 32), torch.float64, seed=15)
    o1 = kernels.attention(q, k, v, version=1)
    o2 = kernels.attention(q, k, v, version=2)
    assert torch.equal(o1, o2)
    assert kernels.attention.__defaults__ == (True, None)
    from kernels.attention import DEFAULT_VERSION
    assert DEFAULT_VERSION == 1, "the default moves only after a version passed on a GPU"
    assert ext.attention_cuda_check(q, 2) in ("q is not a CUDA tensor",
                                              "the extension was built without CUDA")


def test_unsupported_cases_fall_back_to_the_twin(ext, capfd):
    # bf16 on the CPU has no kernel: the twin runs (fp32 softmax), with one line on stderr
    q, k, v, _ = random_qkv((1, 2, 20, 16), torch.bfloat16, seed=4)
    o = kernels.attention(q, k, v)
    assert o.dtype == torch.bfloat16
    assert "attention_reference" in capfd.readouterr().err
    want = naive(q.double(), k.double(), v.double(), True)
    # the only error left is rounding the fp32 result to bf16: half an ulp, 2^-8 relative
    assert_close("o (bf16 twin)", o, want, 2 * 2 ** -8 * want.abs().max().item())
    # T = 0: what SDPA returns, an empty (B, H, 0, D) tensor
    e = torch.randn(2, 3, 0, 16)
    assert kernels.attention(e, e, e).shape == (2, 3, 0, 16)


def test_a_card_too_small_gets_the_twin_before_the_forward():
    # kernels.attention asks the extension whether the card can run the version (compute
    # capability, cudaDevAttrMaxSharedMemoryPerBlockOptin) before it starts; a refusal becomes the
    # reason for the twin (printed once by kernels.attention). Stand-ins for a CUDA tensor and the
    # extension, since no GPU is needed to check the decision itself.
    import importlib
    import types
    attention_module = importlib.import_module("kernels.attention")  # the module, not the function
    asked = []

    class Ext:
        def with_cuda(self):
            return True

        def attention_cuda_check(self, q, version):
            asked.append(version)
            return "" if version == 1 else "version 2 at head dim 128 needs 70144 bytes of shared " \
                                             "memory per block, this GPU (sm_75) allows 65536"

    q = types.SimpleNamespace(shape=(1, 2, 10, 128), is_cuda=True, dtype=torch.bfloat16,
                              device=types.SimpleNamespace(index=7, type="cuda"), numel=lambda: 2560)
    attention_module._cuda_checked.clear()
    try:
        assert attention_module._why_no_kernel(Ext(), q, q, q, 1) is None
        why = attention_module._why_no_kernel(Ext(), q, q, q, 2)
        assert why.startswith("version 2 at head dim 128 needs 70144 bytes")
        assert attention_module._why_no_kernel(Ext(), q, q, q, 2) == why
        assert asked == [1, 2], "the answer is kept per (device, version, head dim)"
    finally:
        attention_module._cuda_checked.clear()


@pytest.mark.parametrize("causal", [True, False], ids=["causal", "full"])
def test_reference_twin_matches_sdpa(causal):
    # the twin is what runs without the extension, so it is held to SDPA too (no extension needed)
    q, k, v, _ = random_qkv((2, 3, 45, 32), torch.float64, seed=5)
    assert_close("attention_reference", attention_reference(q, k, v, causal),
                 F.scaled_dot_product_attention(q, k, v, is_causal=causal), 1e-12)
    # T_q != T_k: the twin follows SDPA's top-left-aligned causal mask
    assert_close("attention_reference (Tq < Tk)", attention_reference(q[:, :, :7], k, v, causal),
                 F.scaled_dot_product_attention(q[:, :, :7], k, v, is_causal=causal), 1e-12)


# ----------------------------------------------------------------------------------------------
# the CUDA kernels' device code, emulated on the CPU

KERNEL_FILES = {1: "attention.cu", 2: "attention_v2.cu"}
EMU_CASES = [  # (dtype, B, H, T, D, causal): T = 1, below / across / at the 64- and 128-row tiles
    ("half", 1, 1, 1, 64, True), ("bf16", 2, 3, 37, 64, True), ("half", 1, 2, 130, 32, True),
    ("bf16", 2, 2, 65, 128, True), ("half", 1, 1, 200, 64, True), ("bf16", 1, 1, 128, 128, True),
    ("half", 1, 1, 130, 64, False), ("bf16", 1, 2, 37, 32, False), ("half", 1, 1, 200, 128, False),
    ("bf16", 2, 1, 129, 64, False), ("half", 1, 1, 64, 32, False),
]
EPS = {"half": 2.0 ** -10, "bf16": 2.0 ** -7}  # machine epsilon of fp16 / bf16
FP16_MAX = 65504.0
# cudaDevAttrMaxSharedMemoryPerBlockOptin of each architecture (attention_emu.h has the same table)
SMEM_OPTIN = {"sm_80": 166912, "sm_86": 101376, "sm_89": 101376, "sm_90": 232448, "sm_120": 101376}


def emu_program(version, edit=None):
    """The text of the emulated program: a kernel file's device code between the two halves of
    attention_emu.h. edit(text) -> text changes the device code (for the tests that break it)."""
    src = open(os.path.join(CSRC, KERNEL_FILES[version])).read()
    device = src[src.index("// ---- device code"):src.index("// ---- host side")]
    if edit is not None:
        device = edit(device)
    return (f'#define PHI1_EMU_VERSION {version}\n#include "attention_emu.h"\n' + device +
            '\n#define PHI1_EMU_RUNNER\n#include "attention_emu.h"\n')


def compile_emu(directory, name, program, sanitize=False):
    """g++ -std=c++20 the program into directory/name; returns (path, compiler stderr or None)."""
    gxx = shutil.which("g++")
    if gxx is None:
        pytest.skip("no g++ to build the CUDA emulation")
    major = int(subprocess.run([gxx, "-dumpversion"], capture_output=True, text=True).stdout
                .split(".")[0] or 0)
    if major < 12:
        pytest.skip(f"the CUDA emulation needs g++ >= 12 (C++20 <barrier>, _Float16), found {major}")
    src, exe = directory / f"{name}.cpp", directory / name
    src.write_text(program)
    flags = ["-std=c++20", "-O1", "-pthread", "-fno-strict-aliasing", "-Wno-unknown-pragmas"]
    if sanitize:
        flags += ["-g", "-fsanitize=thread"]
    r = subprocess.run([gxx, *flags, "-I", CSRC, str(src), "-o", str(exe)], capture_output=True,
                       text=True)
    return exe, (None if r.returncode == 0 else r.stderr[-3000:])


@pytest.fixture(scope="module")
def emu_binaries(tmp_path_factory):
    """{version: path} of each kernel file's device code + attention_emu.h, built once."""
    d = tmp_path_factory.mktemp("attention_emu")
    out = {}
    for version in KERNEL_FILES:
        exe, err = compile_emu(d, f"attention_emu_v{version}", emu_program(version))
        assert err is None, f"the emulated CUDA source (version {version}) does not compile:\n{err}"
        out[version] = exe
    return out


def run_emulated(exe, directory, dtype, shape, causal, inputs, arch="sm_90", env=None):
    """Write q, k, v, dout (float32, already rounded to dtype), run the emulated kernels, and return
    (CompletedProcess, {o, lse, dq, dk, dv} as float64 tensors or None when it failed)."""
    for name, t in zip(["q", "k", "v", "dout"], inputs):
        t.float().numpy().tofile(directory / f"{name}.f32")
    B, H, T, D = shape
    r = subprocess.run([str(exe), arch, dtype, str(B), str(H), str(T), str(D), str(int(causal)),
                        str(directory)], capture_output=True, text=True, timeout=600,
                       env=None if env is None else dict(os.environ, **env))
    if r.returncode != 0:
        return r, None
    got = {}
    for name in ["o", "lse", "dq", "dk", "dv"]:
        flat = torch.from_numpy(np.fromfile(directory / f"{name}.f32", dtype=np.float32))
        got[name] = flat.double().view(shape[:3] if name == "lse" else shape)
    return r, got


def rounded_inputs(dtype, shape, seed, q_mult=1.0, v_mult=1.0, dout_mult=1.0):
    """q, k, v, dout (standard normal times the multipliers) rounded to the 16-bit type (as
    float32), so the float64 reference sees exactly what the kernels see."""
    tdt = torch.float16 if dtype == "half" else torch.bfloat16
    q, k, v, dout = random_qkv(shape, torch.float64, seed=seed)
    return [(t * m).to(tdt).float() for t, m in ((q, q_mult), (k, 1), (v, v_mult), (dout, dout_mult))]


def check_against_reference(got, inputs, causal, dtype, eps_mult=2.0):
    # Rounding left after the 16-bit inputs: P and dS rounded to 16 bits before their tensor-core
    # matmuls (as FlashAttention-2 does), the outputs rounded to 16 bits, fp32 sums. Each is a
    # relative error of <= eps/2 on its term; tolerance 2 eps of the largest |value| (measured
    # <= eps/2 on these shapes). lse is kept in fp32: 1e-5 of max(1, max |lse|).
    want = reference(*inputs, causal)
    for name in ["o", "lse", "dq", "dk", "dv"]:
        top = want[name].abs().max().item()
        atol = (1e-5 if name == "lse" else eps_mult * EPS[dtype]) * max(top, 1.0)
        assert_close(f"{name} ({dtype})", got[name], want[name], atol)
    return want


@pytest.mark.parametrize("version", [1, 2], ids=["v1", "v2"])
@pytest.mark.parametrize("case", EMU_CASES,
                         ids=lambda c: f"{c[0]}-{c[1:5]}-{'causal' if c[5] else 'full'}")
def test_cuda_device_code_emulated(emu_binaries, tmp_path, case, version):
    dtype, B, H, T, D, causal = case
    inputs = rounded_inputs(dtype, (B, H, T, D), seed=6)
    r, got = run_emulated(emu_binaries[version], tmp_path, dtype, (B, H, T, D), causal, inputs)
    assert got is not None, f"emulated kernels failed: {r.stderr.strip()[-2000:]}"
    check_against_reference(got, inputs, causal, dtype)


@pytest.mark.parametrize("version", [1, 2], ids=["v1", "v2"])
@pytest.mark.parametrize("dtype", ["half", "bf16"])
def test_emulated_large_logits(emu_binaries, tmp_path, version, dtype):
    # q 40x larger: scores up to ~300 (in bf16 and fp16 alike), so exp(S) would overflow fp32
    # without the running max; the softmax is nearly one-hot and the online rescaling (alpha) is
    # exercised with large jumps between tiles. The same relative tolerance must hold.
    inputs = rounded_inputs(dtype, (1, 2, 150, 64), seed=9, q_mult=40.0)
    r, got = run_emulated(emu_binaries[version], tmp_path, dtype, (1, 2, 150, 64), True, inputs)
    assert got is not None, r.stderr.strip()[-2000:]
    want = check_against_reference(got, inputs, True, dtype)
    assert want["lse"].abs().max() > 100, "the test meant scores in the hundreds"


@pytest.mark.parametrize("version", [1, 2], ids=["v1", "v2"])
def test_emulated_fp16_ds_near_overflow(emu_binaries, tmp_path, version):
    # dS = P * (dP - D) is rounded to fp16 before dK = dS^T Q and dQ = dS K. With v and dout scaled
    # so that max |dS| is 55% of fp16's largest value (65504) while dP itself goes past it (up to
    # ~1.5e5: a kernel that rounded dP, or P * dP, to fp16 on the way would overflow), and every
    # input and gradient still fits fp16 (dout ~4.5e3, grads ~1.6e4): ours keeps fp32 until that
    # one rounding, so the usual tolerance holds.
    shape, causal = (1, 1, 96, 64), False
    base = rounded_inputs("half", shape, seed=10, v_mult=16.0)
    q, k, v, dout = (t.double() for t in base)
    p = torch.softmax(scores(q, k, causal), dim=-1)
    dp = dout @ v.transpose(-2, -1)
    ds = p * (dp - (dout * (p @ v)).sum(-1, keepdim=True))
    mult = 0.55 * FP16_MAX / ds.abs().max().item()
    inputs = rounded_inputs("half", shape, seed=10, v_mult=16.0, dout_mult=mult)
    want = reference(*inputs, causal)
    assert max(want[n].abs().max().item() for n in ("dq", "dk", "dv")) < FP16_MAX / 2 and \
        inputs[3].abs().max() < FP16_MAX / 4, "inputs and gradients must fit fp16 comfortably"
    assert (inputs[3].double() @ inputs[2].double().transpose(-2, -1)).abs().max() > FP16_MAX, \
        "dP is meant to exceed fp16's range"
    r, got = run_emulated(emu_binaries[version], tmp_path, "half", shape, causal, inputs)
    assert got is not None, r.stderr.strip()[-2000:]
    check_against_reference(got, inputs, causal, "half")


def test_emulation_catches_a_wrong_fragment_layout(tmp_path):
    # The emulated mma.sync assembles A from the 32 lanes by the PTX layout, so putting P's pairs
    # in the wrong A registers (rows g+8 where columns 8-15 belong) must give wrong outputs: proof
    # that the emulation checks the layouts rather than only the arithmetic.
    def swap(device):
        good = "pa[m][n / 2][h + 2 * (n % 2)] = ptx::pack2<T>(p0, p1);"
        assert good in device
        return device.replace(good, "pa[m][n / 2][2 * h + n % 2] = ptx::pack2<T>(p0, p1);")
    exe, err = compile_emu(tmp_path, "broken_layout", emu_program(2, swap))
    assert err is None, err
    inputs = rounded_inputs("half", (1, 1, 70, 32), seed=11)
    r, got = run_emulated(exe, tmp_path, "half", (1, 1, 70, 32), True, inputs)
    assert got is not None, r.stderr
    want = reference(*inputs, True)
    assert (got["o"] - want["o"]).abs().max() > 0.05, "a misplaced fragment register went unnoticed"


@pytest.mark.parametrize("arch", ["sm_80", "sm_86", "sm_89", "sm_90", "sm_120"])
def test_emulation_enforces_each_architectures_shared_memory_limit(emu_binaries, arch):
    exe = emu_binaries[2]
    limit = SMEM_OPTIN[arch]
    ok = subprocess.run([str(exe), arch, "smem", str(limit)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    over = subprocess.run([str(exe), arch, "smem", str(limit + 1)], capture_output=True, text=True)
    assert over.returncode != 0 and f"{arch} allows {limit}" in over.stderr, over.stderr


@pytest.mark.parametrize("version", [1, 2], ids=["v1", "v2"])
@pytest.mark.parametrize("arch", ["sm_86", "sm_89", "sm_120"])
def test_head_dim_128_fits_the_99_kib_cards(emu_binaries, tmp_path, version, arch):
    # RTX 30xx/40xx/50xx, A10, L4, L40 allow 101,376 bytes per block; version 1's backward once
    # asked for 113,152 at D = 128. Forward and backward must both launch (the emulation refuses
    # a launch over the limit) and be right.
    inputs = rounded_inputs("bf16", (1, 1, 70, 128), seed=12)
    r, got = run_emulated(emu_binaries[version], tmp_path, "bf16", (1, 1, 70, 128), True, inputs,
                          arch=arch)
    assert got is not None, r.stderr.strip()[-2000:]
    check_against_reference(got, inputs, True, "bf16")


TSAN_CASES = [(1, "half", (1, 1, 70, 32), True), (2, "half", (1, 1, 70, 32), True),
              (2, "bf16", (1, 1, 40, 64), False)]


@pytest.fixture(scope="module")
def tsan_binaries(tmp_path_factory):
    """The emulated programs built with -fsanitize=thread (skipped if the toolchain lacks TSan)."""
    d = tmp_path_factory.mktemp("attention_tsan")
    out = {}
    for version in KERNEL_FILES:
        exe, err = compile_emu(d, f"attention_tsan_v{version}", emu_program(version), sanitize=True)
        if err is not None and "tsan" in err.lower():
            pytest.skip(f"this g++ cannot build with ThreadSanitizer: {err.splitlines()[-1]}")
        assert err is None, err
        out[version] = exe
    return out


TSAN_ENV = {"TSAN_OPTIONS": "halt_on_error=1:exitcode=66"}


@pytest.mark.parametrize("case", TSAN_CASES, ids=lambda c: f"v{c[0]}-{c[1]}-{c[2]}-{c[3]}")
def test_emulated_kernels_have_no_data_race(tsan_binaries, tmp_path, case):
    # ThreadSanitizer over the 128 threads of each block: a shared-memory access by one lane that
    # another lane wrote without a barrier in between (shuffles, mma and ldmatrix give no ordering
    # in the emulation, as on the GPU) is reported, and the run exits 66.
    version, dtype, shape, causal = case
    inputs = rounded_inputs(dtype, shape, seed=13)
    r, got = run_emulated(tsan_binaries[version], tmp_path, dtype, shape, causal, inputs,
                          env=TSAN_ENV)
    assert got is not None, f"exit {r.returncode}:\n{r.stderr[-3000:]}"
    check_against_reference(got, inputs, causal, dtype)


def test_thread_sanitizer_sees_a_missing_barrier(tsan_binaries, tmp_path):
    # The check above can fail: without the __syncthreads that publishes a cp.async tile, another
    # thread's ldmatrix reads the tile while its copier writes it, and TSan says so.
    def drop_barrier(device):
        line = "    __syncthreads();  // tile it is visible to all"
        assert line in device
        return device.replace(line, "    // barrier removed", 1)
    exe, err = compile_emu(tmp_path, "no_barrier", emu_program(2, drop_barrier), sanitize=True)
    assert err is None, err
    inputs = rounded_inputs("half", (1, 1, 70, 32), seed=14)
    r, _ = run_emulated(exe, tmp_path, "half", (1, 1, 70, 32), True, inputs, env=TSAN_ENV)
    assert r.returncode == 66 and "data race" in r.stderr, r.stderr[-2000:]


# ----------------------------------------------------------------------------------------------
# the CUDA kernels on a GPU

needs_gpu = pytest.mark.skipif(not torch.cuda.is_available(),
                               reason="needs a CUDA GPU (bench/gpu.sh runs these on one)")


@needs_gpu
@pytest.mark.parametrize("version", [1, 2], ids=["v1", "v2"])
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=["half", "bf16"])
@pytest.mark.parametrize("causal", [True, False], ids=["causal", "full"])
@pytest.mark.parametrize("shape", SHAPES + [(1, 4, 1000, 64), (4, 8, 512, 64)], ids=str)
def test_cuda_kernel(ext, shape, causal, dtype, version):
    # Same tolerance and reasoning as the emulated test; and the kernel's error may not exceed
    # twice that of F.scaled_dot_product_attention in the same dtype (FlashAttention's own test).
    if not ext.with_cuda():
        pytest.fail("a GPU is present but the extension was built without CUDA")
    why = ext.attention_cuda_check(torch.empty(1, 1, 1, shape[-1], device="cuda"), version)
    if why:
        pytest.skip(f"this GPU cannot run version {version} here: {why}")
    q, k, v, dout = (t.to(dtype).requires_grad_()
                     for t in random_qkv(shape, torch.float64, "cuda", seed=7))
    o = kernels.attention(q, k, v, causal=causal, version=version)
    got = dict(zip(["dq", "dk", "dv"], torch.autograd.grad(o, (q, k, v), dout)), o=o)
    o_sdpa = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    sdpa = dict(zip(["dq", "dk", "dv"], torch.autograd.grad(o_sdpa, (q, k, v), dout)), o=o_sdpa)
    want = reference(q, k, v, dout, causal)
    eps = 2.0 ** -10 if dtype == torch.float16 else 2.0 ** -7
    for name in ["o", "dq", "dk", "dv"]:
        top = max(want[name].abs().max().item(), 1.0)
        assert_close(name, got[name], want[name], 2 * eps * top)
        err = (got[name].double() - want[name]).abs().max().item()
        err_sdpa = (sdpa[name].double() - want[name]).abs().max().item()
        assert err <= 2 * err_sdpa + eps * top / 4, \
            f"{name}: error {err:.3g}, more than twice SDPA's {err_sdpa:.3g}"


@needs_gpu
@pytest.mark.parametrize("version", [1, 2], ids=["v1", "v2"])
def test_cuda_lse_and_determinism(ext, version):
    q, k, v, dout = (t.to(torch.bfloat16)
                     for t in random_qkv((2, 4, 300, 64), torch.float64, "cuda", seed=8))
    o, lse = ext.attention_fwd(q, k, v, True, 0.125, version)
    assert lse.dtype == torch.float32
    assert_close("lse", lse, reference(q, k, v, dout, True)["lse"], 1e-3)
    first = ext.attention_bwd(dout, q, k, v, o, lse, True, 0.125, version)
    second = ext.attention_bwd(dout, q, k, v, o, lse, True, 0.125, version)
    for a, b in zip(first, second):
        assert torch.equal(a, b), "the backward is meant to be bitwise reproducible (no atomics)"


@needs_gpu
def test_cuda_check_reports_the_cards_limits(ext):
    # every version at every head dim fits an sm_80+ card's opt-in shared memory (the largest ask
    # is under the 99 KiB of sm_86/89/120); an older card and an unsupported head dim are refused
    # in words
    if torch.cuda.get_device_capability()[0] < 8:
        assert "needs sm_80" in ext.attention_cuda_check(torch.empty(1, 1, 1, 64, device="cuda"), 1)
        return
    for version in (1, 2):
        for D in (32, 64, 128):
            assert ext.attention_cuda_check(torch.empty(1, 1, 1, D, device="cuda"), version) == ""
        assert "head dim" in ext.attention_cuda_check(torch.empty(1, 1, 1, 48, device="cuda"), version)
