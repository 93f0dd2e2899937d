"""The modules import one way: read every import of the project's files with `ast`, at the top and
inside functions alike, and fail on a circle or on a lower layer reaching up.

The layers, lowest first (README, "Reading the code"):
  0  audiences.py                                        a data table: who the offline data is for
  1  sandbox.py, curriculum.py, compose.py, kernels/   need nothing of the project but that table
  2  phi1.py                                             the tokenizer, the model, training
  3  data_gen.py, eval_humaneval.py                      data and evaluation, on phi1's tokenizer
  4  llm.py                                              data written by an LLM server
  5  quality.py                                          the quality filter for real code
The one upward import allowed: phi1.py's recipe (the --tiny/--small/--phi1 entry) drives data_gen
and eval_humaneval, in the function `recipe` alone.
"""
import ast
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAYERS = {"audiences": 0, "sandbox": 1, "curriculum": 1, "compose": 1, "kernels": 1, "phi1": 2,
          "data_gen": 3, "eval_humaneval": 3, "llm": 4, "quality": 5}
ALLOWED_UP = {("phi1", "recipe", "data_gen"), ("phi1", "recipe", "eval_humaneval")}


def project_modules():
    """{module name: [files]} for the top-level .py files and the kernels package."""
    mods = {f[:-3]: [os.path.join(ROOT, f)] for f in os.listdir(ROOT)
            if f.endswith(".py") and f != "setup.py"}
    kdir = os.path.join(ROOT, "kernels")
    mods["kernels"] = [os.path.join(kdir, f) for f in os.listdir(kdir) if f.endswith(".py")]
    return mods


def imports(files, known):
    """[(function the import sits in or None, imported project module)] of these files."""
    found = []
    for path in files:
        tree = ast.parse(open(path).read(), path)

        def visit(node, func):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    visit(child, func or child.name)
                    continue
                names = []
                if isinstance(child, ast.Import):
                    names = [a.name.split(".")[0] for a in child.names]
                elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                    names = [child.module.split(".")[0]]
                found.extend((func, n) for n in names if n in known)
                visit(child, func)

        visit(tree, None)
    return found


def test_every_module_has_a_layer():
    missing = sorted(set(project_modules()) - set(LAYERS))
    assert not missing, f"give these modules a layer in LAYERS (and the README): {missing}"


def test_imports_go_one_way():
    mods = project_modules()
    bad, graph = [], {m: set() for m in mods}
    for mod, files in mods.items():
        for func, target in imports(files, mods):
            if target == mod:
                continue
            if (mod, func, target) in ALLOWED_UP:
                continue
            graph[mod].add(target)
            if LAYERS.get(target, 99) >= LAYERS.get(mod, -1) and target != mod:
                where = f"{mod}.{func}()" if func else f"{mod} (top level)"
                bad.append(f"{where} imports {target}: layer {LAYERS.get(target)} from layer {LAYERS.get(mod)}")
    assert not bad, "imports that reach up or sideways:\n" + "\n".join(bad)

    # and no circle at all, whatever the table says
    state = {}

    def visit(m, path):
        state[m] = "open"
        for t in sorted(graph[m]):
            if state.get(t) == "open":
                raise AssertionError("import circle: " + " -> ".join(path + [m, t]))
            if t not in state:
                visit(t, path + [m])
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m, [])


def test_the_allowed_upward_imports_are_in_the_recipe_only():
    found = {(f, t) for f, t in imports(project_modules()["phi1"], set(LAYERS)) if LAYERS[t] > 1}
    assert found <= {("recipe", "data_gen"), ("recipe", "eval_humaneval")}, found


def test_installing_shadows_no_module(tmp_path):
    """`pip install -e .` installs the dependencies only: from another directory, none of the
    project's module names (kernels, llm, sandbox, ...) resolves into this checkout."""
    import subprocess
    import sys

    names = sorted(project_modules())
    code = ("import importlib.util, json, sys; "
            "print(json.dumps({n: getattr(importlib.util.find_spec(n), 'origin', None) for n in sys.argv[1:]}))")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    r = subprocess.run([sys.executable, "-c", code, *names], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    import json

    found = {n: o for n, o in json.loads(r.stdout).items() if o and os.path.abspath(o).startswith(ROOT + os.sep)}
    assert not found, f"importable from anywhere, pointing into the checkout: {found}"
