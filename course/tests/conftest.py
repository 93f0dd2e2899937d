"""Graded tests' setup: the tree's root first on sys.path (the code under test is the tree's own),
the offline tiktoken cache when there is one, one thread and fixed seeds for the same grade every time."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if sys.path[0] != ROOT:
    sys.path.insert(0, ROOT)

for cache in (os.path.join(ROOT, "tiktoken_cache"), os.path.join(ROOT, "..", "shared", "tiktoken")):
    if "TIKTOKEN_CACHE_DIR" not in os.environ and os.path.isdir(cache):
        os.environ["TIKTOKEN_CACHE_DIR"] = os.path.abspath(cache)

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _seeded():
    torch.manual_seed(0)
