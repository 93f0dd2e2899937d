// attention_emu.h: run attention.cu's kernels on a CPU, to test their logic where there is no GPU.
//
// Not part of the extension (kernels/build.py compiles only *.cpp and *.cu). The attention test
// builds a small program from three pieces with g++ -std=c++20:
//     #include "attention_emu.h"                  part 1: stand-ins for the CUDA features used
//     <attention.cu from "---- device code" to "---- host side">      the kernels, unchanged
//     #define PHI1_EMU_RUNNER
//     #include "attention_emu.h"                  part 2: main(), which launches them
// and compares what it writes with float64 attention.
//
// What the emulation covers: a block is 128 std::threads; __syncthreads and __syncwarp are
// barriers; __shfl_xor_sync goes through a per-warp exchange buffer; shared memory is one buffer
// filled with NaN bytes before each block (reading an unwritten byte poisons the result); 16-bit
// types round like the GPU's (fp16 through _Float16, bf16 round-to-nearest-even); wmma loads and
// stores check the 32-byte alignment and leading dimensions the hardware requires, and that they
// stay inside the block's dynamic shared memory. A wmma store is done by lane 0 of the warp only,
// so a missing __syncwarp before other lanes read the result can show up as wrong numbers.
// What it does not cover: the hardware's fragment layouts (here every lane holds the whole 16x16
// tile), the order of the tensor cores' fp32 sums, races that this scheduling does not happen to
// expose, register or shared-memory limits, speed. It proves the algorithm, the indexing and the
// masking of the CUDA source; only a GPU run (bench/gpu.sh) proves the rest.
#ifndef PHI1_EMU_RUNNER  // part 1 (no #pragma once: the file is included twice on purpose)

#include <algorithm>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

using std::max;
using std::min;

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(n)
#define __align__(n)
#define __shared__

struct dim3 { unsigned x = 0, y = 0, z = 0; };
inline thread_local dim3 threadIdx;  // each emulated thread has its own
inline dim3 blockIdx;                // blocks run one at a time

struct alignas(16) uint4 { uint32_t x, y, z, w; };
inline uint4 make_uint4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) { return {a, b, c, d}; }

struct __half { _Float16 v; };
struct __nv_bfloat16 { uint16_t bits; };
inline float __half2float(__half h) { return (float)h.v; }
inline __half __float2half_rn(float f) { return {(_Float16)f}; }
inline float __bfloat162float(__nv_bfloat16 b) {
  const uint32_t u = (uint32_t)b.bits << 16;
  float f;
  memcpy(&f, &u, 4);
  return f;
}
inline __nv_bfloat16 __float2bfloat16_rn(float f) {  // round to nearest even (inputs are finite)
  uint32_t u;
  memcpy(&u, &f, 4);
  u += 0x7FFFu + ((u >> 16) & 1u);
  return {(uint16_t)(u >> 16)};
}
inline float emu_to_float(__half h) { return __half2float(h); }
inline float emu_to_float(__nv_bfloat16 b) { return __bfloat162float(b); }

// the running block: its barriers, its warps' shuffle buffers, its shared memory
constexpr size_t EMU_SMEM_MAX = 256 * 1024;
inline std::barrier<>* emu_block_barrier;
inline std::barrier<>* emu_warp_barrier[4];
inline float emu_shuffle[4][32];
inline size_t emu_smem_bytes;  // the dynamic shared memory the launch asked for

namespace {  // the same unnamed namespace as attention.cu's, so its `extern smem[]` finds this
alignas(128) unsigned char smem[EMU_SMEM_MAX];
}

inline void __syncthreads() { emu_block_barrier->arrive_and_wait(); }
inline void __syncwarp() { emu_warp_barrier[threadIdx.x / 32]->arrive_and_wait(); }
inline float __shfl_xor_sync(unsigned, float v, int lane_mask) {
  const int w = threadIdx.x / 32, lane = threadIdx.x % 32;
  emu_shuffle[w][lane] = v;
  __syncwarp();
  const float other = emu_shuffle[w][lane ^ lane_mask];
  __syncwarp();
  return other;
}

inline void emu_fail(const char* what) {
  fprintf(stderr, "attention_emu: %s\n", what);
  fflush(stderr);
  _Exit(3);
}
inline void emu_check_smem(const void* p, size_t bytes) {
  const auto* a = static_cast<const unsigned char*>(p);
  if (a >= smem && a < smem + EMU_SMEM_MAX && a + bytes > smem + emu_smem_bytes)
    emu_fail("wmma access past the block's dynamic shared memory");
}

namespace nvcuda {
namespace wmma {
struct matrix_a {};
struct matrix_b {};
struct accumulator {};
struct row_major {};
struct col_major {};
enum layout_t { mem_row_major, mem_col_major };

template <typename Use, int M, int N, int K, typename T, typename Layout = void>
struct fragment {
  static_assert(M == 16 && N == 16 && K == 16, "only the 16x16x16 shape is emulated");
  float m[16][16];  // the whole tile, in every lane
};

template <typename Use, typename T, typename Layout>
void load_matrix_sync(fragment<Use, 16, 16, 16, T, Layout>& f, const T* p, unsigned ld) {
  if (reinterpret_cast<uintptr_t>(p) % 32 != 0) emu_fail("wmma load: pointer not 32-byte aligned");
  if (ld % 8 != 0) emu_fail("wmma load: ldm not a multiple of 8 elements");
  emu_check_smem(p, (15 * ld + 16) * sizeof(T));
  constexpr bool rows = std::is_same<Layout, row_major>::value;
  for (int i = 0; i < 16; i++)
    for (int j = 0; j < 16; j++) f.m[i][j] = emu_to_float(rows ? p[i * ld + j] : p[j * ld + i]);
}

template <typename Frag>
void fill_fragment(Frag& f, float v) {
  for (auto& row : f.m)
    for (float& x : row) x = v;
}

template <typename C, typename A, typename B>
void mma_sync(C& d, const A& a, const B& b, const C& c) {
  float t[16][16];
  for (int i = 0; i < 16; i++)
    for (int j = 0; j < 16; j++) {
      float s = c.m[i][j];
      for (int k = 0; k < 16; k++) s += a.m[i][k] * b.m[k][j];
      t[i][j] = s;
    }
  memcpy(d.m, t, sizeof t);
}

template <typename C>
void store_matrix_sync(float* p, const C& f, unsigned ld, layout_t layout) {
  if (reinterpret_cast<uintptr_t>(p) % 32 != 0) emu_fail("wmma store: pointer not 32-byte aligned");
  if (ld % 4 != 0) emu_fail("wmma store: ldm not a multiple of 4 floats");
  if (layout != mem_row_major) emu_fail("wmma store: only mem_row_major is emulated");
  emu_check_smem(p, (15 * ld + 16) * sizeof(float));
  if (threadIdx.x % 32 != 0) return;  // lane 0 writes for the warp (see the header)
  for (int i = 0; i < 16; i++)
    for (int j = 0; j < 16; j++) p[i * ld + j] = f.m[i][j];
}
}  // namespace wmma
}  // namespace nvcuda
namespace wmma = nvcuda::wmma;

// Run kernel() as block (bx, by) of 128 threads with `smem_bytes` of dynamic shared memory.
template <typename Kernel>
void emu_launch_block(unsigned bx, unsigned by, size_t smem_bytes, Kernel kernel) {
  if (smem_bytes > EMU_SMEM_MAX) emu_fail("launch asks for more shared memory than emulated");
  memset(smem, 0xFF, EMU_SMEM_MAX);  // 0xFFFF is a NaN in fp16 and bf16, 0xFFFFFFFF in fp32
  emu_smem_bytes = smem_bytes;
  blockIdx.x = bx;
  blockIdx.y = by;
  std::barrier<> block(128);
  emu_block_barrier = &block;
  std::unique_ptr<std::barrier<>> warps[4];
  for (int w = 0; w < 4; w++) {
    warps[w] = std::make_unique<std::barrier<>>(32);
    emu_warp_barrier[w] = warps[w].get();
  }
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 128; t++)
    threads.emplace_back([t, &kernel] {
      threadIdx.x = t;
      kernel();
    });
  for (auto& t : threads) t.join();
}

#else  // PHI1_EMU_RUNNER: part 2, after attention.cu's device code

// usage: attention_emu half|bf16 B H T D causal(0|1) DIR
// reads DIR/{q,k,v,dout}.f32 (B*H*T*D float32 each, rounded to the 16-bit type here), runs the
// forward kernel and the three backward kernels with the launch grids of attention.cu's host side,
// and writes DIR/{o,lse,dq,dk,dv}.f32 (float32).
}  // the unnamed namespace attention.cu opened, which its host side would close

namespace {

std::vector<float> emu_read(const std::string& path, size_t n) {
  std::vector<float> v(n);
  FILE* f = fopen(path.c_str(), "rb");
  if (!f || fread(v.data(), sizeof(float), n, f) != n) emu_fail("cannot read an input file");
  fclose(f);
  return v;
}

void emu_write(const std::string& path, const std::vector<float>& v) {
  FILE* f = fopen(path.c_str(), "wb");
  if (!f || fwrite(v.data(), sizeof(float), v.size(), f) != v.size()) emu_fail("cannot write");
  fclose(f);
}

template <typename T>
std::vector<T> emu_round(const std::vector<float>& v) {
  std::vector<T> out(v.size());
  for (size_t i = 0; i < v.size(); i++) {
    if constexpr (std::is_same<T, __half>::value) out[i] = __float2half_rn(v[i]);
    else out[i] = __float2bfloat16_rn(v[i]);
  }
  return out;
}

template <typename T>
std::vector<float> emu_widen(const std::vector<T>& v) {
  std::vector<float> out(v.size());
  for (size_t i = 0; i < v.size(); i++) out[i] = emu_to_float(v[i]);
  return out;
}

template <typename T, int D>
void emu_run(int B, int H, int T_len, bool causal, const std::string& dir) {
  const size_t n = (size_t)B * H * T_len * D;
  const int BH = B * H, tiles = (T_len + BR - 1) / BR;
  const auto q = emu_round<T>(emu_read(dir + "/q.f32", n));
  const auto k = emu_round<T>(emu_read(dir + "/k.f32", n));
  const auto v = emu_round<T>(emu_read(dir + "/v.f32", n));
  const auto dout = emu_round<T>(emu_read(dir + "/dout.f32", n));
  std::vector<T> o(n), dq(n), dk(n), dv(n);
  std::vector<float> lse((size_t)BH * T_len), Dvec((size_t)BH * T_len);
  const float scale = 1.0f / std::sqrt((float)D);
  using L = Smem<T, D>;
  for (int bh = 0; bh < BH; bh++)
    for (int i = 0; i < tiles; i++)
      emu_launch_block(i, bh, L::bytes(3), [&] {
        attention_fwd_kernel<T, D>(q.data(), k.data(), v.data(), o.data(), lse.data(), T_len,
                                   scale * LOG2E, causal);
      });
  const int64_t rows = (int64_t)BH * T_len;
  for (int64_t b = 0; b < (rows + WARPS - 1) / WARPS; b++)
    emu_launch_block(b, 0, 0, [&] {
      attention_bwd_rowdot_kernel<T, D>(dout.data(), o.data(), Dvec.data(), rows);
    });
  for (int bh = 0; bh < BH; bh++)
    for (int j = 0; j < tiles; j++)
      emu_launch_block(j, bh, L::bytes(4), [&] {
        attention_bwd_dkdv_kernel<T, D>(q.data(), k.data(), v.data(), dout.data(), lse.data(),
                                        Dvec.data(), dk.data(), dv.data(), T_len, scale, causal);
      });
  for (int bh = 0; bh < BH; bh++)
    for (int i = 0; i < tiles; i++)
      emu_launch_block(i, bh, L::bytes(4), [&] {
        attention_bwd_dq_kernel<T, D>(q.data(), k.data(), v.data(), dout.data(), lse.data(),
                                      Dvec.data(), dq.data(), T_len, scale, causal);
      });
  emu_write(dir + "/o.f32", emu_widen(o));
  emu_write(dir + "/lse.f32", lse);
  emu_write(dir + "/dq.f32", emu_widen(dq));
  emu_write(dir + "/dk.f32", emu_widen(dk));
  emu_write(dir + "/dv.f32", emu_widen(dv));
}

template <typename T>
void emu_run_head_dim(int B, int H, int T_len, int D, bool causal, const std::string& dir) {
  if (D == 32) emu_run<T, 32>(B, H, T_len, causal, dir);
  else if (D == 64) emu_run<T, 64>(B, H, T_len, causal, dir);
  else if (D == 128) emu_run<T, 128>(B, H, T_len, causal, dir);
  else emu_fail("head dim must be 32, 64 or 128");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 8) emu_fail("usage: attention_emu half|bf16 B H T D causal DIR");
  const std::string dtype = argv[1], dir = argv[7];
  const int B = atoi(argv[2]), H = atoi(argv[3]), T_len = atoi(argv[4]), D = atoi(argv[5]);
  const bool causal = atoi(argv[6]) != 0;
  if (B < 1 || H < 1 || T_len < 1) emu_fail("B, H, T must be positive");
  if (dtype == "half") emu_run_head_dim<__half>(B, H, T_len, D, causal, dir);
  else if (dtype == "bf16") emu_run_head_dim<__nv_bfloat16>(B, H, T_len, D, causal, dir);
  else emu_fail("dtype must be half or bf16");
  return 0;
}

#endif  // PHI1_EMU_RUNNER
