"""Find functions in source files and replace their bodies: blank them for students, splice a
student's bodies into the reference, apply mutants, and scan a tree for leaked bodies.

Python functions are found on the syntax tree (`ast`), by qualified name: `apply_rotary`,
`LayerCache.update`, `train.<locals>.save`. The body is the exact source span of its statements
after the docstring, so the signature, decorators, docstring and the comments above the function
stay as they are. C++ and CUDA functions are found by name in source with comments and literals
masked out: the one definition `name(...) {` in the file (an overloaded name is an error).

What this covers: functions, methods and nested functions; one-line bodies; C++ templates and
CUDA __global__/__device__ functions. What it does not: Python lambdas and class bodies, C++
overloads and functions defined by macros.
"""
import ast
import re
import textwrap


class BlankError(ValueError):
    """A manifest row names something that is not in the source as written."""


# -----------------------------------------------------------------------------
# Python

def _offsets(source):
    """Character offset of each line start, and a converter from ast's (line, UTF-8 byte col)."""
    starts, pos = [], 0
    for line in source.splitlines(keepends=True):
        starts.append(pos)
        pos += len(line)
    starts.append(pos)
    lines = source.splitlines(keepends=True)

    def at(lineno, col):
        return starts[lineno - 1] + len(lines[lineno - 1].encode()[:col].decode(errors="replace"))

    return at


def python_functions(source, filename="<source>"):
    """{qualname: FunctionDef} for every function, method and nested function in the source."""
    try:
        tree = ast.parse(source, filename)
    except SyntaxError as e:
        raise BlankError(f"{filename}: line {e.lineno}: {e.msg}") from None
    found = {}

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + child.name
                found.setdefault(name, child)
                visit(child, name + ".<locals>.")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def _python_body(source, node):
    """(start, end, indent) of the body statements after the docstring, as character offsets. A
    body on its own lines starts at the start of its first line; a one-line body (`def f(): pass`)
    where it starts; a docstring-only body is the empty span right after the docstring."""
    at = _offsets(source)
    body = node.body
    has_doc = (isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
               and isinstance(body[0].value.value, str))
    stmts = body[1:] if has_doc else body
    if not stmts:
        end = at(body[0].end_lineno, body[0].end_col_offset)
        return end, end, " " * body[0].col_offset
    first, last = stmts[0], stmts[-1]
    own_line = first.lineno > (body[0].end_lineno if has_doc else node.body[0].lineno - 1) \
        and source.splitlines()[first.lineno - 1][:first.col_offset].strip() == ""
    if own_line:
        return at(first.lineno, 0), at(last.end_lineno, last.end_col_offset), " " * first.col_offset
    return at(first.lineno, first.col_offset), at(last.end_lineno, last.end_col_offset), " " * (node.col_offset + 4)


def python_body_span(source, qualname, filename="<source>"):
    node = python_functions(source, filename).get(qualname)
    if node is None:
        raise BlankError(f"{filename}: no function {qualname}")
    return _python_body(source, node)


def _comment_lines(text, indent):
    """The full-line comments of a body, re-indented: they explain, they do not solve."""
    keep = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("#")]
    return "".join(f"{indent}{c}\n" for c in keep)


def _stub_python(assignment, qualname, body, indent, at_line_start):
    msg = f"{assignment}: {qualname} is yours to write"
    stub = _comment_lines(body, indent) + f"{indent}raise NotImplementedError({msg!r})"
    return stub if at_line_start else "\n" + stub


# -----------------------------------------------------------------------------
# C++ / CUDA

def _mask(source):
    """The source with comments and string/char literals replaced by spaces (offsets kept)."""
    out, i, n = list(source), 0, len(source)
    while i < n:
        c = source[i]
        if source.startswith("//", i):
            j = source.find("\n", i)
            j = n if j < 0 else j
        elif source.startswith("/*", i):
            j = source.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif c in "\"'":
            j = i + 1
            while j < n and source[j] != c:
                j += 2 if source[j] == "\\" else 1
            j = min(j + 1, n)
        else:
            i += 1
            continue
        for k in range(i, j):
            if out[k] != "\n":
                out[k] = " "
        i = j
    return "".join(out)


def _match(masked, i, open_, close):
    """Offset just past the bracket that closes the one at masked[i]."""
    depth = 0
    for j in range(i, len(masked)):
        if masked[j] == open_:
            depth += 1
        elif masked[j] == close:
            depth -= 1
            if depth == 0:
                return j + 1
    raise BlankError("unbalanced brackets")


_AFTER_PARAMS = re.compile(r"\s*(?:(?:const|noexcept|override|final|mutable)\b\s*|->\s*[\w:<>,\s*&]+?(?=\{))*\{")


def cpp_functions(source):
    """{name: [(body_start, body_end, is_device)]}: the definitions' brace-delimited bodies."""
    masked = _mask(source)
    found = {}
    for m in re.finditer(r"\b([A-Za-z_]\w*)\s*\(", masked):
        name = m.group(1)
        if name in ("if", "for", "while", "switch", "return", "catch", "sizeof", "decltype",
                    "__launch_bounds__", "alignas", "static_assert"):
            continue
        try:
            close = _match(masked, m.end() - 1, "(", ")")
        except BlankError:
            continue
        after = _AFTER_PARAMS.match(masked, close)
        if not after:
            continue
        # a definition starts a statement: only a type (words, templates, pointers) before the name
        before = masked[max(0, m.start() - 300):m.start()]
        stmt = re.split(r"[;{}]|\)\s*$", before)[-1] if before else ""
        if "=" in stmt or "(" in stmt.replace("__launch_bounds__(", "").split(")")[-1]:
            continue
        brace = after.end() - 1
        end = _match(masked, brace, "{", "}")
        device = bool(re.search(r"\b__(global|device)__\b", stmt))
        found.setdefault(name, []).append((brace, end, device))
    return found


def cpp_body_span(source, name, filename="<source>"):
    spans = cpp_functions(source).get(name, [])
    if not spans:
        raise BlankError(f"{filename}: no function definition {name}(...) {{...}}")
    if len(spans) > 1:
        raise BlankError(f"{filename}: {len(spans)} definitions of {name} (overloads cannot be blanked by name)")
    return spans[0]


def _stub_cpp(assignment, name, body, device):
    msg = f"{assignment}: {name} is yours to write"
    comments = "".join(f"  {ln.strip()}\n" for ln in body.splitlines() if ln.strip().startswith("//"))
    if device:  # device code has no exceptions: trap on a GPU, abort in the CPU emulation
        stop = (f"#ifdef __CUDA_ARCH__\n  printf(\"%s\\n\", {msg!r});\n  __trap();\n#else\n"
                f"  fprintf(stderr, \"%s\\n\", {msg!r});\n  abort();\n#endif\n").replace("'", '"')
    else:
        stop = f"  throw std::runtime_error(\"{msg}\");\n"
    return "{\n" + comments + stop + "}"


# -----------------------------------------------------------------------------
# The operations the course needs, on one file's text

def is_python(path):
    return path.endswith(".py")


def body_spans(path, source, names):
    """{name: (start, end)} of each named function's body (replaceable part) in source."""
    out = {}
    for name in names:
        if is_python(path):
            start, end, _ = python_body_span(source, name, path)
        else:
            start, end, _ = cpp_body_span(source, name, path)
        out[name] = (start, end)
    spans = sorted(out.values())
    for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
        if b0 < a1:
            raise BlankError(f"{path}: two blanked functions overlap (one is nested in the other)")
    return out


def bodies(path, source, names):
    """{name: body text} of each named function."""
    return {n: source[s:e] for n, (s, e) in body_spans(path, source, names).items()}


def replace_bodies(path, source, new):
    """source with each function's body replaced: new = {name: body text}."""
    spans = body_spans(path, source, list(new))
    for name, (s, e) in sorted(spans.items(), key=lambda kv: -kv[1][0]):
        source = source[:s] + new[name] + source[e:]
    return source


def blank(path, source, names, assignment):
    """The student's version of one file: each named function's body becomes a stub that raises
    (Python: NotImplementedError; C++: std::runtime_error; device code: trap/abort) naming the
    assignment; its full-line comments stay."""
    new = {}
    for name in names:
        if is_python(path):
            start, end, indent = python_body_span(source, name, path)
            at_line_start = start == 0 or source[start - 1] == "\n"
            new[name] = _stub_python(assignment, name, source[start:end], indent, at_line_start)
        else:
            start, end, device = cpp_body_span(source, name, path)
            new[name] = _stub_cpp(assignment, name, source[start:end], device)
    return replace_bodies(path, source, new)


def apply_mutant(path, source, find, replace, names):
    """source with the one occurrence of `find` replaced; it must lie inside a blanked body."""
    count = source.count(find)
    if count != 1:
        raise BlankError(f"{path}: the mutant's text occurs {count} times (must be exactly once): {find!r}")
    i = source.index(find)
    if not any(s <= i and i + len(find) <= e for s, e in body_spans(path, source, names).values()):
        raise BlankError(f"{path}: the mutant's text is not inside a blanked function: {find!r}")
    return source.replace(find, replace)


def splice(path, reference, submitted, names):
    """The reference file with the named functions' bodies taken from the submitted file; the rest
    of the submitted file (imports, module-level code, other functions) is ignored. Returns
    (source, notes): notes say which functions were missing and stayed blanked."""
    try:
        theirs = bodies(path, submitted, names) if names else {}
    except BlankError as e:
        if "no function" not in str(e):
            raise
        theirs = {}
        for n in names:
            try:
                theirs.update(bodies(path, submitted, [n]))
            except BlankError:
                pass
    missing = [n for n in names if n not in theirs]
    if is_python(path):
        # a body moves with its indentation: re-indent the student's to the reference's
        for n, text in theirs.items():
            start, _, want = python_body_span(reference, n, path)
            s_start, _, have = python_body_span(submitted, n, path)
            if not (s_start == 0 or submitted[s_start - 1] == "\n"):
                text = have + text                       # their one-line body, now on its own line
            if want != have:
                text = textwrap.indent(textwrap.dedent(text), want)
            if not (start == 0 or reference[start - 1] == "\n"):
                text = "\n" + text
            theirs[n] = text
    return replace_bodies(path, reference, theirs), missing


# -----------------------------------------------------------------------------
# Leak scan

MIN_LEAK_LINE = 20  # a shorter line (`return out`, `workers=workers)`) is too generic to call a leak


def code_lines(text, python):
    out = set()
    for ln in text.splitlines():
        s = ln.strip()
        if python:
            s = s.split("  #")[0].rstrip()
        else:
            s = s.split("  //")[0].rstrip()
        header = s.endswith((":", "{", "}", "};"))  # `if x:`, `for (...) {`: structure, not substance
        if len(s) >= MIN_LEAK_LINE and not header and not s.startswith(("#", "//", "/*", "*")):
            out.add(s)
    return out


def leak_lines(path, reference, names):
    """Lines of the named bodies that appear nowhere else in their file: finding one of them in
    the student tree means a blanked body leaked (a copy, a cache, a mutant's text)."""
    spans = body_spans(path, reference, names)
    inside, outside, last = "", [], 0
    for s, e in sorted(spans.values()):
        inside += reference[s:e] + "\n"
        outside.append(reference[last:s])
        last = e
    outside.append(reference[last:])
    rest = code_lines("\n".join(outside), is_python(path))
    return code_lines(inside, is_python(path)) - rest
