"""Checkpoints: every format phi1 reads gives transformers' logits, what phi1 writes transformers reads,
and every way a checkpoint can be wrong gives its own clear one-line error.

What this covers: the Hugging Face format (one file, sharded with an index, pytorch_model.bin), the
older MixFormer format (built here by renaming and fusing a Hugging Face state dict as docs/paper.md
describes), phi1's own training checkpoints (*.pt), load-time dtype, save_pretrained read back by
transformers, and the `python phi1.py sample` command line.
What it does not: a real microsoft/phi-1 download (no network here).
"""
import json
import math
import os
import subprocess
import sys
from dataclasses import asdict

import pytest
import torch
from safetensors.torch import load_file, save_file

import phi1
from test_model import randomize_  # O(1) random weights, shared with the logits tests

transformers = pytest.importorskip("transformers")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOL = 1e-4  # fp32; same arithmetic in another order (see tests/test_model.py)


def random_hf(vocab=300, width=96, heads=3, inner=200, layers=2, seed=0):
    """transformers' PhiForCausalLM with O(1) random weights (its own init makes all logits ~0)."""
    hc = transformers.PhiConfig(vocab_size=vocab, hidden_size=width, intermediate_size=inner,
                                num_hidden_layers=layers, num_attention_heads=heads, partial_rotary_factor=0.5,
                                max_position_embeddings=128, bos_token_id=None, eos_token_id=None)
    hf = transformers.PhiForCausalLM(hc).eval()
    randomize_(hf, seed)
    return hf


IDX = torch.randint(0, 300, (2, 19), generator=torch.Generator().manual_seed(1))


def logits(model, idx=IDX):
    with torch.no_grad():
        out = model(idx)
    return (out.logits if hasattr(out, "logits") else out[0]).float()


def assert_close(got, want, tol=TOL):
    diff = (got - want).abs()
    if diff.max() > tol:
        i = tuple(int(j) for j in torch.unravel_index(diff.argmax(), diff.shape))
        raise AssertionError(f"max abs difference {diff.max():.3e} > {tol:.0e}, worst at {i}: "
                             f"{got[i].item():.6f} vs {want[i].item():.6f}")


@pytest.fixture(scope="module")
def hf_model():
    return random_hf()


@pytest.fixture(scope="module")
def hf_dir(hf_model, tmp_path_factory):
    d = tmp_path_factory.mktemp("hf")
    hf_model.save_pretrained(d)
    return d


def write_config(d, cfg):
    (d / "config.json").write_text(json.dumps(cfg))


# -----------------------------------------------------------------------------
# formats that load


def test_hf_format(hf_model, hf_dir):
    m = phi1.Phi.from_pretrained(str(hf_dir))
    c = m.config
    assert (c.vocab_size, c.n_embd, c.n_head, c.n_inner, c.n_layer, c.rotary_dim) == (300, 96, 3, 200, 2, 16)
    assert_close(logits(m), logits(hf_model))


def test_hf_sharded_with_index(hf_model, tmp_path):
    hf_model.save_pretrained(tmp_path, max_shard_size="100KB")
    with open(tmp_path / "model.safetensors.index.json") as f:
        shards = set(json.load(f)["weight_map"].values())
    assert len(shards) > 2 and not (tmp_path / "model.safetensors").exists()
    assert_close(logits(phi1.Phi.from_pretrained(str(tmp_path))), logits(hf_model))


def test_pytorch_model_bin(hf_model, hf_dir, tmp_path):
    (tmp_path / "config.json").write_bytes((hf_dir / "config.json").read_bytes())
    torch.save(hf_model.state_dict(), tmp_path / "pytorch_model.bin")
    assert_close(logits(phi1.Phi.from_pretrained(str(tmp_path))), logits(hf_model))


def to_mixformer(state, n_layer):
    """PhiForCausalLM names -> MixFormer's (docs/paper.md): layers.0 = embedding, layers.1..N = blocks with
    q, k, v fused row-wise into Wqkv, layers.N+1 = final LayerNorm + lm_head."""
    out = {"layers.0.wte.weight": state["model.embed_tokens.weight"]}
    for i in range(n_layer):
        src, dst = f"model.layers.{i}.", f"layers.{i + 1}."
        for p in ("weight", "bias"):
            out[dst + f"mixer.Wqkv.{p}"] = torch.cat([state[src + f"self_attn.{x}_proj.{p}"] for x in "qkv"], dim=0)
            out[dst + f"mixer.out_proj.{p}"] = state[src + f"self_attn.dense.{p}"]
            out[dst + f"ln.{p}"] = state[src + f"input_layernorm.{p}"]
            out[dst + f"mlp.fc1.{p}"] = state[src + f"mlp.fc1.{p}"]
            out[dst + f"mlp.fc2.{p}"] = state[src + f"mlp.fc2.{p}"]
        out[dst + "mixer.rotary_emb.inv_freq"] = torch.ones(8)  # a buffer some exports carry
    for p in ("weight", "bias"):
        out[f"layers.{n_layer + 1}.ln.{p}"] = state[f"model.final_layernorm.{p}"]
        out[f"layers.{n_layer + 1}.linear.{p}"] = state[f"lm_head.{p}"]
    return {k: v.contiguous() for k, v in out.items()}


MIXFORMER_CONFIG = {"model_type": "mixformer-sequential", "architectures": ["MixFormerSequentialForCausalLM"],
                    "vocab_size": 300, "n_embd": 96, "n_head": 3, "n_inner": 200, "n_layer": 2,
                    "rotary_dim": 16, "n_positions": 128, "layer_norm_epsilon": 1e-5,
                    "activation_function": "gelu_new"}


def test_mixformer_format(hf_model, tmp_path):
    state = to_mixformer(hf_model.state_dict(), 2)
    assert state["layers.1.mixer.Wqkv.weight"].shape == (288, 96)
    save_file(state, tmp_path / "model.safetensors")
    write_config(tmp_path, MIXFORMER_CONFIG)
    m = phi1.Phi.from_pretrained(str(tmp_path))
    assert_close(logits(m), logits(hf_model))


def test_dtype_at_load(hf_model, hf_dir):
    m = phi1.Phi.from_pretrained(str(hf_dir), dtype=torch.bfloat16)
    assert {p.dtype for p in m.parameters()} == {torch.bfloat16}
    # bf16 keeps 8 bits of mantissa (relative error 2^-9 per rounding) through 2 layers of O(1)
    # activations: the logits move by a few hundredths, far less than their spread
    got, want = logits(m), logits(hf_model)
    assert (got - want).abs().max() < 0.1 * want.std(), (got - want).abs().max()


def test_save_pretrained_reads_back_in_transformers(tmp_path):
    cfg = phi1.PhiConfig(vocab_size=300, n_layer=3, n_embd=120, n_inner=250, n_head=5, rotary_dim=12,
                         rope_theta=1000.0, block_size=64, ln_impl="torch")
    ours = phi1.Phi(cfg).eval()
    with torch.no_grad():  # O(1) weights: phi1's init is as flat as transformers'
        for name, p in ours.named_parameters():
            if name.endswith("bias") and "layernorm" not in name:
                p.normal_(0, 0.1)
            elif p.dim() == 2:
                p.normal_(0, 1 / math.sqrt(p.shape[1]) if "embed" not in name else 1.0)
    ours.save_pretrained(str(tmp_path))
    assert sorted(os.listdir(tmp_path)) == ["config.json", "model.safetensors"]  # no temp files left
    hf = transformers.PhiForCausalLM.from_pretrained(str(tmp_path)).eval()
    assert hf.config.rope_parameters["rope_theta"] == 1000.0
    assert_close(logits(hf), logits(ours))
    assert_close(logits(phi1.Phi.from_pretrained(str(tmp_path))), logits(ours), tol=0)


def test_training_checkpoint_pt(hf_model, tmp_path):
    """load_model reads phi1's training checkpoints: the model's state_dict and asdict(config), next to
    optimizer state and the rest (see save() in phi1.train)."""
    cfg = phi1.PhiConfig(vocab_size=300, n_layer=2, n_embd=96, n_inner=200, n_head=3, rotary_dim=16, block_size=128)
    path = tmp_path / "ckpt.pt"
    torch.save(dict(model=hf_model.state_dict(), config=asdict(cfg), step=7, optimizer={}), path)
    m = phi1.load_model(str(path))
    assert_close(logits(m), logits(hf_model))


# -----------------------------------------------------------------------------
# broken checkpoints: one clear line each


def breakers():
    """(name, function that breaks a copy of a good HF-format directory, expected message regex)."""
    def no_config(d):
        os.remove(d / "config.json")

    def no_weights(d):
        os.remove(d / "model.safetensors")

    def edit_state(fn):
        def f(d):
            state = load_file(d / "model.safetensors")
            fn(state)
            save_file(state, d / "model.safetensors")
        return f

    def edit_config(fn):
        def f(d):
            cfg = json.loads((d / "config.json").read_text())
            fn(cfg)
            write_config(d, cfg)
        return f

    def missing_shard(d):
        state = load_file(d / "model.safetensors")
        os.remove(d / "model.safetensors")
        names = sorted(state)
        half = {"a.safetensors": names[: len(names) // 2], "b.safetensors": names[len(names) // 2:]}
        save_file({k: state[k] for k in half["a.safetensors"]}, d / "a.safetensors")
        index = {"metadata": {}, "weight_map": {k: f for f, ks in half.items() for k in ks}}
        (d / "model.safetensors.index.json").write_text(json.dumps(index))

    def mixformer_unknown(d):
        state = to_mixformer(load_file(d / "model.safetensors"), 2)
        state["layers.1.mixer.extra.weight"] = torch.zeros(3)
        save_file(state, d / "model.safetensors")
        write_config(d, MIXFORMER_CONFIG)

    return [
        ("no config.json", no_config, r"no config\.json"),
        ("no weights", no_weights, r"no model\.safetensors, model\.safetensors\.index\.json or pytorch_model\.bin"),
        ("missing shard", missing_shard, r"shard b\.safetensors named in model\.safetensors\.index\.json is missing"),
        ("unknown key", edit_state(lambda s: s.update({"model.layers.0.self_attn.rotary.weight": torch.zeros(2)})),
         r"unknown key model\.layers\.0\.self_attn\.rotary\.weight"),
        ("shape mismatch", edit_state(lambda s: s.update({"model.layers.1.mlp.fc1.weight": torch.zeros(199, 96)})),
         r"model\.layers\.1\.mlp\.fc1\.weight has shape \(199, 96\) but the config expects \(200, 96\)"),
        ("missing tensor", edit_state(lambda s: s.pop("lm_head.bias")), r"missing 1 tensors, first lm_head\.bias"),
        ("config has more layers", edit_config(lambda c: c.update(num_hidden_layers=3)),
         r"config\.json says 3 layers but the weights have 2"),
        ("config has another vocab", edit_config(lambda c: c.update(vocab_size=320)),
         r"(lm_head|embed_tokens)\.(weight|bias) has shape \(300,( 96)?\) but the config expects \(320,( 96)?\)"),
        ("config has another width", edit_config(lambda c: c.update(hidden_size=100)),
         r"does not split into 3 heads"),
        ("config key missing", edit_config(lambda c: c.pop("intermediate_size")), r"missing config key 'intermediate_size'"),
        ("another architecture", edit_config(lambda c: c.update(qk_layernorm=True)), r"not phi-1's architecture"),
        ("unknown MixFormer key", mixformer_unknown, r"unknown MixFormer key layers\.1\.mixer\.extra\.weight"),
    ]


@pytest.mark.parametrize("name,brk,msg", breakers(), ids=[b[0] for b in breakers()])
def test_bad_checkpoint_errors(hf_dir, tmp_path, name, brk, msg):
    d = tmp_path / "ckpt"
    d.mkdir()
    for f in ("config.json", "model.safetensors"):
        (d / f).write_bytes((hf_dir / f).read_bytes())
    brk(d)
    with pytest.raises(phi1.CheckpointError, match=msg) as e:
        phi1.Phi.from_pretrained(str(d))
    assert "\n" not in str(e.value) and str(d) in str(e.value), str(e.value)


def test_bad_paths_and_pt_files(tmp_path):
    with pytest.raises(phi1.CheckpointError, match="not a checkpoint directory"):
        phi1.load_model(str(tmp_path / "nope"))
    (tmp_path / "junk.pt").write_bytes(b"this is not a checkpoint")
    with pytest.raises(phi1.CheckpointError, match="not a phi1 training checkpoint"):
        phi1.load_model(str(tmp_path / "junk.pt"))
    torch.save({"model": {}}, tmp_path / "noconfig.pt")
    with pytest.raises(phi1.CheckpointError, match=r"not a phi1 training checkpoint \(KeyError"):
        phi1.load_model(str(tmp_path / "noconfig.pt"))
    cfg = asdict(phi1.PhiConfig(vocab_size=300, n_layer=1, n_embd=96, n_inner=200, n_head=3))
    torch.save({"model": {"lm_head.weight": torch.zeros(300, 96)}, "config": cfg}, tmp_path / "partial.pt")
    with pytest.raises(phi1.CheckpointError, match="missing .* tensors"):
        phi1.load_model(str(tmp_path / "partial.pt"))


# -----------------------------------------------------------------------------
# the command line


def run_cli(*args):
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, os.path.join(ROOT, "phi1.py"), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_cli_sample_prints_only_the_completion(tmp_path):
    # phi-1's real vocabulary at a small width, so the prompt's token ids exist
    hf = random_hf(vocab=51200, width=64, heads=2, inner=128, layers=1, seed=3)
    hf.save_pretrained(tmp_path)
    prompt = "def fib(n):\n    "
    tok = phi1.get_tokenizer()
    want = phi1.Phi.from_pretrained(str(tmp_path)).generate([tok.encode(prompt)], 12)[0]
    r = run_cli("sample", "--init-from", str(tmp_path), "--prompt", prompt, "--max-new-tokens", "12",
                "--temperature", "0", "--device", "cpu")
    assert r.returncode == 0, r.stderr
    assert r.stdout == tok.decode(want) + "\n", (r.stdout, tok.decode(want))


def test_cli_bad_checkpoint_one_line_error(tmp_path):
    r = run_cli("sample", "--init-from", str(tmp_path), "--prompt", "x", "--device", "cpu")
    assert r.returncode != 0
    assert r.stderr.strip() == f"error: {tmp_path}: no config.json", r.stderr
