"""
phi1.py: phi-1 ("Textbooks Are All You Need", Gunasekar et al. 2023, arXiv 2306.11644) in one file.

What is here, top to bottom (docs/paper.md has the paper's facts this code follows):
  1. the codegen-350M-mono tokenizer phi-1 uses, on tiktoken (GPT-2 BPE + 38 whitespace tokens)
  2. PhiConfig and its presets: tiny (a laptop CPU), small (phi-1-small, 350M), phi1 (1.3B)
  3. the model: LayerNorm, rotary embedding, attention, MLP, the parallel block, Phi
  4. the loss: cross-entropy over phi-1's 51,200-token vocabulary, a chunked version and a plain one
  5. checkpoints: the Hugging Face PhiForCausalLM format (and Microsoft's older MixFormer format),
     so real microsoft/phi-1 weights give the same logits as transformers
  6. generation with a preallocated KV cache
  7. training: pretrain on CodeTextbook, finetune on CodeExercises, one GPU or many (torchrun)
  8. the whole recipe in one command: data, pretrain, finetune, samples, HumanEval
  9. the command line

Run:
  python phi1.py --tiny                  # the whole recipe on a CPU in minutes
  python phi1.py --small                 # phi-1-small on one GPU
  python phi1.py sample --init-from DIR --prompt 'def fib(n):' --temperature 0

Every custom kernel has a plain twin chosen by a config field: attention ("sdpa", "naive",
"fused"), LayerNorm ("torch", "fused") and the loss ("chunked", "plain"). The defaults are the
ones proven on the hardware they run on; the fused CUDA kernels in kernels/ are opt-in.

What it deliberately leaves out: tensor/pipeline parallelism, and the paper's GPT-3.5/GPT-4 data
(data_gen.py makes offline stand-ins; see README).
"""
import argparse
import contextlib
import json
import math
import os
import re
import time
from dataclasses import asdict, dataclass, field, fields, replace

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


# -----------------------------------------------------------------------------
# 1. Tokenizer: codegen-350M-mono = GPT-2's byte-level BPE (tiktoken's r50k_base) plus 38 tokens
# for runs of spaces and tabs. Hugging Face matches those added tokens *before* BPE, leftmost-longest,
# and BPE-encodes the pieces in between separately. Code is full of indentation, so this saves a
# lot of tokens: "    return" is 2 tokens instead of 5.

EOT = 50256  # <|endoftext|>: separates documents, and ends a generation
# ids 50257..50286 are runs of 31..2 spaces (id = 50288 - n); ids 50287..50294 runs of 9..2 tabs.
WHITESPACE_TOKENS = {" " * n: 50288 - n for n in range(2, 32)} | {"\t" * n: 50296 - n for n in range(2, 10)}
_WHITESPACE_RE = re.compile(r"( {2,31}|\t{2,9})")  # greedy and leftmost = HF's leftmost-longest here


class Tokenizer:
    def __init__(self):
        # tiktoken downloads the GPT-2 ranks once; offline, it reads TIKTOKEN_CACHE_DIR, which we
        # point at a cache beside the repository (../shared/tiktoken) when there is one
        beside = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shared", "tiktoken")
        if "TIKTOKEN_CACHE_DIR" not in os.environ and os.path.isdir(beside):
            os.environ["TIKTOKEN_CACHE_DIR"] = beside
        import tiktoken

        self.bpe = tiktoken.get_encoding("r50k_base")
        self.eot = EOT
        self.n_vocab = 50295  # 50257 BPE + 38 whitespace; the model pads its vocab to 51200
        self.id_to_ws = {i: s.encode() for s, i in WHITESPACE_TOKENS.items()}

    def encode(self, text):
        return self.encode_batch([text])[0]

    def encode_batch(self, texts):
        # split every text into [bpe text, whitespace run, bpe text, ...], BPE all the text pieces
        # in one multi-threaded tiktoken call, then stitch the ids back together
        pieces = [_WHITESPACE_RE.split(t) for t in texts]
        plain = [p for ps in pieces for p in ps[0::2]]
        encoded = iter(self.bpe.encode_batch(plain, allowed_special={"<|endoftext|>"}))
        out = []
        for ps in pieces:
            ids = []
            for j, p in enumerate(ps):
                if j % 2:
                    ids.append(WHITESPACE_TOKENS[p])
                else:
                    ids.extend(next(encoded))
            out.append(ids)
        return out

    def decode_bytes(self, ids):
        out, run = [], []
        for i in ids:
            if i in self.id_to_ws:
                out.append(self.bpe.decode_bytes(run))
                out.append(self.id_to_ws[i])
                run = []
            elif i < 50257:
                run.append(i)
            # ids 50295..51199 are padding rows of the embedding: they decode to nothing
        out.append(self.bpe.decode_bytes(run))
        return b"".join(out)

    def decode(self, ids):
        return self.decode_bytes(ids).decode("utf-8", errors="replace")


_tokenizer = None


def get_tokenizer():
    global _tokenizer
    if _tokenizer is None:
        _tokenizer = Tokenizer()
    return _tokenizer


# -----------------------------------------------------------------------------
# 2. Config. Field names follow the paper; hf_config() maps them to transformers' PhiConfig.


@dataclass
class PhiConfig:
    vocab_size: int = 51200      # 50295 real tokens, padded to a multiple of 64 for fast matmuls
    n_layer: int = 24            # transformer blocks
    n_embd: int = 2048           # hidden size (model width)
    n_inner: int = 8192          # MLP inner size (4 x n_embd)
    n_head: int = 32             # attention heads; head_dim = n_embd // n_head = 64
    rotary_dim: int = 32         # rotary embedding on the first 32 dims of each 64-dim head
    rope_theta: float = 10000.0  # rotary base frequency
    block_size: int = 2048       # context length in tokens
    layer_norm_eps: float = 1e-5
    embd_pdrop: float = 0.0      # dropout on token embeddings
    resid_pdrop: float = 0.0     # dropout on each branch's output (attention and MLP), paper: 0.1
    attn_pdrop: float = 0.0      # dropout on attention probabilities, paper: 0.1
    attn_impl: str = "sdpa"      # "sdpa" (torch), "naive" (explicit math), "fused" (kernels/, opt-in)
    ln_impl: str = "torch"       # "torch", "fused" (kernels/, opt-in until bench/gpu.sh passes on a GPU)
    loss_impl: str = "chunked"   # "chunked" (LMHeadCrossEntropy, section 4), "plain" (F.cross_entropy)

    @property
    def head_dim(self):
        return self.n_embd // self.n_head

    @classmethod
    def preset(cls, name, **overrides):
        return cls(**(PRESETS[name] | overrides))


# Rows of values, not branches in the code. small and phi1 are the paper's two sizes (docs/paper.md);
# tiny keeps phi-1's vocabulary and head size but is small enough to train on a laptop CPU.
PRESETS = {
    "tiny": dict(n_layer=4, n_embd=128, n_inner=512, n_head=2, block_size=512),
    "small": dict(n_layer=20, n_embd=1024, n_inner=4096, n_head=16),
    "phi1": dict(n_layer=24, n_embd=2048, n_inner=8192, n_head=32),
}

# -----------------------------------------------------------------------------
# 3. The model. Smallest parts first. Parameter names are transformers' PhiForCausalLM names, so a
# real checkpoint's state_dict loads with no renaming table.


class LayerNorm(nn.Module):
    """LayerNorm over the last dim, with a seam: torch's kernel, or our fused one from kernels/."""

    def __init__(self, n, eps, impl):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.bias = nn.Parameter(torch.zeros(n))
        self.eps, self.impl = eps, impl

    def forward(self, x):
        if self.impl == "fused":
            import kernels  # only when asked for: it builds the extension on first use

            return kernels.layer_norm(x, self.weight, self.bias, self.eps)
        return F.layer_norm(x, (x.size(-1),), self.weight, self.bias, self.eps)


def rotary_cos_sin(pos, dim, theta):
    """cos, sin for rotary embedding at integer positions pos (any shape) -> pos.shape + (dim,), fp32."""
    inv_freq = 1.0 / theta ** (torch.arange(0, dim, 2, device=pos.device, dtype=torch.float32) / dim)
    freqs = pos.float()[..., None] * inv_freq          # (..., dim/2)
    emb = torch.cat((freqs, freqs), dim=-1)            # (..., dim): rotate-half layout repeats
    return emb.cos(), emb.sin()


def apply_rotary(x, cos, sin):
    """Rotate the first rotary_dim dims of each head (GPT-NeoX rotate-half layout); the rest pass.
    x: (B, H, T, D); cos, sin: (B, 1, T, R) or (1, 1, T, R) with R = rotary_dim."""
    R = cos.size(-1)
    x_rot, x_pass = x[..., :R].float(), x[..., R:]
    x1, x2 = x_rot[..., : R // 2], x_rot[..., R // 2:]
    rotated = torch.cat((-x2, x1), dim=-1)             # rotate_half: (x1, x2) -> (-x2, x1)
    x_rot = x_rot * cos + rotated * sin                # in fp32, as the reference computes cos/sin
    return torch.cat((x_rot.to(x.dtype), x_pass), dim=-1)


def attention(q, k, v, impl, mask=None, dropout_p=0.0):
    """softmax(q k^T / sqrt(D)) v over (B, H, T, D) tensors; causal when mask is None, else mask
    (bool, True = may attend) of shape (B, 1, Tq, Tk). The three implementations agree:
    tests hold them against each other."""
    if mask is None and q.size(-2) != k.size(-2):
        # queries are the newest Tq of Tk positions (decoding with a KV cache): the causal mask lines
        # up bottom-right. sdpa's is_causal lines it up top-left, so spell the mask out here.
        Tq, Tk = q.size(-2), k.size(-2)
        mask = torch.ones(Tq, Tk, dtype=torch.bool, device=q.device).tril(Tk - Tq)
    if impl == "naive":  # the explicit math, for reading and as the reference
        scale = 1.0 / math.sqrt(q.size(-1))
        att = (q.float() @ k.float().transpose(-2, -1)) * scale   # (B, H, Tq, Tk), softmax in fp32
        if mask is None:
            Tq, Tk = q.size(-2), k.size(-2)
            mask = torch.ones(Tq, Tk, dtype=torch.bool, device=q.device).tril(Tk - Tq)
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        att = F.dropout(att, p=dropout_p, training=dropout_p > 0)
        return (att @ v.float()).to(q.dtype)
    if impl == "fused" and mask is None:
        if dropout_p > 0:
            raise ValueError("attn_impl='fused' has no attention dropout: set attn_pdrop=0 or use 'sdpa'")
        import kernels  # only when asked for: it builds the extension on first use

        return kernels.attention(q, k, v, causal=True)
    # torch picks its fastest backend (FlashAttention, memory-efficient or math); the fused kernel
    # takes no padding mask, so batched generation of ragged prompts also comes here
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=mask is None, dropout_p=dropout_p)


# oneDNN's fp32 matmul, the kernel torch.compile (inductor) picks for CPU linears; None where torch lacks it
_onednn_linear = getattr(torch.ops.mkldnn, "_linear_pointwise", None) if torch.backends.mkldnn.is_available() else None


class Linear(nn.Linear):
    """nn.Linear with one CPU fast path, for inference (decoding, prefill): oneDNN's fp32 matmul
    instead of MKL's sgemm, which is slow for few-row products on some CPUs (bench/generate.py
    measures the difference; the README gives the figures). Same math in another summation order,
    so results differ in the last bits; training (autograd on) takes nn.Linear."""

    def forward(self, x):
        if (_onednn_linear is not None and x.device.type == "cpu"
                and x.dtype == torch.float32 and not torch.is_grad_enabled()):
            return _onednn_linear(x, self.weight, self.bias, "none", [], "")
        return super().forward(x)


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.q_proj = Linear(cfg.n_embd, cfg.n_embd)
        self.k_proj = Linear(cfg.n_embd, cfg.n_embd)
        self.v_proj = Linear(cfg.n_embd, cfg.n_embd)
        self.dense = Linear(cfg.n_embd, cfg.n_embd)
        self.cfg = cfg

    def forward(self, x, cos, sin, cache=None, mask=None):
        B, T, C = x.shape
        H, D = self.cfg.n_head, self.cfg.head_dim
        q = self.q_proj(x).view(B, T, H, D).transpose(1, 2)   # (B, H, T, D)
        k = self.k_proj(x).view(B, T, H, D).transpose(1, 2)   # (B, H, T, D)
        v = self.v_proj(x).view(B, T, H, D).transpose(1, 2)   # (B, H, T, D)
        q, k = apply_rotary(q, cos, sin), apply_rotary(k, cos, sin)
        if cache is not None:  # generation: write this step's keys/values, attend over all so far
            k, v = cache.update(k, v)                          # (B, H, S, D), S = tokens so far
        p = self.cfg.attn_pdrop if self.training else 0.0
        y = attention(q, k, v, self.cfg.attn_impl, mask, p)   # (B, H, T, D)
        y = y.transpose(1, 2).reshape(B, T, C)                 # (B, T, C): heads side by side
        return self.dense(y)


class MLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.fc1 = Linear(cfg.n_embd, cfg.n_inner)
        self.fc2 = Linear(cfg.n_inner, cfg.n_embd)

    def forward(self, x):
        # gelu_new is GPT-2's tanh approximation of GELU: 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3)))
        return self.fc2(F.gelu(self.fc1(x), approximate="tanh"))


class Block(nn.Module):
    """phi-1's parallel block (GPT-J / CodeGen): one LayerNorm feeds both attention and the MLP,
    and both outputs join the residual at once: x = x + attn(LN(x)) + mlp(LN(x))."""

    def __init__(self, cfg):
        super().__init__()
        self.input_layernorm = LayerNorm(cfg.n_embd, cfg.layer_norm_eps, cfg.ln_impl)
        self.self_attn = Attention(cfg)
        self.mlp = MLP(cfg)
        self.resid_dropout = nn.Dropout(cfg.resid_pdrop)

    def forward(self, x, cos, sin, cache=None, mask=None):
        h = self.input_layernorm(x)
        a = self.resid_dropout(self.self_attn(h, cos, sin, cache, mask))
        m = self.resid_dropout(self.mlp(h))
        return x + a + m


class Phi(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.config = cfg
        self.model = nn.ModuleDict(dict(
            embed_tokens=nn.Embedding(cfg.vocab_size, cfg.n_embd),
            embed_dropout=nn.Dropout(cfg.embd_pdrop),
            layers=nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer)),
            final_layernorm=LayerNorm(cfg.n_embd, cfg.layer_norm_eps, cfg.ln_impl),
        ))
        self.lm_head = Linear(cfg.n_embd, cfg.vocab_size)  # untied from embed_tokens, with bias
        self.apply(self._init_weights)

    def _init_weights(self, module):
        # GPT-2's scheme (as in nanoGPT): N(0, 0.02) for every matrix and embedding, zero biases, and
        # the two projections that write into the residual stream (dense, fc2) scaled down by
        # 1/sqrt(2 * n_layer), since each block adds two branches and the residual's variance would
        # otherwise grow with depth. The paper gives no init for phi-1; this trains stably from scratch.
        if isinstance(module, (nn.Linear, nn.Embedding)):
            std = 0.02
            if module in {b.self_attn.dense for b in self.model.layers} | {b.mlp.fc2 for b in self.model.layers}:
                std /= math.sqrt(2 * self.config.n_layer)
            nn.init.normal_(module.weight, mean=0.0, std=std)
            if getattr(module, "bias", None) is not None:
                nn.init.zeros_(module.bias)

    def num_params(self):
        return sum(p.numel() for p in self.parameters())

    def predict_only(self, token_ids):
        """Train to predict only token_ids. Every other id's lm_head bias goes to -1e4, so its
        probability is exactly 0 (exp(-1e4) underflows, in bf16 too), and the loss can skip its
        column: the same loss and gradients with a smaller matmul. It pays when a corpus uses few
        of the 51,200 ids: tiny's offline data uses about 5,500, and the lm_head is most of a tiny
        model's step. Ids suppressed before and wanted now (finetuning data) restart at bias 0.
        Targets outside token_ids would count as ignored: train() passes every id its data holds."""
        keep = torch.zeros(self.config.vocab_size, dtype=torch.bool, device=self.lm_head.bias.device)
        keep[token_ids] = True
        with torch.no_grad():
            bias = self.lm_head.bias
            bias[keep & (bias < -1e3)] = 0.0
            bias[~keep] = -1e4
        self.live = keep.nonzero().squeeze(1)                                      # lm_head rows used
        self.live_index = torch.cumsum(keep, 0).sub_(1).masked_fill_(~keep, -1)   # id -> row among them

    def forward(self, idx, targets=None, pos=None, cache=None, mask=None, last_only=False):
        """idx (B, T) token ids -> (logits (B, T, V), loss). Without targets the loss is None; with
        them it is the mean cross-entropy over targets != -1, and logits is None when the chunked
        loss computed it without ever holding all the logits (section 4). pos, cache, mask and
        last_only are for generation (section 6)."""
        B, T = idx.shape
        if pos is None:
            pos = torch.arange(T, device=idx.device)[None]                  # (1, T)
        cos, sin = rotary_cos_sin(pos, self.config.rotary_dim, self.config.rope_theta)
        cos, sin = cos[:, None], sin[:, None]                               # (B or 1, 1, T, R)
        x = self.model.embed_dropout(self.model.embed_tokens(idx))          # (B, T, C)
        for i, block in enumerate(self.model.layers):
            x = block(x, cos, sin, cache.layer(i) if cache is not None else None, mask)
        x = self.model.final_layernorm(x)                                   # (B, T, C)
        if targets is None:
            if last_only:
                x = x[:, -1:]                                               # (B, 1, C): next token only
            return self.lm_head(x), None                                    # (B, T, V)
        if self.config.loss_impl == "plain":  # the twin: every logit, then torch's cross-entropy
            logits = self.lm_head(x)                                        # (B, T, V)
            wide = logits.to(torch.promote_types(logits.dtype, torch.float32))  # softmax in fp32 or wider
            return logits, F.cross_entropy(wide.flatten(0, 1), targets.flatten(), ignore_index=-1)
        w, b, t = self.lm_head.weight, self.lm_head.bias, targets.flatten()
        if getattr(self, "live", None) is not None:  # predict_only(): the other columns are 0
            w, b, t = w[self.live], b[self.live], torch.where(t >= 0, self.live_index[t.clamp(min=0)], t)
        return None, LMHeadCrossEntropy.apply(x.flatten(0, 1), w, b, t)

    # The model's other jobs, each written out in its own section below: checkpoints (5) and
    # generation (6). These methods give them transformers' names.

    def save_pretrained(self, path, state_dict=None):
        save_pretrained(self, path, state_dict)

    @classmethod
    def from_pretrained(cls, path, dtype=None, device="cpu", **overrides):
        return from_pretrained(path, dtype=dtype, device=device, **overrides)

    def generate(self, prompts, max_new_tokens, **kw):
        return generate(self, prompts, max_new_tokens, **kw)


# -----------------------------------------------------------------------------
# 4. The loss: mean cross-entropy of the next token, over phi-1's 51,200-token vocabulary. Two
# versions, chosen by PhiConfig.loss_impl: "plain" computes every logit and calls F.cross_entropy
# (Phi.forward, four lines); "chunked" below gives the same numbers with a fraction of the memory.
# docs/chunked_cross_entropy.md derives its gradient.


class LMHeadCrossEntropy(torch.autograd.Function):
    """mean cross-entropy(x @ W^T + b, targets), computed CHUNK rows at a time.

    With phi-1's 51,200-token vocabulary the logits dominate training memory: (B*T, V) in fp32 is
    6.7 GB for one phi-1-small micro-batch of 16 x 2048, and several passes over it (log-softmax,
    its gradient, zero-fills) cost more time than the lm_head matmul itself on a CPU. Here each
    chunk's logits live only while their loss and gradient are computed, which the forward does at
    once (d loss / d logits = softmax - onehot, known as soon as the logits are); backward only
    scales the stored gradients. The logits are turned into log-probabilities and then into that
    gradient in place, in one buffer: two passes over it besides the matmuls. The plain version
    (loss_impl="plain") gives the same numbers: tests hold the two equal, and against transformers."""

    CHUNK = 2048  # rows of logits at a time: 2048 x 51200 x 4 bytes = 420 MB
    _cpu_buffer = None

    @staticmethod
    def buffer(rows, cols, device, dtype):
        """The chunk's logits buffer. On a CPU one is kept between calls: a fresh 420 MB tensor
        pays a page fault for every 4 KB the first time it is written, a cost of the same order as
        the matmul that fills it. On a GPU, torch's caching allocator already reuses memory."""
        if device.type != "cpu":
            return torch.empty(rows, cols, device=device, dtype=dtype)
        b = LMHeadCrossEntropy._cpu_buffer
        if b is None or b.dtype != dtype or b.size(1) != cols or b.size(0) < rows:
            b = LMHeadCrossEntropy._cpu_buffer = None  # free the old one first
            b = LMHeadCrossEntropy._cpu_buffer = torch.empty(rows, cols, dtype=dtype)
        return b[:rows]

    @staticmethod
    def forward(ctx, x, weight, bias, targets):
        n = (targets != -1).sum().clamp(min=1)           # targets == -1 are not predicted
        grad = any(ctx.needs_input_grad[:3])
        acc = torch.promote_types(x.dtype, torch.float32)  # fp32, or fp64 for fp64 inputs
        # the matmuls in autocast's dtype (bf16 on a GPU) when it is on, said explicitly: the
        # in-place forms below (out=, addmm_) are not ones autocast would cast
        dev = x.device.type
        mm = torch.get_autocast_dtype(dev) if torch.is_autocast_enabled(dev) else x.dtype
        xm, wm, bm = x.to(mm), weight.to(mm), bias.to(mm)
        loss = torch.zeros((), device=x.device, dtype=acc)
        if grad:
            gx = torch.empty_like(x)
            gw, gb = torch.zeros_like(weight, dtype=acc), torch.zeros_like(bias, dtype=acc)
        C = LMHeadCrossEntropy.CHUNK
        buf = LMHeadCrossEntropy.buffer(min(C, x.size(0)), weight.size(0), x.device, acc)
        for s in range(0, x.size(0), C):
            xc, tc = xm[s:s + C], targets[s:s + C]
            valid, tgt = tc != -1, tc.clamp(min=0)
            scale = (valid.to(acc) / n).to(mm)                                # d mean-loss / d row's loss
            # softmax statistics in fp32 even under autocast: a 51200-way log-sum-exp loses bits in bf16
            logits = buf[:len(tc)]
            if mm == acc:
                torch.addmm(bm, xc, wm.t(), out=logits)                       # (chunk, V)
            else:
                logits.copy_(torch.addmm(bm, xc, wm.t()))
            logp = torch.log_softmax(logits, dim=-1, out=logits)              # in place, row by row
            loss -= (logp.gather(1, tgt[:, None]).squeeze(1) * valid).sum()
            if grad:
                p = logp.exp_()                                               # softmax, in place
                p[torch.arange(len(tc), device=x.device), tgt] -= 1.0         # minus the one-hot
                p, xs = p.to(mm), xc * scale[:, None]     # rows scaled after the matmuls, not before
                if mm == acc:  # in place: no (chunk, D) or (V, D) temporaries
                    torch.mm(p, wm, out=gx[s:s + C]).mul_(scale[:, None])
                    gw.addmm_(p.t(), xs)
                    gb.addmv_(p.t(), scale)
                else:          # bf16 matmuls, fp32 sums
                    gx[s:s + C] = (p @ wm) * scale[:, None]
                    gw += p.t() @ xs
                    gb += p.t() @ scale
        if grad:
            ctx.save_for_backward(gx, gw.to(weight.dtype), gb.to(bias.dtype))
        return loss / n

    @staticmethod
    def backward(ctx, g):
        gx, gw, gb = ctx.saved_tensors
        return gx * g, gw * g, gb * g, None

# -----------------------------------------------------------------------------
# 5. Checkpoints. The Hugging Face format (config.json + model.safetensors), so that
# transformers.PhiForCausalLM reads what we write and we read microsoft/phi-1 itself; Microsoft's
# older MixFormer format too. Bad files give one clear error each (CheckpointError).


def hf_config(model):
    """transformers' PhiConfig (as a dict) for our PhiConfig."""
    c = model.config
    return {
        "architectures": ["PhiForCausalLM"], "model_type": "phi",
        "vocab_size": c.vocab_size, "hidden_size": c.n_embd, "intermediate_size": c.n_inner,
        "num_hidden_layers": c.n_layer, "num_attention_heads": c.n_head,
        "num_key_value_heads": c.n_head, "max_position_embeddings": c.block_size,
        "partial_rotary_factor": c.rotary_dim / c.head_dim, "rope_theta": c.rope_theta,
        "rope_parameters": {"rope_type": "default", "rope_theta": c.rope_theta,
                            "partial_rotary_factor": c.rotary_dim / c.head_dim},
        "layer_norm_eps": c.layer_norm_eps, "hidden_act": "gelu_new", "qk_layernorm": False,
        "resid_pdrop": c.resid_pdrop, "embd_pdrop": c.embd_pdrop, "attention_dropout": c.attn_pdrop,
        "tie_word_embeddings": False, "bos_token_id": EOT, "eos_token_id": EOT,
        "initializer_range": 0.02, "torch_dtype": str(next(model.parameters()).dtype).removeprefix("torch."),
    }


def save_pretrained(model, path, state_dict=None):
    """Write config.json and model.safetensors; transformers.PhiForCausalLM.from_pretrained reads them.
    state_dict: the weights to write when the module's own are not whole (FSDP shards)."""
    from safetensors.torch import save_file

    os.makedirs(path, exist_ok=True)
    state = {k: v.detach().contiguous().cpu() for k, v in (state_dict or model.state_dict()).items()}
    atomic_write(os.path.join(path, "config.json"), json.dumps(hf_config(model), indent=2))
    atomic_write(os.path.join(path, "model.safetensors"), lambda f: save_file(state, f.name, metadata={"format": "pt"}))


def from_pretrained(path, dtype=None, device="cpu", **overrides):
    """Load a local directory (or a hub id such as microsoft/phi-1, when huggingface_hub is installed
    and the network is there) in the PhiForCausalLM format or Microsoft's older MixFormer format."""
    if not os.path.isdir(path):
        # a hub id is "name" or "owner/name"; anything else that is not a directory is a typo,
        # and deserves that error rather than the hub's complaint about repo names
        if os.path.exists(path) or path.startswith((os.sep, ".", "~")) or path.count("/") > 1:
            raise CheckpointError(f"{path}: not a checkpoint directory")
        path = download_from_hub(path)
    cfg_path = os.path.join(path, "config.json")
    if not os.path.exists(cfg_path):
        raise CheckpointError(f"{path}: no config.json")
    cfg, mixformer = config_from_hf(read_json_object(cfg_path, CheckpointError), cfg_path)
    for k, v in overrides.items():
        setattr(cfg, k, v)
    state = read_weights(path)
    if mixformer:
        state = mixformer_to_phi(state, cfg.n_layer, path)
    with torch.device("meta"):
        model = Phi(cfg)
    check_state_dict(model, state, path)
    model.load_state_dict(state, assign=True)
    return model.to(device=device, dtype=dtype)


class CheckpointError(ValueError):
    pass


def atomic_write(path, data):
    """Write data (str, bytes, or a function that writes into the open binary file it is given) to
    a temporary file beside path, then rename it over path: a crash or kill -9 leaves the old file
    or the new one, never half of one. The one atomic writer of the project."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            if callable(data):
                data(f)
            else:
                f.write(data.encode() if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):  # the write failed: leave no temporary file behind
            os.remove(tmp)


def read_json_object(path, error):
    """A JSON file that must hold an object (config.json, meta.json); anything else raises error."""
    try:
        with open(path) as f:
            obj = json.load(f)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise error(f"{path}: not readable JSON ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})")
    if not isinstance(obj, dict):
        raise error(f"{path}: expected a JSON object, found {type(obj).__name__}")
    return obj


def check_config(c, where):
    """Refuse a config no model can be built from, with the field that is wrong."""
    for name in ("vocab_size", "n_layer", "n_embd", "n_inner", "n_head", "block_size"):
        v = getattr(c, name)
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise CheckpointError(f"{where}: {name} must be a positive integer, got {v!r}")
    if c.n_embd % c.n_head:
        raise CheckpointError(f"{where}: hidden size {c.n_embd} does not split into {c.n_head} heads")
    if not (isinstance(c.rotary_dim, int) and 0 <= c.rotary_dim <= c.head_dim and c.rotary_dim % 2 == 0):
        raise CheckpointError(f"{where}: rotary_dim {c.rotary_dim!r} must be even and at most head_dim {c.head_dim}")
    return c


def download_from_hub(repo_id):
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise CheckpointError(f"{repo_id}: not a local directory, and huggingface_hub is not installed to download it")
    try:
        return snapshot_download(repo_id, allow_patterns=["*.json", "*.safetensors", "*.bin"])
    except Exception as e:
        first_line = str(e).strip().splitlines()[0] if str(e).strip() else ""
        raise CheckpointError(f"{repo_id}: not a local directory, and the hub download failed: {type(e).__name__}: {first_line}")


def config_from_hf(hf, where):
    """A PhiConfig from a transformers PhiConfig dict, or from MixFormer's (model_type phi-msft or
    mixformer-sequential, keys n_embd, n_layer, ...). Returns (config, is_mixformer)."""
    try:
        if "n_embd" in hf:  # MixFormer
            c = PhiConfig(vocab_size=hf["vocab_size"], n_layer=hf["n_layer"], n_embd=hf["n_embd"],
                          n_inner=hf.get("n_inner") or 4 * hf["n_embd"], n_head=hf["n_head"],
                          rotary_dim=hf.get("rotary_dim", 32), block_size=hf.get("n_positions", 2048),
                          layer_norm_eps=hf.get("layer_norm_epsilon", 1e-5))
            return check_config(c, where), True
        rope = hf.get("rope_parameters") or {}
        n_embd, n_head = hf["hidden_size"], hf["num_attention_heads"]
        if not isinstance(n_head, int) or isinstance(n_head, bool) or n_head < 1:
            raise CheckpointError(f"{where}: num_attention_heads must be a positive integer, got {n_head!r}")
        factor = rope.get("partial_rotary_factor", hf.get("partial_rotary_factor", 0.5))
        c = PhiConfig(vocab_size=hf["vocab_size"], n_layer=hf["num_hidden_layers"], n_embd=n_embd,
                      n_inner=hf["intermediate_size"], n_head=n_head,
                      rotary_dim=int(n_embd // n_head * factor),
                      rope_theta=rope.get("rope_theta", hf.get("rope_theta", 10000.0)),
                      block_size=hf.get("max_position_embeddings", 2048),
                      layer_norm_eps=hf.get("layer_norm_eps", 1e-5))
    except KeyError as e:
        raise CheckpointError(f"{where}: missing config key {e}")
    except (TypeError, ValueError, ZeroDivisionError) as e:  # a value of the wrong type, or 0 heads
        raise CheckpointError(f"{where}: bad config value ({type(e).__name__}: {e})")
    if hf.get("qk_layernorm") or hf.get("num_key_value_heads", n_head) != n_head or hf.get("hidden_act", "gelu_new") != "gelu_new":
        raise CheckpointError(f"{where}: not phi-1's architecture (qk_layernorm, grouped KV heads or another activation)")
    return check_config(c, where), False


def read_weights(path):
    """All tensors of a checkpoint directory: model.safetensors, sharded safetensors with an index,
    or pytorch_model.bin (older uploads; loaded with weights_only, so no code runs)."""
    from safetensors.torch import load_file

    def load(file, loader):  # a file cut short or not a weights file at all: one line, not a traceback
        try:
            return loader(file)
        except Exception as e:
            first_line = str(e).strip().splitlines()[0] if str(e).strip() else ""
            raise CheckpointError(f"{file}: not a readable weights file ({type(e).__name__}: {first_line[:200]})")

    single, index = os.path.join(path, "model.safetensors"), os.path.join(path, "model.safetensors.index.json")
    if os.path.exists(single):
        return load(single, load_file)
    if os.path.exists(index):
        weight_map = read_json_object(index, CheckpointError).get("weight_map")
        if not isinstance(weight_map, dict):
            raise CheckpointError(f"{index}: no weight_map object")
        state = {}
        for s in sorted(set(map(str, weight_map.values()))):
            if not os.path.exists(os.path.join(path, s)):
                raise CheckpointError(f"{path}: shard {s} named in model.safetensors.index.json is missing")
            state.update(load(os.path.join(path, s), load_file))
        return state
    if os.path.exists(os.path.join(path, "pytorch_model.bin")):
        return load(os.path.join(path, "pytorch_model.bin"),
                    lambda f: torch.load(f, map_location="cpu", weights_only=True))
    raise CheckpointError(f"{path}: no model.safetensors, model.safetensors.index.json or pytorch_model.bin")


def mixformer_to_phi(state, n_layer, where):
    """MixFormer names -> PhiForCausalLM names. layers.0 is the embedding, layers.1..N the blocks
    (fused Wqkv: rows q, then k, then v), layers.N+1 the final LayerNorm and lm_head."""
    out = {}
    for name, t in state.items():
        parts = name.split(".")
        if parts[0] != "layers" or not parts[1].isdigit():
            raise CheckpointError(f"{where}: unknown MixFormer key {name}")
        i, rest = int(parts[1]), ".".join(parts[2:])
        if i == 0 and rest == "wte.weight":
            out["model.embed_tokens.weight"] = t
        elif i == n_layer + 1 and rest.startswith("ln."):
            out["model.final_layernorm." + rest[3:]] = t
        elif i == n_layer + 1 and rest.startswith("linear."):
            out["lm_head." + rest[7:]] = t
        elif 1 <= i <= n_layer and rest.startswith("mixer.Wqkv."):
            for j, qkv in enumerate(("q_proj", "k_proj", "v_proj")):
                out[f"model.layers.{i - 1}.self_attn.{qkv}.{parts[-1]}"] = t.chunk(3, dim=0)[j]
        elif 1 <= i <= n_layer and rest.startswith("mixer.out_proj."):
            out[f"model.layers.{i - 1}.self_attn.dense.{parts[-1]}"] = t
        elif 1 <= i <= n_layer and rest.startswith("ln."):
            out[f"model.layers.{i - 1}.input_layernorm.{parts[-1]}"] = t
        elif 1 <= i <= n_layer and rest.startswith(("mlp.fc1.", "mlp.fc2.")):
            out[f"model.layers.{i - 1}.{rest}"] = t
        elif not rest.endswith("inv_freq"):  # rotary buffers some exports carry: recomputed here
            raise CheckpointError(f"{where}: unknown MixFormer key {name} (config has {n_layer} layers)")
    return out


def check_state_dict(model, state, where):
    expected = model.state_dict()
    state.pop("model.rotary_emb.inv_freq", None)  # a buffer some exports keep; recomputed here
    layers_in_file = {int(k.split(".")[2]) for k in state if k.startswith("model.layers.")}
    if layers_in_file and max(layers_in_file) + 1 != model.config.n_layer:
        raise CheckpointError(f"{where}: config.json says {model.config.n_layer} layers but the weights have {max(layers_in_file) + 1}")
    for k, t in state.items():
        if k not in expected:
            raise CheckpointError(f"{where}: unknown key {k}")
        if tuple(t.shape) != tuple(expected[k].shape):
            raise CheckpointError(f"{where}: {k} has shape {tuple(t.shape)} but the config expects {tuple(expected[k].shape)}")
    missing = [k for k in expected if k not in state]
    if missing:
        raise CheckpointError(f"{where}: missing {len(missing)} tensors, first {missing[0]}")


def read_checkpoint(path):
    """One of our training checkpoints (ckpt.pt): weights, optimizer, step, RNG states, config.
    weights_only=False: the file also holds numpy's RNG state; load only files you trust."""
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=False)
        missing = {"model", "config"} - set(ckpt) if isinstance(ckpt, dict) else {"a dict"}
        if missing:
            raise KeyError(", ".join(sorted(missing)))
        PhiConfig(**ckpt["config"])
    except Exception as e:  # truncated, garbage, someone else's pickle: one line
        first_line = str(e).strip().splitlines()[0] if str(e).strip() else ""
        raise CheckpointError(f"{path}: not a phi1 training checkpoint ({type(e).__name__}: {first_line[:200]})")
    return ckpt


def load_model(path, device="cpu", dtype=None, **overrides):
    """A Phi from a Hugging Face directory (or hub id), or from one of our training checkpoints (*.pt).
    overrides: PhiConfig fields that do not change the weights (attn_impl, dropout, ...)."""
    if os.path.isfile(path):
        ckpt = read_checkpoint(path)
        cfg, state = check_config(PhiConfig(**(ckpt["config"] | overrides)), path), ckpt["model"]
        with torch.device("meta"):
            model = Phi(cfg)
        check_state_dict(model, state, path)
        model.load_state_dict(state, assign=True)
        return model.to(device=device, dtype=dtype)
    return from_pretrained(path, dtype=dtype, device=device, **overrides)

# -----------------------------------------------------------------------------
# 6. Generation. Prompts of different lengths are decoded together: left-padded, so that every
# row's next token lands in the same cache column, with the pads masked out. Keys and values go
# into a cache allocated once, so each new token costs one position of compute, not the whole row.


class KVCache:
    """Keys and values of every layer for generation, allocated once at full length S.
    layer(i).update() writes a step's T new columns and returns every column filled so far."""

    def __init__(self, cfg, B, S, device, dtype):
        self.layers = [LayerCache(cfg, B, S, device, dtype) for _ in range(cfg.n_layer)]

    def layer(self, i):
        return self.layers[i]


class LayerCache:
    def __init__(self, cfg, B, S, device, dtype):
        self.k = torch.zeros(B, cfg.n_head, S, cfg.head_dim, device=device, dtype=dtype)  # (B, H, S, D)
        self.v = torch.zeros_like(self.k)
        self.n = 0  # columns filled

    def update(self, k, v):
        n, T = self.n, k.size(2)
        self.k[:, :, n:n + T], self.v[:, :, n:n + T] = k, v
        self.n = n + T
        return self.k[:, :, :n + T], self.v[:, :, :n + T]


def sample_next(logits, temperature, top_k, top_p, gen):
    """logits (B, V) -> next token ids (B,): greedy at temperature 0, else top-k / nucleus sampling."""
    if temperature == 0:
        return logits.argmax(dim=-1)
    logits = logits / temperature
    if top_k is not None:
        kth = torch.topk(logits, min(top_k, logits.size(-1))).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = logits.softmax(dim=-1)
    if top_p is not None and top_p < 1.0:
        # nucleus: keep the smallest set of tokens whose probability reaches top_p
        sorted_p, order = probs.sort(dim=-1, descending=True)
        drop = sorted_p.cumsum(dim=-1) - sorted_p > top_p
        sorted_p = sorted_p.masked_fill(drop, 0.0)
        probs = torch.zeros_like(probs).scatter(-1, order, sorted_p)
    # inverse-CDF sampling: one uniform number per row, looked up in the running sum of the row's
    # probabilities. A token of probability 0 adds nothing to the sum, so it is never the first
    # entry above u; float32 rounding moves each token's share by about 1e-7 at most. On a CPU this
    # is many times faster than torch.multinomial over a 50k vocabulary (bench/generate.py --sampler).
    cdf = probs.cumsum(dim=-1)                                            # (B, V)
    total = cdf[:, -1:]
    if not bool(((total > 0) & torch.isfinite(total)).all()):
        raise ValueError("sample_next: a row of logits gives no valid distribution (NaN, inf or all -inf)")
    u = torch.rand(cdf.size(0), 1, generator=gen, device=cdf.device, dtype=cdf.dtype) * total
    return torch.searchsorted(cdf, u, right=True).clamp(max=cdf.size(-1) - 1).squeeze(-1)


@torch.no_grad()
def generate(model, prompts, max_new_tokens, temperature=0.0, top_k=None, top_p=None,
             stop_strings=None, tokenizer=None, seed=None):
    """prompts: list of token-id lists (lengths may differ). Returns the new ids of each prompt,
    without the <|endoftext|> that ended it. Rows stop at <|endoftext|>, or once their decoded new
    text contains one of stop_strings (the caller cuts the text there). temperature 0 is greedy."""
    was_training = model.training
    model.eval()
    dev = model.lm_head.weight.device
    B, L = len(prompts), max(len(p) for p in prompts)
    if min(len(p) for p in prompts) == 0:
        raise ValueError("generate: every prompt needs at least one token")
    max_new_tokens = min(max_new_tokens, model.config.block_size - L)
    if max_new_tokens <= 0:
        raise ValueError(f"generate: the longest prompt ({L} tokens) fills the context ({model.config.block_size})")
    # left padding: each row's positions start at 0 at its first real token
    pad = torch.tensor([L - len(p) for p in prompts], device=dev)                      # (B,)
    idx = torch.tensor([[0] * (L - len(p)) + list(p) for p in prompts], device=dev)    # (B, L)
    S = L + max_new_tokens
    col = torch.arange(S, device=dev)
    real = col[None, :] >= pad[:, None]                                   # (B, S): not padding
    cache = KVCache(model.config, B, S, dev, model.lm_head.weight.dtype)
    gen = torch.Generator(device=dev)
    gen.manual_seed(seed if seed is not None else torch.seed())

    out = [[] for _ in range(B)]
    done = torch.zeros(B, dtype=torch.bool, device=dev)
    t0, x = 0, idx                                                        # prefill the whole prompt
    for step in range(max_new_tokens):
        T = x.size(1)
        q_col = col[t0:t0 + T]
        mask = real[:, None, None, :t0 + T] & (col[None, None, None, :t0 + T] <= q_col[None, None, :, None])
        pos = (q_col[None, :] - pad[:, None]).clamp(min=0)                # (B, T)
        logits = model(x, pos=pos, cache=cache, mask=mask, last_only=True)[0][:, -1].float()  # (B, V)
        nxt = sample_next(logits, temperature, top_k, top_p, gen)         # (B,)
        t0 += T
        for b in (~done).nonzero().flatten().tolist():
            tok = nxt[b].item()
            if tok == EOT:
                done[b] = True
                continue
            out[b].append(tok)
            if stop_strings and tokenizer is not None:
                tail = tokenizer.decode(out[b][-16:])  # a stop string ends within the last tokens
                if any(s in tail for s in stop_strings):
                    done[b] = True
        if done.all():
            break
        x = nxt[:, None]                                                  # (B, 1)
    model.train(was_training)
    return out


# -----------------------------------------------------------------------------
# 7. Training. The paper's recipe (docs/paper.md, sec. 2): AdamW, linear warmup then linear decay,
# fp16 on 8 A100s.
# A stage's hyperparameters are a row per model preset; tiny and small shrink the paper's batch and
# steps to fit a laptop CPU and one GPU. batch_size is the effective batch in sequences of block_size.

TRAIN_PRESETS = {
    # the paper's own numbers: pretrain 36k steps x 1024 x 2048 tokens (phi-1-base is step 24k),
    # finetune 6k steps x 256, the best of checkpoints every 1,000 steps; dropout 0.1
    "phi1": {
        "pretrain": dict(batch_size=1024, micro_batch=8, lr=1e-3, warmup=750, weight_decay=0.1, dropout=0.1, max_steps=36000, eval_interval=1000, save_interval=1000),
        "finetune": dict(batch_size=256, micro_batch=8, lr=1e-4, warmup=50, weight_decay=0.01, dropout=0.1, max_steps=6000, eval_interval=1000, save_interval=1000),
    },
    # one GPU for a few hours: ~1.6B pretraining tokens, several epochs of the offline data
    "small": {
        "pretrain": dict(batch_size=256, micro_batch=16, lr=1e-3, warmup=200, weight_decay=0.1, dropout=0.1, max_steps=3000, eval_interval=250, save_interval=250),
        "finetune": dict(batch_size=64, micro_batch=16, lr=1e-4, warmup=50, weight_decay=0.01, dropout=0.1, max_steps=1000, eval_interval=100, save_interval=100),
    },
    # a 2-core CPU for about eight minutes: batches of two sequences for many updates (more updates
    # beat bigger batches at this size), higher learning rates for a tiny model, and no dropout (it
    # regularises long runs; these see each token about once)
    "tiny": {
        "pretrain": dict(batch_size=2, micro_batch=2, lr=5e-3, warmup=10, weight_decay=0.1, dropout=0.0, max_steps=1850, eval_interval=370, save_interval=370),
        "finetune": dict(batch_size=2, micro_batch=2, lr=2e-3, warmup=5, weight_decay=0.01, dropout=0.0, max_steps=800, eval_interval=200, save_interval=200),
    },
}
PAPER_BATCH = {"pretrain": 1024, "finetune": 256}


def opt(default, kind, help, **argparse_kw):
    """A TrainConfig field that is also an option of `phi1.py train`: its type and --help line."""
    return field(default=default, metadata=dict(kind=kind, help=help, **argparse_kw))


@dataclass
class TrainConfig:
    """One training run (a stage): where the data and the run live, and every option. The
    hyperparameters left None come from the preset's row in TRAIN_PRESETS."""
    data: str = opt(None, str, "directory with train.bin, val.bin, meta.json (data_gen.py makes one)", required=True)
    out: str = opt(None, str, "run directory: ckpt.pt, metrics.jsonl, best/, final/", required=True)
    preset: str = opt("tiny", str, "model size and its row in TRAIN_PRESETS", choices=list(PRESETS))
    stage: str = opt("pretrain", str, "which row of the preset", choices=["pretrain", "finetune"])
    init_from: str = opt(None, str, "start from these weights (a ckpt.pt or a Hugging Face directory)")
    vocab_from: list = opt(None, str, "predict only the token ids found in these data directories "
                           "(Phi.predict_only; --tiny's recipe does)", nargs="+", metavar="DIR")
    resume: bool = opt(False, bool, "continue from OUT/ckpt.pt when it exists")
    seed: int = opt(1337, int, "initial weights, batches and dropout all follow from it")
    batch_size: int = opt(None, int, "effective batch in sequences of block_size")
    micro_batch: int = opt(None, int, "sequences per forward pass on each process (accumulation makes up the rest)")
    max_steps: int = opt(None, int, "optimizer steps")
    warmup: int = opt(None, int, "steps of linear warmup")
    eval_interval: int = opt(None, int, "steps between validation losses")
    save_interval: int = opt(None, int, "steps between checkpoints (and best/ exports)")
    lr: float = opt(None, float, "peak learning rate")
    weight_decay: float = opt(None, float, "AdamW weight decay on matrices")
    dropout: float = opt(None, float, "dropout on attention probabilities and residual branches")
    eval_iters: int = opt(8, int, "validation micro-batches per evaluation")
    log_interval: int = opt(10, int, "steps between log lines")
    device: str = opt(None, str, "cuda, cpu, ... (default: cuda when available)")
    dtype: str = opt("auto", str, "auto: bf16 autocast on GPUs that have it, else fp16 + GradScaler; fp32 on CPU",
                     choices=["auto", "bfloat16", "float16", "float32"])
    attn_impl: str = opt("sdpa", str, "attention: torch's sdpa, the explicit math, or kernels/ (opt-in)",
                         choices=["sdpa", "naive", "fused"])
    ln_impl: str = opt("torch", str, "LayerNorm: torch's, or kernels/ (opt-in)", choices=["torch", "fused"])
    loss_impl: str = opt("chunked", str, "cross-entropy: chunked (section 4) or plain F.cross_entropy",
                         choices=["chunked", "plain"])
    compile: bool = opt(False, bool, "torch.compile the model")
    fsdp: bool = opt(False, bool, "under torchrun: shard parameters and optimizer state (FSDP2)")
    model: dict = field(default_factory=dict)  # PhiConfig fields over the preset's (tests: a smaller model)

# Dense bf16/fp16 tensor-core peaks (FLOP/s) for MFU, by the name torch reports for the card.
GPU_PEAK_FLOPS = {"H200": 989e12, "H100 SXM": 989e12, "H100 NVL": 835e12, "H100 PCIe": 756e12, "H100": 989e12,
                  "A100": 312e12, "A10G": 125e12, "A10": 125e12, "L40S": 362e12, "L4": 121e12,
                  "RTX 4090": 165e12, "RTX 3090": 71e12, "V100": 125e12, "T4": 65e12}


class DataError(ValueError):
    pass


def open_shards(data_dir, block_size):
    """train.bin / val.bin (uint16 token ids, documents joined by <|endoftext|>) and meta.json,
    memory-mapped: the OS pages in what a batch touches, so datasets larger than RAM work."""
    meta_path = os.path.join(data_dir, "meta.json")
    if not os.path.isdir(data_dir):
        raise DataError(f"{data_dir}: no such data directory (make one with: python data_gen.py pipeline --out DIR)")
    if not os.path.exists(meta_path):
        raise DataError(f"{meta_path}: missing (a data directory holds train.bin, val.bin and meta.json)")
    meta = read_json_object(meta_path, DataError)
    if meta.get("dtype", "uint16") != "uint16":
        raise DataError(f"{meta_path}: dtype {meta['dtype']!r}, expected 'uint16'")
    shards = {}
    for split in ("train", "val"):
        path = os.path.join(data_dir, f"{split}.bin")
        if not os.path.exists(path):
            raise DataError(f"{path}: missing")
        size = os.path.getsize(path)
        if size % 2:
            raise DataError(f"{path}: {size} bytes is not a whole number of uint16 tokens (wrong dtype?)")
        if size // 2 < block_size + 1:
            raise DataError(f"{path}: {size // 2} tokens, fewer than one sequence of block_size+1 = {block_size + 1}")
        shards[split] = np.memmap(path, dtype=np.uint16, mode="r")
    return shards["train"], shards["val"], meta


def tokens_in(data_dirs, vocab_size):
    """The sorted token ids that occur in the train and val shards of these data directories."""
    seen = np.zeros(vocab_size, dtype=bool)
    for d in data_dirs:
        for shard in check_token_ids(d, open_shards(d, 0)[:2], vocab_size):
            for i in range(0, len(shard), 1 << 26):  # in slices: bincount makes an int64 copy
                seen |= np.bincount(shard[i:i + (1 << 26)], minlength=vocab_size) > 0
    return torch.from_numpy(np.flatnonzero(seen))


def check_token_ids(data_dir, shards, vocab_size):
    """Refuse shards holding an id the model has no embedding for (another tokenizer's data):
    the embedding lookup would fail deep inside the first step, or on a GPU corrupt memory."""
    for split, shard in zip(("train", "val"), shards):
        top = int(shard.max()) if len(shard) else 0
        if top >= vocab_size:
            raise DataError(f"{os.path.join(data_dir, split)}.bin: token id {top} is outside the model's "
                            f"vocabulary of {vocab_size} (data made with another tokenizer?)")
    return shards


def get_batch(data, block_size, micro_batch, seed, step, index, device):
    """micro_batch random windows of block_size+1 tokens, chosen only by (seed, step, index), where
    index counts micro-batches across all ranks: a resumed or re-sharded run sees the same data."""
    rng = np.random.default_rng([seed, step, index])
    starts = rng.integers(0, len(data) - block_size - 1, size=micro_batch)
    xy = torch.from_numpy(np.stack([data[s:s + block_size + 1].astype(np.int64) for s in starts]))
    x, y = xy[:, :-1], xy[:, 1:]                                         # (B, T) inputs, next-token targets
    if device.type == "cuda":  # pinned memory lets the copy overlap with compute
        return x.pin_memory().to(device, non_blocking=True), y.pin_memory().to(device, non_blocking=True)
    return x.to(device), y.to(device)


VAL_STEP = 2**32 - 1  # the "step" of the fixed validation batches, past any training step


def lr_at(step, peak, warmup, max_steps):
    """Linear warmup from 0 to peak over `warmup` steps, then linear decay to 0 at max_steps (paper)."""
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * max(0.0, (max_steps - step) / max(1, max_steps - warmup))


@torch.no_grad()
def eval_loss(model, val_data, block_size, micro_batch, seed, batches, device, autocast=contextlib.nullcontext()):
    """The summed loss of the fixed validation batches numbered `batches` (a tensor, for all_reduce)."""
    was_training = model.training
    model.eval()
    total = torch.zeros((), device=device)
    for i in batches:
        x, y = get_batch(val_data, block_size, micro_batch, seed, VAL_STEP, i, device)
        with autocast:
            total += model(x, y)[1].float()
    model.train(was_training)
    return total


def flops_per_token(cfg, n_params, predicted=None):
    """Training FLOPs per token (PaLM, appendix B): 6N for the matmuls of forward and backward, where
    N excludes the embedding table (a lookup, not a matmul; lm_head is untied and does count), plus
    12*L*H*Q*T for attention's two T-long matmuls, forward and backward. predicted: how many lm_head
    columns are computed (Phi.predict_only), when not all."""
    N = n_params - cfg.vocab_size * cfg.n_embd
    if predicted is not None:  # the skipped columns do no work
        N -= (cfg.vocab_size - predicted) * (cfg.n_embd + 1)
    return 6 * N + 12 * cfg.n_layer * cfg.n_head * cfg.head_dim * cfg.block_size


def peak_flops(device):
    if device.type != "cuda":
        return None
    name = torch.cuda.get_device_name(device)
    return next((v for k, v in GPU_PEAK_FLOPS.items() if k in name), None)


def train(tc):
    """Train one stage as the TrainConfig tc says; returns the best validation loss."""
    # ---- setup: processes, device, precision --------------------------------------------------
    ddp = int(os.environ.get("WORLD_SIZE", 1)) > 1  # launched by torchrun with several processes
    device = tc.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if ddp:
        import torch.distributed as dist

        backend = "nccl" if torch.cuda.is_available() and tc.device != "cpu" else "gloo"
        dist.init_process_group(backend)
        rank, world = dist.get_rank(), dist.get_world_size()
        if backend == "nccl":
            torch.cuda.set_device(int(os.environ["LOCAL_RANK"]))
            device = f"cuda:{os.environ['LOCAL_RANK']}"
    else:
        rank, world = 0, 1
    master = rank == 0
    device = torch.device(device)
    log = (lambda *a: print(*a, flush=True)) if master else (lambda *a: None)

    stage = TRAIN_PRESETS[tc.preset][tc.stage]
    hp = {k: getattr(tc, k) if getattr(tc, k) is not None else v for k, v in stage.items()}
    # every rank runs micro_batch sequences per forward; accumulation makes up the effective batch
    per_step = hp["micro_batch"] * world
    if hp["batch_size"] % per_step:
        raise DataError(f"batch_size {hp['batch_size']} is not a multiple of micro_batch x processes = {per_step}")
    accum = hp["batch_size"] // per_step
    eval_iters = -(-tc.eval_iters // world) * world  # every rank evaluates as many batches
    if tc.preset != "phi1":
        log(f"preset {tc.preset}: {tc.stage} batch {hp['batch_size']} (paper {PAPER_BATCH[tc.stage]}) x {hp['max_steps']} steps, scaled down from the paper's")

    dtype = tc.dtype
    if dtype == "auto":  # bf16 where the GPU has it; the paper trained in fp16; CPUs train in fp32
        dtype = "float32" if device.type != "cuda" else ("bfloat16" if torch.cuda.is_bf16_supported() else "float16")
    ptdtype = getattr(torch, dtype)
    autocast = torch.autocast(device.type, dtype=ptdtype, enabled=dtype != "float32")
    # fp16 has a 5-bit exponent: small gradients underflow to 0 unless the loss is scaled up first;
    # bf16 has fp32's range and needs no scaler
    scaler = torch.amp.GradScaler(device.type, enabled=dtype == "float16")

    torch.manual_seed(tc.seed)  # the same initial weights on every rank (FSDP does not broadcast them)
    train_data, val_data, _ = open_shards(tc.data, PhiConfig.preset(tc.preset, **tc.model).block_size)

    # ---- model and optimizer ------------------------------------------------------------------
    os.makedirs(tc.out, exist_ok=True)
    ckpt_path = os.path.join(tc.out, "ckpt.pt")
    resume = tc.resume and os.path.exists(ckpt_path)
    ckpt = read_checkpoint(ckpt_path) if resume else None
    # the kernels and the dropout this run asks for, whatever the weights were trained with
    run_cfg = dict(attn_impl=tc.attn_impl, ln_impl=tc.ln_impl, loss_impl=tc.loss_impl,
                   resid_pdrop=hp["dropout"], attn_pdrop=hp["dropout"])
    if ckpt is not None:
        model = Phi(PhiConfig(**(ckpt["config"] | run_cfg)))
        model.load_state_dict(ckpt["model"])
    elif tc.init_from:  # finetuning starts from a pretrained model: weights only, a fresh optimizer
        model = load_model(tc.init_from, **run_cfg)
    else:
        model = Phi(PhiConfig.preset(tc.preset, **(tc.model | run_cfg)))
    cfg = model.config
    torch.manual_seed(tc.seed + rank)  # but a different dropout stream on each rank
    if len(train_data) < cfg.block_size + 1 or len(val_data) < cfg.block_size + 1:
        raise DataError(f"{tc.data}: shards shorter than one sequence of block_size+1 = {cfg.block_size + 1}")
    check_token_ids(tc.data, (train_data, val_data), cfg.vocab_size)
    model.to(device)
    if tc.vocab_from:  # before DDP/FSDP wrap the model: every rank makes the same change
        model.predict_only(tokens_in(tc.vocab_from, cfg.vocab_size).to(device))
        log(f"predicting only the {len(model.live):,} token ids found in {', '.join(tc.vocab_from)}")
    n_params = model.num_params()
    log(f"model: {n_params:,} parameters, {cfg.n_layer} layers x {cfg.n_embd} wide, context {cfg.block_size}, on {device} in {dtype}")

    raw_model = model
    if ddp and tc.fsdp:
        # ZeRO-3 as the paper's DeepSpeed: each rank keeps 1/world of parameters, gradients and
        # optimizer state, and gathers a block's weights just before the block runs
        from torch.distributed.fsdp import fully_shard

        for block in model.model.layers:
            fully_shard(block)
        fully_shard(model)
    elif ddp:
        from torch.nn.parallel import DistributedDataParallel as DDP

        model = DDP(model, device_ids=[device.index] if device.type == "cuda" else None)

    # weight decay on weight matrices (and the embedding) only: decaying biases and LayerNorm gains
    # toward zero only hurts (as in GPT-2/-3, nanoGPT)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": hp["weight_decay"]}, {"params": no_decay, "weight_decay": 0.0}]
    # fused AdamW: one pass over each parameter, not a kernel per operation (CPUs have it too)
    optimizer = torch.optim.AdamW(groups, lr=hp["lr"], betas=(0.9, 0.95), eps=1e-8, fused=device.type in ("cuda", "cpu"))
    step, best_val = 0, float("inf")
    if ckpt is not None:
        if ddp and tc.fsdp:  # the checkpoint holds full tensors: scatter them back into shards
            from torch.distributed.checkpoint.state_dict import StateDictOptions, set_state_dict

            set_state_dict(model, optimizer, model_state_dict=ckpt["model"], optim_state_dict=ckpt["optimizer"],
                           options=StateDictOptions(full_state_dict=True))
        else:
            optimizer.load_state_dict(ckpt["optimizer"])
        scaler.load_state_dict(ckpt["scaler"])
        step, best_val = ckpt["step"], ckpt["best_val"]
        log(f"resumed from {ckpt_path} at step {step}")
    if tc.compile:
        model = torch.compile(model)

    def evaluate():
        """Mean loss over eval_iters fixed validation batches (the same ones at every evaluation)."""
        total = eval_loss(model, val_data, cfg.block_size, hp["micro_batch"], tc.seed, range(rank, eval_iters, world), device, autocast)
        if ddp:
            dist.all_reduce(total)
        return total.item() / eval_iters

    def save(val_loss):
        """Everything a bit-exact resume needs, in one file written atomically. Returns the model's
        whole weights on rank 0 (under FSDP every rank must call this: the shards are gathered)."""
        state = dict(model=raw_model.state_dict(), optimizer=optimizer.state_dict(), scaler=scaler.state_dict(),
                     step=step, best_val=best_val, config=asdict(cfg), train_config=asdict(tc), val_loss=val_loss,
                     data_position=dict(seed=tc.seed, step=step),  # batches are a function of (seed, step)
                     rng=dict(torch=torch.get_rng_state(), numpy=np.random.get_state(),
                              cuda=torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None))
        if ddp and tc.fsdp:  # gather the shards into one full state dict on rank 0
            from torch.distributed.checkpoint.state_dict import StateDictOptions, get_state_dict

            full = StateDictOptions(full_state_dict=True, cpu_offload=True)
            state["model"], state["optimizer"] = get_state_dict(model, optimizer, options=full)
        if master:
            atomic_write(ckpt_path, lambda f: torch.save(state, f))
        return state["model"]

    if ckpt is not None:  # continue every random stream where the interrupted run left it
        torch.set_rng_state(ckpt["rng"]["torch"])
        np.random.set_state(ckpt["rng"]["numpy"])
        if ckpt["rng"]["cuda"] is not None and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(ckpt["rng"]["cuda"])

    # metrics.jsonl: one JSON line per logged step; on resume drop the lines of steps after the
    # checkpoint, which the resumed run will log again
    metrics_path = os.path.join(tc.out, "metrics.jsonl")
    if master:
        kept = []
        if resume and os.path.exists(metrics_path):
            with open(metrics_path) as f:
                kept = [line for line in f if json.loads(line)["step"] <= step]
        atomic_write(metrics_path, "".join(kept))

    def log_metrics(**row):
        if master:
            with open(metrics_path, "a") as f:
                f.write(json.dumps(row) + "\n")

    # ---- the loop -------------------------------------------------------------------------------
    fpt = flops_per_token(cfg, n_params, len(raw_model.live) if tc.vocab_from else None)
    peak = peak_flops(device)
    tokens_per_step = hp["batch_size"] * cfg.block_size
    model.train()
    t_start, t_last, steps_timed = time.time(), time.time(), 0
    while step < hp["max_steps"]:
        lr = lr_at(step, hp["lr"], hp["warmup"], hp["max_steps"])
        for group in optimizer.param_groups:
            group["lr"] = lr
        loss_sum = torch.zeros((), device=device)
        for micro in range(accum):
            x, y = get_batch(train_data, cfg.block_size, hp["micro_batch"], tc.seed, step, rank * accum + micro, device)
            # DDP: all-reduce gradients only on the last micro-batch, not after every one
            # (FSDP reduce-scatters after every micro-batch: simpler, and its shards stay small)
            sync = not ddp or tc.fsdp or micro == accum - 1
            with (model.no_sync() if not sync else contextlib.nullcontext()), autocast:
                _, loss = model(x, y)
                # the loss is a mean over one micro-batch; dividing by accum makes the summed
                # gradients the mean over the whole effective batch
                loss = loss / accum
            scaler.scale(loss).backward()
            loss_sum += loss.detach()
        scaler.unscale_(optimizer)  # clip the true gradients, not the fp16-scaled ones
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        scaler.step(optimizer)
        scaler.update()
        optimizer.zero_grad(set_to_none=True)
        if ddp:
            dist.all_reduce(loss_sum)
            loss_sum /= world
        step += 1
        steps_timed += 1

        last = step == hp["max_steps"]
        if step % tc.log_interval == 0 or last:
            loss_val = loss_sum.item()  # .item() waits for the GPU: only at log steps
            dt = (time.time() - t_last) / steps_timed
            t_last, steps_timed = time.time(), 0
            tok_s = tokens_per_step / dt
            speed = f"mfu {100 * fpt * tok_s / world / peak:.1f}%" if peak else f"{fpt * tok_s / 1e9:.1f} GFLOP/s"
            eta = (hp["max_steps"] - step) * (time.time() - t_start) / max(1, step - (ckpt["step"] if ckpt else 0))
            log(f"step {step:6d} | loss {loss_val:.4f} | lr {lr:.2e} | {tok_s:,.0f} tok/s | {speed} | left {eta / 60:.1f} min")
            log_metrics(step=step, loss=loss_val, lr=lr, grad_norm=float(grad_norm), tokens_per_s=tok_s,
                        mfu=fpt * tok_s / world / peak if peak else None, gflops=fpt * tok_s / 1e9)
        val_loss = None
        if step % hp["eval_interval"] == 0 or last or step % hp["save_interval"] == 0:
            val_loss = evaluate()
            log(f"step {step:6d} | val loss {val_loss:.4f}")
            log_metrics(step=step, val_loss=val_loss)
        if step % hp["save_interval"] == 0 or last:
            improved = val_loss < best_val
            best_val = min(best_val, val_loss)
            weights = save(val_loss)
            if improved and master:  # keep the best by validation loss among the periodic saves (paper)
                raw_model.save_pretrained(os.path.join(tc.out, "best"), weights)
                log_metrics(step=step, best_val_loss=val_loss)

    final = None  # the model's own weights, except under FSDP: gather the shards (every rank takes part)
    if ddp and tc.fsdp:
        from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict

        final = get_model_state_dict(model, options=StateDictOptions(full_state_dict=True, cpu_offload=True))
    if master:
        raw_model.save_pretrained(os.path.join(tc.out, "final"), final)
        log(f"done: {step} steps, best val loss {best_val:.4f}; saved {tc.out}/final and {tc.out}/best")
    if ddp:  # leave together: rank 0 may still be writing, and gloo aborts a rank whose peer left early
        dist.barrier()
        dist.destroy_process_group()
    return best_val

# -----------------------------------------------------------------------------
# 8. The whole recipe in one command: data -> pretrain -> finetune -> samples -> HumanEval (and MBPP).
# Every stage skips or resumes what an earlier run finished, so running it again continues.

RECIPES = {  # data size for data_gen.py, eval settings; the training rows are TRAIN_PRESETS
    # vocab_from_data: predict only the token ids the data holds (Phi.predict_only), for a CPU
    "tiny": dict(data_size="tiny", eval_batch=32, max_new_tokens=96, vocab_from_data=True),
    "small": dict(data_size="small", eval_batch=64, max_new_tokens=384, vocab_from_data=False),
    "phi1": dict(data_size="small", eval_batch=64, max_new_tokens=384, vocab_from_data=False),
}


@dataclass
class RecipeConfig:
    """One run of the recipe: a preset, where its data and runs go, and what to change from the
    preset's rows (fields left None or empty keep them; the tests use a smaller everything)."""
    preset: str = "tiny"               # model size: PRESETS, TRAIN_PRESETS and RECIPES rows
    out: str = None                    # runs, samples, results (default out/PRESET)
    data: str = None                   # CodeTextbook and CodeExercises shards (default data/PRESET)
    mbpp: str = None                   # an MBPP problems file (JSONL) to score as well as HumanEval
    data_size: object = None           # data_gen.py's size: a name in data_gen.SIZES, or a dict of counts
    eval_batch: int = None             # prompts generated together
    max_new_tokens: int = None         # longest completion
    vocab_from_data: bool = None       # Phi.predict_only with the data's token ids
    model: dict = field(default_factory=dict)     # PhiConfig fields over the preset's
    pretrain: dict = field(default_factory=dict)  # TrainConfig fields over the preset's rows
    finetune: dict = field(default_factory=dict)

    def __post_init__(self):
        for k, v in RECIPES[self.preset].items():
            if getattr(self, k) is None:
                setattr(self, k, v)
        self.out = self.out or os.path.join("out", self.preset)
        self.data = self.data or os.path.join("data", self.preset)
DEMO_PROMPTS = [  # our own prompts, not HumanEval's, to show what the model writes
    'def is_even(n: int) -> bool:\n    """Return True when n is even."""\n',
    'def count_vowels(text: str) -> int:\n    """Count the vowels (a, e, i, o, u) in text."""\n',
    'def reverse_words(sentence: str) -> str:\n    """Return the sentence with its words in reverse order."""\n',
]


def recipe(rc):
    """Run the whole recipe a RecipeConfig describes. Returns the summary (also in OUT/summary.json)."""
    # the one place a lower layer reaches up: the recipe drives the data and evaluation scripts
    import data_gen
    import eval_humaneval

    preset, out, data = rc.preset, rc.out, rc.data
    if rc.mbpp:  # read it now: a bad file should fail before the training, not after
        try:
            eval_humaneval.load_mbpp(rc.mbpp)
        except eval_humaneval.InputError as e:
            raise DataError(f"--mbpp: {e}")
    rank = int(os.environ.get("RANK", 0))
    times = {}
    tok = get_tokenizer()
    t0 = time.time()
    print(f"==> phi1 --{preset}: data in {data}, runs in {out}")
    if preset != "tiny":
        cfg = PhiConfig.preset(preset)
        with torch.device("meta"):
            n = Phi(cfg).num_params()
        tokens = sum(r["batch_size"] * r["max_steps"] for r in TRAIN_PRESETS[preset].values()) * cfg.block_size
        gpus = int(os.environ.get("WORLD_SIZE", 1))
        card = torch.cuda.get_device_name() if torch.cuda.is_available() else "A100"
        peak = peak_flops(torch.device("cuda")) if torch.cuda.is_available() else None
        hours = tokens * flops_per_token(cfg, n) / (0.4 * (peak or GPU_PEAK_FLOPS["A100"]) * gpus) / 3600
        print(f"expected: training {tokens / 1e9:.1f}B tokens takes about {hours:.1f} h on {gpus} x {card} at 40% MFU; "
              f"first the offline data (~430M tokens, hours on a CPU) if {data} is missing")

    # ---- data: CodeTextbook (pretrain) and CodeExercises (finetune), made offline if missing
    if rank == 0:
        try:
            data_gen.pipeline(data, seed=0, size=rc.data_size)
        except data_gen.DataError as e:  # a corrupt data directory: the same one-line error as training's
            raise DataError(str(e))
    else:  # other torchrun ranks wait for rank 0's data
        while not os.path.exists(os.path.join(data, "exercises", "meta.json")):
            time.sleep(5)
    times["data"] = time.time() - t0

    # ---- pretrain, then finetune from the pretrained weights (each resumes a killed run)
    dirs = {"pretrain": os.path.join(data, "textbook"), "finetune": os.path.join(data, "exercises")}
    for stage, init_from in (("pretrain", None), ("finetune", os.path.join(out, "pretrain", "final"))):
        t = time.time()
        tc = TrainConfig(data=dirs[stage], out=os.path.join(out, stage), preset=preset, stage=stage,
                         init_from=init_from, resume=True, model=rc.model,
                         vocab_from=list(dirs.values()) if rc.vocab_from_data else None)
        tc = replace(tc, **getattr(rc, stage))
        print(f"==> {stage}")
        if os.path.exists(os.path.join(out, stage, "final", "model.safetensors")):
            print(f"{out}/{stage}/final exists: skipping (delete it to train again)")
        else:
            train(tc)
        times[stage] = time.time() - t
    if rank != 0:
        return

    # ---- the finetuned model against the pretrain-only one, on held-out exercises
    device = "cuda" if torch.cuda.is_available() else "cpu"
    models = {s: load_model(os.path.join(out, s, "best"), device=device) for s in ("pretrain", "finetune")}
    ex_val = open_shards(os.path.join(data, "exercises"), models["finetune"].config.block_size)[1]
    ex_loss = {s: eval_loss(m, ex_val, m.config.block_size, 4, 0, range(8), torch.device(device)).item() / 8
               for s, m in models.items()}
    model = models["finetune"]

    # ---- a few completions, greedy
    print("==> samples (greedy)")
    for prompt, new in zip(DEMO_PROMPTS, model.generate(tok.encode_batch(DEMO_PROMPTS), 64, stop_strings=eval_humaneval.STOP_STRINGS, tokenizer=tok)):
        print(prompt + eval_humaneval.truncate(tok.decode(new)) + "\n" + "-" * 40)

    # ---- HumanEval: all 164 problems, greedy, scored in the sandbox
    t = time.time()
    problems = eval_humaneval.load_problems()
    ev = os.path.join(out, "humaneval")
    os.makedirs(ev, exist_ok=True)
    samples = eval_humaneval.generate_samples(model, tok, problems, os.path.join(ev, "samples.jsonl"),
                                              max_new_tokens=rc.max_new_tokens, batch_size=rc.eval_batch)
    summary = eval_humaneval.evaluate(samples, problems, ev)
    times["humaneval"] = time.time() - t
    if rc.mbpp:  # MBPP's test split, greedy, the same sandbox and scorer (README: Evaluation)
        t = time.time()
        mbpp = eval_humaneval.run_mbpp(model, tok, rc.mbpp, os.path.join(out, "mbpp"),
                                       max_new_tokens=rc.max_new_tokens, batch_size=rc.eval_batch)
        times["mbpp"] = time.time() - t

    # ---- report: loss curve, summary table and summary.json
    plot_losses(out, os.path.join(out, "loss.png"))
    report = {
        "preset": preset, "parameters": model.num_params(),
        "pretrain_best_val_loss": best_val_loss(os.path.join(out, "pretrain")),
        "finetune_best_val_loss": best_val_loss(os.path.join(out, "finetune")),
        "exercises_val_loss_pretrain_only": ex_loss["pretrain"], "exercises_val_loss_finetuned": ex_loss["finetune"],
        "humaneval_pass@1": summary["pass@1"], "humaneval_valid_python": summary["valid_python"],
        **({"mbpp_pass@1": mbpp["pass@1"], "mbpp_valid_python": mbpp["valid_python"]} if rc.mbpp else {}),
        "seconds": {k: round(v, 1) for k, v in times.items()}, "total_seconds": round(time.time() - t0, 1),
    }
    atomic_write(os.path.join(out, "summary.json"), json.dumps(report, indent=2))
    print(f"\n==> phi1 --{preset} summary ({out}/summary.json)")
    for k, v in report.items():
        if k != "seconds":
            print(f"  {k:<36} {v:.4f}" if isinstance(v, float) else f"  {k:<36} {v}")
    print("  time: " + ", ".join(f"{k} {v / 60:.1f} min" for k, v in times.items()))
    print("  paper, for scale: phi-1-small (350M) 45% and phi-1 (1.3B) 50.6% HumanEval pass@1")
    return report


def best_val_loss(run_dir):
    """The lowest validation loss a run logged (read from metrics.jsonl, not from the large ckpt.pt)."""
    with open(os.path.join(run_dir, "metrics.jsonl")) as f:
        return min(r["val_loss"] for r in map(json.loads, f) if "val_loss" in r)


def plot_losses(out, path):
    """Train and validation loss of both stages on one step axis (finetune continues after pretrain)."""
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    offset = 0
    for stage, color in (("pretrain", "tab:blue"), ("finetune", "tab:orange")):
        with open(os.path.join(out, stage, "metrics.jsonl")) as f:
            rows = [json.loads(line) for line in f]
        train_rows = [(r["step"] + offset, r["loss"]) for r in rows if "loss" in r]
        val_rows = [(r["step"] + offset, r["val_loss"]) for r in rows if "val_loss" in r]
        ax.plot(*zip(*train_rows), color=color, alpha=0.6, label=f"{stage} train")
        ax.plot(*zip(*val_rows), "o-", color=color, label=f"{stage} val")
        offset = max(s for s, _ in train_rows)
    ax.set(xlabel="step", ylabel="loss (nats/token)", yscale="log", title=f"phi1 {os.path.basename(out.rstrip('/'))}")
    ax.legend()
    fig.tight_layout()
    atomic_write(path, lambda f: fig.savefig(f, format="png", dpi=100))
    plt.close(fig)

# -----------------------------------------------------------------------------
# 9. Command line.


def train_parser(p):
    """`phi1.py train`'s options: one per TrainConfig field, with the field's type, default and help."""
    for f in fields(TrainConfig):
        if "help" not in f.metadata:
            continue  # not a command-line option
        kw = {k: v for k, v in f.metadata.items() if k not in ("kind", "help")}
        help = f.metadata["help"]
        if f.name in TRAIN_PRESETS["tiny"]["pretrain"]:
            help += " (default: the preset's row in TRAIN_PRESETS)"
        elif f.default not in (None, False):
            help += f" (default: {f.default})"
        if f.metadata["kind"] is bool:
            p.add_argument("--" + f.name.replace("_", "-"), action="store_true", help=help)
        else:
            p.add_argument("--" + f.name.replace("_", "-"), type=f.metadata["kind"], default=f.default, help=help, **kw)


def sample_main(args):
    tok = get_tokenizer()
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    model = load_model(args.init_from, device=device)
    out = model.generate([tok.encode(args.prompt)], args.max_new_tokens, temperature=args.temperature,
                         top_k=args.top_k, top_p=args.top_p, seed=args.seed)[0]
    print(tok.decode(out))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    for name, what in (("tiny", "on a CPU in minutes"), ("small", "phi-1-small on one GPU"), ("phi1", "the 1.3B model under torchrun")):
        parser.add_argument("--" + name, dest="recipe", action="store_const", const=name, help=f"the whole recipe, {what}")
    parser.add_argument("--out", default=None, help="with --tiny/--small/--phi1: run directory (default out/PRESET)")
    parser.add_argument("--data", default=None, help="with --tiny/--small/--phi1: data directory (default data/PRESET)")
    parser.add_argument("--mbpp", default=None, metavar="FILE",
                        help="with --tiny/--small/--phi1: also score MBPP from this problems file (README: Evaluation)")
    sub = parser.add_subparsers(dest="command")
    train_parser(sub.add_parser("train", help="pretrain or finetune"))
    s = sub.add_parser("sample", help="complete a prompt", formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    s.add_argument("--init-from", required=True, help="a ckpt.pt or a Hugging Face directory (or hub id)")
    s.add_argument("--prompt", required=True)
    s.add_argument("--max-new-tokens", type=int, default=128)
    s.add_argument("--temperature", type=float, default=0.0, help="0 = greedy")
    s.add_argument("--top-k", type=int, default=None)
    s.add_argument("--top-p", type=float, default=None)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--device", default=None)
    args = parser.parse_args(argv)
    try:
        if args.recipe and not args.command:
            recipe(RecipeConfig(preset=args.recipe, out=args.out, data=args.data, mbpp=args.mbpp))
        elif args.command == "train":
            train(TrainConfig(**{f.name: getattr(args, f.name) for f in fields(TrainConfig) if hasattr(args, f.name)}))
        elif args.command == "sample":
            sample_main(args)
        else:
            parser.print_help()
    except (DataError, CheckpointError) as e:
        raise SystemExit(f"error: {e}")


if __name__ == "__main__":
    main()
