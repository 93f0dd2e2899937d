// attention_emu.h: run the attention kernels' CUDA device code on a CPU, to test it without a GPU.
//
// Not part of the extension (kernels/build.py compiles only *.cpp and *.cu). The attention test
// builds one small program per kernel version from three pieces, with g++ -std=c++20:
//     #define PHI1_EMU_VERSION 1 (or 2)
//     #include "attention_emu.h"                  part 1: stand-ins for the CUDA features used
//     <attention.cu or attention_v2.cu, from "---- device code" to "---- host side">, unchanged
//     #define PHI1_EMU_RUNNER
//     #include "attention_emu.h"                  part 2: main(), which launches the kernels
// and compares what it writes with float64 attention. The same program is also built with
// -fsanitize=thread and run on small shapes.
//
// What the emulation covers:
//   * a block is 128 std::threads (4 warps of 32 lanes). __syncthreads and __syncwarp are barriers
//     (they order memory, as on the GPU).
//   * warp-collective instructions (__shfl_xor_sync, mma.sync, ldmatrix) exchange their operands
//     lane to lane through relaxed atomics: every lane of the warp must arrive (a diverged lane is
//     reported), but no memory ordering comes with them, as on the GPU. So a lane that reads
//     shared memory another lane wrote, with only a shuffle in between, is a data race that
//     ThreadSanitizer reports (a real __syncwarp is needed there).
//   * mma.sync.m16n8k16 lane by lane: each lane hands in exactly its PTX fragment registers
//     (attention_ptx.cuh lists the layouts), the full A and B are assembled from the 32 lanes by
//     those layouts, and each lane gets back only its own four accumulator elements. A kernel that
//     puts a wrong element in a register, or reads its result from the wrong one, gets wrong
//     numbers. ldmatrix(.trans) likewise: each lane gives one row address, each receives its pair.
//   * cp.async with its group semantics: a copy is only queued when issued and is performed by the
//     issuing thread when a cp.async.wait_group lets that group complete. Reading the destination
//     before the wait sees the old bytes; another thread reading it after the wait but without a
//     barrier races with the copy (ThreadSanitizer). Copies never waited for are an error.
//   * shared memory is filled with NaN bytes before each block (reading an unwritten byte poisons
//     the result); accesses are checked against the block's dynamic shared memory and alignment;
//     the launch is checked against the shared-memory limit of a chosen architecture (sm_80,
//     sm_86, sm_89, sm_90, sm_120: the cudaDevAttrMaxSharedMemoryPerBlockOptin values).
//   * 16-bit types round like the GPU's (fp16 through _Float16, bf16 round-to-nearest-even);
//     ex2.approx.ftz is exp2f with subnormal results flushed to zero.
//   * wmma (version 1): loads and stores check the 32-byte alignment and leading dimensions the
//     hardware requires. Its fragment layout is unspecified by CUDA, so here every lane holds the
//     whole 16x16 tile, and a store is done by lane 0 only (a missing __syncwarp before other lanes
//     read the result can then show up as wrong numbers).
// What it does not cover: the tensor cores' fp32 summation order, register limits and spills
// (ptxas reports those: tests/test_kernels_build.py), the PTX wrappers themselves (the emulated
// ones replace them), races that neither this scheduling nor ThreadSanitizer exposes, bank
// conflicts, speed. It proves the algorithm, the indexing, the fragment layouts and the masking of
// the CUDA source; only a GPU run (bench/gpu.sh) proves the rest.
#ifndef PHI1_EMU_RUNNER  // part 1 (no #pragma once: the file is included twice on purpose)

#include <algorithm>
#include <atomic>
#include <climits>
#include <barrier>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

using std::max;
using std::min;

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __launch_bounds__(...)
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
inline __nv_bfloat16 __float2bfloat16_rn(float f) {  // round to nearest even
  uint32_t u;
  memcpy(&u, &f, 4);
  if ((u & 0x7F800000u) == 0x7F800000u) return {(uint16_t)((u >> 16) | ((u & 0xFFFF) ? 0x40 : 0))};
  u += 0x7FFFu + ((u >> 16) & 1u);
  return {(uint16_t)(u >> 16)};
}
inline float emu_to_float(__half h) { return __half2float(h); }
inline float emu_to_float(__nv_bfloat16 b) { return __bfloat162float(b); }

inline void emu_fail(const std::string& what) {
  fprintf(stderr, "attention_emu: %s\n", what.c_str());
  fflush(stderr);
  _Exit(3);
}

// ---- architectures: the largest dynamic shared memory a block may opt in to
// (cudaDevAttrMaxSharedMemoryPerBlockOptin; CUDA C Programming Guide, "Technical Specifications
// per Compute Capability").
struct EmuArch { const char* name; size_t smem_optin; };
constexpr EmuArch EMU_ARCHS[] = {
    {"sm_80", 166912},   // A100: 163 KiB
    {"sm_86", 101376},   // RTX 30xx, A10, A40: 99 KiB
    {"sm_89", 101376},   // RTX 40xx, L4, L40: 99 KiB
    {"sm_90", 232448},   // H100, H200: 227 KiB
    {"sm_120", 101376},  // RTX 50xx: 99 KiB
};
inline const EmuArch* emu_arch = &EMU_ARCHS[3];
inline const EmuArch* emu_find_arch(const std::string& name) {
  for (const EmuArch& a : EMU_ARCHS)
    if (name == a.name) return &a;
  emu_fail("unknown architecture " + name + " (sm_80, sm_86, sm_89, sm_90 or sm_120)");
  return nullptr;
}

// ---- the running block: its barriers, its shared memory
constexpr size_t EMU_SMEM_MAX = 256 * 1024;
inline std::barrier<>* emu_block_barrier;
inline std::barrier<>* emu_warp_barrier[4];
inline size_t emu_smem_bytes;  // the dynamic shared memory the launch asked for

namespace {  // the same unnamed namespace as the kernels', so their `extern smem[]` finds this
alignas(128) unsigned char smem[EMU_SMEM_MAX];
}

inline void __syncthreads() { emu_block_barrier->arrive_and_wait(); }
inline void __syncwarp() { emu_warp_barrier[threadIdx.x / 32]->arrive_and_wait(); }

inline void emu_check_smem(const void* p, size_t bytes, const char* what) {
  const auto* a = static_cast<const unsigned char*>(p);
  if (a < smem || a + bytes > smem + emu_smem_bytes)
    emu_fail(std::string(what) + ": access outside the block's dynamic shared memory");
}

// ---- warp-collective exchange without memory ordering
// Lane l of a warp publishes up to EMU_WORDS words for its warp's n-th collective operation,
// waits until all 32 lanes have published theirs, and reads the others' words. Relaxed atomics
// carry the words, so ThreadSanitizer sees no happens-before edge between the lanes (the GPU gives
// none either). Two slot sets alternate: a lane can only overwrite set n % 2 at operation n + 2,
// after every lane arrived at n + 1, hence after every lane finished reading operation n.
// (The atomic_signal_fences keep the compiler from reordering the words and the counter; x86
// keeps stores in order and loads in order, which the emulation relies on.) Waiting lanes sleep
// in the futex system call, which ThreadSanitizer does not see as synchronisation either.
constexpr int EMU_WORDS = 4;
struct EmuWarpExchange {
  std::atomic<uint32_t> arrived{0};
  std::atomic<uint64_t> slot[2][32][EMU_WORDS + 1];  // [0]: the operation's tag
};
inline EmuWarpExchange emu_xchg[4];
inline thread_local uint64_t emu_generation = 0;  // collective operations this lane has done

inline int emu_collective(uint64_t tag, const uint64_t* words, int n) {
  const int w = threadIdx.x / 32, lane = threadIdx.x % 32;
  EmuWarpExchange& X = emu_xchg[w];
  const uint64_t gen = emu_generation++;
  const int set = (int)(gen & 1);
  X.slot[set][lane][0].store(tag, std::memory_order_relaxed);
  for (int i = 0; i < n; i++) X.slot[set][lane][1 + i].store(words[i], std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  const uint32_t want = (uint32_t)(32 * (gen + 1));
  if (X.arrived.fetch_add(1, std::memory_order_relaxed) + 1 == want) {
    syscall(SYS_futex, &X.arrived, FUTEX_WAKE_PRIVATE, INT32_MAX, nullptr, nullptr, 0);
  } else {
    const auto t0 = std::chrono::steady_clock::now();
    for (uint32_t now; (now = X.arrived.load(std::memory_order_relaxed)) < want;) {
      const timespec second = {1, 0};  // sleeps while the counter still reads `now`
      syscall(SYS_futex, &X.arrived, FUTEX_WAIT_PRIVATE, now, &second, nullptr, 0);
      if (std::chrono::steady_clock::now() - t0 > std::chrono::seconds(60))
        emu_fail("a warp-collective operation waited 60 s: a lane diverged or left early");
    }
  }
  std::atomic_signal_fence(std::memory_order_seq_cst);
  for (int l = 0; l < 32; l++)
    if (X.slot[set][l][0].load(std::memory_order_relaxed) != tag)
      emu_fail("the lanes of a warp reached different collective operations (divergence)");
  return set;
}
inline uint64_t emu_word(int set, int lane, int i) {
  return emu_xchg[threadIdx.x / 32].slot[set][lane][1 + i].load(std::memory_order_relaxed);
}

enum : uint64_t { EMU_SHFL = 1, EMU_MMA_F16, EMU_MMA_BF16, EMU_LDM, EMU_LDM_T };

inline float __shfl_xor_sync(unsigned mask, float v, int lane_mask) {
  if (mask != 0xffffffffu) emu_fail("only full-warp shuffles are emulated");
  uint32_t bits;
  memcpy(&bits, &v, 4);
  const uint64_t word = bits;
  const int set = emu_collective(EMU_SHFL | (uint64_t)lane_mask << 8, &word, 1);
  const uint32_t got = (uint32_t)emu_word(set, (threadIdx.x % 32) ^ lane_mask, 0);
  float out;
  memcpy(&out, &got, 4);
  return out;
}

// ---- the ptx:: functions of attention_ptx.cuh, lane by lane
namespace ptx {

template <typename T> inline float bits_to_float(uint16_t b) {
  T x;
  memcpy(&x, &b, 2);
  return emu_to_float(x);
}

// d += a * b for one m16n8k16 tile. The fragment layouts of the PTX ISA (attention_ptx.cuh):
//   A register r of lane L: row L/4 + 8 (r % 2), columns 2 (L%4) + 8 (r / 2) + {0, 1}
//   B register r of lane L: rows (k) 2 (L%4) + 8 r + {0, 1}, column (n) L/4
//   C element e of lane L:  row L/4 + 8 (e / 2), column 2 (L%4) + e % 2
template <typename T>
inline void mma_16816(float (&d)[4], const uint32_t (&a)[4], const uint32_t (&b)[2]) {
  const uint64_t mine[3] = {a[0] | (uint64_t)a[1] << 32, a[2] | (uint64_t)a[3] << 32,
                            b[0] | (uint64_t)b[1] << 32};
  const int set = emu_collective(std::is_same<T, __half>::value ? EMU_MMA_F16 : EMU_MMA_BF16,
                                 mine, 3);
  float A[16][16], B[16][8];
  for (int L = 0; L < 32; L++) {
    const int g = L / 4, t = L % 4;
    uint32_t ar[4], br[2];
    const uint64_t w0 = emu_word(set, L, 0), w1 = emu_word(set, L, 1), w2 = emu_word(set, L, 2);
    ar[0] = (uint32_t)w0, ar[1] = (uint32_t)(w0 >> 32), ar[2] = (uint32_t)w1,
    ar[3] = (uint32_t)(w1 >> 32), br[0] = (uint32_t)w2, br[1] = (uint32_t)(w2 >> 32);
    for (int r = 0; r < 4; r++)
      for (int j = 0; j < 2; j++)
        A[g + 8 * (r % 2)][2 * t + 8 * (r / 2) + j] = bits_to_float<T>((uint16_t)(ar[r] >> 16 * j));
    for (int r = 0; r < 2; r++)
      for (int j = 0; j < 2; j++) B[2 * t + 8 * r + j][g] = bits_to_float<T>((uint16_t)(br[r] >> 16 * j));
  }
  const int lane = threadIdx.x % 32, g = lane / 4, t = lane % 4;
  for (int e = 0; e < 4; e++) {
    const int row = g + 8 * (e / 2), col = 2 * t + e % 2;
    float s = d[e];
    for (int kk = 0; kk < 16; kk++) s += A[row][kk] * B[kk][col];
    d[e] = s;
  }
}

// ldmatrix.x4: lanes 8i..8i+7 give the row addresses of matrix i; lane l receives in r[i] the
// 16-bit pair (row l/4, columns 2(l%4), 2(l%4)+1) of matrix i, or with .trans the pair
// (rows 2(l%4) and 2(l%4)+1, column l/4).
inline void emu_ldmatrix(uint32_t (&r)[4], const void* row, bool trans) {
  if (reinterpret_cast<uintptr_t>(row) % 16 != 0) emu_fail("ldmatrix: row address not 16-byte aligned");
  emu_check_smem(row, 16, "ldmatrix");
  const uint64_t mine = reinterpret_cast<uintptr_t>(row);
  const int set = emu_collective(trans ? EMU_LDM_T : EMU_LDM, &mine, 1);
  const int l = threadIdx.x % 32;
  auto at = [&](int lane, int col) {  // 16-bit element `col` of the row lane `lane` addressed
    uint16_t v;
    memcpy(&v, reinterpret_cast<const unsigned char*>(emu_word(set, lane, 0)) + 2 * col, 2);
    return (uint32_t)v;
  };
  for (int i = 0; i < 4; i++) {
    if (!trans) r[i] = at(8 * i + l / 4, 2 * (l % 4)) | at(8 * i + l / 4, 2 * (l % 4) + 1) << 16;
    else r[i] = at(8 * i + 2 * (l % 4), l / 4) | at(8 * i + 2 * (l % 4) + 1, l / 4) << 16;
  }
}
inline void ldmatrix_x4(uint32_t (&r)[4], const void* row) { emu_ldmatrix(r, row, false); }
inline void ldmatrix_x4_trans(uint32_t (&r)[4], const void* row) { emu_ldmatrix(r, row, true); }

// cp.async: queued per thread, performed when a wait lets its group complete.
struct EmuCopy { void* dst; const void* src; };  // src nullptr: 16 zero bytes
inline thread_local std::vector<EmuCopy> emu_open_group;
inline thread_local std::vector<std::vector<EmuCopy>> emu_committed;  // oldest first
inline void cp_async_16(void* dst, const void* src, bool valid) {
  if (reinterpret_cast<uintptr_t>(dst) % 16 || reinterpret_cast<uintptr_t>(src) % 16)
    emu_fail("cp.async: 16-byte copy with an address not 16-byte aligned");
  emu_check_smem(dst, 16, "cp.async");
  emu_open_group.push_back({dst, valid ? src : nullptr});
}
inline void cp_async_commit() {
  emu_committed.push_back(std::move(emu_open_group));
  emu_open_group.clear();
}
template <int N>
inline void cp_async_wait() {
  while (emu_committed.size() > (size_t)N) {
    for (const EmuCopy& c : emu_committed.front()) {
      if (c.src) memcpy(c.dst, c.src, 16);
      else memset(c.dst, 0, 16);
    }
    emu_committed.erase(emu_committed.begin());
  }
}

inline float ex2(float x) {
  const float y = exp2f(x);
  return std::fpclassify(y) == FP_SUBNORMAL ? 0.0f : y;
}

template <typename T> inline uint32_t pack2(float lo, float hi);
template <> inline uint32_t pack2<__half>(float lo, float hi) {
  const __half a = __float2half_rn(lo), b = __float2half_rn(hi);
  uint16_t x, y;
  memcpy(&x, &a, 2);
  memcpy(&y, &b, 2);
  return x | (uint32_t)y << 16;
}
template <> inline uint32_t pack2<__nv_bfloat16>(float lo, float hi) {
  return __float2bfloat16_rn(lo).bits | (uint32_t)__float2bfloat16_rn(hi).bits << 16;
}

}  // namespace ptx

// ---- wmma (version 1): the whole tile in every lane
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
  emu_check_smem(p, (15 * ld + 16) * sizeof(T), "wmma load");
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
  emu_check_smem(p, (15 * ld + 16) * sizeof(float), "wmma store");
  if (threadIdx.x % 32 != 0) return;  // lane 0 writes for the warp (see the header)
  for (int i = 0; i < 16; i++)
    for (int j = 0; j < 16; j++) p[i * ld + j] = f.m[i][j];
}
}  // namespace wmma
}  // namespace nvcuda
namespace wmma = nvcuda::wmma;

// The 128 threads of a block, created once and reused for every block (creating them per block
// cost more than the kernels on launches with many small blocks).
struct EmuPool {
  std::barrier<> start{129}, done{129};  // the 128 workers and the launching thread
  std::function<void()> job;             // the block's kernel; empty: the workers exit
  std::vector<std::thread> workers;
  EmuPool() {
    for (unsigned t = 0; t < 128; t++)
      workers.emplace_back([this, t] {
        threadIdx.x = t;
        for (;;) {
          start.arrive_and_wait();
          if (!job) return;
          emu_generation = 0;
          job();
          if (!ptx::emu_open_group.empty() || !ptx::emu_committed.empty())
            emu_fail("a thread ended with cp.async copies it never waited for");
          done.arrive_and_wait();
        }
      });
  }
  ~EmuPool() {
    job = nullptr;
    start.arrive_and_wait();
    for (auto& w : workers) w.join();
  }
};
inline EmuPool& emu_pool() {  // one for the program, started at the first launch
  static EmuPool pool;
  return pool;
}

// Run kernel() as block (bx, by) of 128 threads with `smem_bytes` of dynamic shared memory, after
// checking that the chosen architecture allows that much.
template <typename Kernel>
void emu_launch_block(unsigned bx, unsigned by, size_t smem_bytes, Kernel kernel) {
  EmuPool& pool = emu_pool();
  if (smem_bytes > emu_arch->smem_optin)
    emu_fail("launch asks for " + std::to_string(smem_bytes) + " bytes of shared memory per block; " +
             emu_arch->name + " allows " + std::to_string(emu_arch->smem_optin));
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
    emu_xchg[w].arrived.store(0);
  }
  pool.job = kernel;
  pool.start.arrive_and_wait();  // the workers run the block
  pool.done.arrive_and_wait();
}

#else  // PHI1_EMU_RUNNER: part 2, after the kernels' device code

// usage: attention_emu ARCH half|bf16 B H T D causal(0|1) DIR
//        attention_emu ARCH smem BYTES   (only the launch check: exit 0 if ARCH allows BYTES)
//        attention_emu smem-table        (each kernel's dynamic shared memory per head dim)
// reads DIR/{q,k,v,dout}.f32 (B*H*T*D float32 each, rounded to the 16-bit type here), runs the
// forward kernel and the three backward kernels with the grids and shared memory of the version's
// host side, and writes DIR/{o,lse,dq,dk,dv}.f32 (float32).
}  // the unnamed namespace the kernel file opened, which its host side would close

namespace {

std::vector<float> emu_read(const std::string& path, size_t n) {
  std::vector<float> v(n);
  FILE* f = fopen(path.c_str(), "rb");
  if (!f || fread(v.data(), sizeof(float), n, f) != n) emu_fail("cannot read " + path);
  fclose(f);
  return v;
}

void emu_write(const std::string& path, const std::vector<float>& v) {
  FILE* f = fopen(path.c_str(), "wb");
  if (!f || fwrite(v.data(), sizeof(float), v.size(), f) != v.size()) emu_fail("cannot write " + path);
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

#define PHI1_EMU_STR(x) #x
#define PHI1_EMU_NAME(x) PHI1_EMU_STR(x)
// Each version's launch geometry, as its host side has it.
template <typename T, int D> struct EmuVersion {
#if PHI1_EMU_VERSION == 1
  static constexpr int fwd_rows = BR, kv_keys = BC, dq_rows = BR;
  static size_t fwd_bytes() { return fwd_smem_bytes<T, D>(); }
  static size_t kv_bytes() { return bwd_smem_bytes<T, D>(); }
  static size_t dq_bytes() { return bwd_smem_bytes<T, D>(); }
#define PHI1_EMU_FWD attention_fwd_kernel
#define PHI1_EMU_ROWDOT attention_bwd_rowdot_kernel
#define PHI1_EMU_DKDV attention_bwd_dkdv_kernel
#define PHI1_EMU_DQ attention_bwd_dq_kernel
#else
  static constexpr int fwd_rows = Tiles<D>::FWD_BR, kv_keys = Tiles<D>::KV_BK,
                       dq_rows = Tiles<D>::DQ_BQ;
  static size_t fwd_bytes() { return Tiles<D>::template fwd_bytes<T>(); }
  static size_t kv_bytes() { return Tiles<D>::template dkdv_bytes<T>(); }
  static size_t dq_bytes() { return Tiles<D>::template dq_bytes<T>(); }
#define PHI1_EMU_FWD attention_v2_fwd_kernel
#define PHI1_EMU_ROWDOT attention_v2_bwd_rowdot_kernel
#define PHI1_EMU_DKDV attention_v2_bwd_dkdv_kernel
#define PHI1_EMU_DQ attention_v2_bwd_dq_kernel
#endif
};

template <typename T, int D>
void emu_run(int B, int H, int T_len, bool causal, const std::string& dir) {
  using V = EmuVersion<T, D>;
  const size_t n = (size_t)B * H * T_len * D;
  const int BH = B * H;
  const auto q = emu_round<T>(emu_read(dir + "/q.f32", n));
  const auto k = emu_round<T>(emu_read(dir + "/k.f32", n));
  const auto v = emu_round<T>(emu_read(dir + "/v.f32", n));
  const auto dout = emu_round<T>(emu_read(dir + "/dout.f32", n));
  std::vector<T> o(n), dq(n), dk(n), dv(n);
  std::vector<float> lse((size_t)BH * T_len), Dvec((size_t)BH * T_len);
  const float scale = 1.0f / std::sqrt((float)D);
  auto tiles = [&](int rows) { return (T_len + rows - 1) / rows; };
  for (int bh = 0; bh < BH; bh++)
    for (int i = 0; i < tiles(V::fwd_rows); i++)
      emu_launch_block(i, bh, V::fwd_bytes(), [&] {
        PHI1_EMU_FWD<T, D>(q.data(), k.data(), v.data(), o.data(), lse.data(), T_len,
                           scale * LOG2E, causal);
      });
  const int64_t rows = (int64_t)BH * T_len;
  for (int64_t b = 0; b < (rows + WARPS - 1) / WARPS; b++)
    emu_launch_block(b, 0, 0, [&] { PHI1_EMU_ROWDOT<T, D>(dout.data(), o.data(), Dvec.data(), rows); });
  for (int bh = 0; bh < BH; bh++)
    for (int j = 0; j < tiles(V::kv_keys); j++)
      emu_launch_block(j, bh, V::kv_bytes(), [&] {
        PHI1_EMU_DKDV<T, D>(q.data(), k.data(), v.data(), dout.data(), lse.data(), Dvec.data(),
                            dk.data(), dv.data(), T_len, scale, causal);
      });
  for (int bh = 0; bh < BH; bh++)
    for (int i = 0; i < tiles(V::dq_rows); i++)
      emu_launch_block(i, bh, V::dq_bytes(), [&] {
        PHI1_EMU_DQ<T, D>(q.data(), k.data(), v.data(), dout.data(), lse.data(), Dvec.data(),
                          dq.data(), T_len, scale, causal);
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

template <int D>
void emu_print_smem() {  // kernel name, head dim, dynamic shared memory (bytes) of each launch
  using V = EmuVersion<__half, D>;
  printf("%s %d %zu\n", PHI1_EMU_NAME(PHI1_EMU_FWD), D, V::fwd_bytes());
  printf("%s %d %zu\n", PHI1_EMU_NAME(PHI1_EMU_DKDV), D, V::kv_bytes());
  printf("%s %d %zu\n", PHI1_EMU_NAME(PHI1_EMU_DQ), D, V::dq_bytes());
}

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "smem-table") {
    emu_print_smem<32>();
    emu_print_smem<64>();
    emu_print_smem<128>();
    return 0;
  }
  if (argc == 4 && std::string(argv[2]) == "smem") {
    emu_arch = emu_find_arch(argv[1]);
    emu_launch_block(0, 0, (size_t)atoll(argv[3]), [] {});
    return 0;
  }
  if (argc != 9) emu_fail("usage: attention_emu ARCH half|bf16 B H T D causal DIR");
  emu_arch = emu_find_arch(argv[1]);
  const std::string dtype = argv[2], dir = argv[8];
  const int B = atoi(argv[3]), H = atoi(argv[4]), T_len = atoi(argv[5]), D = atoi(argv[6]);
  const bool causal = atoi(argv[7]) != 0;
  if (B < 1 || H < 1 || T_len < 1) emu_fail("B, H, T must be positive");
  if (dtype == "half") emu_run_head_dim<__half>(B, H, T_len, D, causal, dir);
  else if (dtype == "bf16") emu_run_head_dim<__nv_bfloat16>(B, H, T_len, D, causal, dir);
  else emu_fail("dtype must be half or bf16");
  return 0;
}

#endif  // PHI1_EMU_RUNNER
