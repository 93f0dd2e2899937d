// layernorm_cpu.cpp: LayerNorm forward and backward on the CPU, and the entry points that
// dispatch CUDA tensors to layernorm.cu. The CPU code is the same algorithm as the CUDA kernels,
// written as plain loops, so a reader can check one against the other.
//
// Algorithm, per row x of width N (y = (x - mean) * rstd * weight + bias):
//   forward   mean = sum(x) / N;  var = sum((x - mean)^2) / N  (two passes over the row: no
//             cancellation, unlike E[x^2] - mean^2);  rstd = 1 / sqrt(var + eps);  write y, and
//             keep mean and rstd per row for the backward.
//   backward  xhat = (x - mean) * rstd;  g = dy * weight
//             dx = rstd * (g - mean(g) - xhat * mean(g * xhat))      (two row sums, then one pass)
//             dweight = sum over rows of dy * xhat;  dbias = sum over rows of dy
// Statistics and sums are kept in fp32 (fp64 for fp64 input, so tests can compare at ~1e-12).
// dweight/dbias are deterministic: the rows are cut into at most kMaxChunks chunks fixed by the
// row count alone (never by the thread count), each chunk sums its rows in order into its own
// buffer, and the chunk buffers are added in chunk order.
//
// Build: automatic on first use of kernels.layer_norm (`python -m kernels.build` to see it).
// Test: python -m pytest -q tests/test_kernels_layernorm.py
// Benchmark: `OMP_NUM_THREADS=1 python bench/kernels.py layernorm` (2048 rows, fp32). Measured on
// the 2-core x86_64 development CPU (busy, so +-2x): forward 7-10 GB/s against PyTorch's 11-23,
// forward+backward 5-6 GB/s against PyTorch's 4-6. A readable twin of the CUDA code, not a fast path.
#include "common.h"

#include <ATen/Dispatch.h>
#include <ATen/OpMathType.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <vector>

#ifdef WITH_CUDA
std::vector<at::Tensor> layer_norm_fwd_cuda(const at::Tensor& x, const at::Tensor& weight,
                                            const at::Tensor& bias, double eps);
std::vector<at::Tensor> layer_norm_bwd_cuda(const at::Tensor& dy, const at::Tensor& x,
                                            const at::Tensor& weight, const at::Tensor& mean,
                                            const at::Tensor& rstd);
#endif

namespace {

constexpr int64_t kMaxChunks = 64;

// Row sums are kept in kLanes interleaved partial sums (element j goes to lane j % kLanes), added
// pairwise at the end. The compiler may not reorder one running sum, but it can turn these
// independent lanes into SIMD adds: about 4x faster in fp32, and still one fixed order.
constexpr int64_t kLanes = 8;

template <typename acc_t>
acc_t add_lanes(const acc_t (&lane)[kLanes]) {
  return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

// Enough work per thread that at::parallel_for's overhead does not dominate small rows.
int64_t rows_per_task(int64_t N) { return std::max<int64_t>(1, 32768 / std::max<int64_t>(N, 1)); }

template <typename scalar_t, typename acc_t>
void forward_rows(const scalar_t* x, const scalar_t* w, const scalar_t* b, scalar_t* y,
                  acc_t* mean, acc_t* rstd, int64_t M, int64_t N, acc_t eps) {
  at::parallel_for(0, M, rows_per_task(N), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const scalar_t* xr = x + r * N;
      scalar_t* yr = y + r * N;
      const int64_t N_body = N - N % kLanes;  // whole groups of kLanes; the rest goes to lanes 0..
      acc_t sum[kLanes] = {}, sq[kLanes] = {};
      for (int64_t j = 0; j < N_body; j += kLanes)
        for (int64_t l = 0; l < kLanes; ++l) sum[l] += static_cast<acc_t>(xr[j + l]);
      for (int64_t j = N_body; j < N; ++j) sum[j - N_body] += static_cast<acc_t>(xr[j]);
      const acc_t mu = add_lanes(sum) / N;
      for (int64_t j = 0; j < N_body; j += kLanes) {
        for (int64_t l = 0; l < kLanes; ++l) {
          const acc_t d = static_cast<acc_t>(xr[j + l]) - mu;
          sq[l] += d * d;
        }
      }
      for (int64_t j = N_body; j < N; ++j) {
        const acc_t d = static_cast<acc_t>(xr[j]) - mu;
        sq[j - N_body] += d * d;
      }
      const acc_t rs = acc_t(1) / std::sqrt(add_lanes(sq) / N + eps);
      for (int64_t j = 0; j < N; ++j) {
        const acc_t xhat = (static_cast<acc_t>(xr[j]) - mu) * rs;
        yr[j] = static_cast<scalar_t>(xhat * static_cast<acc_t>(w[j]) + static_cast<acc_t>(b[j]));
      }
      mean[r] = mu;
      rstd[r] = rs;
    }
  });
}

template <typename scalar_t, typename acc_t>
void backward_rows(const scalar_t* dy, const scalar_t* x, const scalar_t* w, const acc_t* mean,
                   const acc_t* rstd, scalar_t* dx, scalar_t* dw, scalar_t* db, int64_t M,
                   int64_t N) {
  const int64_t rows_per_chunk = (M + kMaxChunks - 1) / kMaxChunks;
  const int64_t chunks = M == 0 ? 0 : (M + rows_per_chunk - 1) / rows_per_chunk;
  // part[c] holds chunk c's sums: N of dweight, then N of dbias.
  std::vector<acc_t> part(static_cast<size_t>(chunks * 2 * N), acc_t(0));

  at::parallel_for(0, chunks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      acc_t* pdw = part.data() + c * 2 * N;
      acc_t* pdb = pdw + N;
      const int64_t r1 = std::min(M, (c + 1) * rows_per_chunk);
      for (int64_t r = c * rows_per_chunk; r < r1; ++r) {
        const scalar_t* xr = x + r * N;
        const scalar_t* dyr = dy + r * N;
        scalar_t* dxr = dx + r * N;
        const acc_t mu = mean[r], rs = rstd[r];
        acc_t sum_g[kLanes] = {}, sum_gxhat[kLanes] = {};
        auto accumulate = [&](int64_t j, int64_t l) {
          const acc_t xhat = (static_cast<acc_t>(xr[j]) - mu) * rs;
          const acc_t d = static_cast<acc_t>(dyr[j]);
          const acc_t g = d * static_cast<acc_t>(w[j]);
          sum_g[l] += g;
          sum_gxhat[l] += g * xhat;
          pdw[j] += d * xhat;
          pdb[j] += d;
        };
        const int64_t N_body = N - N % kLanes;
        for (int64_t j = 0; j < N_body; j += kLanes)
          for (int64_t l = 0; l < kLanes; ++l) accumulate(j + l, l);
        for (int64_t j = N_body; j < N; ++j) accumulate(j, j - N_body);
        const acc_t mean_g = add_lanes(sum_g) / N, mean_gxhat = add_lanes(sum_gxhat) / N;
        for (int64_t j = 0; j < N; ++j) {
          const acc_t xhat = (static_cast<acc_t>(xr[j]) - mu) * rs;
          const acc_t g = static_cast<acc_t>(dyr[j]) * static_cast<acc_t>(w[j]);
          dxr[j] = static_cast<scalar_t>(rs * (g - mean_g - xhat * mean_gxhat));
        }
      }
    }
  });

  // The second, fixed-order reduction: chunk 0 + chunk 1 + ... for every column.
  std::vector<acc_t> sum_dw(static_cast<size_t>(N), acc_t(0)), sum_db(static_cast<size_t>(N), acc_t(0));
  for (int64_t c = 0; c < chunks; ++c) {
    const acc_t* pdw = part.data() + c * 2 * N;
    const acc_t* pdb = pdw + N;
    for (int64_t j = 0; j < N; ++j) {
      sum_dw[j] += pdw[j];
      sum_db[j] += pdb[j];
    }
  }
  for (int64_t j = 0; j < N; ++j) {
    dw[j] = static_cast<scalar_t>(sum_dw[j]);
    db[j] = static_cast<scalar_t>(sum_db[j]);
  }
}

// The statistics' dtype: fp32, or fp64 for fp64 input.
at::ScalarType stats_dtype(at::ScalarType t) {
  return t == at::kDouble ? at::kDouble : at::kFloat;
}

void check_params(const char* op, const at::Tensor& x, const at::Tensor& weight) {
  TORCH_CHECK(x.dim() == 2, op, ": x must be 2-D (rows, width), got ", x.dim(), "-D");
  TORCH_CHECK(weight.dim() == 1 && weight.size(0) == x.size(1), op, ": weight must have shape (",
              x.size(1), ",), got ", weight.sizes());
  TORCH_CHECK(weight.scalar_type() == x.scalar_type(), op, ": weight dtype ", weight.scalar_type(),
              " differs from x dtype ", x.scalar_type());
  PHI1_CHECK_CONTIGUOUS(x);
  PHI1_CHECK_CONTIGUOUS(weight);
  PHI1_CHECK_SAME_DEVICE(x, weight);
}

}  // namespace

std::vector<at::Tensor> layer_norm_fwd(const at::Tensor& x, const at::Tensor& weight,
                                       const at::Tensor& bias, double eps) {
  check_params("layer_norm_fwd", x, weight);
  TORCH_CHECK(bias.sizes() == weight.sizes() && bias.scalar_type() == x.scalar_type(),
              "layer_norm_fwd: bias must match weight in shape and dtype");
  PHI1_CHECK_CONTIGUOUS(bias);
  PHI1_CHECK_SAME_DEVICE(x, bias);
  if (x.is_cuda()) {
#ifdef WITH_CUDA
    return layer_norm_fwd_cuda(x, weight, bias, eps);
#else
    PHI1_NO_CUDA("layer_norm_fwd");
#endif
  }
  TORCH_CHECK(x.device().is_cpu(), "layer_norm_fwd: unsupported device ", x.device());
  const int64_t M = x.size(0), N = x.size(1);
  auto y = at::empty_like(x);
  auto mean = at::empty({M}, x.options().dtype(stats_dtype(x.scalar_type())));
  auto rstd = at::empty({M}, x.options().dtype(stats_dtype(x.scalar_type())));
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, x.scalar_type(), "layer_norm_fwd_cpu", [&] {
    using acc_t = at::opmath_type<scalar_t>;
    forward_rows<scalar_t, acc_t>(x.data_ptr<scalar_t>(), weight.data_ptr<scalar_t>(),
                                  bias.data_ptr<scalar_t>(), y.data_ptr<scalar_t>(),
                                  mean.data_ptr<acc_t>(), rstd.data_ptr<acc_t>(), M, N,
                                  static_cast<acc_t>(eps));
  });
  return {y, mean, rstd};
}

std::vector<at::Tensor> layer_norm_bwd(const at::Tensor& dy, const at::Tensor& x,
                                       const at::Tensor& weight, const at::Tensor& mean,
                                       const at::Tensor& rstd) {
  check_params("layer_norm_bwd", x, weight);
  TORCH_CHECK(dy.sizes() == x.sizes() && dy.scalar_type() == x.scalar_type(),
              "layer_norm_bwd: dy must match x in shape and dtype");
  const auto sdt = stats_dtype(x.scalar_type());
  TORCH_CHECK(mean.dim() == 1 && mean.size(0) == x.size(0) && mean.scalar_type() == sdt &&
                  rstd.sizes() == mean.sizes() && rstd.scalar_type() == sdt,
              "layer_norm_bwd: mean and rstd must be ", sdt, " of shape (", x.size(0),
              ",), as layer_norm_fwd returns them");
  PHI1_CHECK_CONTIGUOUS(dy);
  PHI1_CHECK_CONTIGUOUS(mean);
  PHI1_CHECK_CONTIGUOUS(rstd);
  PHI1_CHECK_SAME_DEVICE(x, dy);
  PHI1_CHECK_SAME_DEVICE(x, mean);
  PHI1_CHECK_SAME_DEVICE(x, rstd);
  if (x.is_cuda()) {
#ifdef WITH_CUDA
    return layer_norm_bwd_cuda(dy, x, weight, mean, rstd);
#else
    PHI1_NO_CUDA("layer_norm_bwd");
#endif
  }
  TORCH_CHECK(x.device().is_cpu(), "layer_norm_bwd: unsupported device ", x.device());
  const int64_t M = x.size(0), N = x.size(1);
  auto dx = at::empty_like(x);
  auto dw = at::empty_like(weight);
  auto db = at::empty_like(weight);
  AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, x.scalar_type(), "layer_norm_bwd_cpu", [&] {
    using acc_t = at::opmath_type<scalar_t>;
    backward_rows<scalar_t, acc_t>(dy.data_ptr<scalar_t>(), x.data_ptr<scalar_t>(),
                                   weight.data_ptr<scalar_t>(), mean.data_ptr<acc_t>(),
                                   rstd.data_ptr<acc_t>(), dx.data_ptr<scalar_t>(),
                                   dw.data_ptr<scalar_t>(), db.data_ptr<scalar_t>(), M, N);
  });
  return {dx, dw, db};
}
