// common.h: what every phi1 kernel source shares.
//
// The convention for an op `foo` (LayerNorm: layer_norm, attention: attention):
//   foo_cpu.cpp  defines the public entry points `foo_fwd` / `foo_bwd` that bindings.cpp exposes.
//                They check their inputs once, then run the C++ loops for CPU tensors, or, for CUDA
//                tensors, call `foo_fwd_cuda` / `foo_bwd_cuda` from foo.cu. That call only exists
//                when the extension was built WITH_CUDA (kernels/build.py defines it when it also
//                compiles the .cu files); otherwise a CUDA tensor gets a clear error.
//   foo.cu       the CUDA kernels and their host-side launchers `foo_*_cuda`.
// The Python side (kernels/*.py) hands over contiguous tensors, so the kernels only check that.
#pragma once

#include <ATen/ATen.h>

#define PHI1_CHECK_CONTIGUOUS(x) TORCH_CHECK((x).is_contiguous(), #x " must be contiguous")
#define PHI1_CHECK_SAME_DEVICE(x, y) \
  TORCH_CHECK((x).device() == (y).device(), #x " and " #y " must be on the same device")
// For an op reached with CUDA tensors in a build without the .cu files.
#define PHI1_NO_CUDA(op) \
  TORCH_CHECK(false, op ": got CUDA tensors, but the phi1 kernels were built without CUDA " \
                        "(see kernels.backend())")
