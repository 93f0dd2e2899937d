"""sandbox.py: programs that end pass, everything else fails, hostile programs are contained.

Each hostile program runs under both backends where they apply (bwrap only where it works here);
the checks are the observable ones: status, bounded time, no process left (scanning /proc for a
marker in the command line), a sentinel file outside the sandbox untouched, no connection made.
"""
import os
import shutil
import socket
import sys
import tempfile
import time

import pytest

import sandbox

BACKENDS = ["rlimits"] + (["bwrap"] if sandbox.BACKEND == "bwrap" else [])


@pytest.fixture(params=BACKENDS)
def backend(request, monkeypatch):
    monkeypatch.setattr(sandbox, "BACKEND", request.param)
    return request.param


def processes_with(marker):
    found = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if marker.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


def test_backend_is_bwrap_where_installed():
    # bwrap is installed in CI and works there (as root too); a silent fallback would be a regression.
    if shutil.which("bwrap") and sys.platform == "linux":
        assert sandbox.BACKEND == "bwrap"
    else:
        assert sandbox.BACKEND == "rlimits"


def test_ordinary_programs(backend):
    progs = ["print('hello')\nprint('world', end='')",
             "assert sum(range(4)) == 7, 'bad sum'",
             "def f(:\n    pass",
             "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
             "x = [0] * (50 << 20)\nprint(len(x))",                     # 400 MB of pointers
             "import math, json, collections\nprint(math.gcd(12, 18), json.dumps({'a': 1}))"]
    r = sandbox.run_many(progs, timeout=5, memory_mb=200, workers=2)
    assert [x.passed for x in r] == [True, False, False, False, False, True]
    assert r[0].status == "passed" and r[0].stdout == "hello\nworld"
    assert r[1].status == "failed: AssertionError: bad sum"
    assert r[2].status.startswith("failed: SyntaxError")
    assert r[3].status == "killed"
    assert r[4].status in ("failed: MemoryError", "killed"), r[4].status
    assert r[5].stdout == '6 {"a": 1}\n'
    assert all(0 <= x.seconds < 5 for x in r)


def test_memory_limit_is_the_argument():
    prog = "x = bytearray(300 << 20)\nprint(len(x))"
    assert not sandbox.run_python(prog, timeout=5, memory_mb=200).passed
    assert sandbox.run_python(prog, timeout=5, memory_mb=1024).passed


def test_hostile_programs(backend, tmp_path):
    marker = f"sandbox-test-marker-{os.getpid()}-{backend}"
    hostile = {
        "exit": "exit(0)\nassert False",
        "sys.exit": "import sys\nsys.exit(0)",
        "os._exit": "import os\nos._exit(0)",
        "loop": "while True:\n    pass",
        "sleep": "import time\ntime.sleep(60)",
        "memory": "x = []\nwhile True:\n    x.append(bytearray(10 << 20))",
        "stdin": "import sys\ndata = sys.stdin.read()\nassert data, 'stdin was empty'",
        "input": "input()",
        # a grandchild in a new session, exec'd with the marker in its command line, outliving all
        "orphan": ("import os, sys, time\n"
                   "if os.fork() == 0:\n"
                   "    os.setsid()\n"
                   "    if os.fork() == 0:\n"
                   f"        os.execv(sys.executable, [sys.executable, '-c', 'import time; time.sleep(60)', '{marker}'])\n"
                   "    os._exit(0)\n"
                   "time.sleep(0.5)\n"
                   "os._exit(0)"),
        "fake success": "import os, sys\nprint('passed')\nprint('f' * 32, flush=True)\nos._exit(0)",
        "flood": "while True:\n    print('x' * 100000)",
        "close stdout": "import os\nos.close(1)",
    }
    t0 = time.perf_counter()
    results = dict(zip(hostile, sandbox.run_many(list(hostile.values()), timeout=2, workers=2)))
    elapsed = time.perf_counter() - t0
    for name, r in results.items():
        assert not r.passed, f"{name}: {r}"
        assert r.seconds < 3, f"{name} ran {r.seconds:.1f} s"
    assert elapsed < 30, f"{len(hostile)} hostile programs took {elapsed:.1f} s"
    assert results["exit"].status == "failed: SystemExit: 0"
    assert results["os._exit"].status.startswith("failed: exited with code 0")
    assert results["loop"].status == "timed out" and results["sleep"].status == "timed out"
    # 1 GiB of touched pages may take longer than the timeout on a loaded machine: any end is fine
    assert results["memory"].status in ("failed: MemoryError", "killed", "timed out")
    assert results["stdin"].status == "failed: AssertionError: stdin was empty"
    assert results["input"].status.startswith("failed: EOFError")
    # RLIMIT_FSIZE on the stdout file (Python ignores SIGXFSZ, so the write fails with EFBIG)
    assert results["flood"].status == "failed: OSError: [Errno 27] File too large"
    assert len(results["flood"].stdout) <= sandbox.OUTPUT_LIMIT
    assert "passed" in results["fake success"].stdout
    time.sleep(0.2)
    assert processes_with(marker) == [], "a forked grandchild outlived the sandbox"


@pytest.fixture
def visible_dir():
    # Outside /tmp (which the sandbox replaces by a private one): next to this file, removed after.
    path = tempfile.mkdtemp(prefix=".sandbox-sentinel-", dir=os.path.dirname(os.path.abspath(__file__)))
    yield path
    shutil.rmtree(path)


@pytest.mark.skipif(sandbox.BACKEND != "bwrap", reason="file system isolation needs bwrap")
def test_files_outside_are_out_of_reach(tmp_path, visible_dir):
    for where in (str(tmp_path), visible_dir):
        sentinel = os.path.join(where, "sentinel.txt")
        with open(sentinel, "w") as f:
            f.write("keep me")
        progs = [f"import os\nos.remove({sentinel!r})",
                 f"open({sentinel!r}, 'w').write('changed')",
                 f"open({os.path.join(where, 'new.txt')!r}, 'w').write('new')",
                 f"import shutil\nshutil.rmtree({where!r})",
                 # inside its own directory (and its private /tmp) writing is fine
                 "open('mine.txt', 'w').write('ok')\nimport tempfile\ntempfile.mkstemp()\nprint(open('mine.txt').read())"]
        r = sandbox.run_many(progs, timeout=5, workers=2)
        assert [x.passed for x in r] == [False, False, False, False, True], [x.status for x in r]
        with open(sentinel) as f:
            assert f.read() == "keep me"
        assert sorted(os.listdir(where)) == ["sentinel.txt"]
    # the visible one is readable (the root is mounted read-only), the host's /tmp is not there
    r = sandbox.run_many([f"print(open({os.path.join(visible_dir, 'sentinel.txt')!r}).read())",
                          f"open({str(tmp_path / 'sentinel.txt')!r})"], timeout=5)
    assert r[0].stdout == "keep me\n" and r[1].status.startswith("failed: FileNotFoundError")
    # and nothing is shared between two programs' working directories
    a, b = sandbox.run_many(["open('left.txt', 'w').write('x')", "import os\nassert not os.path.exists('left.txt')"], workers=1)
    assert a.passed and b.passed, b.status


@pytest.mark.skipif(sandbox.BACKEND != "bwrap", reason="network isolation needs bwrap")
def test_no_network():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    port = server.getsockname()[1]
    prog = f"import socket\ns = socket.create_connection(('127.0.0.1', {port}), timeout=2)\ns.sendall(b'hi')"
    r = sandbox.run_python(prog, timeout=5)
    assert not r.passed and r.status.startswith("failed: ConnectionRefusedError"), r.status
    with pytest.raises(socket.timeout):
        server.accept()                                   # nobody connected
    server.close()
    r = sandbox.run_python("import socket\nsocket.create_connection(('1.1.1.1', 53), timeout=2)", timeout=5)
    assert not r.passed and r.status.startswith("failed: OSError"), r.status


def test_run_many_keeps_order_and_tokens_are_per_run():
    progs = [f"import time\ntime.sleep({0.05 * (i % 3)})\nprint({i})" for i in range(12)]
    r = sandbox.run_many(progs, timeout=5, workers=3, desc=None)
    assert [x.stdout for x in r] == [f"{i}\n" for i in range(12)]
    assert all(x.passed for x in r)
