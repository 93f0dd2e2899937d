// attention.cu: attention version 1, the readable rung of the ladder. Tiled causal attention
// (FlashAttention-2's algorithm) on NVIDIA tensor cores, forward and backward, for fp16/bf16
// inputs with fp32 accumulation, head dim 32, 64 or 128. kernels.attention(..., version=1), the
// default until a faster version has passed on a GPU. Version 2 (attention_v2.cu) keeps the
// algorithm and changes the data path; docs/flash_attention.md explains both.
//
// The algorithm is attention_cpu.cpp's, with the same tiles (BR = 64 query rows, BC = 64 keys)
// and the same loops; read that file first. Here a thread block does what one CPU task does:
//   forward       block (query tile i, batch*head): Q_i stays in shared memory (and in
//                 registers as tensor-core fragments); for each K/V tile j (causal: up to the
//                 diagonal) the block loads K_j, V_j into shared memory, and each of its 4 warps,
//                 owning 16 of the 64 query rows, computes S = Q K_j^T, the online-softmax update
//                 and O += P V_j. Writes O and lse = m + log(l) (fp32, (B, H, T)).
//   backward      (1) D_i = rowsum(dO_i * O_i), one warp per row;
//                 (2) block (key tile j, b*h): K_j, V_j stay; for each query tile i from the
//                     diagonal on, recompute P^T = exp(K_j Q_i^T * scale - lse), dV += P^T dO_i,
//                     dP^T = V_j dO_i^T, dS^T = P^T * (dP^T - D), dK += dS^T Q_i (each warp owns
//                     16 keys; dK and dV stay in fp32 tensor-core accumulators);
//                 (3) block (query tile i, b*h): for each key tile j up to the diagonal, recompute
//                     P and dS the same way and dQ += dS K_j.
//   FlashAttention-2 folds (3) into (2) with fp32 atomicAdd on dQ; that is faster (S and dP are
//   computed once instead of twice: 5 tile matmuls per (i, j) pair instead of 7) but the order of
//   the atomic additions changes from run to run, so dQ is not bitwise reproducible. We take the
//   separate pass: deterministic gradients, at the cost of ~40% more backward matmul work.
//
// Tensor cores through the nvcuda::wmma API (16x16x16 fragments), not inline mma.sync PTX: the
// fragment layout in registers is unspecified with wmma, so every elementwise step (mask, exp,
// rescale) goes through a per-warp fp32 scratch tile in shared memory, which costs bandwidth; in
// exchange the code has no hand-written register layouts or ldmatrix addressing, which matters for
// code that was written on a machine without a GPU and must be right the first time it runs.
// Its cost, which version 2 removes: S, P and dS round-trip through shared memory at every
// elementwise step (by a count from reading the code, not a profile: about 590 shared-memory
// wavefronts a warp per 64 x 64 forward tile where ~130 are needed; and 2-way bank conflicts:
// with LDF = D + 4 floats, rows r and r + 8 share a bank); K/V loads do not overlap compute; each
// warp owns only 16 rows; the backward reloads its B fragments for every output column block. wmma itself already compiles to ldmatrix and
// HMMA.16816, so the gap to FlashAttention-2 is the data path, not the instructions.
// Not taken in either version: applying phi-1's partial rotary embedding to Q and K as they load.
// Details: fp32 row statistics; the softmax uses exp2 with scale*log2(e) folded into S (one FMUL
// less per element, the CPU file uses exp); masked scores are -inf, so a tile edge (T not a
// multiple of 64) and the causal diagonal are the same test; rows and keys past T are zero-filled
// in shared memory and never stored. Shared memory rows are padded by 8 halves / 4 floats so the
// 16 rows of a fragment do not all start in the same bank.
//
// Static resources (CUDA 13.0; `python bench/kernels.py resources` prints them: registers and
// spills from ptxas -v for bf16, dynamic shared memory from the kernels' own constants, blocks per
// SM modelled from both for 128-thread blocks):
//   kernel     D    smem (bytes)  registers sm_80/sm_90  spill stores sm_80/sm_90  blocks/SM 80/90
//   fwd        32   42496          96 /  80               0 / 0                    3 / 5
//   fwd        64   54784         128 / 128               0 / 0                    3 / 4
//   fwd        128  95744         168 / 168               0 / 0                    1 / 2
//   bwd_dkdv   32   47616         167 / 166               0 / 0                    3 / 3
//   bwd_dkdv   64   64000         255 / 255               0 / 0                    2 / 2
//   bwd_dkdv   128  96768         255 / 255             748 / 16                   1 / 2
//   bwd_dq     32   47616         168 / 128               0 / 0                    3 / 4
//   bwd_dq     64   64000         168 / 128               0 / 0                    2 / 3
//   bwd_dq     128  96768         255 / 254               0 / 0                    1 / 2
// The bf16 dK/dV kernel at D = 128 spills (sm_80: 748 bytes stored, 612 loaded; sm_90: 16 / 20);
// version 1 accepts that, tests/test_kernels_build.py allows exactly those two and no other spill.
// On sm_86 and sm_89 (`python -m kernels.build --cuda --arch 8.6,8.9 --build-dir /tmp/k86
// --ptxas`) the registers match sm_80's within a few and the same kernel spills 24 bytes.
// Every kernel opts in above 48 KiB with cudaFuncSetAttribute, and all fit the 99 KiB a block may
// have on sm_86/sm_89/sm_120 (the backward scratch is 64 columns wide; it was D wide and asked for
// 113,152 bytes at D = 128, which those cards refuse). kernels.attention checks the card's
// cudaDevAttrMaxSharedMemoryPerBlockOptin before the forward and falls back to the PyTorch twin,
// with one line on stderr, when a version does not fit.
//
// Build: compiled into the `kernels` extension when CUDA is available (kernels/build.py; compile
// check without a GPU: python -m kernels.build --cuda --arch 8.0,9.0 --build-dir /tmp/k).
// Test: python -m pytest -q tests/test_kernels_attention.py. Without a GPU it still runs this
// file's device code on the CPU through attention_emu.h (fp16 and bf16 against float64); on a GPU
// (bench/gpu.sh) it runs the real thing against float64 and against F.scaled_dot_product_attention.
// Benchmark: python bench/kernels.py attention (TFLOP/s against F.scaled_dot_product_attention).
// Measured: UNPROVEN ON A GPU: never run on one (written, compiled for sm_80/sm_90 and emulated
// on a CPU only); bench/gpu.sh is its first real test.
// Expected, to be replaced by measurement: well below FlashAttention-2 (the scratch round trips,
// no load/compute overlap, wmma's older mma path instead of Hopper's wgmma), perhaps a quarter
// to a half of SDPA's flash backend; far above naive attention at long T, which is memory bound.
#include "common.h"

// c10 only, not ATen/cuda/CUDAContext.h: that one pulls in cuBLAS/cuSPARSE headers, which a bare
// CUDA toolkit may lack, for nothing this file uses.
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <mma.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace wmma = nvcuda::wmma;

// ---- device code: from here to "host side", tests/test_kernels_attention.py also compiles this
// part with g++ on top of attention_emu.h (a CPU stand-in for threads, warps and wmma), so CI
// without a GPU runs these very kernels against float64 attention.

namespace {

constexpr int BR = 64;                 // query rows per tile  (as in attention_cpu.cpp)
constexpr int BC = 64;                 // key/value rows per tile
constexpr int WARPS = 4;               // each warp owns 16 rows of the block's tile
constexpr int THREADS = WARPS * 32;
constexpr int WM = 16;                 // wmma fragment: 16 x 16 x 16
static_assert(BR == WARPS * WM && BC == WARPS * WM, "a warp owns 16 rows of a 64-row tile");
static_assert(BR == BC, "the causal tile bounds assume square tiles");
constexpr float LOG2E = 1.4426950408889634f;
constexpr float LN2 = 0.6931471805599453f;

// fp32 <-> 16-bit with explicit intrinsics (torch builds with __CUDA_NO_HALF_CONVERSIONS__).
template <typename T> struct Cvt;
template <> struct Cvt<__half> {
  static __device__ __forceinline__ float to_float(__half x) { return __half2float(x); }
  static __device__ __forceinline__ __half from_float(float x) { return __float2half_rn(x); }
};
template <> struct Cvt<__nv_bfloat16> {
  static __device__ __forceinline__ float to_float(__nv_bfloat16 x) { return __bfloat162float(x); }
  static __device__ __forceinline__ __nv_bfloat16 from_float(float x) {
    return __float2bfloat16_rn(x);
  }
};

template <typename T> using FragA = wmma::fragment<wmma::matrix_a, WM, WM, WM, T, wmma::row_major>;
// B = X^T for a row-major X in shared memory: read X as column-major (no transpose is stored)
template <typename T> using FragBt = wmma::fragment<wmma::matrix_b, WM, WM, WM, T, wmma::col_major>;
template <typename T> using FragB = wmma::fragment<wmma::matrix_b, WM, WM, WM, T, wmma::row_major>;
using FragC = wmma::fragment<wmma::accumulator, WM, WM, WM, float>;

// Shared memory of one block, in bytes: n_tiles 64-row tiles of T (Q, K, V, dO), then per warp a
// 16-row fp32 scratch tile (S, dP, or an output tile) and a 16-row T tile (P or dS), then 2 x 64
// floats of per-row statistics (backward only). Every piece starts on a 32-byte boundary, as wmma
// loads and stores require; the row pitches below keep each fragment's rows on 32-byte boundaries.
// SCRATCH: columns of the fp32 scratch; the forward's P V product needs D of them, the backward
// only BC (S^T and dP^T are 64 wide, and store_rows writes the D-wide results 64 columns at a time).
template <typename T, int D, int SCRATCH = (D > BC ? D : BC)> struct Smem {
  static constexpr int LDH = D + 8;                    // T elements per row of a Q/K/V/dO tile
  static constexpr int LDF = SCRATCH + 4;              // floats per row of the fp32 scratch
  static constexpr int LDP = BC + 8;                   // T elements per row of the P/dS tile
  static constexpr int TILE = BR * LDH * sizeof(T);
  static constexpr int S_WARP = WM * LDF;              // floats
  static constexpr int P_WARP = WM * LDP;              // T elements
  static constexpr int bytes(int n_tiles) {
    return n_tiles * TILE + WARPS * S_WARP * 4 + WARPS * P_WARP * (int)sizeof(T) + 2 * BR * 4;
  }
  static __device__ T* tile(unsigned char* s, int t) { return (T*)(s + t * TILE); }
  static __device__ float* scratch(unsigned char* s, int n_tiles, int warp) {
    return (float*)(s + n_tiles * TILE) + warp * S_WARP;
  }
  static __device__ T* ptile(unsigned char* s, int n_tiles, int warp) {
    return (T*)(s + n_tiles * TILE + WARPS * S_WARP * 4) + warp * P_WARP;
  }
  static __device__ float* stats(unsigned char* s, int n_tiles) {
    return (float*)(s + n_tiles * TILE + WARPS * S_WARP * 4 + WARPS * P_WARP * sizeof(T));
  }
};

// Dynamic shared memory of the forward kernel (Q, K, V tiles) and of the two backward kernels
// (four tiles each, and a scratch only BC wide). At D = 128: 95,232 and 96,768 bytes, under the
// 101,376 bytes a block may opt in to on sm_86/sm_89/sm_120 (an earlier D-wide backward scratch
// asked for 113,152 and failed there).
template <typename T, int D> constexpr int fwd_smem_bytes() { return Smem<T, D>::bytes(3); }
template <typename T, int D> constexpr int bwd_smem_bytes() { return Smem<T, D, BC>::bytes(4); }

// Copy rows r0..r0+63 of a (T_len, D) matrix into a shared tile, 16 bytes per thread per step;
// rows at or past T_len become zeros (so they add nothing, and never a NaN, to a matmul).
template <typename T, int D>
__device__ void load_tile(T* dst, const T* src, int r0, int T_len) {
  constexpr int CHUNKS = D / 8;  // 16-byte pieces per row
  for (int i = threadIdx.x; i < BR * CHUNKS; i += THREADS) {
    const int r = i / CHUNKS, c = (i % CHUNKS) * 8;
    uint4 val = make_uint4(0, 0, 0, 0);
    if (r0 + r < T_len) val = *reinterpret_cast<const uint4*>(src + (size_t)(r0 + r) * D + c);
    *reinterpret_cast<uint4*>(dst + r * Smem<T, D>::LDH + c) = val;
  }
}

// C (16 x 16*NB, fp32, into scratch with pitch LDF) = A (16 x 16*KB) times B, where fragment
// (kk, n) of B is read by load_b(frag, kk, n). The building block of every matmul below.
template <typename T, int KB, int NB, int LDF, typename ALoader, typename BLoader>
__device__ __forceinline__ void warp_matmul_to_scratch(float* C, ALoader load_a, BLoader load_b) {
#pragma unroll
  for (int n = 0; n < NB; n++) {
    FragC acc;
    wmma::fill_fragment(acc, 0.0f);
#pragma unroll
    for (int kk = 0; kk < KB; kk++) {
      FragA<T> a;
      load_a(a, kk);
      typename BLoader::Frag b;
      load_b(b, kk, n);
      wmma::mma_sync(acc, a, b, acc);
    }
    wmma::store_matrix_sync(C + n * WM, acc, LDF, wmma::mem_row_major);
  }
}

// Fragment loaders: a row-major 16-row slab as A, a row-major tile as B (X) or as B = X^T.
template <typename T> struct LoadARows {
  const T* base; int ld;
  __device__ void operator()(FragA<T>& a, int kk) const {
    wmma::load_matrix_sync(a, base + kk * WM, ld);
  }
};
template <typename T> struct LoadBt {  // B[k][n] = X[n][k]: fragment (kk, n) at X[n*16][kk*16]
  using Frag = FragBt<T>;
  const T* base; int ld;
  __device__ void operator()(Frag& b, int kk, int n) const {
    wmma::load_matrix_sync(b, base + n * WM * ld + kk * WM, ld);
  }
};
template <typename T> struct LoadB {   // B[k][n] = X[k][n]: fragment (kk, n) at X[kk*16][n*16]
  using Frag = FragB<T>;
  const T* base; int ld;
  __device__ void operator()(Frag& b, int kk, int n) const {
    wmma::load_matrix_sync(b, base + kk * WM * ld + n * WM, ld);
  }
};

// ---------------------------------------------------------------------------------------------
// forward: grid (query tiles, B*H), 128 threads. Shared: tiles Q, K, V; per-warp S and P.
template <typename T, int D>
__global__ void __launch_bounds__(THREADS)
attention_fwd_kernel(const T* __restrict__ q, const T* __restrict__ k, const T* __restrict__ v,
                     T* __restrict__ o, float* __restrict__ lse, int T_len, float scale_log2,
                     bool causal) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800
  __trap();  // bf16 tensor cores need sm_80; the host side refuses older cards before launching
#else
  using L = Smem<T, D>;
  constexpr int NT = 3;
  extern __shared__ __align__(128) unsigned char smem[];
  T *Qs = L::tile(smem, 0), *Ks = L::tile(smem, 1), *Vs = L::tile(smem, 2);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  float* Sw = L::scratch(smem, NT, warp);  // this warp's 16 x 64 scores, then its 16 x D P V
  T* Pw = L::ptile(smem, NT, warp);        // this warp's 16 x 64 probabilities, in T for the MMA

  const int q0 = blockIdx.x * BR;
  const size_t off = (size_t)blockIdx.y * T_len * D;
  load_tile<T, D>(Qs, q + off, q0, T_len);
  __syncthreads();
  FragA<T> qf[D / WM];  // the warp's 16 query rows, kept in registers for every K tile
#pragma unroll
  for (int kk = 0; kk < D / WM; kk++)
    wmma::load_matrix_sync(qf[kk], Qs + warp * WM * L::LDH + kk * WM, L::LDH);

  // Elementwise work: lanes 2r and 2r+1 share row r of the warp's 16 rows and take alternate
  // columns (even / odd), which spreads a row's reads over the banks.
  const int r = lane / 2, half = lane % 2;
  const int row = q0 + warp * WM + r;  // this lane's query index (>= T_len: padding, not stored)
  float m = -INFINITY, l = 0.0f;       // running max (of S * scale * log2 e) and running sum
  float acc[D / 2];                    // this lane's half of the row's unnormalised output
#pragma unroll
  for (int c = 0; c < D / 2; c++) acc[c] = 0.0f;

  const int k_end = causal ? min(T_len, q0 + BR) : T_len;
  for (int k0 = 0; k0 < k_end; k0 += BC) {
    __syncthreads();  // every warp is done with the previous K_j, V_j
    load_tile<T, D>(Ks, k + off, k0, T_len);
    load_tile<T, D>(Vs, v + off, k0, T_len);
    __syncthreads();

    // (1) S = Q_w K_j^T  (16 x 64, fp32)
    warp_matmul_to_scratch<T, D / WM, BC / WM, L::LDF>(
        Sw, [&](FragA<T>& a, int kk) { a = qf[kk]; }, LoadBt<T>{Ks, L::LDH});
    __syncwarp();

    // (2) online softmax on this lane's half row
    float* srow = Sw + r * L::LDF;
    float mx = -INFINITY;
#pragma unroll 8
    for (int c = 0; c < BC / 2; c++) {
      const int col = 2 * c + half, j = k0 + col;
      const float s = (j >= T_len || (causal && j > row)) ? -INFINITY : srow[col] * scale_log2;
      srow[col] = s;
      mx = fmaxf(mx, s);
    }
    mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));  // the row's other half
    const float m_new = fmaxf(m, mx);
    const float shift = (m_new == -INFINITY) ? 0.0f : m_new;  // nothing visible yet: no NaN
    const float alpha = exp2f(m - shift);                      // 0 on the first tile
    float rowsum = 0.0f;
#pragma unroll 8
    for (int c = 0; c < BC / 2; c++) {
      const int col = 2 * c + half;
      const float p = exp2f(srow[col] - shift);
      rowsum += p;
      Pw[r * L::LDP + col] = Cvt<T>::from_float(p);
    }
    rowsum += __shfl_xor_sync(0xffffffffu, rowsum, 1);
    l = alpha * l + rowsum;
    m = m_new;
    __syncwarp();

    // (3) acc = alpha * acc + P V_j: the product goes through the scratch (16 x D, fp32)
    FragA<T> pf[BC / WM];
#pragma unroll
    for (int kk = 0; kk < BC / WM; kk++) wmma::load_matrix_sync(pf[kk], Pw + kk * WM, L::LDP);
    warp_matmul_to_scratch<T, BC / WM, D / WM, L::LDF>(
        Sw, [&](FragA<T>& a, int kk) { a = pf[kk]; }, LoadB<T>{Vs, L::LDH});
    __syncwarp();
#pragma unroll
    for (int c = 0; c < D / 2; c++) acc[c] = alpha * acc[c] + Sw[r * L::LDF + 2 * c + half];
    __syncwarp();  // the scratch is rewritten by the next tile's S
  }

  if (row < T_len) {  // every row sees key 0, so l > 0
    const float inv_l = 1.0f / l;
    T* orow = o + off + (size_t)row * D;
#pragma unroll
    for (int c = 0; c < D / 2; c++) orow[2 * c + half] = Cvt<T>::from_float(acc[c] * inv_l);
    if (half == 0) lse[(size_t)blockIdx.y * T_len + row] = (m + log2f(l)) * LN2;  // natural log
  }
#endif
}

// ---------------------------------------------------------------------------------------------
// backward (1): D_i = rowsum(dO_i * O_i) in fp32, one warp per row.
template <typename T, int D>
__global__ void attention_bwd_rowdot_kernel(const T* __restrict__ dout, const T* __restrict__ o,
                                            float* __restrict__ Dvec, int64_t n_rows) {
  const int64_t row = (int64_t)blockIdx.x * WARPS + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (row >= n_rows) return;
  float s = 0.0f;
  for (int d = lane; d < D; d += 32)
    s += Cvt<T>::to_float(dout[row * D + d]) * Cvt<T>::to_float(o[row * D + d]);
#pragma unroll
  for (int w = 16; w > 0; w /= 2) s += __shfl_xor_sync(0xffffffffu, s, w);
  if (lane == 0) Dvec[row] = s;
}

// Write a warp's 16 x D fp32 accumulators (times `mult`) to rows first..first+15 of out (T_len, D),
// through the backward's scratch (BC columns wide), BC columns at a time; rows at or past T_len
// are dropped.
template <typename T, int D>
__device__ void store_rows(FragC (&f)[D / WM], float mult, float* Sw, T* out, int first,
                           int T_len) {
  using L = Smem<T, D, BC>;
  constexpr int CHUNK = D < BC ? D : BC;
  const int lane = threadIdx.x % 32, r = lane / 2, half = lane % 2;
#pragma unroll
  for (int c0 = 0; c0 < D; c0 += CHUNK) {
    __syncwarp();  // every lane is done reading the scratch
#pragma unroll
    for (int n = 0; n < CHUNK / WM; n++)
      wmma::store_matrix_sync(Sw + n * WM, f[c0 / WM + n], L::LDF, wmma::mem_row_major);
    __syncwarp();
    if (first + r < T_len) {
      T* orow = out + (size_t)(first + r) * D + c0;
#pragma unroll
      for (int c = 0; c < CHUNK / 2; c++)
        orow[2 * c + half] = Cvt<T>::from_float(mult * Sw[r * L::LDF + 2 * c + half]);
    }
  }
}

// backward (2): dK, dV. grid (key tiles, B*H), 128 threads. Shared: tiles K, V, Q, dO; per-warp
// scratch (S^T, then dP^T) and P^T/dS^T tile; lse and D of the current query tile.
template <typename T, int D>
__global__ void __launch_bounds__(THREADS)
attention_bwd_dkdv_kernel(const T* __restrict__ q, const T* __restrict__ k,
                          const T* __restrict__ v, const T* __restrict__ dout,
                          const float* __restrict__ lse, const float* __restrict__ Dvec,
                          T* __restrict__ dk, T* __restrict__ dv, int T_len, float scale,
                          bool causal) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800
  __trap();
#else
  using L = Smem<T, D, BC>;
  constexpr int NT = 4;
  extern __shared__ __align__(128) unsigned char smem[];
  T *Ks = L::tile(smem, 0), *Vs = L::tile(smem, 1), *Qs = L::tile(smem, 2), *dOs = L::tile(smem, 3);
  float* lse_s = L::stats(smem, NT);  // lse * log2 e of the current query tile
  float* D_s = lse_s + BR;            // D of the current query tile
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  float* Sw = L::scratch(smem, NT, warp);
  T* Pw = L::ptile(smem, NT, warp);
  const T* Kw = Ks + warp * WM * L::LDH;  // this warp's 16 keys
  const T* Vw = Vs + warp * WM * L::LDH;

  const int k0 = blockIdx.x * BC;
  const size_t off = (size_t)blockIdx.y * T_len * D;
  const float* lse_bh = lse + (size_t)blockIdx.y * T_len;
  const float* D_bh = Dvec + (size_t)blockIdx.y * T_len;
  load_tile<T, D>(Ks, k + off, k0, T_len);
  load_tile<T, D>(Vs, v + off, k0, T_len);

  const int r = lane / 2, half = lane % 2;
  const int key = k0 + warp * WM + r;  // this lane's key (row of S^T)
  const float scale_log2 = scale * LOG2E;
  FragC dkf[D / WM], dvf[D / WM];
#pragma unroll
  for (int n = 0; n < D / WM; n++) {
    wmma::fill_fragment(dkf[n], 0.0f);
    wmma::fill_fragment(dvf[n], 0.0f);
  }

  const int q_start = causal ? (k0 / BR) * BR : 0;  // earlier queries cannot see these keys
  for (int q0 = q_start; q0 < T_len; q0 += BR) {
    __syncthreads();  // every warp is done with the previous Q_i, dO_i, lse, D
    load_tile<T, D>(Qs, q + off, q0, T_len);
    load_tile<T, D>(dOs, dout + off, q0, T_len);
    for (int i = threadIdx.x; i < BR; i += THREADS) {
      const bool in = q0 + i < T_len;
      lse_s[i] = in ? lse_bh[q0 + i] * LOG2E : 0.0f;
      D_s[i] = in ? D_bh[q0 + i] : 0.0f;
    }
    __syncthreads();

    // S^T = K_w Q_i^T  (16 keys x 64 queries)
    warp_matmul_to_scratch<T, D / WM, BR / WM, L::LDF>(Sw, LoadARows<T>{Kw, L::LDH},
                                                        LoadBt<T>{Qs, L::LDH});
    __syncwarp();
    // P^T = exp2(S^T * scale * log2 e - lse * log2 e), zero where masked; kept in fp32 registers
    float p[BR / 2];
#pragma unroll
    for (int c = 0; c < BR / 2; c++) {
      const int col = 2 * c + half, i = q0 + col;
      p[c] = (i >= T_len || (causal && key > i))
                 ? 0.0f
                 : exp2f(Sw[r * L::LDF + col] * scale_log2 - lse_s[col]);
      Pw[r * L::LDP + col] = Cvt<T>::from_float(p[c]);
    }
    __syncwarp();
    // dV_w += P^T dO_i  (16 x 64) (64 x D)
    FragA<T> pf[BR / WM];
#pragma unroll
    for (int kk = 0; kk < BR / WM; kk++) wmma::load_matrix_sync(pf[kk], Pw + kk * WM, L::LDP);
#pragma unroll
    for (int n = 0; n < D / WM; n++)
#pragma unroll
      for (int kk = 0; kk < BR / WM; kk++) {
        FragB<T> b;
        wmma::load_matrix_sync(b, dOs + kk * WM * L::LDH + n * WM, L::LDH);
        wmma::mma_sync(dvf[n], pf[kk], b, dvf[n]);
      }
    // dP^T = V_w dO_i^T  (16 keys x 64 queries)
    warp_matmul_to_scratch<T, D / WM, BR / WM, L::LDF>(Sw, LoadARows<T>{Vw, L::LDH},
                                                        LoadBt<T>{dOs, L::LDH});
    __syncwarp();
    // dS^T = P^T * (dP^T - D), rounded to T for the tensor cores (FlashAttention-2 does the same)
#pragma unroll
    for (int c = 0; c < BR / 2; c++) {
      const int col = 2 * c + half;
      Pw[r * L::LDP + col] = Cvt<T>::from_float(p[c] * (Sw[r * L::LDF + col] - D_s[col]));
    }
    __syncwarp();
    // dK_w += dS^T Q_i  (the scale is applied once, at the end)
#pragma unroll
    for (int kk = 0; kk < BR / WM; kk++) wmma::load_matrix_sync(pf[kk], Pw + kk * WM, L::LDP);
#pragma unroll
    for (int n = 0; n < D / WM; n++)
#pragma unroll
      for (int kk = 0; kk < BR / WM; kk++) {
        FragB<T> b;
        wmma::load_matrix_sync(b, Qs + kk * WM * L::LDH + n * WM, L::LDH);
        wmma::mma_sync(dkf[n], pf[kk], b, dkf[n]);
      }
  }
  store_rows<T, D>(dvf, 1.0f, Sw, dv + off, k0 + warp * WM, T_len);
  store_rows<T, D>(dkf, scale, Sw, dk + off, k0 + warp * WM, T_len);
#endif
}

// backward (3): dQ. grid (query tiles, B*H), 128 threads. Shared: tiles Q, dO, K, V; per-warp
// scratch (S, then dP) and dS tile.
template <typename T, int D>
__global__ void __launch_bounds__(THREADS)
attention_bwd_dq_kernel(const T* __restrict__ q, const T* __restrict__ k, const T* __restrict__ v,
                        const T* __restrict__ dout, const float* __restrict__ lse,
                        const float* __restrict__ Dvec, T* __restrict__ dq, int T_len,
                        float scale, bool causal) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800
  __trap();
#else
  using L = Smem<T, D, BC>;
  constexpr int NT = 4;
  extern __shared__ __align__(128) unsigned char smem[];
  T *Qs = L::tile(smem, 0), *dOs = L::tile(smem, 1), *Ks = L::tile(smem, 2), *Vs = L::tile(smem, 3);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  float* Sw = L::scratch(smem, NT, warp);
  T* Pw = L::ptile(smem, NT, warp);
  const T* Qw = Qs + warp * WM * L::LDH;  // this warp's 16 query rows
  const T* dOw = dOs + warp * WM * L::LDH;

  const int q0 = blockIdx.x * BR;
  const size_t off = (size_t)blockIdx.y * T_len * D;
  load_tile<T, D>(Qs, q + off, q0, T_len);
  load_tile<T, D>(dOs, dout + off, q0, T_len);

  const int r = lane / 2, half = lane % 2;
  const int row = q0 + warp * WM + r;
  const float scale_log2 = scale * LOG2E;
  const bool in = row < T_len;
  const float lse2 = in ? lse[(size_t)blockIdx.y * T_len + row] * LOG2E : 0.0f;
  const float Drow = in ? Dvec[(size_t)blockIdx.y * T_len + row] : 0.0f;
  FragC dqf[D / WM];
#pragma unroll
  for (int n = 0; n < D / WM; n++) wmma::fill_fragment(dqf[n], 0.0f);

  const int k_end = causal ? min(T_len, q0 + BR) : T_len;
  for (int k0 = 0; k0 < k_end; k0 += BC) {
    __syncthreads();
    load_tile<T, D>(Ks, k + off, k0, T_len);
    load_tile<T, D>(Vs, v + off, k0, T_len);
    __syncthreads();

    // S = Q_w K_j^T, then P (fp32, registers)
    warp_matmul_to_scratch<T, D / WM, BC / WM, L::LDF>(Sw, LoadARows<T>{Qw, L::LDH},
                                                        LoadBt<T>{Ks, L::LDH});
    __syncwarp();
    float p[BC / 2];
#pragma unroll
    for (int c = 0; c < BC / 2; c++) {
      const int col = 2 * c + half, j = k0 + col;
      const bool hidden = j >= T_len || (causal && j > row);
      p[c] = hidden ? 0.0f : exp2f(Sw[r * L::LDF + col] * scale_log2 - lse2);
    }
    __syncwarp();
    // dP = dO_w V_j^T, then dS = P * (dP - D)
    warp_matmul_to_scratch<T, D / WM, BC / WM, L::LDF>(Sw, LoadARows<T>{dOw, L::LDH},
                                                        LoadBt<T>{Vs, L::LDH});
    __syncwarp();
#pragma unroll
    for (int c = 0; c < BC / 2; c++) {
      const int col = 2 * c + half;
      Pw[r * L::LDP + col] = Cvt<T>::from_float(p[c] * (Sw[r * L::LDF + col] - Drow));
    }
    __syncwarp();
    // dQ_w += dS K_j
    FragA<T> sf[BC / WM];
#pragma unroll
    for (int kk = 0; kk < BC / WM; kk++) wmma::load_matrix_sync(sf[kk], Pw + kk * WM, L::LDP);
#pragma unroll
    for (int n = 0; n < D / WM; n++)
#pragma unroll
      for (int kk = 0; kk < BC / WM; kk++) {
        FragB<T> b;
        wmma::load_matrix_sync(b, Ks + kk * WM * L::LDH + n * WM, L::LDH);
        wmma::mma_sync(dqf[n], sf[kk], b, dqf[n]);
      }
  }
  store_rows<T, D>(dqf, scale, Sw, dq + off, q0 + warp * WM, T_len);
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
  const int bytes = fwd_smem_bytes<T, D>();
  auto kernel = attention_fwd_kernel<T, D>;
  allow_smem(kernel, bytes);
  const dim3 grid(cdiv(T_len, BR), BH);
  kernel<<<grid, THREADS, bytes, c10::cuda::getCurrentCUDAStream()>>>(
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

  attention_bwd_rowdot_kernel<T, D><<<(unsigned)((rows + WARPS - 1) / WARPS), THREADS, 0, stream>>>(
      (const T*)dout.data_ptr(), (const T*)o.data_ptr(), Dvec.data_ptr<float>(), rows);
  C10_CUDA_KERNEL_LAUNCH_CHECK();

  const int bytes = bwd_smem_bytes<T, D>();
  auto dkdv = attention_bwd_dkdv_kernel<T, D>;
  allow_smem(dkdv, bytes);
  dkdv<<<dim3(cdiv(T_len, BC), BH), THREADS, bytes, stream>>>(
      (const T*)q.data_ptr(), (const T*)k.data_ptr(), (const T*)v.data_ptr(),
      (const T*)dout.data_ptr(), lse.data_ptr<float>(), Dvec.data_ptr<float>(), (T*)dk.data_ptr(),
      (T*)dv.data_ptr(), T_len, scale, causal);
  C10_CUDA_KERNEL_LAUNCH_CHECK();

  auto dqk = attention_bwd_dq_kernel<T, D>;
  allow_smem(dqk, bytes);
  dqk<<<dim3(cdiv(T_len, BR), BH), THREADS, bytes, stream>>>(
      (const T*)q.data_ptr(), (const T*)k.data_ptr(), (const T*)v.data_ptr(),
      (const T*)dout.data_ptr(), lse.data_ptr<float>(), Dvec.data_ptr<float>(), (T*)dq.data_ptr(),
      T_len, scale, causal);
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

// Runs the statement CALL with T (the CUDA 16-bit type) and D (the head dim) as compile-time
// constants, for the dtype and head dim of q.
#define PHI1_ATTN_DISPATCH(q, CALL)                                                          \
  do {                                                                                       \
    const int64_t head_dim = (q).size(3);                                                    \
    TORCH_CHECK(head_dim == 32 || head_dim == 64 || head_dim == 128,                         \
                "attention (CUDA kernel): head dim must be 32, 64 or 128, got ", head_dim);  \
    const auto dt = (q).scalar_type();                                                       \
    TORCH_CHECK(dt == at::kHalf || dt == at::kBFloat16,                                      \
                "attention (CUDA kernel): float16 or bfloat16 only, got ", dt);              \
    if (dt == at::kHalf) {                                                                   \
      using T = __half;                                                                      \
      PHI1_ATTN_HEAD_DIMS(CALL)                                                              \
    } else {                                                                                 \
      using T = __nv_bfloat16;                                                               \
      PHI1_ATTN_HEAD_DIMS(CALL)                                                              \
    }                                                                                        \
  } while (0)
#define PHI1_ATTN_HEAD_DIMS(CALL)                                                            \
  if (head_dim == 32) {                                                                      \
    constexpr int D = 32;                                                                    \
    CALL;                                                                                    \
  } else if (head_dim == 64) {                                                               \
    constexpr int D = 64;                                                                    \
    CALL;                                                                                    \
  } else {                                                                                   \
    constexpr int D = 128;                                                                   \
    CALL;                                                                                    \
  }

// The most dynamic shared memory any version-1 kernel asks for at this head dim.
int v1_smem_bytes(int64_t head_dim) {
  if (head_dim == 32) return std::max(fwd_smem_bytes<__half, 32>(), bwd_smem_bytes<__half, 32>());
  if (head_dim == 64) return std::max(fwd_smem_bytes<__half, 64>(), bwd_smem_bytes<__half, 64>());
  return std::max(fwd_smem_bytes<__half, 128>(), bwd_smem_bytes<__half, 128>());
}

void check_cuda_inputs(std::initializer_list<const at::Tensor*> ts, int64_t version) {
  TORCH_CHECK(version == 1 || version == 2, "attention (CUDA kernel): version must be 1 or 2, got ",
              version);
  for (const at::Tensor* t : ts)
    TORCH_CHECK(reinterpret_cast<uintptr_t>(t->data_ptr()) % 16 == 0,
                "attention (CUDA kernel): tensors must be 16-byte aligned");
}

}  // namespace

int attention_v2_smem_bytes(int64_t head_dim, int64_t elem_bytes);
std::vector<at::Tensor> attention_v2_fwd_cuda(const at::Tensor& q, const at::Tensor& k,
                                              const at::Tensor& v, bool causal, double scale);
std::vector<at::Tensor> attention_v2_bwd_cuda(const at::Tensor& dout, const at::Tensor& q,
                                              const at::Tensor& k, const at::Tensor& v,
                                              const at::Tensor& o, const at::Tensor& lse,
                                              bool causal, double scale);

// Why kernel `version` cannot run on q's GPU, in one line, or "" when it can: the card's compute
// capability and the shared memory a block may opt in to (cudaDevAttrMaxSharedMemoryPerBlockOptin)
// against what the version's kernels ask for at q's head dim. kernels/attention.py calls it before
// the forward, so a card that cannot run the backward never starts the forward either.
std::string attention_cuda_unsupported(const at::Tensor& q, int64_t version) {
  if (version != 1 && version != 2) return "version must be 1 or 2";
  const int64_t head_dim = q.size(3);
  if (head_dim != 32 && head_dim != 64 && head_dim != 128)
    return "CUDA kernel takes head dim 32, 64 or 128, got " + std::to_string(head_dim);
  const c10::cuda::CUDAGuard guard(q.device());
  int device = 0, major = 0, minor = 0, optin = 0;
  C10_CUDA_CHECK(cudaGetDevice(&device));
  C10_CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device));
  C10_CUDA_CHECK(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device));
  C10_CUDA_CHECK(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
  const std::string sm = "sm_" + std::to_string(major) + std::to_string(minor);
  if (major < 8) return "CUDA kernel needs sm_80 or newer, this GPU is " + sm;
  const int need = version == 1 ? v1_smem_bytes(head_dim)
                                : attention_v2_smem_bytes(head_dim, q.element_size());
  if (need > optin)
    return "version " + std::to_string(version) + " at head dim " + std::to_string(head_dim) +
           " needs " + std::to_string(need) + " bytes of shared memory per block, this GPU (" +
           sm + ") allows " + std::to_string(optin);
  return "";
}

std::vector<at::Tensor> attention_fwd_cuda(const at::Tensor& q, const at::Tensor& k,
                                           const at::Tensor& v, bool causal, double scale,
                                           int64_t version) {
  const c10::cuda::CUDAGuard guard(q.device());
  check_cuda_inputs({&q, &k, &v}, version);
  const std::string why = attention_cuda_unsupported(q, version);
  TORCH_CHECK(why.empty(), "attention (CUDA kernel): ", why);
  TORCH_CHECK(q.size(0) * q.size(1) <= 65535, "attention (CUDA kernel): B*H must be <= 65535");
  if (version == 2) return attention_v2_fwd_cuda(q, k, v, causal, scale);
  at::Tensor o = at::empty_like(q);
  at::Tensor lse = at::empty({q.size(0), q.size(1), q.size(2)}, q.options().dtype(at::kFloat));
  if (q.numel() == 0) return {o, lse};
  PHI1_ATTN_DISPATCH(q, (launch_fwd<T, D>(q, k, v, o, lse, causal, (float)scale)));
  return {o, lse};
}

std::vector<at::Tensor> attention_bwd_cuda(const at::Tensor& dout, const at::Tensor& q,
                                           const at::Tensor& k, const at::Tensor& v,
                                           const at::Tensor& o, const at::Tensor& lse,
                                           bool causal, double scale, int64_t version) {
  const c10::cuda::CUDAGuard guard(q.device());
  check_cuda_inputs({&dout, &q, &k, &v, &o}, version);
  const std::string why = attention_cuda_unsupported(q, version);
  TORCH_CHECK(why.empty(), "attention (CUDA kernel): ", why);
  TORCH_CHECK(lse.scalar_type() == at::kFloat, "attention_bwd (CUDA kernel): lse must be float32");
  TORCH_CHECK(q.size(0) * q.size(1) <= 65535, "attention (CUDA kernel): B*H must be <= 65535");
  if (version == 2) return attention_v2_bwd_cuda(dout, q, k, v, o, lse, causal, scale);
  at::Tensor dq = at::empty_like(q), dk = at::empty_like(k), dv = at::empty_like(v);
  if (q.numel() == 0) return {dq, dk, dv};
  PHI1_ATTN_DISPATCH(
      q, (launch_bwd<T, D>(dout, q, k, v, o, lse, dq, dk, dv, causal, (float)scale)));
  return {dq, dk, dv};
}
