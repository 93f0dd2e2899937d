// layernorm.cu: fused LayerNorm forward and backward on the GPU (fp32, bf16, fp16 in and out;
// fp32 statistics and sums). The same algorithm as layernorm_cpu.cpp, which states it in full:
//   forward   mean = sum(x)/N; var = sum((x-mean)^2)/N; rstd = 1/sqrt(var+eps);
//             y = (x-mean)*rstd*weight + bias; keep mean, rstd per row.
//   backward  xhat = (x-mean)*rstd; g = dy*weight; dx = rstd*(g - mean(g) - xhat*mean(g*xhat));
//             dweight = sum_rows dy*xhat; dbias = sum_rows dy.
//
// How it maps onto the GPU:
//   * A "row group" of T threads (T a multiple of 32) owns one row at a time. Thread t holds the
//     elements [(c*T + t)*VEC, +VEC) for c < CHUNKS in registers, so x is read from memory once:
//     the forward reads x, weight, bias and writes y (the minimum traffic), the backward reads dy
//     and x and writes dx. VEC elements make one 16-byte load (8 bf16/fp16 or 4 fp32) when the
//     width is a multiple of VEC and the pointers are 16-byte aligned; otherwise VEC = 1.
//   * Row sums: butterfly warp shuffles (every lane ends with the same bits), then the warps of
//     the group add their totals through shared memory in warp order. A block holds R row groups
//     (about 256 threads) so narrow rows still fill the SMs.
//   * dweight/dbias without atomics, hence deterministic: backward row group g takes a fixed,
//     contiguous range of rows, adds dy*xhat and dy for its columns in registers row by row, and
//     writes them to partial row g of an fp32 buffer; a second kernel adds the partial rows of
//     each column in a fixed order. The number of groups depends only on the shape and the card
//     (SM count, occupancy), so the same input on the same card gives the same bits.
//   * Where registers end: with up to 512 threads a row, __launch_bounds__ leaves 128 registers
//     a thread; the forward holds 3 floats per element it owns (x, weight, bias: weight and bias
//     are loaded before the reductions so their latency overlaps them), the backward 5. So a
//     thread owns at most 32 elements forward and 16 backward (kFwdMaxElems, kBwdMaxElems):
//     rows up to 16384 forward and 8192 backward with 16-byte loads (fp32 width a multiple of 4,
//     16-bit a multiple of 8, aligned), 4096 with scalar loads. Wider rows go to ATen's own
//     LayerNorm kernels, so every width is still correct. (An earlier version kept up to 64
//     elements a thread and spilled: 280 bytes of local memory for 16-bit rows of 8k-16k in the
//     backward, more at 16k-32k.) ptxas figures: see "Static resources" below.
// Ideas not taken yet (not measurable here): prefetching the next row's x/dy while the current
// row's sums are reduced; per-card tuning of kMinRowsPerGroup.
//
// Static resources (ptxas -v, CUDA 13.0, `python -m kernels.build --cuda --arch 8.0,9.0
// --build-dir /tmp/k --ptxas`): no kernel spills on sm_80 or sm_90. Registers (sm_80 / sm_90),
// <dtype, VEC, CHUNKS>: forward 32-64 for scalar loads, 56 / 72 / 123 for 16-bit VEC 8 at 1 / 2 / 4
// chunks, 45-128 for fp32 VEC 4 (128 at 8 chunks: the cap); backward 42-103 for scalar loads,
// 76 / 119 for 16-bit VEC 8 at 1 / 2 chunks, 56-122 for fp32 VEC 4 up to 4 chunks; the column-sum
// kernel 32. tests/test_kernels_build.py fails if any of them spills.
//
// Build: `python -m kernels.build` on a machine with a GPU (or PHI1_BUILD_KERNELS=1 pip install
// -e . --no-build-isolation); compile-only check for sm_80/sm_90: tests/test_kernels_build.py.
// Benchmark: `python bench/kernels.py layernorm` (or bench/gpu.sh for everything).
// Measured: UNPROVEN ON A GPU: not yet run on one (compiled for sm_80 and sm_90 only). Targets on an H100:
// forward+backward >= 1.2x torch.nn.functional.layer_norm, >= 80% of copy bandwidth.
#include "common.h"

// Only c10/cuda headers: ATen/cuda/CUDAContext.h would pull in cuBLAS/cuSPARSE headers, which
// a bare CUDA toolkit may lack (pip's torch ships them in another directory).
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace {

constexpr int kMaxThreads = 512;       // per block; __launch_bounds__ lets each thread use 128 registers
// (and its explicit minimum of 1 block per SM matters: without it, CUDA 13's ptxas held some of
// these kernels to 64 registers and spilled 4-28 bytes)
constexpr int kBlockThreads = 256;     // R row groups of T threads fill about this many
constexpr int kMaxGroups = kBlockThreads / 32;
constexpr int kMinRowsPerGroup = 16;   // backward: keeps the partial-sum buffer small next to dy and x
// Elements of a row one thread may hold (CHUNKS * VEC). With up to 512 threads a block,
// __launch_bounds__ leaves 128 registers a thread. The forward keeps 3 floats an element (x,
// weight, bias), the backward 5 (weight, the two column sums, xhat, g): past these counts ptxas
// spills to local memory (it did at 32 and 64 backward elements: 280 bytes and more), so wider
// rows go to ATen's kernels. tests/test_kernels_build.py fails if any instantiation spills.
constexpr int kFwdMaxElems = 32;
constexpr int kBwdMaxElems = 16;

// VEC elements of T, loaded or stored as one aligned 16-byte (or smaller) access.
template <typename T, int VEC>
struct alignas(sizeof(T) * VEC) Pack {
  T v[VEC];
};

template <typename T, int VEC>
__device__ __forceinline__ void load_vec(const T* p, float (&out)[VEC]) {
  const Pack<T, VEC> pk = *reinterpret_cast<const Pack<T, VEC>*>(p);
#pragma unroll
  for (int j = 0; j < VEC; ++j) out[j] = static_cast<float>(pk.v[j]);
}

template <typename T, int VEC>
__device__ __forceinline__ void store_vec(T* p, const float (&in)[VEC]) {
  Pack<T, VEC> pk;
#pragma unroll
  for (int j = 0; j < VEC; ++j) pk.v[j] = static_cast<T>(in[j]);
  *reinterpret_cast<Pack<T, VEC>*>(p) = pk;
}

// Sum K values over the blockDim.x threads of each row group (threadIdx.y); every thread of the
// group gets the same totals, added in the same order. Every thread of the block must call it,
// since it synchronises the block. smem holds kMaxGroups * K * 32 floats.
template <int K>
__device__ __forceinline__ void group_sum(float (&v)[K], float* smem) {
#pragma unroll
  for (int k = 0; k < K; ++k) {
#pragma unroll
    for (int offset = 16; offset > 0; offset >>= 1) v[k] += __shfl_xor_sync(0xffffffffu, v[k], offset);
  }
  const int nwarps = blockDim.x >> 5;
  if (nwarps == 1) return;  // the same for the whole block, so no thread skips a barrier alone
  float* s = smem + threadIdx.y * K * 32;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  if (lane == 0) {
#pragma unroll
    for (int k = 0; k < K; ++k) s[k * 32 + warp] = v[k];
  }
  __syncthreads();
#pragma unroll
  for (int k = 0; k < K; ++k) {
    float total = 0.f;
    for (int w = 0; w < nwarps; ++w) total += s[k * 32 + w];
    v[k] = total;
  }
  __syncthreads();  // s is reused by the next call
}

// Forward: row group threadIdx.y of block b normalises row b*R + threadIdx.y.
template <typename T, int VEC, int CHUNKS>
__global__ void __launch_bounds__(kMaxThreads, 1)
layer_norm_fwd_kernel(const T* __restrict__ x, const T* __restrict__ weight,
                      const T* __restrict__ bias, T* __restrict__ y, float* __restrict__ mean,
                      float* __restrict__ rstd, int64_t M, int N, float eps) {
  __shared__ float smem[kMaxGroups * 32];
  const int64_t row = static_cast<int64_t>(blockIdx.x) * blockDim.y + threadIdx.y;
  const bool active = row < M;  // an idle group still joins group_sum's barriers
  const T* xr = x + (active ? row : 0) * N;
  T* yr = y + (active ? row : 0) * N;

  // x, and weight and bias too: their loads are issued before the reductions, so their latency
  // hides behind the shuffles and barriers instead of following them.
  float v[CHUNKS][VEC], w[CHUNKS][VEC], b[CHUNKS][VEC];
  float sum[1] = {0.f};
#pragma unroll
  for (int c = 0; c < CHUNKS; ++c) {
    const int col = (c * blockDim.x + threadIdx.x) * VEC;
    if (active && col < N) {
      load_vec<T, VEC>(xr + col, v[c]);
      load_vec<T, VEC>(weight + col, w[c]);
      load_vec<T, VEC>(bias + col, b[c]);
#pragma unroll
      for (int j = 0; j < VEC; ++j) sum[0] += v[c][j];
    }
  }
  group_sum<1>(sum, smem);
  const float mu = sum[0] / N;

  float sq[1] = {0.f};
#pragma unroll
  for (int c = 0; c < CHUNKS; ++c) {
    const int col = (c * blockDim.x + threadIdx.x) * VEC;
    if (active && col < N) {
#pragma unroll
      for (int j = 0; j < VEC; ++j) {
        const float d = v[c][j] - mu;
        sq[0] += d * d;
      }
    }
  }
  group_sum<1>(sq, smem);
  const float rs = 1.0f / sqrtf(sq[0] / N + eps);
  if (!active) return;

#pragma unroll
  for (int c = 0; c < CHUNKS; ++c) {
    const int col = (c * blockDim.x + threadIdx.x) * VEC;
    if (col < N) {
      float out[VEC];
#pragma unroll
      for (int j = 0; j < VEC; ++j) out[j] = (v[c][j] - mu) * rs * w[c][j] + b[c][j];
      store_vec<T, VEC>(yr + col, out);
    }
  }
  if (threadIdx.x == 0) {
    mean[row] = mu;
    rstd[row] = rs;
  }
}

// Backward: row group g = b*R + threadIdx.y takes rows [g*rows_per_group, +rows_per_group),
// writes dx for them and its column sums of dy*xhat and dy to part[g][0][:] and part[g][1][:].
template <typename T, int VEC, int CHUNKS>
__global__ void __launch_bounds__(kMaxThreads, 1)
layer_norm_bwd_kernel(const T* __restrict__ dy, const T* __restrict__ x,
                      const T* __restrict__ weight, const float* __restrict__ mean,
                      const float* __restrict__ rstd, T* __restrict__ dx, float* __restrict__ part,
                      int64_t M, int N, int64_t n_groups, int64_t rows_per_group) {
  __shared__ float smem[kMaxGroups * 2 * 32];
  const int64_t group = static_cast<int64_t>(blockIdx.x) * blockDim.y + threadIdx.y;
  const int64_t row0 = group * rows_per_group;

  float w[CHUNKS][VEC], dw[CHUNKS][VEC], db[CHUNKS][VEC];
#pragma unroll
  for (int c = 0; c < CHUNKS; ++c) {
    const int col = (c * blockDim.x + threadIdx.x) * VEC;
    if (col < N) load_vec<T, VEC>(weight + col, w[c]);
#pragma unroll
    for (int j = 0; j < VEC; ++j) dw[c][j] = db[c][j] = 0.f;
  }

  // Every group runs the same number of iterations (group_sum synchronises the block).
  for (int64_t i = 0; i < rows_per_group; ++i) {
    const int64_t row = row0 + i;
    const bool active = group < n_groups && row < M;
    const float mu = active ? mean[row] : 0.f;
    const float rs = active ? rstd[row] : 0.f;
    float xhat[CHUNKS][VEC], g[CHUNKS][VEC];
    float sums[2] = {0.f, 0.f};  // sum(g), sum(g * xhat)
#pragma unroll
    for (int c = 0; c < CHUNKS; ++c) {
      const int col = (c * blockDim.x + threadIdx.x) * VEC;
      if (active && col < N) {
        float xv[VEC], dyv[VEC];
        load_vec<T, VEC>(x + row * N + col, xv);
        load_vec<T, VEC>(dy + row * N + col, dyv);
#pragma unroll
        for (int j = 0; j < VEC; ++j) {
          xhat[c][j] = (xv[j] - mu) * rs;
          g[c][j] = dyv[j] * w[c][j];
          sums[0] += g[c][j];
          sums[1] += g[c][j] * xhat[c][j];
          dw[c][j] += dyv[j] * xhat[c][j];
          db[c][j] += dyv[j];
        }
      }
    }
    group_sum<2>(sums, smem);
    if (!active) continue;
    const float mean_g = sums[0] / N, mean_gxhat = sums[1] / N;
#pragma unroll
    for (int c = 0; c < CHUNKS; ++c) {
      const int col = (c * blockDim.x + threadIdx.x) * VEC;
      if (col < N) {
        float out[VEC];
#pragma unroll
        for (int j = 0; j < VEC; ++j) out[j] = rs * (g[c][j] - mean_g - xhat[c][j] * mean_gxhat);
        store_vec<T, VEC>(dx + row * N + col, out);
      }
    }
  }

  if (group >= n_groups) return;
  float* pdw = part + group * 2 * N;
  float* pdb = pdw + N;
#pragma unroll
  for (int c = 0; c < CHUNKS; ++c) {
    const int col = (c * blockDim.x + threadIdx.x) * VEC;
    if (col < N) {
      store_vec<float, VEC>(pdw + col, dw[c]);  // aligned: N and col are multiples of VEC
      store_vec<float, VEC>(pdb + col, db[c]);
    }
  }
}

// The second, fixed-order reduction: out[col] = sum over g of part[g][which][col]. Thread
// (tx, ty) of a 32 x 16 block adds g = ty, ty + 16, ... in order; then row ty == 0 adds the 16
// results in order. blockIdx.y picks dweight (0) or dbias (1).
template <typename T>
__global__ void sum_partials_kernel(const float* __restrict__ part, int64_t n_groups, int N,
                                    T* __restrict__ dweight, T* __restrict__ dbias) {
  __shared__ float s[16][33];  // 33: no bank conflicts when row 0 reads a column
  const int col = blockIdx.x * 32 + threadIdx.x;
  const int which = blockIdx.y;
  float acc = 0.f;
  if (col < N) {
    for (int64_t g = threadIdx.y; g < n_groups; g += 16) acc += part[(g * 2 + which) * N + col];
  }
  s[threadIdx.y][threadIdx.x] = acc;
  __syncthreads();
  if (threadIdx.y == 0 && col < N) {
    float total = 0.f;
#pragma unroll
    for (int i = 0; i < 16; ++i) total += s[i][threadIdx.x];
    (which == 0 ? dweight : dbias)[col] = static_cast<T>(total);
  }
}

// ------------------------------------------------------------------------------------------------
// Host side

struct Launch {
  int chunks;   // CHUNKS, the template argument
  int threads;  // T, threads per row group (blockDim.x)
  int groups;   // R, row groups per block (blockDim.y)
};

// The fewest chunks per thread whose row group fits: one chunk while a row needs at most
// kBlockThreads threads, else up to kMaxThreads threads with 2, 4 or 8 chunks, as long as a thread
// holds at most max_elems elements. Fewer values per thread means fewer registers and more warps
// per SM. phi-1's widths: bf16 1024 -> 128 threads x 1 chunk, 2048 -> 256 x 1; fp32 2048 -> 256 x 2.
// Widest rows kept in registers: forward 16384 (16-byte loads) or 4096 (scalar); backward 8192
// (16-byte loads) or 4096 (scalar). false: too wide for registers.
bool choose_launch(int N, int vec, int max_elems, Launch* L) {
  const int nvec = (N + vec - 1) / vec;
  for (int chunks = 1; chunks <= 8 && chunks * vec <= max_elems; chunks *= 2) {
    const int threads = ((nvec + chunks - 1) / chunks + 31) / 32 * 32;
    if (threads <= (chunks == 1 ? kBlockThreads : kMaxThreads)) {
      L->chunks = chunks;
      L->threads = threads;
      L->groups = threads >= kBlockThreads ? 1 : kBlockThreads / threads;
      return true;
    }
  }
  return false;
}

bool aligned16(const at::Tensor& t) {
  return reinterpret_cast<std::uintptr_t>(t.data_ptr()) % 16 == 0;
}

template <typename T, int VEC, int CHUNKS>
void fwd_launch(const Launch& L, const at::Tensor& x, const at::Tensor& w, const at::Tensor& b,
                at::Tensor& y, at::Tensor& mean, at::Tensor& rstd, double eps) {
  const int64_t M = x.size(0);
  const dim3 block(L.threads, L.groups);
  const dim3 grid(static_cast<unsigned>((M + L.groups - 1) / L.groups));
  layer_norm_fwd_kernel<T, VEC, CHUNKS><<<grid, block, 0, c10::cuda::getCurrentCUDAStream()>>>(
      x.data_ptr<T>(), w.data_ptr<T>(), b.data_ptr<T>(), y.data_ptr<T>(), mean.data_ptr<float>(),
      rstd.data_ptr<float>(), M, static_cast<int>(x.size(1)), static_cast<float>(eps));
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

template <typename T, int VEC>
void fwd_dispatch(const Launch& L, const at::Tensor& x, const at::Tensor& w, const at::Tensor& b,
                  at::Tensor& y, at::Tensor& mean, at::Tensor& rstd, double eps) {
  // only the chunk counts choose_launch can pick are instantiated (no spilling variants)
  if (L.chunks == 1) return fwd_launch<T, VEC, 1>(L, x, w, b, y, mean, rstd, eps);
  if (L.chunks == 2) return fwd_launch<T, VEC, 2>(L, x, w, b, y, mean, rstd, eps);
  if constexpr (4 * VEC <= kFwdMaxElems) {
    if (L.chunks == 4) return fwd_launch<T, VEC, 4>(L, x, w, b, y, mean, rstd, eps);
  }
  if constexpr (8 * VEC <= kFwdMaxElems) {
    if (L.chunks == 8) return fwd_launch<T, VEC, 8>(L, x, w, b, y, mean, rstd, eps);
  }
  TORCH_CHECK(false, "layer_norm_fwd: no kernel for ", L.chunks, " chunks of ", VEC);
}

template <typename T>
std::vector<at::Tensor> fwd_typed(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b,
                                  double eps) {
  constexpr int kVec = 16 / sizeof(T);
  const int64_t M = x.size(0), N = x.size(1);
  const bool vec_ok = N % kVec == 0 && aligned16(x) && aligned16(w) && aligned16(b);
  Launch L;
  if (!choose_launch(static_cast<int>(N), vec_ok ? kVec : 1, kFwdMaxElems, &L)) {
    // Too wide to keep a row in registers: ATen's kernel (mean/rstd come back as (M, 1) fp32).
    auto out = at::native_layer_norm(x, {N}, w, b, eps);
    return {std::get<0>(out), std::get<1>(out).view({M}), std::get<2>(out).view({M})};
  }
  auto y = at::empty_like(x);  // empty_like of a contiguous tensor: same 16-byte alignment
  auto mean = at::empty({M}, x.options().dtype(at::kFloat));
  auto rstd = at::empty({M}, x.options().dtype(at::kFloat));
  if (M == 0) return {y, mean, rstd};
  TORCH_CHECK((M + L.groups - 1) / L.groups <= INT32_MAX, "layer_norm_fwd: too many rows (", M, ")");
  if (vec_ok) {
    fwd_dispatch<T, kVec>(L, x, w, b, y, mean, rstd, eps);
  } else {
    fwd_dispatch<T, 1>(L, x, w, b, y, mean, rstd, eps);
  }
  return {y, mean, rstd};
}

template <typename T, int VEC, int CHUNKS>
void bwd_launch(const Launch& L, const at::Tensor& dy, const at::Tensor& x, const at::Tensor& w,
                const at::Tensor& mean, const at::Tensor& rstd, at::Tensor& dx, at::Tensor& dw,
                at::Tensor& db) {
  const int64_t M = x.size(0);
  const int N = static_cast<int>(x.size(1));
  auto kernel = layer_norm_bwd_kernel<T, VEC, CHUNKS>;
  const int block_threads = L.threads * L.groups;
  int blocks_per_sm = 0;
  C10_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks_per_sm, kernel, block_threads, 0));
  int sms = 0;
  C10_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, x.get_device()));
  // As many row groups as can run at once, but each with at least kMinRowsPerGroup rows.
  int64_t n_groups = std::min<int64_t>((M + kMinRowsPerGroup - 1) / kMinRowsPerGroup,
                                       std::max<int64_t>(1, int64_t{sms} * blocks_per_sm * L.groups));
  const int64_t rows_per_group = (M + n_groups - 1) / n_groups;
  n_groups = (M + rows_per_group - 1) / rows_per_group;
  auto part = at::empty({n_groups, 2, N}, x.options().dtype(at::kFloat));

  const auto stream = c10::cuda::getCurrentCUDAStream();
  const dim3 block(L.threads, L.groups);
  const dim3 grid(static_cast<unsigned>((n_groups + L.groups - 1) / L.groups));
  kernel<<<grid, block, 0, stream>>>(dy.data_ptr<T>(), x.data_ptr<T>(), w.data_ptr<T>(),
                                     mean.data_ptr<float>(), rstd.data_ptr<float>(),
                                     dx.data_ptr<T>(), part.data_ptr<float>(), M, N, n_groups,
                                     rows_per_group);
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  sum_partials_kernel<T><<<dim3((N + 31) / 32, 2), dim3(32, 16), 0, stream>>>(
      part.data_ptr<float>(), n_groups, N, dw.data_ptr<T>(), db.data_ptr<T>());
  C10_CUDA_KERNEL_LAUNCH_CHECK();
}

template <typename T, int VEC>
void bwd_dispatch(const Launch& L, const at::Tensor& dy, const at::Tensor& x, const at::Tensor& w,
                  const at::Tensor& mean, const at::Tensor& rstd, at::Tensor& dx, at::Tensor& dw,
                  at::Tensor& db) {
  if (L.chunks == 1) return bwd_launch<T, VEC, 1>(L, dy, x, w, mean, rstd, dx, dw, db);
  if constexpr (2 * VEC <= kBwdMaxElems) {
    if (L.chunks == 2) return bwd_launch<T, VEC, 2>(L, dy, x, w, mean, rstd, dx, dw, db);
  }
  if constexpr (4 * VEC <= kBwdMaxElems) {
    if (L.chunks == 4) return bwd_launch<T, VEC, 4>(L, dy, x, w, mean, rstd, dx, dw, db);
  }
  if constexpr (8 * VEC <= kBwdMaxElems) {
    if (L.chunks == 8) return bwd_launch<T, VEC, 8>(L, dy, x, w, mean, rstd, dx, dw, db);
  }
  TORCH_CHECK(false, "layer_norm_bwd: no kernel for ", L.chunks, " chunks of ", VEC);
}

template <typename T>
std::vector<at::Tensor> bwd_typed(const at::Tensor& dy, const at::Tensor& x, const at::Tensor& w,
                                  const at::Tensor& mean, const at::Tensor& rstd) {
  constexpr int kVec = 16 / sizeof(T);
  const int64_t M = x.size(0), N = x.size(1);
  const bool vec_ok = N % kVec == 0 && aligned16(dy) && aligned16(x) && aligned16(w);
  Launch L;
  if (!choose_launch(static_cast<int>(N), vec_ok ? kVec : 1, kBwdMaxElems, &L)) {
    // ATen's backward wants a bias only for dbias's shape and dtype, which weight's match.
    auto out = at::native_layer_norm_backward(dy, x, {N}, mean.view({M, 1}), rstd.view({M, 1}), w,
                                              w, {true, true, true});
    return {std::get<0>(out), std::get<1>(out), std::get<2>(out)};
  }
  auto dx = at::empty_like(x);
  auto dw = at::empty_like(w);
  auto db = at::empty_like(w);
  if (M == 0) return {dx, dw.zero_(), db.zero_()};
  if (vec_ok) {
    bwd_dispatch<T, kVec>(L, dy, x, w, mean, rstd, dx, dw, db);
  } else {
    bwd_dispatch<T, 1>(L, dy, x, w, mean, rstd, dx, dw, db);
  }
  return {dx, dw, db};
}

}  // namespace

// Entry points called by layernorm_cpu.cpp for CUDA tensors (inputs already checked there).
std::vector<at::Tensor> layer_norm_fwd_cuda(const at::Tensor& x, const at::Tensor& weight,
                                            const at::Tensor& bias, double eps) {
  const c10::cuda::CUDAGuard guard(x.device());
  TORCH_CHECK(x.size(1) > 0 && x.size(1) <= INT32_MAX, "layer_norm_fwd: width must be in [1, 2^31)");
  switch (x.scalar_type()) {
    case at::kFloat: return fwd_typed<float>(x, weight, bias, eps);
    case at::kBFloat16: return fwd_typed<at::BFloat16>(x, weight, bias, eps);
    case at::kHalf: return fwd_typed<at::Half>(x, weight, bias, eps);
    default: TORCH_CHECK(false, "layer_norm_fwd (CUDA): x must be float32, bfloat16 or float16, got ", x.scalar_type());
  }
}

std::vector<at::Tensor> layer_norm_bwd_cuda(const at::Tensor& dy, const at::Tensor& x,
                                            const at::Tensor& weight, const at::Tensor& mean,
                                            const at::Tensor& rstd) {
  const c10::cuda::CUDAGuard guard(x.device());
  TORCH_CHECK(x.size(1) > 0 && x.size(1) <= INT32_MAX, "layer_norm_bwd: width must be in [1, 2^31)");
  switch (x.scalar_type()) {
    case at::kFloat: return bwd_typed<float>(dy, x, weight, mean, rstd);
    case at::kBFloat16: return bwd_typed<at::BFloat16>(dy, x, weight, mean, rstd);
    case at::kHalf: return bwd_typed<at::Half>(dy, x, weight, mean, rstd);
    default: TORCH_CHECK(false, "layer_norm_bwd (CUDA): x must be float32, bfloat16 or float16, got ", x.scalar_type());
  }
}
