// attention_cpu.cpp: tiled causal attention (FlashAttention-2's algorithm) on the CPU, forward
// and backward, plus the entry points `attention_fwd` / `attention_bwd` that bindings.cpp exports
// and that send CUDA tensors on to attention.cu.
//
// Why a CPU version at all: it is the same algorithm as attention.cu, with the same tile sizes and
// the same loops, written without warps and tensor cores, so a student can read this file first and
// then the CUDA one, and so CI (no GPU) can test the algorithm against float64 naive attention.
//
// The algorithm (Dao, "FlashAttention-2", 2023, algorithms 1 and 2). With S = scale * Q K^T,
// P = softmax(S) row by row, O = P V, the T x T matrices S and P are never stored whole:
//   forward, for each tile of BR query rows (the outer loop, one parallel task each):
//     m = -inf, l = 0, acc = 0                          (running max, running sum, unnormalised O)
//     for each tile of BC keys/values j (the inner loop; causal: stop after the diagonal tile):
//       S_tile = scale * Q_tile K_j^T                   (BR x BC; masked entries = -inf)
//       m_new = max(m, rowmax(S_tile));  alpha = exp(m - m_new)
//       P_tile = exp(S_tile - m_new);    l = alpha * l + rowsum(P_tile)
//       acc = alpha * acc + P_tile V_j;  m = m_new
//     O_tile = acc / l;  lse = m + log(l)              (lse: log of the softmax denominator)
//   backward, with D_i = rowsum(dO_i * O_i) computed first (= rowsum(P_i * dP_i)):
//     pass 1, parallel over key tiles j: for each query tile i (causal: from the diagonal on)
//       P = exp(S - lse)   (recomputed from Q, K and the saved lse: nothing T x T was kept)
//       dV_j += P^T dO_i;  dP = dO_i V_j^T;  dS = P * (dP - D_i);  dK_j += scale * dS^T Q_i
//     pass 2, parallel over query tiles i: for each key tile j (causal: up to the diagonal)
//       P, dP, dS as above;  dQ_i += scale * dS K_j
//   Two passes instead of FlashAttention-2's single pass with atomicAdd on dQ: every output
//   element is then written by exactly one task, so the result is deterministic (the GPU version
//   does the same; see attention.cu for the cost of that choice).
//
// Types: float32 and float64. Accumulation is in the input type (float for float, as the GPU
// accumulates in fp32; double for double, so float64 tests can be tight). lse comes back in the
// input type too (float32 for float32, as the contract says; float64 for float64 inputs, so the
// float64 backward is not limited by a float32 lse).
//
// Build: part of the `kernels` extension (kernels/csrc/bindings.cpp), built on first use of
// `kernels.attention` on CPU tensors; test: python -m pytest -q tests/test_kernels_attention.py
// Speed: not the point here (no SIMD, plain loops); the GPU figures are in attention.cu.
#include "common.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#ifdef WITH_CUDA
std::vector<at::Tensor> attention_fwd_cuda(const at::Tensor& q, const at::Tensor& k,
                                           const at::Tensor& v, bool causal, double scale,
                                           int64_t version);
std::vector<at::Tensor> attention_bwd_cuda(const at::Tensor& dout, const at::Tensor& q,
                                           const at::Tensor& k, const at::Tensor& v,
                                           const at::Tensor& o, const at::Tensor& lse,
                                           bool causal, double scale, int64_t version);
std::string attention_cuda_unsupported(const at::Tensor& q, int64_t version);
#endif

namespace {

constexpr int64_t BR = 64;  // query rows per tile  (the same in attention.cu)
constexpr int64_t BC = 64;  // key/value rows per tile

template <typename scalar_t>
scalar_t dot(const scalar_t* a, const scalar_t* b, int64_t D) {
  scalar_t s = 0;
  for (int64_t d = 0; d < D; d++) s += a[d] * b[d];
  return s;
}

// Is key j hidden from query i? Causal attention lets row i see keys 0..i (SDPA's is_causal).
inline bool masked(bool causal, int64_t i, int64_t j) { return causal && j > i; }

// ---------------------------------------------------------------------------------------------
// forward: one query tile of one (batch, head). q, k, v, o point at that head's (T, D) matrices.
template <typename scalar_t>
void forward_tile(const scalar_t* q, const scalar_t* k, const scalar_t* v, scalar_t* o,
                  scalar_t* lse, int64_t T, int64_t D, int64_t q0, bool causal, scalar_t scale,
                  std::vector<scalar_t>& S, std::vector<scalar_t>& acc, std::vector<scalar_t>& m,
                  std::vector<scalar_t>& l) {
  const scalar_t NEG_INF = -std::numeric_limits<scalar_t>::infinity();
  const int64_t nr = std::min(BR, T - q0);  // rows in this tile (the last tile may be short)
  std::fill(m.begin(), m.end(), NEG_INF);
  std::fill(l.begin(), l.end(), scalar_t(0));
  std::fill(acc.begin(), acc.end(), scalar_t(0));
  // causal: keys after this tile's last query are masked for every row, so those tiles are skipped
  const int64_t k_end = causal ? std::min(T, q0 + nr) : T;
  for (int64_t k0 = 0; k0 < k_end; k0 += BC) {
    const int64_t nc = std::min(BC, T - k0);
    // (1) S_tile = scale * Q_tile K_j^T, with the causal mask
    for (int64_t r = 0; r < nr; r++)
      for (int64_t c = 0; c < nc; c++)
        S[r * BC + c] = masked(causal, q0 + r, k0 + c)
                            ? NEG_INF
                            : scale * dot(q + (q0 + r) * D, k + (k0 + c) * D, D);
    // (2) online softmax: new running max, rescale what was summed so far, add this tile
    for (int64_t r = 0; r < nr; r++) {
      scalar_t mx = NEG_INF;
      for (int64_t c = 0; c < nc; c++) mx = std::max(mx, S[r * BC + c]);
      const scalar_t m_new = std::max(m[r], mx);
      // a row with nothing visible yet keeps m = -inf; shifting by 0 then avoids (-inf) - (-inf)
      const scalar_t shift = (m_new == NEG_INF) ? scalar_t(0) : m_new;
      const scalar_t alpha = std::exp(m[r] - shift);  // exp(-inf) = 0 on the first tile
      scalar_t rowsum = 0;
      for (int64_t c = 0; c < nc; c++) {
        const scalar_t p = std::exp(S[r * BC + c] - shift);
        S[r * BC + c] = p;  // S_tile now holds P_tile
        rowsum += p;
      }
      l[r] = alpha * l[r] + rowsum;
      m[r] = m_new;
      // (3) acc = alpha * acc + P_tile V_j
      scalar_t* a = acc.data() + r * D;
      for (int64_t d = 0; d < D; d++) a[d] *= alpha;
      for (int64_t c = 0; c < nc; c++) {
        const scalar_t p = S[r * BC + c];
        const scalar_t* vr = v + (k0 + c) * D;
        for (int64_t d = 0; d < D; d++) a[d] += p * vr[d];
      }
    }
  }
  for (int64_t r = 0; r < nr; r++) {  // every row sees key 0, so l > 0
    for (int64_t d = 0; d < D; d++) o[(q0 + r) * D + d] = acc[r * D + d] / l[r];
    lse[q0 + r] = m[r] + std::log(l[r]);
  }
}

// P, dP and dS of one (query tile, key tile) pair, shared by both backward passes.
// P[r][c] = exp(scale * q_i . k_j - lse_i) (0 where masked), dS = P * (dO_i . v_j - D_i).
template <typename scalar_t>
void backward_block(const scalar_t* q, const scalar_t* k, const scalar_t* v, const scalar_t* dout,
                    const scalar_t* lse, const scalar_t* Dvec, int64_t D, int64_t q0, int64_t nr,
                    int64_t k0, int64_t nc, bool causal, scalar_t scale, std::vector<scalar_t>& P,
                    std::vector<scalar_t>& dS) {
  for (int64_t r = 0; r < nr; r++) {
    const int64_t i = q0 + r;
    for (int64_t c = 0; c < nc; c++) {
      const int64_t j = k0 + c;
      if (masked(causal, i, j)) {
        P[r * BC + c] = 0;
        dS[r * BC + c] = 0;
        continue;
      }
      const scalar_t p = std::exp(scale * dot(q + i * D, k + j * D, D) - lse[i]);
      const scalar_t dp = dot(dout + i * D, v + j * D, D);
      P[r * BC + c] = p;
      dS[r * BC + c] = p * (dp - Dvec[i]);
    }
  }
}

template <typename scalar_t>
void forward(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, at::Tensor& o,
             at::Tensor& lse, bool causal, double scale_d) {
  const int64_t BH = q.size(0) * q.size(1), T = q.size(2), D = q.size(3);
  const int64_t nq = (T + BR - 1) / BR;
  const scalar_t scale = static_cast<scalar_t>(scale_d);
  const scalar_t *qp = q.data_ptr<scalar_t>(), *kp = k.data_ptr<scalar_t>(),
                 *vp = v.data_ptr<scalar_t>();
  scalar_t *op = o.data_ptr<scalar_t>(), *lp = lse.data_ptr<scalar_t>();
  // one task per (batch*head, query tile), like one CUDA block per (query tile, batch*head)
  at::parallel_for(0, BH * nq, 1, [&](int64_t begin, int64_t end) {
    std::vector<scalar_t> S(BR * BC), acc(BR * D), m(BR), l(BR);  // this thread's scratch
    for (int64_t task = begin; task < end; task++) {
      const int64_t bh = task / nq, q0 = (task % nq) * BR;
      const int64_t off = bh * T * D;
      forward_tile(qp + off, kp + off, vp + off, op + off, lp + bh * T, T, D, q0, causal, scale,
                   S, acc, m, l);
    }
  });
}

template <typename scalar_t>
void backward(const at::Tensor& dout, const at::Tensor& q, const at::Tensor& k,
              const at::Tensor& v, const at::Tensor& o, const at::Tensor& lse, at::Tensor& dq,
              at::Tensor& dk, at::Tensor& dv, bool causal, double scale_d) {
  const int64_t BH = q.size(0) * q.size(1), T = q.size(2), D = q.size(3);
  const int64_t nq = (T + BR - 1) / BR, nk = (T + BC - 1) / BC;
  const scalar_t scale = static_cast<scalar_t>(scale_d);
  const scalar_t *qp = q.data_ptr<scalar_t>(), *kp = k.data_ptr<scalar_t>(),
                 *vp = v.data_ptr<scalar_t>(), *op = o.data_ptr<scalar_t>(),
                 *dop = dout.data_ptr<scalar_t>(), *lp = lse.data_ptr<scalar_t>();
  scalar_t *dqp = dq.data_ptr<scalar_t>(), *dkp = dk.data_ptr<scalar_t>(),
           *dvp = dv.data_ptr<scalar_t>();

  // D_i = rowsum(dO_i * O_i): equals rowsum(P_i * dP_i), the term softmax's Jacobian subtracts,
  // at the cost of one dot product per row instead of a pass over the whole row of P.
  std::vector<scalar_t> Dvec(BH * T);
  at::parallel_for(0, BH * T, 256, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) Dvec[i] = dot(dop + i * D, op + i * D, D);
  });

  // pass 1: dK and dV, one task per (batch*head, key tile); the tile's sums stay in scratch
  at::parallel_for(0, BH * nk, 1, [&](int64_t begin, int64_t end) {
    std::vector<scalar_t> P(BR * BC), dS(BR * BC), dk_acc(BC * D), dv_acc(BC * D);
    for (int64_t task = begin; task < end; task++) {
      const int64_t bh = task / nk, k0 = (task % nk) * BC, nc = std::min(BC, T - k0);
      const int64_t off = bh * T * D;
      std::fill(dk_acc.begin(), dk_acc.end(), scalar_t(0));
      std::fill(dv_acc.begin(), dv_acc.end(), scalar_t(0));
      // causal: queries before key k0 cannot see it; start at the query tile holding row k0
      const int64_t q_start = causal ? (k0 / BR) * BR : 0;
      for (int64_t q0 = q_start; q0 < T; q0 += BR) {
        const int64_t nr = std::min(BR, T - q0);
        backward_block(qp + off, kp + off, vp + off, dop + off, lp + bh * T, Dvec.data() + bh * T,
                       D, q0, nr, k0, nc, causal, scale, P, dS);
        for (int64_t c = 0; c < nc; c++)
          for (int64_t r = 0; r < nr; r++) {
            const scalar_t p = P[r * BC + c], ds = scale * dS[r * BC + c];
            const scalar_t *dorow = dop + off + (q0 + r) * D, *qrow = qp + off + (q0 + r) * D;
            for (int64_t d = 0; d < D; d++) {
              dv_acc[c * D + d] += p * dorow[d];  // dV_j += P^T dO_i
              dk_acc[c * D + d] += ds * qrow[d];  // dK_j += scale * dS^T Q_i
            }
          }
      }
      std::copy(dv_acc.begin(), dv_acc.begin() + nc * D, dvp + off + k0 * D);
      std::copy(dk_acc.begin(), dk_acc.begin() + nc * D, dkp + off + k0 * D);
    }
  });

  // pass 2: dQ, one task per (batch*head, query tile); recomputes P and dS (see header)
  at::parallel_for(0, BH * nq, 1, [&](int64_t begin, int64_t end) {
    std::vector<scalar_t> P(BR * BC), dS(BR * BC), dq_acc(BR * D);
    for (int64_t task = begin; task < end; task++) {
      const int64_t bh = task / nq, q0 = (task % nq) * BR, nr = std::min(BR, T - q0);
      const int64_t off = bh * T * D;
      std::fill(dq_acc.begin(), dq_acc.end(), scalar_t(0));
      const int64_t k_end = causal ? std::min(T, q0 + nr) : T;
      for (int64_t k0 = 0; k0 < k_end; k0 += BC) {
        const int64_t nc = std::min(BC, T - k0);
        backward_block(qp + off, kp + off, vp + off, dop + off, lp + bh * T, Dvec.data() + bh * T,
                       D, q0, nr, k0, nc, causal, scale, P, dS);
        for (int64_t r = 0; r < nr; r++)
          for (int64_t c = 0; c < nc; c++) {
            const scalar_t ds = scale * dS[r * BC + c];
            const scalar_t* krow = kp + off + (k0 + c) * D;
            for (int64_t d = 0; d < D; d++) dq_acc[r * D + d] += ds * krow[d];  // dQ_i += dS K_j
          }
      }
      std::copy(dq_acc.begin(), dq_acc.begin() + nr * D, dqp + off + q0 * D);
    }
  });
}

void check_qkv(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) {
  TORCH_CHECK(q.dim() == 4, "attention: q must be (B, H, T, D), got ", q.sizes());
  TORCH_CHECK(k.sizes() == q.sizes() && v.sizes() == q.sizes(),
              "attention: q, k, v must have the same shape, got ", q.sizes(), ", ", k.sizes(),
              ", ", v.sizes());
  TORCH_CHECK(k.scalar_type() == q.scalar_type() && v.scalar_type() == q.scalar_type(),
              "attention: q, k, v must have the same dtype");
  TORCH_CHECK(k.device() == q.device() && v.device() == q.device(),
              "attention: q, k, v must be on the same device");
  TORCH_CHECK(q.is_contiguous() && k.is_contiguous() && v.is_contiguous(),
              "attention: q, k, v must be contiguous");
  TORCH_CHECK(q.size(2) > 0 && q.size(3) > 0, "attention: T and D must be positive");
}

}  // namespace

// `version` picks the CUDA kernel (attention.cu is 1, attention_v2.cu is 2); CPU tensors always
// run this file's loops, the algorithm both versions share.
std::vector<at::Tensor> attention_fwd(const at::Tensor& q, const at::Tensor& k,
                                      const at::Tensor& v, bool causal, double scale,
                                      int64_t version) {
  check_qkv(q, k, v);
  TORCH_CHECK(version == 1 || version == 2, "attention: version must be 1 or 2, got ", version);
  if (q.is_cuda()) {
#ifdef WITH_CUDA
    return attention_fwd_cuda(q, k, v, causal, scale, version);
#else
    PHI1_NO_CUDA("attention");
#endif
  }
  TORCH_CHECK(q.scalar_type() == at::kFloat || q.scalar_type() == at::kDouble,
              "attention (CPU kernel): float32 or float64 only, got ", q.scalar_type());
  at::Tensor o = at::empty_like(q);
  at::Tensor lse = at::empty({q.size(0), q.size(1), q.size(2)}, q.options());
  AT_DISPATCH_FLOATING_TYPES(q.scalar_type(), "attention_fwd_cpu",
                             [&] { forward<scalar_t>(q, k, v, o, lse, causal, scale); });
  return {o, lse};
}

std::vector<at::Tensor> attention_bwd(const at::Tensor& dout, const at::Tensor& q,
                                      const at::Tensor& k, const at::Tensor& v,
                                      const at::Tensor& o, const at::Tensor& lse, bool causal,
                                      double scale, int64_t version) {
  check_qkv(q, k, v);
  TORCH_CHECK(version == 1 || version == 2, "attention: version must be 1 or 2, got ", version);
  TORCH_CHECK(dout.sizes() == q.sizes() && o.sizes() == q.sizes(),
              "attention_bwd: dout and o must have q's shape");
  TORCH_CHECK(dout.scalar_type() == q.scalar_type() && o.scalar_type() == q.scalar_type(),
              "attention_bwd: dout and o must have q's dtype");
  TORCH_CHECK(dout.is_contiguous() && o.is_contiguous() && lse.is_contiguous(),
              "attention_bwd: dout, o, lse must be contiguous");
  TORCH_CHECK(lse.numel() == q.size(0) * q.size(1) * q.size(2),
              "attention_bwd: lse must hold B*H*T values");
  TORCH_CHECK(dout.device() == q.device() && o.device() == q.device() &&
                  lse.device() == q.device(),
              "attention_bwd: all tensors must be on the same device");
  if (q.is_cuda()) {
#ifdef WITH_CUDA
    return attention_bwd_cuda(dout, q, k, v, o, lse, causal, scale, version);
#else
    PHI1_NO_CUDA("attention");
#endif
  }
  TORCH_CHECK(q.scalar_type() == at::kFloat || q.scalar_type() == at::kDouble,
              "attention (CPU kernel): float32 or float64 only, got ", q.scalar_type());
  TORCH_CHECK(lse.scalar_type() == q.scalar_type(),
              "attention_bwd (CPU kernel): lse must have q's dtype (as attention_fwd returns it)");
  at::Tensor dq = at::empty_like(q), dk = at::empty_like(k), dv = at::empty_like(v);
  AT_DISPATCH_FLOATING_TYPES(q.scalar_type(), "attention_bwd_cpu", [&] {
    backward<scalar_t>(dout, q, k, v, o, lse, dq, dk, dv, causal, scale);
  });
  return {dq, dk, dv};
}

std::string attention_cuda_check(const at::Tensor& q, int64_t version) {
  TORCH_CHECK(q.dim() == 4, "attention: q must be (B, H, T, D), got ", q.sizes());
#ifdef WITH_CUDA
  if (q.is_cuda()) return attention_cuda_unsupported(q, version);
  return "q is not a CUDA tensor";
#else
  return "the extension was built without CUDA";
#endif
}
