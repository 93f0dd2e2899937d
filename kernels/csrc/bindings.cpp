// bindings.cpp: the single Python module of phi1's kernels (pybind11, built by kernels/build.py
// just in time or by setup.py ahead of time). Each op declares its entry points here; they are
// defined in <op>_cpu.cpp, which dispatches CUDA tensors to <op>.cu (see common.h).
#include <torch/extension.h>

#include <string>
#include <vector>

// layernorm_cpu.cpp: x2d (rows, N); weight, bias (N,), all of x's dtype.
std::vector<at::Tensor> layer_norm_fwd(const at::Tensor& x, const at::Tensor& weight,
                                       const at::Tensor& bias, double eps);
std::vector<at::Tensor> layer_norm_bwd(const at::Tensor& dy, const at::Tensor& x,
                                       const at::Tensor& weight, const at::Tensor& mean,
                                       const at::Tensor& rstd);

// attention_cpu.cpp: q, k, v (B, H, T, D) of one dtype; lse (B, H, T) as attention_fwd returns it.
// `version` picks the CUDA kernel (1: attention.cu, 2: attention_v2.cu); CPU tensors ignore it.
std::vector<at::Tensor> attention_fwd(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                      bool causal, double scale, int64_t version);
std::vector<at::Tensor> attention_bwd(const at::Tensor& dout, const at::Tensor& q,
                                      const at::Tensor& k, const at::Tensor& v, const at::Tensor& o,
                                      const at::Tensor& lse, bool causal, double scale,
                                      int64_t version);
// "" when the CUDA kernel `version` can run on q's GPU (compute capability, shared memory), else why.
std::string attention_cuda_check(const at::Tensor& q, int64_t version);

// Whether the .cu sources were compiled in (kernels.backend() reports it).
static bool with_cuda() {
#ifdef WITH_CUDA
  return true;
#else
  return false;
#endif
}

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.doc() = "phi1 kernels: fused LayerNorm and attention (C++ for CPU tensors, CUDA for GPU tensors)";
  m.def("with_cuda", &with_cuda, "True when the CUDA sources were compiled into this module");
  m.def("layer_norm_fwd", &layer_norm_fwd,
        "LayerNorm over the last dim of a 2-D x: returns {y, mean, rstd} (statistics in fp32; "
        "fp64 for fp64 input on the CPU)",
        py::arg("x"), py::arg("weight"), py::arg("bias"), py::arg("eps"));
  m.def("layer_norm_bwd", &layer_norm_bwd,
        "Backward of layer_norm_fwd: returns {dx, dweight, dbias}; dweight/dbias summed in a fixed order",
        py::arg("dy"), py::arg("x"), py::arg("weight"), py::arg("mean"), py::arg("rstd"));
  m.def("attention_fwd", &attention_fwd,
        "Tiled attention softmax(q k^T * scale (+ causal mask)) v: returns {o, lse}, lse (B, H, T) "
        "in fp32 (fp64 for fp64 input on the CPU)",
        py::arg("q"), py::arg("k"), py::arg("v"), py::arg("causal"), py::arg("scale"),
        py::arg("version") = 1);
  m.def("attention_bwd", &attention_bwd,
        "Backward of attention_fwd: returns {dq, dk, dv}; deterministic (no atomics)",
        py::arg("dout"), py::arg("q"), py::arg("k"), py::arg("v"), py::arg("o"), py::arg("lse"),
        py::arg("causal"), py::arg("scale"), py::arg("version") = 1);
  m.def("attention_cuda_check", &attention_cuda_check,
        "Why CUDA kernel `version` cannot run on q's GPU (one line), or \"\" when it can",
        py::arg("q"), py::arg("version"));
}
