"""sandbox.py: run untrusted Python programs (model samples, generated exercises) and tell whether
each one ran to its end, or passed a test kept apart from it.

    import sandbox
    r = sandbox.run_python("assert 1 + 1 == 2", timeout=10.0, memory_mb=1024)
    r.passed, r.status, r.stdout, r.stderr, r.seconds
    results = sandbox.run_many(programs, timeout=3.0, workers=4, desc="exec")   # same order as input
    r = sandbox.run_check("def add(a, b):\\n    return a + b", test="assert add(2, 2) == 4",
                          entry_points=["add"])                          # program and test apart
    results = sandbox.run_many(programs, checks=[sandbox.Check(test, ["add"]), ...])

Verdicts. `passed` is True only if the program returned from its last line (and, with a check,
the test returned too): the helper that runs the program makes a secret token, fresh for every
run, and the child writes it on a pipe of its own (fd 3) once everything has returned. An exit
code says nothing: `exit(0)` or `os._exit(0)` before the end, or printing "passed", all fail. How
much a program prints does not matter: stdout and stderr are pipes the helper reads while the
program runs, keeping the first OUTPUT_LIMIT bytes of stdout and the first and last halves of
stderr (an endless print loop ends with the timeout). `status` is one line of at most
STATUS_LIMIT characters: "passed", "failed: ExcType: message" (from the exception object itself,
not from parsing stderr, so a replaced `print` or sys.stderr does not hide it), "failed: exited
with code N before the end of the program", "timed out" or "killed" (a signal: CPU-time limit,
out of memory, ...).

Where the token is. Without a check, it never enters the program's memory: the helper writes it
into a pipe (fd 4) after the fork, and the child moves it to fd 3 with splice() after the program;
frames, gc and /proc/self/mem hold nothing to copy. With a check, it is in the child's memory,
guarded by the audit hook below, and wiped before any of the program's code can run again on the
way out of a failure.

Checks. Model samples are judged by tests, and a model trained on execution feedback can learn to
beat the harness instead of the task. With a `Check(test, entry_points, setup)`:
1. the program runs in its own namespace, as the module `__main__`;
2. hooks are undone (signal handlers, interval timers, gc callbacks), builtins and sys are put
   back as they were in the helper (sys.stdout/stderr included);
3. a fresh namespace, with its own copy of the original builtins, runs `setup` (trusted helpers
   the test calls, e.g. HumanEval's prompt with its `poly`: the program cannot redefine them);
   a module the test or setup imports is put back first (a module of the helper's, attributes
   restored; one the program imported is dropped and loaded fresh);
4. each of `entry_points` is bound there: a function (any callable) behind a wrapper that, after
   every call, undoes hooks and puts back builtins, sys and the modules the test imported, fails
   if the program has a thread still running (before the test too: it could patch them), then
   turns the result into plain data (None, bool, int, float, complex, str, bytes, and list/
   tuple/dict/set/frozenset of those, subclasses made their base type by the base type's own C
   methods), so an object whose `__eq__` is always True or a numpy scalar fails with TypeError;
   the standard library's own results pass as they are when immutable (range, Fraction while its
   class is untouched, Decimal, datetime, match objects) or rebuilt from converted items (deque,
   dict views, and iterators such as generators and map objects, drawn to their end while the
   program may still run and handed over as fresh iterators); a class whose instances have no behaviour of their own (no dunder methods beyond
   __init__/__new__/__repr__/__str__, e.g. MBPP's `Pair`) gives its instances as they are; a
   module is a fresh trusted import of the same name; other data is converted to plain data;
5. `test` runs; the program passes if it returns.
From the start of the program to the end of the test an audit hook (PEP 578), which the program
cannot remove, refuses: sys.settrace and sys.setprofile (no tracer can jump over the test),
sys._getframe, sys._current_frames and the frame attributes of tracebacks, generators and
coroutines (no harness frame is reachable), gc.get_objects/get_referrers/get_referents, every
ctypes call, opening anything under /proc (/proc/self/mem), new audit hooks and new code objects.
The child is not dumpable: another process of the user cannot read its memory (as root that needs
bwrap, which drops capabilities). Programs that need any of these (debuggers, doctest,
`traceback.print_exc()`, inspect.currentframe) fail under a check.

How it runs. Starting a Python interpreter costs 0.1-0.2 s on our 2-core test machine, more than
most HumanEval tests take, so each worker thread of `run_many` keeps one long-lived helper
interpreter (this same file, run with `--worker`) and the helper forks a fresh child for every
program. The child is a new process, copied from a clean helper that has run nothing untrusted,
so no state passes from one program to the next; a check's setup and test are compiled once in
the helper and reused for every sample of the same task. `python bench/eval.py` measures the speed.
Backends (`BACKEND`):

- "bwrap" (bubblewrap, the sandbox Flatpak uses; Debian package `bubblewrap`), used when it works:
  each helper lives in its own bwrap sandbox with no network (an empty network namespace, so no
  abstract Unix socket either), its own PID, IPC and UTS namespaces, all capabilities dropped when
  run as root, killed with its parent. What a program can see of the file system: read-only,
  /usr (with /bin, /lib, /lib64, /sbin), the Python installation (sys.prefix, sys.base_prefix,
  sys.exec_prefix and the interpreter's directory, with the site-packages that live there), the
  /etc files Python and the dynamic loader read (ld.so.cache, ld.so.conf, localtime, passwd,
  group, nsswitch.conf, hosts) and this file, as /sandbox/sandbox.py; a minimal /dev and a /proc
  of its own PID namespace; writable, an empty /tmp (TMP_LIMIT bytes) and /dev/shm (SHM_LIMIT
  bytes), RAM-backed, emptied after every program (whatever it held is freed then). It sees
  nothing else: not the checkout, /home, /root (but a Python installed there), /var, /run, the
  host's /tmp, nor any Unix socket file of the host (docker, dbus, X11, ...) unless one lives
  inside the Python installation or /usr.
- "rlimits", the fallback when bwrap is missing or does not work (a notice is printed once): the
  same helper, limits, verdicts and checks, without the namespaces.

In both, every program's child: its own session and process group, killed whole (SIGKILL) on
timeout, whether or not it has reached setsid() yet (the child itself is killed by its pid, which
cannot be reused before the helper reaps it); after it ends, any process it left behind is found
(the helper is a child subreaper, so orphans come back to it) and killed; limits on address space
(`memory_mb`), CPU time, file size, open files, process count, no core files; a fresh working
directory, which is also HOME and TMPDIR, deleted after; stdin is /dev/null.

What it does NOT cover:
- Without bwrap: no network isolation, the whole file system is visible and writable with the
  user's rights (as root: everything, including other processes' memory), /tmp is the host's and
  unlimited, and a process that leaves its session and re-parents outside the helper is out of
  reach. Use bwrap for anything you have not read.
- Without a check (plain `run_python`/`run_many`), tests embedded in the program can be beaten by
  the program itself (an always-equal object, a replaced builtin, a tracer), and a program that
  reads its file descriptors (fd 4) finds the token. Use a `Check` to score untrusted code.
- With a check, these stay open: finalizers (__del__, weakref callbacks) of the program's
  objects run whenever they are collected; attributes of classes and tables inside modules
  (random.Random.random, copyreg's dispatch table) are not put back, nor modules the test does not
  import itself, nor objects the test hands to the program (a lambda's globals); the attributes of
  an inert class's instances are the program's; CPython memory-safety bugs (crafted bytecode
  loaded through marshal) are out of scope. A program can write garbage on the verdict pipe, which
  only fails it: it has no token to write.
- RLIMIT_NPROC counts all processes of the user and the kernel does not apply it to root: as root
  (as in CI) a fork bomb is stopped only by the timeout and the kill sweep. No cgroups are used, so
  memory is bounded per process (`memory_mb`) and per tmpfs, not for the whole process tree.
- System V IPC objects (shmget, msgget; not reachable from the standard library without ctypes)
  persist inside one helper's IPC namespace from one program to the next.
"""
import builtins
import collections
import _signal
import _thread
import ctypes
import dataclasses
import gc
import json
import operator
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import types

OUTPUT_LIMIT = 1 << 20          # bytes of stdout (and of stderr: first half + last half) kept
STATUS_LIMIT = 200              # characters of a status line
FILE_SIZE_LIMIT = 64 << 20      # RLIMIT_FSIZE: bytes any one file may grow to
TMP_LIMIT = 128 << 20           # bwrap: bytes the private /tmp holds (program files, all of them)
SHM_LIMIT = 64 << 20            # bwrap: bytes the private /dev/shm holds
OPEN_FILES_LIMIT = 256          # RLIMIT_NOFILE
EXTRA_PROCESSES = 256           # RLIMIT_NPROC = the user's tasks when the helper starts + this
TOKEN_BYTES = 16


@dataclasses.dataclass
class Result:
    passed: bool    # the program (and its check) ran to the end: the secret token came back
    status: str     # "passed" | "failed: ExcType: message" | "timed out" | "killed" | ...
    stdout: str     # first OUTPUT_LIMIT bytes of what the program printed
    stderr: str     # first and last OUTPUT_LIMIT / 2 bytes
    seconds: float  # wall time of the program's process


@dataclasses.dataclass
class Check:
    """A test run after the program, apart from it (see the module docstring)."""
    test: str                          # trusted code; passes if it returns
    entry_points: list[str] | str      # program names the test calls; results become plain data
    setup: str = ""                    # trusted code run first in the test's namespace (helpers)


# -----------------------------------------------------------------------------
# The helper ("worker"), run as `python -I sandbox.py --worker` inside the sandbox. It reads one
# JSON request per line on stdin, runs it in a forked child, answers one JSON line on stdout.

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER = 1, 4, 36    # <linux/prctl.h>
_libc = ctypes.CDLL(None, use_errno=True)           # loaded once: a ctypes load per child costs ms

def _user_tasks():
    # RLIMIT_NPROC counts tasks (threads) of the real uid: count them so the limit is relative.
    n, uid = 0, str(os.getuid())
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
            if fields["Uid"].split()[0] == uid:
                n += int(fields["Threads"])
        except (OSError, KeyError, ValueError):
            pass
    return n


def _saved(d):
    """What _World.put_back needs to put dict d back as it is now."""
    return d, d.copy(), list(d.values())


class _World:
    """The helper's interpreter state before any program ran, and how to put it back."""

    def __init__(self):
        self.modules = dict(sys.modules)
        self.dicts = {id(m): _saved(m.__dict__) for m in self.modules.values()}
        self.builtins = builtins.__dict__.copy()
        self.lists = [(l, list(l)) for l in (sys.path, sys.meta_path, sys.path_hooks)]
        self.importer_cache = _saved(sys.path_importer_cache)
        # _signal's functions: signal's wrappers turn every answer into an enum, 20x slower
        self.signals = [s for s in signal.valid_signals() if s not in (signal.SIGKILL, signal.SIGSTOP)
                        and _signal.getsignal(s) is not None]
        self.handlers = [_signal.getsignal(s) for s in self.signals]
        self.graveyard = []          # replaced values stay alive: no finalizer runs mid-restore

    def reset_module(self, name, fresh):
        """sys.modules[name] (and its parents) as in the helper; a module the program imported is
        dropped, so that the test's import loads a fresh one (recorded in `fresh`)."""
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            key = ".".join(parts[:i])
            pristine = self.modules.get(key)
            if pristine is not None and sys.modules.get(key) is not pristine:
                self.graveyard.append(sys.modules.get(key))
                sys.modules[key] = pristine
            elif pristine is None and key not in fresh and key in sys.modules:
                self.graveyard.append(sys.modules.pop(key))
                fresh.add(key)

    def put_back(self, d, saved, values):
        """Make dict d what it was (a _saved tuple), keeping what was there alive."""
        # The same values in the same order, by identity (map/all run in C: this check is most of
        # what a candidate call costs the harness). A key deleted and another added with the same
        # value at the end would pass, but then a name the test could use is gone, not replaced.
        if len(d) == len(values) and all(map(operator.is_, d.values(), values)):
            return
        self.graveyard.append(list(d.items()))
        d.clear()
        d.update(saved)

    def calm(self):
        """Signal handlers and timers as they were, no GC callbacks: no program code between calls.
        (A recursion limit the program raised stays: lowering it back could only break the test.)"""
        for which in (signal.ITIMER_REAL, signal.ITIMER_VIRTUAL, signal.ITIMER_PROF):
            signal.setitimer(which, 0)
        if not all(map(operator.is_, map(_signal.getsignal, self.signals), self.handlers)):
            for s, handler in zip(self.signals, self.handlers):
                _signal.signal(s, handler)
        gc.callbacks[:] = []

    def restore(self):
        """Before the test: builtins, sys, hooks as in the helper. Modules are put back when the
        test imports them (checking all of them here would cost more than most checks: every
        object a child touches is a page the kernel copies)."""
        self.calm()
        self.put_back(*self.dicts[id(builtins)])
        self.put_back(*self.dicts[id(sys)])
        for l, saved in self.lists:
            l[:] = saved
        self.put_back(*self.importer_cache)


def _guard():
    """Install the audit hook that a checked program runs under; return its on/off switch."""
    state = [False]
    blocked = {"sys.settrace", "sys.setprofile", "sys._getframe", "sys._current_frames",
               "sys._current_exceptions", "sys.addaudithook", "gc.get_objects",
               "gc.get_referrers", "gc.get_referents", "code.__new__"}
    frame_attributes = {"tb_frame", "gi_frame", "cr_frame", "ag_frame"}
    realpath, fsdecode = os.path.realpath, os.fsdecode

    def hook(event, args):
        if not state[0]:
            return
        if event == "open" and isinstance(args[0], (str, bytes)):
            path = realpath(fsdecode(args[0]))
            if path == "/proc" or path.startswith("/proc/"):
                raise PermissionError(f"sandbox: opening {path} is refused in a checked program")
        if event == "object.__getattr__" and args[1] in frame_attributes:
            event = f"{type(args[0]).__name__}.{args[1]}"
        elif not (event in blocked or event.startswith("ctypes.")):
            return
        # ValueError: what stdlib code asking for frames (namedtuple, typing) expects
        raise ValueError(f"sandbox: {event} is refused in a checked program")

    sys.addaudithook(hook)
    return state


# Results of the standard library's own types, which correct programs return (MBPP's references
# return deques, Fractions, match objects, map objects, ...). None of them can carry behaviour of
# the program's: each is matched by exact type, and their items are converted like any other.
_ITERATORS = {types.GeneratorType, map, filter, zip, enumerate, reversed} | {
    type(iter(x)) for x in ([], (), "", set(), {}, {}.values(), {}.items(), range(0), b"")}
_VIEWS = {type({}.keys()): dict.keys, type({}.values()): dict.values, type({}.items()): dict.items}
_DRAIN_LIMIT = 1_000_000  # items drawn from one returned iterator: more is a runaway generator


def _immutable_stdlib_types():
    """Immutable values of standard-library types, given to the test as they are. A type defined
    in Python (Fraction) counts only while its class dict is what it was in the helper."""
    import datetime
    import decimal
    import fractions
    import re
    snapshot = {fractions.Fraction: dict(vars(fractions.Fraction))}
    static = {range, decimal.Decimal, datetime.date, datetime.datetime, datetime.time,
              datetime.timedelta, type(re.compile("")), type(re.match("", ""))}
    return static, snapshot


_STATIC_VALUES, _PYTHON_VALUES = _immutable_stdlib_types()


def _drain(x):
    """A returned iterator of the standard library's (a generator, map, ...), drawn to its end
    while the program's code may still run (before hooks are undone): (the marker, its items)."""
    t = type(x)
    if t not in _ITERATORS:
        return x
    items = []
    for v in x:
        items.append(v)
        if len(items) > _DRAIN_LIMIT:
            raise TypeError(f"the program returned an iterator of more than {_DRAIN_LIMIT:,} items")
    return (_drain, items)


def _plain(x, depth=0):
    """x as plain data, built with the base types' own C methods, never the object's."""
    t = type(x)
    if t is int or t is str or t is bool or t is float or x is None or t is bytes or t is complex:
        return x
    if t in _STATIC_VALUES:
        return x
    if t in _PYTHON_VALUES and dict(vars(t)) == _PYTHON_VALUES[t]:
        return x
    if t is tuple and len(x) == 2 and x[0] is _drain:       # a drained iterator: a fresh one of plain items
        return iter([_plain(v, depth + 1) for v in x[1]])
    if depth > 100:
        raise TypeError("the program returned data nested more than 100 deep")
    sub = type.__subclasscheck__
    if sub(list, t):
        return [_plain(v, depth + 1) for v in list.__iter__(x)]
    if sub(tuple, t):
        return tuple([_plain(v, depth + 1) for v in tuple.__iter__(x)])
    if sub(dict, t):
        return {_plain(k, depth + 1): _plain(v, depth + 1) for k, v in dict.items(x)}
    if sub(set, t):
        return {_plain(v, depth + 1) for v in set.__iter__(x)}
    if sub(frozenset, t):
        return frozenset([_plain(v, depth + 1) for v in frozenset.__iter__(x)])
    if t in _VIEWS:                                          # d.keys() == {...} must still hold
        return _VIEWS[t]({_plain(k, depth + 1): _plain(v, depth + 1) for k, v in x.mapping.items()})
    if t is collections.deque:
        return collections.deque([_plain(v, depth + 1) for v in x], x.maxlen)
    for base in (int, float, complex, str, bytes):
        if sub(base, t):
            return getattr(base, f"__{base.__name__}__")(x)    # int.__int__(x): an exact int
    name = type.__dict__["__name__"].__get__(t)
    raise TypeError(f"the program returned a {name!r} object, not plain data (None, bool, int, "
                    "float, complex, str, bytes, list, tuple, dict, set, frozenset)")


# Dunder names a class may define and still be inert: nothing an operator or a truth test calls.
_INERT_DUNDERS = {"__init__", "__new__", "__repr__", "__str__", "__module__", "__qualname__",
                  "__doc__", "__dict__", "__weakref__", "__slots__", "__annotations__",
                  "__firstlineno__", "__static_attributes__"}


def _inert(cls):
    """True if instances of cls behave like object's under ==, <, bool(), arithmetic, ..."""
    if type(cls) is not type:
        return False
    for klass in type.__dict__["__mro__"].__get__(cls)[:-1]:
        for name in type.__dict__["__dict__"].__get__(klass):
            if not isinstance(name, str) or (name.startswith("__") and name.endswith("__")
                                              and name not in _INERT_DUNDERS):
                return False
    return True


def _run_check(check, main, world):
    """Run check["setup"] and check["test"] in a fresh namespace (see the module docstring)."""
    world.restore()
    own_builtins = dict(world.builtins)
    watched = [world.dicts[id(builtins)], world.dicts[id(sys)]]
    seen = {id(builtins), id(sys)}
    fresh = set()
    real_import = world.builtins["__import__"]

    def watch(m):
        if isinstance(m, types.ModuleType) and id(m) not in seen:
            seen.add(id(m))
            pair = world.dicts.get(id(m)) or _saved(m.__dict__)
            world.put_back(*pair)            # patched during an earlier call: back as it was
            watched.append(pair)

    def watching_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0:
            world.reset_module(name, fresh)
        module = real_import(name, globals, locals, fromlist, level)
        watch(module)
        watch(sys.modules.get(name))
        for attr in fromlist or ():
            watch(module.__dict__.get(attr))
        return module

    def after_call():
        world.calm()
        for pair in watched:
            world.put_back(*pair)
        alone()

    def alone():
        # A thread of the program could patch what was just put back while the test runs.
        # (_thread counts the Python threads alive, in C; a library's own C threads run no Python.)
        threads = _thread._count()
        if threads:
            raise RuntimeError(f"sandbox: the program left {threads} other thread(s) running; "
                               "a checked program must join its threads")

    def candidate_of(obj):
        if isinstance(obj, types.ModuleType):     # `math` in an assert: a fresh, trusted import
            watching_import(obj.__name__)
            return sys.modules[obj.__name__]
        if not callable(obj):
            return _plain(obj)
        is_class = sub(type, type(obj))

        def candidate(*args, **kwargs):
            try:
                result = _drain(obj(*args, **kwargs))
            finally:
                after_call()
            if is_class and type(result) is obj and _inert(obj):
                return result                     # a program class the test builds inputs with
            return _plain(result)
        return candidate

    sub = type.__subclasscheck__
    own_builtins["__import__"] = watching_import
    ns = {"__name__": "__main__", "__builtins__": own_builtins}
    alone()
    exec(check["setup"], ns)
    program_ns = main.__dict__
    for name in check["entry_points"]:
        if name not in program_ns:
            raise NameError(f"name {name!r} is not defined by the program")
        ns[name] = candidate_of(program_ns[name])
    exec(check["test"], ns)
    after_call()


def _one_line(text):
    line = " ".join(str(text).split())
    limit = STATUS_LIMIT - len("failed: ")
    return line if len(line) <= limit else line[:limit - 3] + "..."


def _describe(e):
    """'ExcType: message' of an exception, as the last line of a traceback shows it."""
    t = type(e)
    try:
        name = type.__dict__["__qualname__"].__get__(t)
        module = type.__dict__["__module__"].__get__(t)
        if isinstance(module, str) and module not in ("builtins", "__main__"):
            name = f"{module}.{name}"
    except BaseException:
        name = "Exception"
    try:
        message = str(e)                     # the program's code, if it defined __str__
    except BaseException:
        message = "<str() of the exception failed>"
    return _one_line(f"{name}: {message}" if message else name)


def _child(req, token, fds, nproc, world):
    """The forked child: limit itself, run the program (and check). Never returns.
    With a check, `token` is in memory, guarded by the audit hook; without, it is None and the
    token waits in a pipe (fd 4) that the child moves, unread, to the verdict pipe at the end."""
    out_w, err_w, verdict_w, token_r = fds
    state = None
    try:
        os.setsid()                          # own session and process group: killed as one
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)   # die if the helper dies
        _libc.prctl(PR_SET_DUMPABLE, 0)      # no other process of the user reads our memory
        os.chdir(req["cwd"])
        os.environ.update(HOME=req["cwd"], TMPDIR=req["cwd"])
        tempfile.tempdir = None
        cpu = int(req["timeout"]) + 1        # CPU seconds; the wall-clock timeout is the helper's
        for res, lim in [(resource.RLIMIT_AS, req["memory_mb"] << 20), (resource.RLIMIT_CPU, cpu),
                         (resource.RLIMIT_FSIZE, FILE_SIZE_LIMIT), (resource.RLIMIT_CORE, 0),
                         (resource.RLIMIT_NOFILE, OPEN_FILES_LIMIT), (resource.RLIMIT_NPROC, nproc)]:
            hard = lim + 1 if res == resource.RLIMIT_CPU else lim   # SIGXCPU first, then SIGKILL
            old = resource.getrlimit(res)[1]
            if old != resource.RLIM_INFINITY:                        # only lower, never raise
                lim, hard = min(lim, old), min(hard, old)
            resource.setrlimit(res, (lim, hard))
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)   # stdin: nothing to read, never blocks
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        os.dup2(verdict_w, 3)
        os.dup2(token_r, 4)
        os.closerange(5, 1024)               # the helper's pipes and files are not the program's
        out, err = sys.stdout, sys.stderr
        main = types.ModuleType("__main__")  # `import __main__` is the program, not this file
        sys.modules["__main__"] = main
        code = compile(req["program"], "<program>", "exec")
        check = req["check"]
        if check:
            state = _guard()
            state[0] = True
        exec(code, main.__dict__)
        if check:
            _run_check(check, main, world)
        for f in (sys.stdout, sys.stderr, out, err):     # the program's own streams too
            f.flush()
        if check:                            # reached only if everything returned normally
            os.write(3, token)
        else:
            os.splice(4, 3, TOKEN_BYTES)     # kernel to kernel: never in the program's memory
        os._exit(0)
    except BaseException as e:               # SystemExit too: exit() before the end is a failure
        if token is not None:
            token[:] = bytes(TOKEN_BYTES)    # first: the program's code may run again below
        if state is not None:
            state[0] = False                 # tracebacks need frames
        try:
            status = _describe(e)
            os.write(3, b"F" + status.encode("utf-8", "replace"))
            text = "".join(traceback.format_exception(e))
            os.write(2, text.encode("utf-8", "replace"))
        finally:
            os._exit(1)


def _reap_leftovers():
    """Kill and reap every remaining child of the helper: orphans re-parent to it (subreaper)."""
    me = os.getpid()
    for _ in range(1000):
        with open(f"/proc/{me}/task/{me}/children") as f:
            kids = [int(p) for p in f.read().split()]
        if not kids:
            return
        for pid in kids:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


def _empty(path, keep=()):
    """Delete everything inside path but `keep`, whatever modes the program left; True if done."""
    def fix(func, p, exc):
        os.chmod(os.path.dirname(p), 0o700)
        if os.path.isdir(p) and not os.path.islink(p):
            os.chmod(p, 0o700)
            shutil.rmtree(p, ignore_errors=True)
        else:
            os.unlink(p)
    for name in os.listdir(path):
        if name in keep:
            continue
        p = os.path.join(path, name)
        try:
            if os.path.isdir(p) and not os.path.islink(p):
                os.chmod(p, 0o700)
                shutil.rmtree(p, onerror=fix)
            else:
                os.unlink(p)
        except OSError:
            pass
    return set(os.listdir(path)) <= set(keep)


class _Output:
    """The first `limit` bytes of a stream, and (with keep_tail) its last limit / 2 too."""

    def __init__(self, limit, keep_tail):
        self.head, self.tail, self.cut = bytearray(), bytearray(), 0
        self.limit = limit // 2 if keep_tail else limit
        self.keep_tail = keep_tail

    def add(self, data):
        room = self.limit - len(self.head)
        self.head += data[:room]
        rest = data[room:] if room > 0 else data
        if rest:
            self.cut += len(rest)
            if self.keep_tail:
                self.tail += rest
                del self.tail[:-self.limit]

    def text(self):
        cut = self.cut - len(self.tail)
        middle = f"\n[... {cut} bytes cut ...]\n".encode() if cut and self.keep_tail else b""
        return (bytes(self.head) + middle + bytes(self.tail)).decode("utf-8", errors="replace")


def _read_some(fd, output, open_fds):
    """One read from a non-blocking pipe; False if nothing is there (at end of file: fd leaves
    open_fds). One read at a time, so that a flood cannot keep the helper from its deadline."""
    try:
        data = os.read(fd, 1 << 16)
    except BlockingIOError:
        return False
    if not data:
        open_fds.remove(fd)
        return False
    output.add(data)
    return True


_compiled = {}          # a check's setup and test -> code, compiled by the helper (trusted code)


def _compile_check(check):
    """The same task's check comes again for every sample: compile it once, before the fork."""
    if len(_compiled) > 512:
        _compiled.clear()
    for part, name in (("setup", "<setup>"), ("test", "<test>")):
        source = check[part]
        if source not in _compiled:
            try:
                _compiled[source] = compile(source, name, "exec")
            except (SyntaxError, ValueError):
                # left as source: the child compiles it again and fails with this exception
                _compiled[source] = source
        check[part] = _compiled[source]


def _run_one(req, nproc, world, base, private_tmp, keep):
    if req["check"]:
        _compile_check(req["check"])
    req["cwd"] = tempfile.mkdtemp(dir=base)
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    verdict_r, verdict_w = os.pipe()
    token_r, token_w = os.pipe()
    token = bytearray(TOKEN_BYTES)
    urandom = open("/dev/urandom", "rb", buffering=0)
    if req["check"]:
        urandom.readinto(token)              # straight into the buffer: no copy to wipe
    sys.stdout.flush()
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        _child(req, token if req["check"] else None, (out_w, err_w, verdict_w, token_r), nproc,
               world)
    if not req["check"]:
        urandom.readinto(token)              # made after the fork: not in the child's memory
        os.write(token_w, token)
    urandom.close()
    for fd in (out_w, err_w, verdict_w, token_r, token_w):
        os.close(fd)
    pidfd = os.pidfd_open(pid)               # readable once the child exits
    outputs = {out_r: _Output(OUTPUT_LIMIT, False), err_r: _Output(OUTPUT_LIMIT, True)}
    open_fds = [out_r, err_r]
    for fd in open_fds + [verdict_r]:
        os.set_blocking(fd, False)
    deadline = t0 + req["timeout"]
    timed_out = False
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            timed_out = True
            break
        ready = select.select([pidfd] + open_fds, [], [], left)[0]
        for fd in [fd for fd in open_fds if fd in ready]:
            _read_some(fd, outputs[fd], open_fds)
        if pidfd in ready:
            break
    seconds = time.perf_counter() - t0
    # The pid cannot be reused before waitpid, so killing it is safe even if the child has not
    # reached setsid() yet (then its group does not exist and killpg alone would miss it).
    signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _, status = os.waitpid(pid, 0)
    os.close(pidfd)
    _reap_leftovers()                        # no writer is left: the pipes reach end of file
    for fd in list(open_fds):
        for _ in range(256):                 # bounded, should a writer we did not kill remain
            if not _read_some(fd, outputs[fd], open_fds):
                break
    verdict = b""
    try:
        verdict = os.read(verdict_r, 4096)
    except BlockingIOError:
        pass
    for fd in (out_r, err_r, verdict_r):
        os.close(fd)
    clean = _empty(req["cwd"])
    shutil.rmtree(req["cwd"], ignore_errors=True)
    if private_tmp:                          # bwrap: /tmp and /dev/shm are this helper's own
        clean = _empty("/tmp", keep) and _empty("/dev/shm")
    code = os.waitstatus_to_exitcode(status)
    if verdict == token:
        result = "passed"
    elif timed_out:
        result = "timed out"
    elif code < 0:                           # a signal: CPU limit, SIGKILL, out of memory, ...
        result = "killed"
    elif verdict.startswith(b"F") and code == 1:
        result = "failed: " + _one_line(verdict[1:].decode("utf-8", errors="replace"))
    else:
        result = f"failed: exited with code {code} before the end of the program"
    answer = dict(passed=result == "passed", status=result, seconds=seconds,
                  stdout=outputs[out_r].text(), stderr=outputs[err_r].text())
    return answer, clean


def _worker(private_tmp):
    _libc.prctl(PR_SET_CHILD_SUBREAPER, 1)   # orphans of the programs re-parent to the helper
    _libc.prctl(PR_SET_DUMPABLE, 0)          # programs cannot read this helper's memory
    nproc = _user_tasks() + EXTRA_PROCESSES
    base = tempfile.gettempdir()
    keep = set(os.listdir("/tmp")) if private_tmp else ()    # bind mounts of a Python under /tmp
    world = _World()
    gc.freeze()        # a collection in a child then leaves the helper's objects (and pages) alone
    for line in sys.stdin:
        answer, clean = _run_one(json.loads(line), nproc, world, base, private_tmp, keep)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
        if not clean:                        # something could not be deleted: a fresh sandbox
            return


# -----------------------------------------------------------------------------
# The host side: start helpers, send programs, collect the answers.

HELPER_PATH = "/sandbox/sandbox.py"     # where this file is inside bwrap (wherever the checkout is)
_ETC_FILES = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group",
              "nsswitch.conf", "hosts"]


def _bwrap_command():
    """bwrap arguments that show a program only what a Python program needs (module docstring)."""
    cmd = ["bwrap"]
    for top in ("usr", "bin", "lib", "lib32", "lib64", "libx32", "sbin"):
        path = "/" + top
        if os.path.islink(path):             # merged /usr: /bin -> usr/bin
            cmd += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            cmd += ["--ro-bind", path, path]
    for name in _ETC_FILES:
        cmd += ["--ro-bind-try", "/etc/" + name, "/etc/" + name]
    # /tmp first: bwrap mounts in order, and a Python installed under /tmp must stay visible
    cmd += ["--dev", "/dev", "--proc", "/proc",
            "--size", str(TMP_LIMIT), "--tmpfs", "/tmp",
            "--size", str(SHM_LIMIT), "--tmpfs", "/dev/shm",
            "--ro-bind", os.path.abspath(__file__), HELPER_PATH]
    python = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
              os.path.dirname(sys.executable)}
    bound = ["/usr"]
    for path in sorted(python):              # sorted: a prefix comes before what is inside it
        real = os.path.realpath(path)
        if not any(real == b or real.startswith(b + "/") for b in bound):
            cmd += ["--ro-bind", real, real]
            bound.append(real)
        if path != real and not any(path == b or path.startswith(b + "/") for b in bound):
            cmd += ["--symlink", real, path]
    cmd += ["--unshare-all", "--die-with-parent", "--new-session", "--chdir", "/tmp"]
    if os.geteuid() == 0:
        cmd += ["--cap-drop", "ALL"]
    return cmd


def _detect_backend():
    try:
        ok = subprocess.run(_bwrap_command() + [sys.executable, "-I", "-c", "pass"],
                            capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    if not ok:
        print("sandbox: bubblewrap (bwrap) is missing or does not work here; falling back to "
              "rlimits and process groups only (no namespaces, no network isolation)",
              file=sys.stderr)
    return "bwrap" if ok else "rlimits"


class _Helper:
    """One long-lived helper interpreter, used by one thread at a time."""

    def __init__(self):
        self._start()

    def _start(self):
        self.tmp = None
        cmd = [sys.executable, "-I", os.path.abspath(__file__), "--worker"]
        if BACKEND == "bwrap":
            home = "/tmp"
            cmd = _bwrap_command() + [sys.executable, "-I", HELPER_PATH, "--worker", "--private-tmp"]
        else:
            self.tmp = home = tempfile.mkdtemp(prefix="sandbox-")
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": home,
               "TMPDIR": home}
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                     cwd=home if self.tmp else None, start_new_session=True,
                                     text=True)

    def run(self, program, check, timeout, memory_mb):
        if check is not None:
            names = [check.entry_points] if isinstance(check.entry_points, str) else check.entry_points
            check = dict(test=check.test, setup=check.setup, entry_points=list(names))
        req = dict(program=program, check=check, timeout=timeout, memory_mb=memory_mb)
        t0 = time.perf_counter()
        try:
            self.proc.stdin.write(json.dumps(req) + "\n")
            self.proc.stdin.flush()
            # The helper enforces the timeout; this is only a guard against a helper gone wrong.
            ready = select.select([self.proc.stdout], [], [], timeout + 30)[0]
            answer = json.loads(self.proc.stdout.readline()) if ready else None
        except (OSError, ValueError):
            answer = None
        if answer is None:                   # the helper died or hung (killed by the program?)
            self.close()
            self._start()
            return Result(False, "killed", "", "", time.perf_counter() - t0)
        if self.proc.poll() is not None:     # it left after this program: start a fresh one
            self.close()
            self._start()
        return Result(answer["passed"], answer["status"], answer["stdout"], answer["stderr"],
                      answer["seconds"])

    def close(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)


def run_python(program: str, timeout: float = 10.0, memory_mb: int = 1024) -> Result:
    """Run one program in a fresh sandboxed process (see the module docstring)."""
    return run_many([program], timeout=timeout, memory_mb=memory_mb, workers=1)[0]


def run_check(program: str, test: str, entry_points: list[str] | str, setup: str = "",
              timeout: float = 10.0, memory_mb: int = 1024) -> Result:
    """Run a program, then `test` apart from it (see Checks in the module docstring)."""
    return run_many([program], timeout=timeout, memory_mb=memory_mb, workers=1,
                    checks=[Check(test, entry_points, setup)])[0]


def run_many(programs: list[str], timeout: float = 10.0, memory_mb: int = 1024,
             workers: int | None = None, desc: str | None = None,
             checks: list[Check | None] | None = None) -> list[Result]:
    """Run programs in parallel, one fresh process each; results in the order of `programs`.
    checks[i], if given and not None, is the Check run after programs[i]."""
    if checks is not None and len(checks) != len(programs):
        raise ValueError(f"sandbox.run_many: {len(programs)} programs but {len(checks)} checks")
    if not programs:
        return []
    results = [None] * len(programs)
    todo = iter(range(len(programs)))
    lock = threading.Lock()
    bar = None
    if desc is not None:
        from tqdm import tqdm
        bar = tqdm(total=len(programs), desc=desc)

    def work():
        helper = _Helper()
        try:
            while True:
                with lock:
                    i = next(todo, None)
                if i is None:
                    return
                check = checks[i] if checks is not None else None
                results[i] = helper.run(programs[i], check, timeout, memory_mb)
                if bar is not None:
                    with lock:
                        bar.update(1)
        finally:
            helper.close()

    n = max(1, min(workers or os.cpu_count() or 1, len(programs)))
    threads = [threading.Thread(target=work) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if bar is not None:
        bar.close()
    if any(r is None for r in results):
        raise RuntimeError("sandbox: a worker thread failed; see the traceback above")
    return results


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    BACKEND = "worker"
    _worker(private_tmp=sys.argv[2:] == ["--private-tmp"])
else:
    BACKEND = _detect_backend()
