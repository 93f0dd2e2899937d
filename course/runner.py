"""The grading runner: copy a submission into a fresh reference tree, build what it needs, run each
graded test in its own process under limits, and score it as Gradescope's results.json.

How a test runs: this process imports torch, transformers and pytest once; each test is a fork of it
(0.2 s, not the 5 s of a fresh interpreter) in its own process group, in the tree's directory, with
  * a wall-clock timeout (the group is killed), and a CPU-time limit as a backstop;
  * a memory limit: address space may grow by memory_mb over what the imported libraries hold
    (Gradescope's default machine has 768 MB), so an allocation past it fails with a clear error;
  * one thread (Gradescope's default machine has one CPU; it also keeps float sums in one order);
  * the forbidden-call guard: forbidden functions and modules raise ForbiddenCall when a student's
    function is on the call stack (tests may use them; the student's code may not);
  * hidden tests: plain asserts (no rewritten expressions), no traceback and no captured output in
    the results, only the error's message, and any output that quotes a hidden test is withheld.
A test scores its points when pytest reports it passed; failed, errored, skipped, crashed, timed out
or forbidden scores 0 and says why. Tests run in the manifest's order, seeded: the same submission
gets the same grade every time.

What this does not cover: a determined attacker with code execution inside the grading machine (it
can read the hidden tests' files); run untrusted code only in Gradescope's container.
"""
import ast
import builtins
import fcntl
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from course import blank

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the tree this package lives in
BUILT_ROW = os.path.join(ROOT, "course", "assignment.json")          # a built tree's own manifest row
TEST_TIMEOUT_S = 180     # one test's wall clock, unless the row says otherwise
PREPARE_TIMEOUT_S = 300  # compiling the submitted kernels
MEMORY_MB = 768          # Gradescope's default container memory
OUTPUT_CHARS = 4000      # of a visible test's output kept in results.json
FILE_LIMIT = 256 << 20   # bytes any one file a test writes may grow to (its output included)
# Where graded trees are assembled. Not under /tmp: sandbox.py mounts a fresh /tmp over the one
# the tree would be in, and HumanEval programs would not find the sandbox's helper.
WORK_BASE = os.environ.get("PHI1_COURSE_WORK") or os.path.join(os.path.expanduser("~"), ".cache", "phi1-course")

# Not copied into any tree: version control, caches, build products, measured results.
SKIP_NAMES = {".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".build", "assignment.json",
              ".ipynb_checkpoints"}
SKIP_TOP = {"build", "dist", "data", "out", "runs"}  # run outputs at the top of the repository
SKIP_SUFFIXES = (".pyc", ".so", ".o", ".pyd", ".egg-info", ".pth", ".ninja_log", ".ninja_deps", ".sock")
SKIP_FILES = {"bench/RESULTS.md"}  # measured results


# -----------------------------------------------------------------------------
# The assignment's row, wherever we run

def assignment(name):
    """The row for `name`: from the manifest in the instructor's tree, from course/assignment.json
    in a built student tree (which carries no manifest: the mutants quote the solutions)."""
    if os.path.exists(os.path.join(ROOT, "course", "manifest.py")):
        from course import manifest

        return manifest.get(name).public(with_hidden=True, with_mutants=True)
    if not os.path.exists(BUILT_ROW):
        raise SystemExit("error: no course/manifest.py and no course/assignment.json in this tree")
    with open(BUILT_ROW) as f:
        row = json.load(f)
    if row["name"] != name:
        raise SystemExit(f"error: this tree holds the assignment {row['name']!r}, not {name!r}")
    return row


def student_functions(row):
    """{file: [function names]} the student writes."""
    out = {}
    for b in row["blanks"]:
        path, name = b.split(":", 1)
        out.setdefault(path, []).append(name)
    return out


# -----------------------------------------------------------------------------
# Trees

def skipped(name, top=False):
    return (name in SKIP_NAMES or name.endswith(SKIP_SUFFIXES) or name.startswith(".ninja")
            or (top and name in SKIP_TOP))


def copy_tree(src, dst, keep=lambda rel: True):
    """Copy src to dst without caches and build products; keep(rel_path) filters files."""
    for d, dirs, files in os.walk(src):
        dirs[:] = sorted(x for x in dirs if not skipped(x, top=d == src) and not os.path.islink(os.path.join(d, x)))
        rel_d = os.path.relpath(d, src)
        for f in sorted(files):
            rel = os.path.normpath(os.path.join(rel_d, f))
            full = os.path.join(d, f)
            if skipped(f) or rel in SKIP_FILES or os.path.islink(full) or not os.path.isfile(full) or not keep(rel):
                continue  # links, sockets, fifos: not source
            os.makedirs(os.path.join(dst, rel_d), exist_ok=True)
            try:
                shutil.copy2(full, os.path.join(dst, rel))
            except FileNotFoundError:  # a temporary file that went away meanwhile
                pass


def sync_tree(src, dst):
    """Make dst hold exactly src's files (build products in dst's .build/ stay), rewriting only
    files whose bytes differ: ninja then recompiles only the sources that changed."""
    want = set()
    for d, dirs, files in os.walk(src):
        dirs[:] = [x for x in dirs if not skipped(x, top=d == src)]
        for f in files:
            if skipped(f):
                continue
            rel = os.path.relpath(os.path.join(d, f), src)
            want.add(rel)
            a, b = os.path.join(src, rel), os.path.join(dst, rel)
            with open(a, "rb") as fa:
                data = fa.read()
            if os.path.exists(b):
                with open(b, "rb") as fb:
                    if fb.read() == data:
                        continue
            os.makedirs(os.path.dirname(b), exist_ok=True)
            with open(b, "wb") as fb:
                fb.write(data)
    for d, dirs, files in os.walk(dst):
        dirs[:] = [x for x in dirs if x != ".build"]
        for f in files:
            rel = os.path.relpath(os.path.join(d, f), dst)
            if rel not in want:
                os.remove(os.path.join(d, f))


def find_submitted(submission, rel):
    """The submitted file for the repository path rel: at that path, else the one file anywhere in
    the submission with its name (students upload phi1.py alone, or a zip with a top folder)."""
    exact = os.path.join(submission, rel)
    if os.path.isfile(exact) and not os.path.islink(exact):
        return exact
    hits = []
    for d, dirs, files in os.walk(submission):
        dirs[:] = [x for x in dirs if not skipped(x)]
        if os.path.basename(rel) in files and not os.path.islink(os.path.join(d, os.path.basename(rel))):
            hits.append(os.path.join(d, os.path.basename(rel)))
    return hits[0] if len(hits) == 1 else None


def assemble(row, submission, reference, work):
    """Write the tree to grade into `work`: the reference tree, with the student's files made of
    the blanked reference plus the bodies of the assignment's functions taken from the submission.
    Nothing else of the submission is used (its conftest.py, tests, compiled files, module-level
    code). Returns notes for the results (missing files or functions, parse errors)."""
    staged = tempfile.mkdtemp(prefix="course_stage_")
    notes = []
    try:
        copy_tree(reference, staged)
        for rel, names in student_functions(row).items():
            with open(os.path.join(reference, rel), encoding="utf-8") as f:
                ref = f.read()
            stub = blank.blank(rel, ref, names, row["name"])
            src = find_submitted(submission, rel) if submission else None
            text = stub
            if src is None:
                notes.append(f"{rel}: not in the submission, so none of its functions are written")
            else:
                try:
                    with open(src, encoding="utf-8") as f:
                        theirs = f.read()
                    text, missing = blank.splice(rel, stub, theirs, names)
                    notes += [f"{rel}: no function {n} in the submission" for n in missing]
                except (blank.BlankError, UnicodeDecodeError, SyntaxError) as e:
                    notes.append(f"{rel}: cannot read the submitted file ({e}); graded as not written")
            with open(os.path.join(staged, rel), "w", encoding="utf-8") as f:
                f.write(text)
        os.makedirs(work, exist_ok=True)
        sync_tree(staged, work)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return notes


# -----------------------------------------------------------------------------
# Forbidden calls: a static scan of the student's functions, and a runtime guard

def scan_python(source, names, forbidden, path):
    """(line, what) for each use of a forbidden name in the named functions: importing a forbidden
    module, naming a forbidden function (by its last part: `F.cross_entropy` and `torch.nn.functional.
    cross_entropy` alike), or a string naming either (for importlib / getattr tricks)."""
    funcs = blank.python_functions(source, path)
    modules = [f for f in forbidden if "." not in f]
    leaves = {f.rsplit(".", 1)[1]: f for f in forbidden if "." in f}
    hits = []
    for n in names:
        node = funcs.get(n)
        if node is None:
            continue
        for sub in ast.walk(node):
            what = None
            if isinstance(sub, ast.Import):
                what = next((f for a in sub.names for f in forbidden if a.name == f or a.name.startswith(f + ".")), None)
            elif isinstance(sub, ast.ImportFrom) and sub.module:
                full = [f"{sub.module}.{a.name}" for a in sub.names] + [sub.module]
                what = next((f for x in full for f in forbidden if x == f or x.startswith(f + ".")), None)
                what = what or next((leaves[a.name] for a in sub.names if a.name in leaves), None)
            elif isinstance(sub, ast.Attribute) and sub.attr in leaves:
                what = leaves[sub.attr]
            elif isinstance(sub, ast.Name) and (sub.id in leaves or sub.id in modules):
                what = leaves.get(sub.id) or sub.id
            elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                what = next((f for f in [*modules, *leaves] if re.search(rf"\b{re.escape(f)}\b", sub.value)), None)
                what = leaves.get(what, what)
            if what:
                hits.append((getattr(sub, "lineno", node.lineno), what))
    return hits


def scan_cpp(source, names, forbidden, path):
    masked = blank._mask(source)
    hits = []
    for n in names:
        try:
            s, e, _ = blank.cpp_body_span(source, n, path)
        except blank.BlankError:
            continue
        for f in forbidden:
            for m in re.finditer(rf"\b{re.escape(f)}\b", masked[s:e]):
                hits.append((source.count("\n", 0, s + m.start()) + 1, f))
    return hits


def forbidden_uses(row, tree):
    """["file:line: function uses X"] over the student's functions in `tree`."""
    out = []
    for rel, names in student_functions(row).items():
        path = os.path.join(tree, rel)
        if not os.path.exists(path) or not row["forbidden"]:
            continue
        with open(path, encoding="utf-8") as f:
            src = f.read()
        scan = scan_python if blank.is_python(rel) else scan_cpp
        try:
            hits = scan(src, names, row["forbidden"], rel)
        except blank.BlankError:
            continue
        out += [f"{rel}:{line}: uses {what}, which this assignment forbids" for line, what in hits]
    return out


class ForbiddenCall(BaseException):
    """Raised by the guard; a BaseException, so a student's `except Exception` cannot swallow it."""


def install_guard(row, tree, violations_path):
    """Wrap each forbidden function, and imports of forbidden modules, so that they raise
    ForbiddenCall while one of the student's functions is on the call stack."""
    mine = {os.path.join(tree, rel): tuple(names) for rel, names in student_functions(row).items()
            if blank.is_python(rel)}

    def student_frame():
        """"file:function" of the innermost student function on the stack, or None."""
        f = sys._getframe(2)
        while f is not None:
            names = mine.get(f.f_code.co_filename)
            if names is not None:
                q = f.f_code.co_qualname
                if any(q == n or q.startswith(n + ".<locals>.") for n in names):
                    return f"{os.path.relpath(f.f_code.co_filename, tree)}:{q}"
            f = f.f_back
        return None

    def refuse(what, where):
        msg = f"{where} calls {what}, which this assignment forbids"
        with open(violations_path, "a") as f:
            f.write(msg + "\n")
        raise ForbiddenCall(msg)

    modules = [f for f in row["forbidden"] if "." not in f]
    real_import = builtins.__import__

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and any(name == m or name.startswith(m + ".") for m in modules):
            where = student_frame()
            if where:
                refuse(name, where)
        return real_import(name, globals, locals, fromlist, level)

    if modules:
        builtins.__import__ = guarded_import
    import importlib

    for f in row["forbidden"]:
        if "." not in f:
            continue
        mod, attr = f.rsplit(".", 1)
        try:
            owner = importlib.import_module(mod)
        except ImportError:
            try:  # a class attribute such as torch.nn.CrossEntropyLoss.forward
                m2, cls = mod.rsplit(".", 1)
                owner = getattr(importlib.import_module(m2), cls)
            except (ImportError, ValueError, AttributeError):
                continue
        real = getattr(owner, attr, None)
        if real is None or isinstance(real, (type(sys), type)):
            continue  # a class stays itself (isinstance checks elsewhere); the static scan covers it

        def make(real, f):
            def guarded(*a, **kw):
                where = student_frame()
                if where:
                    refuse(f, where)
                return real(*a, **kw)
            guarded.__name__ = getattr(real, "__name__", attr)
            guarded.__doc__ = getattr(real, "__doc__", None)
            return guarded

        try:
            setattr(owner, attr, make(real, f))
        except (AttributeError, TypeError):
            pass


# -----------------------------------------------------------------------------
# Running one test in a forked process

_preloaded = False


def forget_modules(trees, keep=()):
    """Drop from sys.modules every module loaded from a file inside one of `trees` (except the
    packages named in keep, and their submodules)."""
    roots = tuple(os.path.join(os.path.realpath(t), "") for t in trees)
    for name, mod in list(sys.modules.items()):
        f = getattr(mod, "__file__", None)
        if f and os.path.realpath(f).startswith(roots) and name.split(".")[0] not in keep:
            del sys.modules[name]


def preload():
    """Import the heavy libraries once, before forking: each test's process starts with them.
    (Nothing here may start a thread pool: a forked child would inherit its locks.)"""
    global _preloaded
    if not _preloaded:
        import numpy  # noqa: F401
        import pytest  # noqa: F401
        import torch  # noqa: F401

        try:
            import transformers  # noqa: F401
            from transformers import PhiConfig, PhiForCausalLM  # noqa: F401
        except ImportError:
            pass
        import gc

        # transformers probes for Hugging Face's `kernels` package by importing that name, which
        # finds this repository's kernels/ when the current directory is on sys.path: no module
        # of a tree may be in the image every test process is forked from
        forget_modules((ROOT,), keep=("course",))
        gc.collect()
        gc.freeze()  # the libraries' objects: a test's garbage collections need not walk them again
        _preloaded = True


class _Recorder:
    """pytest plugin: the outcome of the one test, with a short reason."""

    def __init__(self):
        self.outcome, self.reason, self.seen = None, "", False

    def pytest_runtest_logreport(self, report):
        self.seen = True
        if report.skipped:
            self.outcome = "skipped"
            lr = report.longrepr
            self.reason = lr[2] if isinstance(lr, tuple) else str(lr)
        elif report.failed:
            self.outcome = "failed" if report.when == "call" else "error"
            crash = getattr(report.longrepr, "reprcrash", None)
            self.reason = crash.message if crash is not None else str(report.longrepr)[-2000:]
        elif report.when == "call" and self.outcome is None:
            self.outcome = "passed"

    def pytest_collectreport(self, report):
        if report.failed:
            self.outcome = "error"
            self.reason = str(report.longrepr)[-2000:]


def _child(row, tree, test, out_path, result_path, violations_path, memory_mb, cpu_s):
    """The forked test process. Never returns."""
    try:
        os.setsid()
        fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.chdir(tree)
        sys.path[:] = [tree] + [p for p in sys.path if p not in ("", ".", ROOT, tree)]
        for k in [m for m in sys.modules if m == "course" or m.startswith("course.")]:
            del sys.modules[k]  # the tree's own course/ (its tests, helpers) is imported afresh
        forget_modules((ROOT, tree))  # and every other module of a tree: phi1, kernels, ...
        os.environ["TORCH_EXTENSIONS_DIR"] = os.path.join(tree, ".build", "torch_extensions")
        os.environ.pop("PHI1_NO_KERNELS", None)
        import torch

        torch.set_num_threads(1)
        with open("/proc/self/status") as f:
            vm = int(re.search(r"VmSize:\s+(\d+)", f.read()).group(1)) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (vm + (memory_mb << 20), vm + (memory_mb << 20)))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))  # output and files it writes
        install_guard(row, tree, violations_path)
        import pytest

        rec = _Recorder()
        hidden = test["visibility"] == "hidden"
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # no third-party plugins (hypothesis: 5 s)
        args = [test["id"], "-q", "-p", "no:cacheprovider", "-p", "no:unraisableexception", "--rootdir", tree,
                "-o", "addopts=", "-o", "python_files=test_*.py", "--no-header", "-W", "ignore::DeprecationWarning",
                "--tb=no" if hidden else "--tb=short", "--assert=plain" if hidden else "--assert=rewrite"]
        pytest.main(args, plugins=[rec])
        if not rec.seen and rec.outcome is None:
            rec.outcome, rec.reason = "error", f"pytest found no test {test['id']}"
        with open(result_path, "w") as f:
            json.dump({"outcome": rec.outcome or "error", "reason": rec.reason}, f)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    except BaseException as e:  # noqa: BLE001 - report anything, then leave
        try:
            with open(result_path, "w") as f:
                json.dump({"outcome": "error", "reason": f"{type(e).__name__}: {e}"}, f)
        finally:
            os._exit(1)


def _kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_test(row, tree, test, timeout, memory_mb=MEMORY_MB):
    """Run one graded test in its own process. Returns dict(outcome, reason, output, seconds)."""
    preload()
    tree = os.path.realpath(tree)
    tmp = tempfile.mkdtemp(prefix="course_test_")
    out_path, result_path, viol = (os.path.join(tmp, n) for n in ("output", "result.json", "violations"))
    t0 = time.time()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        _child(row, tree, test, out_path, result_path, viol, memory_mb, int(timeout) + 5)
    status, timed_out = None, False
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.time() - t0 > timeout:
            _kill_group(pid)
            os.waitpid(pid, 0)
            timed_out = True
            break
        time.sleep(0.05)
    _kill_group(pid)  # whatever the test left running
    seconds = time.time() - t0
    output = ""
    if os.path.exists(out_path):
        with open(out_path, "rb") as f:  # the tail: a test may have printed far more
            f.seek(max(0, os.path.getsize(out_path) - 65536))
            output = f.read().decode(errors="replace")
    res = {"outcome": "error", "reason": ""}
    have_result = os.path.exists(result_path)
    if have_result:
        with open(result_path) as f:
            res = json.load(f)
    forbidden = open(viol).read().splitlines() if os.path.exists(viol) else []
    shutil.rmtree(tmp, ignore_errors=True)
    if timed_out:
        res = {"outcome": "timeout", "reason": f"timed out after {timeout:.0f} s (an endless loop, a deadlock, or far too slow)"}
    elif not have_result or (status and os.WIFSIGNALED(status)):
        sig = os.WTERMSIG(status) if status and os.WIFSIGNALED(status) else None
        name = signal.Signals(sig).name if sig else "exit"
        why = {"SIGXCPU": "ran out of CPU time", "SIGKILL": "was killed (memory or time)",
               "SIGSEGV": "crashed (segmentation fault: an out-of-bounds access?)",
               "SIGABRT": "aborted (a blanked or failing C++/CUDA check?)"}.get(name, f"died ({name})")
        res = {"outcome": "crashed", "reason": f"the test process {why}"}
    if re.search(r"can't allocate memory|MemoryError|std::bad_alloc|Cannot allocate memory", output + res["reason"]):
        res["reason"] = f"over the memory limit ({memory_mb} MB beyond the libraries): " + res["reason"]
    if forbidden:
        res = {"outcome": "forbidden", "reason": forbidden[0]}
    return dict(res, output=output, seconds=seconds)


def prepare(row, tree, timeout=PREPARE_TIMEOUT_S):
    """Run the row's build steps (compiling the submitted kernels) in tree. Returns None or the
    first error lines."""
    env = dict(os.environ, TORCH_EXTENSIONS_DIR=os.path.join(tree, ".build", "torch_extensions"), PYTHONPATH=tree)
    for cmd in row.get("prepare", []):
        argv = [sys.executable if c == "python" else c for c in cmd]
        try:
            r = subprocess.run(argv, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return f"building the submission ({' '.join(cmd)}) took over {timeout} s"
        if r.returncode != 0:
            err = [ln for ln in (r.stdout + r.stderr).splitlines() if "error" in ln.lower()]
            return f"building the submission failed ({' '.join(cmd)}):\n" + "\n".join((err or (r.stdout + r.stderr).splitlines())[:15])
    return None


# -----------------------------------------------------------------------------
# Grading

def hidden_lines(row, tree):
    """Lines of the hidden tests' source that students cannot see elsewhere (the visible tests,
    the helpers): output quoting one of them is withheld."""
    def lines(path):
        with open(path, encoding="utf-8") as f:
            return {ln.strip() for ln in f if len(ln.strip()) >= 12}

    secret, public = set(), set()
    for t in row["tests"]:
        path = os.path.join(tree, t["id"].split("::")[0])
        if os.path.exists(path):
            (secret if t["visibility"] == "hidden" else public).update(lines(path))
    helpers = os.path.join(tree, "course", "tests", "helpers.py")
    if os.path.exists(helpers):
        public |= lines(helpers)
    return secret - public


def _clean_output(test, res, secret):
    reason = (res["reason"] or "").strip()
    if test["visibility"] == "hidden":
        text = "\n".join(reason.splitlines()[:3])[:500]
    else:
        text = (reason + "\n\n" + res["output"].strip()[-OUTPUT_CHARS:]).strip()
    if any(s in text for s in secret):
        text = "(output withheld: it quotes a hidden test)"
    return text


def run_all(row, tree, tests=None, stop_at_failure=False, budget_s=None, notes=(), progress=None):
    """Grade `tree` as it is: prepare, forbidden-call scan, then each test. Returns results.json's dict."""
    tests = row["tests"] if tests is None else tests
    budget_s = budget_s or row["time_budget_s"]
    t0 = time.time()
    secret = hidden_lines(row, tree)
    results, blocked = [], None
    forbidden = forbidden_uses(row, tree)
    if forbidden:
        blocked = "not graded: " + "; ".join(forbidden[:5])
    if blocked is None:
        blocked = prepare(row, tree)
    failed = False
    for t in tests:
        entry = {"name": t["name"], "max_score": t["points"], "score": 0.0, "status": "failed",
                 "visibility": t["visibility"]}
        left = budget_s - (time.time() - t0)
        if blocked:
            entry["output"] = blocked
        elif stop_at_failure and failed:
            entry["output"] = "not run (an earlier test already failed)"
        elif left < 5:
            entry["output"] = f"not run: the assignment's time budget of {budget_s} s ran out"
        else:
            res = run_test(row, tree, t, min(t.get("timeout", TEST_TIMEOUT_S), left))
            if res["outcome"] == "passed":
                entry.update(score=float(t["points"]), status="passed")
            else:
                failed = True
                if res["outcome"] == "skipped":
                    res["reason"] = f"skipped, which scores 0: {res['reason']}"
            entry["output"] = _clean_output(t, res, secret) if res["outcome"] != "passed" else "passed"
            entry["execution_time"] = round(res["seconds"], 2)
            entry["outcome"] = res["outcome"]
        if progress:
            progress(entry)
        results.append(entry)
    total = sum(e["score"] for e in results)
    out = {"score": total, "execution_time": round(time.time() - t0, 1), "visibility": "visible",
           "output": "\n".join([*notes, f"{total:g} of {sum(e['max_score'] for e in results):g} points"]),
           "tests": results}
    return out


def grade(row, submission, work=None, reference=ROOT, **kw):
    """Grade a submission directory: assemble it into `work` (a fresh temporary tree by default),
    then run_all. A given `work` is locked: two builds of one assignment must not share it."""
    own = work is None
    os.makedirs(WORK_BASE, exist_ok=True)
    work = work or tempfile.mkdtemp(prefix="grade_", dir=WORK_BASE)
    lock = open(work.rstrip(os.sep) + ".lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit(f"error: {work} is in use by another build or grading of {row['name']}; "
                         f"wait for it, or pass another --work") from None
    try:
        notes = assemble(row, submission, reference, work)
        return run_all(row, work, notes=notes, **kw)
    finally:
        lock.close()
        if own:
            shutil.rmtree(work, ignore_errors=True)
            os.remove(work.rstrip(os.sep) + ".lock")


def write_results(results, path):
    """results.json, atomically (a half-written file would read as a crashed autograder)."""
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".results.")
    with os.fdopen(fd, "w") as f:
        json.dump(results, f, indent=2)
    os.replace(tmp, path)
