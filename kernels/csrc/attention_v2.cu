// attention_v2.cu: attention version 2, FlashAttention-2's GPU design (Dao 2023, sections 3.1-3.3)
// on the tensor cores through mma.sync, forward and a deterministic backward, fp16/bf16 inputs with
// fp32 accumulation, head dim 32, 64 or 128. kernels.attention(q, k, v, version=2) runs it.
//
// Same algorithm and same maths as version 1 (attention.cu; docs/flash_attention.md derives it);
// what changes is the data path. Version 1 sends every score through a per-warp fp32 scratch tile
// in shared memory (wmma hides its register layout); here:
//   * mma.sync.m16n8k16 through inline PTX (attention_ptx.cuh), with its documented fragment
//     layouts, so S = Q K^T stays in registers: the online softmax reads its accumulators where
//     they are, and the accumulators of two neighbouring 8-key n-tiles ARE the A fragment of P for
//     P V (rounded to 16 bits, no shared memory);
//   * row max and row sum across the 4 lanes of a quad (the lanes that share a row) with two
//     __shfl_xor_sync each; the sum's quad reduction waits until the very end;
//   * exp2 as ex2.approx.ftz (one MUFU op) with scale * log2(e) folded into S;
//   * the mask (causal diagonal, keys past T) is only evaluated on tiles that need it: for the
//     other tiles a warp-uniform test skips it, and tiles entirely above the diagonal are skipped;
//   * K/V tiles stream in with cp.async into two buffers: tile j+1 loads while tile j is used,
//     with one __syncthreads per tile;
//   * forward blocks own 128 query rows, 32 per warp (two 16-row m-tiles), so every K/V fragment
//     read from shared memory feeds two mma instructions;
//   * fragments come from shared memory with ldmatrix (.trans for V, dO, Q, K used as B = X);
//     rows are padded by 8 halves, so the 8 row addresses of an ldmatrix hit 8 different 16-byte
//     bank groups.
// Backward: the same three passes as version 1 (row dot D = rowsum(dO * O); dK/dV per key block;
// dQ per query block), so every output element is written by exactly one warp: no atomics, and
// the gradients are bitwise reproducible. FlashAttention-2 fuses dQ into the dK/dV pass with fp32
// atomics (fewer matmuls, not deterministic); we pay two extra tile matmuls per tile pair instead.
// The dK/dV kernel keeps the warp's 16 K rows and 16 V rows as A fragments in registers for the
// whole loop over query tiles (head dim <= 64; at 128 they would push the kernel past 255
// registers, so there it reloads them from shared memory), and double-buffers Q and dO tiles.
// The dQ kernel keeps its Q and dO fragments in registers and double-buffers K/V tiles.
//
// Tiles (Tiles<D> below): forward 128 query rows x 64 keys (32 keys at D = 128, to stay within
// registers); dK/dV 64 keys x 64 queries (32 at D = 128); dQ 64 query rows x 64 keys (32 at 128).
//
// STATUS: UNPROVEN ON A GPU. Written on a machine without one. What is proven: it compiles for
// sm_80 and sm_90 (tests/test_kernels_build.py), and its device code, compiled with g++ on top of
// attention_emu.h (mma.sync, ldmatrix, cp.async groups and shuffles emulated lane by lane, with
// the PTX layouts above), matches float64 attention in tests/test_kernels_attention.py, also
// under ThreadSanitizer. Not proven: speed, and anything the emulation cannot see (the real
// tensor cores' summation order, timing-dependent races, the PTX wrappers themselves).
// Expected (to be replaced by bench/gpu.sh figures): the target is >= 0.7x SDPA's flash
// backend forward and >= 0.5x forward+backward at bf16, D = 64, T = 2048 on an H100.
//
// Static resources (CUDA 13.0; `python bench/kernels.py resources` prints them: registers and
// spills from ptxas -v for bf16 (fp16: the same), dynamic shared memory from Tiles<D>, blocks per
// SM modelled from both for 128-thread blocks; tests/test_kernels_build.py fails if one spills):
//   kernel     D    smem (bytes)  registers sm_80/sm_90  spill stores sm_80/sm_90  blocks/SM 80/90
//   fwd        32   30720         162 / 161               0 / 0                    3 / 3
//   fwd        64   55296         218 / 210               0 / 0                    2 / 2
//   fwd        128  69632         237 / 240               0 / 0                    2 / 2
//   bwd_dkdv   32   31744         171 / 173               0 / 0                    2 / 2
//   bwd_dkdv   64   56320         230 / 230               0 / 0                    2 / 2
//   bwd_dkdv   128  70144         244 / 242               0 / 0                    2 / 2
//   bwd_dq     32   30720         133 / 136               0 / 0                    3 / 3
//   bwd_dq     64   55296         198 / 208               0 / 0                    2 / 2
//   bwd_dq     128  69632         221 / 224               0 / 0                    2 / 2
// sm_86 and sm_89 (`python -m kernels.build --cuda --arch 8.6,8.9 --build-dir /tmp/k86 --ptxas`):
// the same registers as sm_80 within 3, no spills.
// So 8 warps an SM at best (FlashAttention-2's forward runs about the same), limited by registers;
// every kernel fits the 99 KiB a block may have on sm_86/sm_89/sm_120. At D = 128 the forward's
// K/V tiles are 32 keys, not 64: with 64 it needed more than 255 registers and spilled. Building
// P's A fragments while the softmax runs (instead of from a second fp32 copy) and a one-comparison
// mask kept the D = 128 forward at 237-240 registers without spills.
//
// Build: part of the `kernels` extension (kernels/build.py). Test: python -m pytest -q
// tests/test_kernels_attention.py (emulated everywhere, real on a GPU). Benchmark:
// python bench/kernels.py attention --versions 1,2 (bench/gpu.sh runs it with compute-sanitizer).
#include "common.h"

#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "attention_ptx.cuh"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

// ---- device code: from here to "host side", tests/test_kernels_attention.py also compiles this
// part with g++ on top of attention_emu.h, which supplies threads, warps, shuffles and the ptx::
// functions lane by lane.

namespace {

constexpr int WARPS = 4;
constexpr int THREADS = WARPS * 32;
constexpr float LOG2E = 1.4426950408889634f;
constexpr float LN2 = 0.6931471805599453f;

template <typename T> struct Cvt;
template <> struct Cvt<__half> {
  static __device__ __forceinline__ float to_float(__half x) { return __half2float(x); }
};
template <> struct Cvt<__nv_bfloat16> {
  static __device__ __forceinline__ float to_float(__nv_bfloat16 x) { return __bfloat162float(x); }
};

// Tile shapes and shared memory (bytes) of the three main kernels, per head dim D.
template <int D> struct Tiles {
  static constexpr int LD = D + 8;                     // elements per shared row (+16 bytes)
  static constexpr int FWD_BR = 4 * 32;                // forward: query rows per block, 32 a warp
  static constexpr int FWD_BC = D == 128 ? 32 : 64;    //          keys per K/V tile
  static constexpr int KV_BK = 4 * 16;                 // dK/dV:   keys per block, 16 a warp
  static constexpr int KV_BQ = D == 128 ? 32 : 64;     //          queries per Q/dO tile
  static constexpr bool KV_IN_REGS = D <= 64;          //          K, V fragments kept in registers
  static constexpr int DQ_BQ = 4 * 16;                 // dQ:      query rows per block, 16 a warp
  static constexpr int DQ_BC = D == 128 ? 32 : 64;     //          keys per K/V tile
  template <typename T> static constexpr int fwd_bytes() {
    return (FWD_BR + 4 * FWD_BC) * LD * (int)sizeof(T);             // Q, 2 x (K, V)
  }
  template <typename T> static constexpr int dkdv_bytes() {
    return (2 * KV_BK + 4 * KV_BQ) * LD * (int)sizeof(T) + 4 * KV_BQ * 4;  // K, V, 2 x (Q, dO, lse, D)
  }
  template <typename T> static constexpr int dq_bytes() {
    return (2 * DQ_BQ + 4 * DQ_BC) * LD * (int)sizeof(T);           // Q, dO, 2 x (K, V)
  }
  template <typename T> static constexpr int max_bytes() {
    return fwd_bytes<T>() > dkdv_bytes<T>() ? (fwd_bytes<T>() > dq_bytes<T>() ? fwd_bytes<T>()
                                                                               : dq_bytes<T>())
                                            : (dkdv_bytes<T>() > dq_bytes<T>() ? dkdv_bytes<T>()
                                                                               : dq_bytes<T>());
  }
};

// Issue cp.async copies of rows r0..r0+ROWS-1 of a (T_len, D) matrix into a shared tile with row
// pitch LD; rows at or past T_len become zeros (so they add nothing, and never a NaN, to a matmul).
template <typename T, int D, int ROWS>
__device__ __forceinline__ void cp_async_rows(T* dst, const T* src, int r0, int T_len) {
  constexpr int CHUNKS = D / 8;  // 16-byte pieces per row
  for (int i = threadIdx.x; i < ROWS * CHUNKS; i += THREADS) {
    const int r = i / CHUNKS, c = (i % CHUNKS) * 8;
    const bool in = r0 + r < T_len;
    ptx::cp_async_16(dst + r * Tiles<D>::LD + c, src + (size_t)(in ? r0 + r : 0) * D + c, in);
  }
}

// Warp-level fragment loads from a row-major shared tile with pitch LD (attention_ptx.cuh has
// the layouts). Each lane passes the row address that ldmatrix asks of it.
// A fragment of the 16 x 16 block at (row0, col0).
template <int LD, typename T>
__device__ __forceinline__ void load_a(uint32_t (&a)[4], const T* tile, int row0, int col0) {
  const int l = threadIdx.x % 32;
  ptx::ldmatrix_x4(a, tile + (row0 + l % 8 + 8 * (l / 8 % 2)) * LD + col0 + 8 * (l / 16));
}
// B = X^T for X stored [n][k]: n-tiles n0 (b[0], b[1]) and n0 + 8 (b[2], b[3]) of k-step k0.
template <int LD, typename T>
__device__ __forceinline__ void load_bt(uint32_t (&b)[4], const T* tile, int n0, int k0) {
  const int l = threadIdx.x % 32;
  ptx::ldmatrix_x4(b, tile + (n0 + l % 8 + 8 * (l / 16)) * LD + k0 + 8 * (l / 8 % 2));
}
// B = X for X stored [k][n]: the same two n-tiles, read transposed.
template <int LD, typename T>
__device__ __forceinline__ void load_b(uint32_t (&b)[4], const T* tile, int k0, int n0) {
  const int l = threadIdx.x % 32;
  ptx::ldmatrix_x4_trans(b, tile + (k0 + l % 8 + 8 * (l / 8 % 2)) * LD + n0 + 8 * (l / 16));
}

// The A fragment of a 16 x 16 block whose two 16 x 8 halves are the accumulators c0 (columns 0-7)
// and c1 (columns 8-15): the register reuse that keeps P and dS out of shared memory.
template <typename T>
__device__ __forceinline__ void acc_to_a(uint32_t (&a)[4], const float (&c0)[4],
                                         const float (&c1)[4]) {
  a[0] = ptx::pack2<T>(c0[0], c0[1]);
  a[1] = ptx::pack2<T>(c0[2], c0[3]);
  a[2] = ptx::pack2<T>(c1[0], c1[1]);
  a[3] = ptx::pack2<T>(c1[2], c1[3]);
}

template <typename T>
__device__ __forceinline__ void mma2(float (&d0)[4], float (&d1)[4], const uint32_t (&a)[4],
                                     const uint32_t (&b)[4]) {  // the two n-tiles of one load_b*
  const uint32_t b0[2] = {b[0], b[1]}, b1[2] = {b[2], b[3]};
  ptx::mma_16816<T>(d0, a, b0);
  ptx::mma_16816<T>(d1, a, b1);
}

template <typename T>
__device__ __forceinline__ void store_pair(T* p, float lo, float hi) {  // 4-byte aligned
  *reinterpret_cast<uint32_t*>(p) = ptx::pack2<T>(lo, hi);
}

// ---------------------------------------------------------------------------------------------
// forward: grid (query tiles of 128, B*H), 128 threads. Shared: Q, and K, V twice.
template <typename T, int D>
__global__ void __launch_bounds__(THREADS)
attention_v2_fwd_kernel(const T* __restrict__ q, const T* __restrict__ k, const T* __restrict__ v,
                        T* __restrict__ o, float* __restrict__ lse, int T_len, float scale_log2,
                        bool causal) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800
  __trap();  // mma.sync with bf16 and cp.async need sm_80; the host side refuses older cards
#else
  using C = Tiles<D>;
  constexpr int BR = C::FWD_BR, BC = C::FWD_BC, LD = C::LD;
  constexpr int NB = BC / 8, ND = D / 8;  // 8-wide n-tiles of S and of O
  extern __shared__ __align__(128) unsigned char smem[];
  T* Qs = reinterpret_cast<T*>(smem);
  T* Ks = Qs + BR * LD;      // two buffers of BC rows
  T* Vs = Ks + 2 * BC * LD;  // two buffers of BC rows
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, g = lane / 4, t = lane % 4;
  const int q0 = blockIdx.x * BR, w0 = q0 + warp * 32;  // block's and warp's first query row
  const size_t off = (size_t)blockIdx.y * T_len * D;
  const int n_tiles = ((causal ? min(T_len, q0 + BR) : T_len) + BC - 1) / BC;

  cp_async_rows<T, D, BR>(Qs, q + off, q0, T_len);
  cp_async_rows<T, D, BC>(Ks, k + off, 0, T_len);
  cp_async_rows<T, D, BC>(Vs, v + off, 0, T_len);
  ptx::cp_async_commit();

  // Row slot (m, h) of this lane is query row w0 + 16 m + g + 8 h (m: m-tile, h: C-fragment half).
  float acc[2][ND][4];     // unnormalised O of the warp's 32 rows
  float m_run[2][2], l_run[2][2];  // running max (log2 units) and this lane's part of the sum
#pragma unroll
  for (int m = 0; m < 2; m++) {
#pragma unroll
    for (int n = 0; n < ND; n++)
#pragma unroll
      for (int e = 0; e < 4; e++) acc[m][n][e] = 0.0f;
    m_run[m][0] = m_run[m][1] = -INFINITY;
    l_run[m][0] = l_run[m][1] = 0.0f;
  }

  for (int it = 0; it < n_tiles; it++) {
    ptx::cp_async_wait<0>();
    __syncthreads();  // tile it is visible to all; every warp is done with tile it-1's buffers
    if (it + 1 < n_tiles) {
      const int nb = (it + 1) % 2;
      cp_async_rows<T, D, BC>(Ks + nb * BC * LD, k + off, (it + 1) * BC, T_len);
      cp_async_rows<T, D, BC>(Vs + nb * BC * LD, v + off, (it + 1) * BC, T_len);
    }
    ptx::cp_async_commit();
    const int k0 = it * BC;
    const T* Kt = Ks + (it % 2) * BC * LD;
    const T* Vt = Vs + (it % 2) * BC * LD;
    if (w0 >= T_len || (causal && k0 > w0 + 31)) continue;  // nothing this warp's rows can see

    // S = Q_w K_j^T (32 x BC, fp32 in registers)
    float s[2][NB][4];
#pragma unroll
    for (int m = 0; m < 2; m++)
#pragma unroll
      for (int n = 0; n < NB; n++)
#pragma unroll
        for (int e = 0; e < 4; e++) s[m][n][e] = 0.0f;
#pragma unroll
    for (int kk = 0; kk < D / 16; kk++) {
      uint32_t qa[2][4];
      load_a<LD>(qa[0], Qs, warp * 32, kk * 16);
      load_a<LD>(qa[1], Qs, warp * 32 + 16, kk * 16);
#pragma unroll
      for (int nn = 0; nn < NB / 2; nn++) {
        uint32_t kb[4];
        load_bt<LD>(kb, Kt, nn * 16, kk * 16);
        mma2<T>(s[0][2 * nn], s[0][2 * nn + 1], qa[0], kb);
        mma2<T>(s[1][2 * nn], s[1][2 * nn + 1], qa[1], kb);
      }
    }

    // -inf where hidden: key past T, or (causal) past the row. Only on tiles that cross the
    // diagonal or T; one comparison per element against the row's last visible key.
    if (k0 + BC > T_len || (causal && k0 + BC - 1 > w0)) {
#pragma unroll
      for (int m = 0; m < 2; m++)
#pragma unroll
        for (int h = 0; h < 2; h++) {
          const int row = w0 + 16 * m + g + 8 * h;
          const int last = causal ? min(row, T_len - 1) : T_len - 1;
#pragma unroll
          for (int n = 0; n < NB; n++)
#pragma unroll
            for (int j = 0; j < 2; j++)
              if (k0 + 8 * n + 2 * t + j > last) s[m][n][2 * h + j] = -INFINITY;
        }
    }

    // online softmax, row by row: max over the quad, rescale, P = 2^(S - max), rounded to 16 bits
    // straight into the A fragments of P V (the register reuse of acc_to_a, done element pair by
    // pair so the fp32 S dies early: element pair (n, h) is A register h + 2 (n % 2) of k-step n/2)
    uint32_t pa[2][BC / 16][4];
#pragma unroll
    for (int m = 0; m < 2; m++)
#pragma unroll
      for (int h = 0; h < 2; h++) {
        float mx = -INFINITY;
#pragma unroll
        for (int n = 0; n < NB; n++) mx = fmaxf(mx, fmaxf(s[m][n][2 * h], s[m][n][2 * h + 1]));
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
        const float m_new = fmaxf(m_run[m][h], mx * scale_log2);  // log2 units (scale > 0)
        const float shift = m_new == -INFINITY ? 0.0f : m_new;  // nothing visible yet: no NaN
        const float alpha = ptx::ex2(m_run[m][h] - shift);      // 0 on the row's first tile
        float sum = 0.0f;
#pragma unroll
        for (int n = 0; n < NB; n++) {
          const float p0 = ptx::ex2(s[m][n][2 * h] * scale_log2 - shift);  // one FFMA + MUFU
          const float p1 = ptx::ex2(s[m][n][2 * h + 1] * scale_log2 - shift);
          sum += p0 + p1;  // the fp32 values, as the reference's softmax denominator
          pa[m][n / 2][h + 2 * (n % 2)] = ptx::pack2<T>(p0, p1);
        }
        l_run[m][h] = alpha * l_run[m][h] + sum;  // the quad's parts are added at the end
        m_run[m][h] = m_new;
#pragma unroll
        for (int n = 0; n < ND; n++) {
          acc[m][n][2 * h] *= alpha;
          acc[m][n][2 * h + 1] *= alpha;
        }
      }

    // O += P V_j, 16 keys (one A fragment of P) at a time
#pragma unroll
    for (int j = 0; j < BC / 16; j++) {
#pragma unroll
      for (int dd = 0; dd < D / 16; dd++) {
        uint32_t vb[4];
        load_b<LD>(vb, Vt, j * 16, dd * 16);
        mma2<T>(acc[0][2 * dd], acc[0][2 * dd + 1], pa[0][j], vb);
        mma2<T>(acc[1][2 * dd], acc[1][2 * dd + 1], pa[1][j], vb);
      }
    }
  }
  ptx::cp_async_wait<0>();  // the last (empty) group

#pragma unroll
  for (int m = 0; m < 2; m++)
#pragma unroll
    for (int h = 0; h < 2; h++) {
      float l = l_run[m][h];
      l += __shfl_xor_sync(0xffffffffu, l, 1);
      l += __shfl_xor_sync(0xffffffffu, l, 2);
      const int row = w0 + 16 * m + g + 8 * h;
      if (row < T_len) {  // every row sees key 0, so l > 0
        const float inv_l = 1.0f / l;
        T* orow = o + off + (size_t)row * D + 2 * t;
#pragma unroll
        for (int n = 0; n < ND; n++)
          store_pair<T>(orow + 8 * n, acc[m][n][2 * h] * inv_l, acc[m][n][2 * h + 1] * inv_l);
        if (t == 0) lse[(size_t)blockIdx.y * T_len + row] = (m_run[m][h] + log2f(l)) * LN2;
      }
    }
#endif
}

// ---------------------------------------------------------------------------------------------
// backward (1): D_i = rowsum(dO_i * O_i) in fp32, one warp per row (as in version 1).
template <typename T, int D>
__global__ void attention_v2_bwd_rowdot_kernel(const T* __restrict__ dout, const T* __restrict__ o,
                                               float* __restrict__ Dvec, int64_t n_rows) {
  const int64_t row = (int64_t)blockIdx.x * WARPS + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (row >= n_rows) return;  // the whole warp leaves together
  float s = 0.0f;
  for (int d = lane; d < D; d += 32)
    s += Cvt<T>::to_float(dout[row * D + d]) * Cvt<T>::to_float(o[row * D + d]);
#pragma unroll
  for (int w = 16; w > 0; w /= 2) s += __shfl_xor_sync(0xffffffffu, s, w);
  if (lane == 0) Dvec[row] = s;
}

// ---------------------------------------------------------------------------------------------
// backward (2): dK, dV. grid (key blocks of 64, B*H), 128 threads; warp w owns keys k0+16w..+15.
// Shared: K, V (the block's 64 keys), and two buffers of (Q, dO, lse * log2 e, D) query tiles.
// Per query tile, in registers: S^T = K_w Q^T, P^T = 2^(S^T scale log2e - lse log2e),
// dV_w += P^T dO, dP^T = V_w dO^T, dS^T = P^T (dP^T - D), dK_w += dS^T Q.
template <typename T, int D>
__global__ void __launch_bounds__(THREADS, 2)
attention_v2_bwd_dkdv_kernel(const T* __restrict__ q, const T* __restrict__ k,
                             const T* __restrict__ v, const T* __restrict__ dout,
                             const float* __restrict__ lse, const float* __restrict__ Dvec,
                             T* __restrict__ dk, T* __restrict__ dv, int T_len, float scale,
                             bool causal) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800
  __trap();
#else
  using C = Tiles<D>;
  constexpr int BK = C::KV_BK, BQ = C::KV_BQ, LD = C::LD, NQ = BQ / 8, ND = D / 8;
  constexpr int KF = C::KV_IN_REGS ? D / 16 : 1;  // fragments kept in registers (1: a dummy)
  extern __shared__ __align__(128) unsigned char smem[];
  T* Ks = reinterpret_cast<T*>(smem);
  T* Vs = Ks + BK * LD;
  T* Qs = Vs + BK * LD;       // two buffers of BQ rows
  T* dOs = Qs + 2 * BQ * LD;  // two buffers of BQ rows
  float* lse_s = reinterpret_cast<float*>(dOs + 2 * BQ * LD);  // two buffers of BQ
  float* D_s = lse_s + 2 * BQ;                                   // two buffers of BQ
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, g = lane / 4, t = lane % 4;
  const int k0 = blockIdx.x * BK, kw = k0 + warp * 16;  // block's and warp's first key
  const size_t off = (size_t)blockIdx.y * T_len * D;
  const float* lse_bh = lse + (size_t)blockIdx.y * T_len;
  const float* D_bh = Dvec + (size_t)blockIdx.y * T_len;
  const float scale_log2 = scale * LOG2E;
  const int q_start = causal ? k0 / BQ * BQ : 0;  // earlier queries cannot see these keys
  const int n_tiles = (T_len - q_start + BQ - 1) / BQ;

  // lse and D of a query tile: plain loads (rows past T read as 0, masked anyway), visible after
  // the barrier that also publishes the tile's cp.async data
  auto load_stats = [&](int buf, int q0) {
    for (int i = threadIdx.x; i < BQ; i += THREADS) {
      const bool in = q0 + i < T_len;
      lse_s[buf * BQ + i] = in ? lse_bh[q0 + i] * LOG2E : 0.0f;
      D_s[buf * BQ + i] = in ? D_bh[q0 + i] : 0.0f;
    }
  };
  cp_async_rows<T, D, BK>(Ks, k + off, k0, T_len);
  cp_async_rows<T, D, BK>(Vs, v + off, k0, T_len);
  cp_async_rows<T, D, BQ>(Qs, q + off, q_start, T_len);
  cp_async_rows<T, D, BQ>(dOs, dout + off, q_start, T_len);
  ptx::cp_async_commit();
  load_stats(0, q_start);

  float dk_acc[ND][4], dv_acc[ND][4];
#pragma unroll
  for (int n = 0; n < ND; n++)
#pragma unroll
    for (int e = 0; e < 4; e++) dk_acc[n][e] = dv_acc[n][e] = 0.0f;
  uint32_t kf[KF][4], vf[KF][4];

  for (int it = 0; it < n_tiles; it++) {
    ptx::cp_async_wait<0>();
    __syncthreads();
    if (C::KV_IN_REGS && it == 0) {
#pragma unroll
      for (int kk = 0; kk < KF; kk++) {
        load_a<LD>(kf[kk], Ks, warp * 16, kk * 16);
        load_a<LD>(vf[kk], Vs, warp * 16, kk * 16);
      }
    }
    if (it + 1 < n_tiles) {
      const int nb = (it + 1) % 2, qn = q_start + (it + 1) * BQ;
      cp_async_rows<T, D, BQ>(Qs + nb * BQ * LD, q + off, qn, T_len);
      cp_async_rows<T, D, BQ>(dOs + nb * BQ * LD, dout + off, qn, T_len);
      load_stats(nb, qn);
    }
    ptx::cp_async_commit();
    const int q0 = q_start + it * BQ, buf = it % 2;
    const T* Qt = Qs + buf * BQ * LD;
    const T* dOt = dOs + buf * BQ * LD;
    const float* lse_t = lse_s + buf * BQ;
    const float* D_t = D_s + buf * BQ;
    if (kw >= T_len || (causal && kw > q0 + BQ - 1)) continue;  // no query here sees these keys

    // S^T = K_w Q^T and dP^T = V_w dO^T (16 keys x BQ queries)
    float s[NQ][4], dp[NQ][4];
#pragma unroll
    for (int n = 0; n < NQ; n++)
#pragma unroll
      for (int e = 0; e < 4; e++) s[n][e] = dp[n][e] = 0.0f;
#pragma unroll
    for (int kk = 0; kk < D / 16; kk++) {
      uint32_t ka[4], va[4];
      if constexpr (C::KV_IN_REGS) {
#pragma unroll
        for (int i = 0; i < 4; i++) {
          ka[i] = kf[kk][i];
          va[i] = vf[kk][i];
        }
      } else {
        load_a<LD>(ka, Ks, warp * 16, kk * 16);
        load_a<LD>(va, Vs, warp * 16, kk * 16);
      }
#pragma unroll
      for (int nn = 0; nn < NQ / 2; nn++) {
        uint32_t b[4];
        load_bt<LD>(b, Qt, nn * 16, kk * 16);
        mma2<T>(s[2 * nn], s[2 * nn + 1], ka, b);
        load_bt<LD>(b, dOt, nn * 16, kk * 16);
        mma2<T>(dp[2 * nn], dp[2 * nn + 1], va, b);
      }
    }

    // P^T (0 where hidden; the test only on tiles that cross the diagonal or T), then dS^T
    const bool needs_mask = q0 + BQ > T_len || (causal && kw + 15 > q0);
#pragma unroll
    for (int n = 0; n < NQ; n++)
#pragma unroll
      for (int e = 0; e < 4; e++) {
        const int col = 8 * n + 2 * t + e % 2;  // query q0 + col
        float p = ptx::ex2(s[n][e] * scale_log2 - lse_t[col]);
        if (needs_mask) {
          const int key = kw + g + 8 * (e / 2);
          if (q0 + col >= T_len || (causal && key > q0 + col)) p = 0.0f;
        }
        s[n][e] = p;
        dp[n][e] = p * (dp[n][e] - D_t[col]);
      }

    // dV_w += P^T dO and dK_w += dS^T Q (k = the tile's queries, 16 at a time)
#pragma unroll
    for (int j = 0; j < BQ / 16; j++) {
      uint32_t pa[4], da[4];
      acc_to_a<T>(pa, s[2 * j], s[2 * j + 1]);
      acc_to_a<T>(da, dp[2 * j], dp[2 * j + 1]);
#pragma unroll
      for (int dd = 0; dd < D / 16; dd++) {
        uint32_t b[4];
        load_b<LD>(b, dOt, j * 16, dd * 16);
        mma2<T>(dv_acc[2 * dd], dv_acc[2 * dd + 1], pa, b);
        load_b<LD>(b, Qt, j * 16, dd * 16);
        mma2<T>(dk_acc[2 * dd], dk_acc[2 * dd + 1], da, b);
      }
    }
  }
  ptx::cp_async_wait<0>();

#pragma unroll
  for (int h = 0; h < 2; h++) {
    const int key = kw + g + 8 * h;
    if (key < T_len) {
      const size_t at = off + (size_t)key * D + 2 * t;
#pragma unroll
      for (int n = 0; n < ND; n++) {
        store_pair<T>(dv + at + 8 * n, dv_acc[n][2 * h], dv_acc[n][2 * h + 1]);
        store_pair<T>(dk + at + 8 * n, scale * dk_acc[n][2 * h], scale * dk_acc[n][2 * h + 1]);
      }
    }
  }
#endif
}

// ---------------------------------------------------------------------------------------------
// backward (3): dQ. grid (query blocks of 64, B*H), 128 threads; warp w owns rows q0+16w..+15.
// Shared: Q, dO (read once into registers), two buffers of K, V tiles.
// Per key tile: S = Q_w K^T, P = 2^(S scale log2e - lse log2e), dP = dO_w V^T, dS = P (dP - D),
// dQ_w += dS K.
template <typename T, int D>
__global__ void __launch_bounds__(THREADS, 2)
attention_v2_bwd_dq_kernel(const T* __restrict__ q, const T* __restrict__ k,
                           const T* __restrict__ v, const T* __restrict__ dout,
                           const float* __restrict__ lse, const float* __restrict__ Dvec,
                           T* __restrict__ dq, int T_len, float scale, bool causal) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800
  __trap();
#else
  using C = Tiles<D>;
  constexpr int BQ = C::DQ_BQ, BC = C::DQ_BC, LD = C::LD, NB = BC / 8, ND = D / 8;
  extern __shared__ __align__(128) unsigned char smem[];
  T* Qs = reinterpret_cast<T*>(smem);
  T* dOs = Qs + BQ * LD;
  T* Ks = dOs + BQ * LD;      // two buffers of BC rows
  T* Vs = Ks + 2 * BC * LD;   // two buffers of BC rows
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, g = lane / 4, t = lane % 4;
  const int q0 = blockIdx.x * BQ, w0 = q0 + warp * 16;
  const size_t off = (size_t)blockIdx.y * T_len * D;
  const float scale_log2 = scale * LOG2E;
  const int n_tiles = ((causal ? min(T_len, q0 + BQ) : T_len) + BC - 1) / BC;

  cp_async_rows<T, D, BQ>(Qs, q + off, q0, T_len);
  cp_async_rows<T, D, BQ>(dOs, dout + off, q0, T_len);
  cp_async_rows<T, D, BC>(Ks, k + off, 0, T_len);
  cp_async_rows<T, D, BC>(Vs, v + off, 0, T_len);
  ptx::cp_async_commit();

  float lse2[2], Drow[2];  // this lane's rows w0 + g and w0 + g + 8
#pragma unroll
  for (int h = 0; h < 2; h++) {
    const int row = w0 + g + 8 * h;
    const bool in = row < T_len;
    lse2[h] = in ? lse[(size_t)blockIdx.y * T_len + row] * LOG2E : 0.0f;
    Drow[h] = in ? Dvec[(size_t)blockIdx.y * T_len + row] : 0.0f;
  }
  float dq_acc[ND][4];
#pragma unroll
  for (int n = 0; n < ND; n++)
#pragma unroll
    for (int e = 0; e < 4; e++) dq_acc[n][e] = 0.0f;
  uint32_t qf[D / 16][4], of[D / 16][4];

  for (int it = 0; it < n_tiles; it++) {
    ptx::cp_async_wait<0>();
    __syncthreads();
    if (it == 0) {
#pragma unroll
      for (int kk = 0; kk < D / 16; kk++) {
        load_a<LD>(qf[kk], Qs, warp * 16, kk * 16);
        load_a<LD>(of[kk], dOs, warp * 16, kk * 16);
      }
    }
    if (it + 1 < n_tiles) {
      const int nb = (it + 1) % 2;
      cp_async_rows<T, D, BC>(Ks + nb * BC * LD, k + off, (it + 1) * BC, T_len);
      cp_async_rows<T, D, BC>(Vs + nb * BC * LD, v + off, (it + 1) * BC, T_len);
    }
    ptx::cp_async_commit();
    const int k0 = it * BC;
    const T* Kt = Ks + (it % 2) * BC * LD;
    const T* Vt = Vs + (it % 2) * BC * LD;
    if (w0 >= T_len || (causal && k0 > w0 + 15)) continue;

    // S = Q_w K^T and dP = dO_w V^T (16 rows x BC keys)
    float s[NB][4], dp[NB][4];
#pragma unroll
    for (int n = 0; n < NB; n++)
#pragma unroll
      for (int e = 0; e < 4; e++) s[n][e] = dp[n][e] = 0.0f;
#pragma unroll
    for (int kk = 0; kk < D / 16; kk++)
#pragma unroll
      for (int nn = 0; nn < NB / 2; nn++) {
        uint32_t b[4];
        load_bt<LD>(b, Kt, nn * 16, kk * 16);
        mma2<T>(s[2 * nn], s[2 * nn + 1], qf[kk], b);
        load_bt<LD>(b, Vt, nn * 16, kk * 16);
        mma2<T>(dp[2 * nn], dp[2 * nn + 1], of[kk], b);
      }

    // P (0 where hidden), dS = P (dP - D)
    const bool needs_mask = k0 + BC > T_len || (causal && k0 + BC - 1 > w0);
#pragma unroll
    for (int n = 0; n < NB; n++)
#pragma unroll
      for (int e = 0; e < 4; e++) {
        const int h = e / 2;
        float p = ptx::ex2(s[n][e] * scale_log2 - lse2[h]);
        if (needs_mask) {
          const int row = w0 + g + 8 * h, col = k0 + 8 * n + 2 * t + e % 2;
          if (col >= T_len || (causal && col > row)) p = 0.0f;
        }
        dp[n][e] = p * (dp[n][e] - Drow[h]);
      }

    // dQ_w += dS K (k = the tile's keys, 16 at a time)
#pragma unroll
    for (int j = 0; j < BC / 16; j++) {
      uint32_t da[4];
      acc_to_a<T>(da, dp[2 * j], dp[2 * j + 1]);
#pragma unroll
      for (int dd = 0; dd < D / 16; dd++) {
        uint32_t b[4];
        load_b<LD>(b, Kt, j * 16, dd * 16);
        mma2<T>(dq_acc[2 * dd], dq_acc[2 * dd + 1], da, b);
      }
    }
  }
  ptx::cp_async_wait<0>();

#pragma unroll
  for (int h = 0; h < 2; h++) {
    const int row = w0 + g + 8 * h;
    if (row < T_len) {
      T* qrow = dq + off + (size_t)row * D + 2 * t;
#pragma unroll
      for (int n = 0; n < ND; n++)
        store_pair<T>(qrow + 8 * n, scale * dq_acc[n][2 * h], scale * dq_acc[n][2 * h + 1]);
    }
  }
#endif
}

// ---- host side -------------------------------------------------------------------------------

int cdiv(int a, int b) { return (a + b - 1) / b; }

template <typename Kernel>
void allow_smem(Kernel kernel, int bytes) {  // above 48 KiB a kernel must opt in
  C10_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes));
}

template <typename T, int D>
void launch_fwd(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, at::Tensor& o,
                at::Tensor& lse, bool causal, float scale) {
  const int T_len = q.size(2), BH = q.size(0) * q.size(1);
  const int bytes = Tiles<D>::template fwd_bytes<T>();
  auto kernel = attention_v2_fwd_kernel<T, D>;
  allow_smem(kernel, bytes);
  kernel<<<dim3(cdiv(T_len, Tiles<D>::FWD_BR), BH), THREADS, bytes,
           c10::cuda::getCurrentCUDAStream()>>>(
      (const T*)q.data_ptr(), (const T*)k.data_ptr(), (const T*)v.data_ptr(), (T*)o.data_ptr(),
      lse.data_ptr<float>(), T_len, scale * LOG2E, causal);
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

template <typename T, int D>
void launch_bwd(const at::Tensor& dout, const at::Tensor& q, const at::Tensor& k,
                const at::Tensor& v, const at::Tensor& o, const at::Tensor& lse, at::Tensor& dq,
                at::Tensor& dk, at::Tensor& dv, bool causal, float scale) {
  const int T_len = q.size(2), BH = q.size(0) * q.size(1);
  const int64_t rows = (int64_t)BH * T_len;
  auto stream = c10::cuda::getCurrentCUDAStream();
  at::Tensor Dvec = at::empty({rows}, q.options().dtype(at::kFloat));
  attention_v2_bwd_rowdot_kernel<T, D>
      <<<(unsigned)((rows + WARPS - 1) / WARPS), THREADS, 0, stream>>>(
          (const T*)dout.data_ptr(), (const T*)o.data_ptr(), Dvec.data_ptr<float>(), rows);
  C10_CUDA_KERNEL_LAUNCH_CHECK();

  const int kv_bytes = Tiles<D>::template dkdv_bytes<T>();
  auto dkdv = attention_v2_bwd_dkdv_kernel<T, D>;
  allow_smem(dkdv, kv_bytes);
  dkdv<<<dim3(cdiv(T_len, Tiles<D>::KV_BK), BH), THREADS, kv_bytes, stream>>>(
      (const T*)q.data_ptr(), (const T*)k.data_ptr(), (const T*)v.data_ptr(),
      (const T*)dout.data_ptr(), lse.data_ptr<float>(), Dvec.data_ptr<float>(), (T*)dk.data_ptr(),
      (T*)dv.data_ptr(), T_len, scale, causal);
  C10_CUDA_KERNEL_LAUNCH_CHECK();

  const int q_bytes = Tiles<D>::template dq_bytes<T>();
  auto dqk = attention_v2_bwd_dq_kernel<T, D>;
  allow_smem(dqk, q_bytes);
  dqk<<<dim3(cdiv(T_len, Tiles<D>::DQ_BQ), BH), THREADS, q_bytes, stream>>>(
      (const T*)q.data_ptr(), (const T*)k.data_ptr(), (const T*)v.data_ptr(),
      (const T*)dout.data_ptr(), lse.data_ptr<float>(), Dvec.data_ptr<float>(), (T*)dq.data_ptr(),
      T_len, scale, causal);
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

#define PHI1_V2_HEAD_DIMS(CALL)   \
  if (head_dim == 32) {           \
    constexpr int D = 32;         \
    CALL;                         \
  } else if (head_dim == 64) {    \
    constexpr int D = 64;         \
    CALL;                         \
  } else {                        \
    constexpr int D = 128;        \
    CALL;                         \
  }
#define PHI1_V2_DISPATCH(q, CALL)                                                         \
  do {                                                                                    \
    const int64_t head_dim = (q).size(3);                                                 \
    TORCH_CHECK(head_dim == 32 || head_dim == 64 || head_dim == 128,                      \
                "attention v2 (CUDA kernel): head dim must be 32, 64 or 128, got ", head_dim); \
    const auto dt = (q).scalar_type();                                                    \
    TORCH_CHECK(dt == at::kHalf || dt == at::kBFloat16,                                   \
                "attention v2 (CUDA kernel): float16 or bfloat16 only, got ", dt);        \
    if (dt == at::kHalf) {                                                                \
      using T = __half;                                                                   \
      PHI1_V2_HEAD_DIMS(CALL)                                                             \
    } else {                                                                              \
      using T = __nv_bfloat16;                                                            \
      PHI1_V2_HEAD_DIMS(CALL)                                                             \
    }                                                                                     \
  } while (0)

}  // namespace

// The most dynamic shared memory any version-2 kernel asks for at this head dim and element size
// (attention.cu's attention_cuda_unsupported compares it with the card's opt-in limit).
int attention_v2_smem_bytes(int64_t head_dim, int64_t elem_bytes) {
  (void)elem_bytes;  // fp16 and bf16 are both 2 bytes
  if (head_dim == 32) return Tiles<32>::max_bytes<__half>();
  if (head_dim == 64) return Tiles<64>::max_bytes<__half>();
  return Tiles<128>::max_bytes<__half>();
}

// Called by attention.cu's entry points after their input checks.
std::vector<at::Tensor> attention_v2_fwd_cuda(const at::Tensor& q, const at::Tensor& k,
                                              const at::Tensor& v, bool causal, double scale) {
  at::Tensor o = at::empty_like(q);
  at::Tensor lse = at::empty({q.size(0), q.size(1), q.size(2)}, q.options().dtype(at::kFloat));
  if (q.numel() == 0) return {o, lse};
  PHI1_V2_DISPATCH(q, (launch_fwd<T, D>(q, k, v, o, lse, causal, (float)scale)));
  return {o, lse};
}

std::vector<at::Tensor> attention_v2_bwd_cuda(const at::Tensor& dout, const at::Tensor& q,
                                              const at::Tensor& k, const at::Tensor& v,
                                              const at::Tensor& o, const at::Tensor& lse,
                                              bool causal, double scale) {
  at::Tensor dq = at::empty_like(q), dk = at::empty_like(k), dv = at::empty_like(v);
  if (q.numel() == 0) return {dq, dk, dv};
  PHI1_V2_DISPATCH(
      q, (launch_bwd<T, D>(dout, q, k, v, o, lse, dq, dk, dv, causal, (float)scale)));
  return {dq, dk, dv};
}
