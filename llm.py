"""llm.py: synthetic textbooks and exercises from a real language model, over the OpenAI API.

phi-1's synthetic data came from GPT-3.5 (docs/paper.md "Data"): textbooks made diverse by
constraining topic and target audience, exercises by constraining function names. This file
asks any OpenAI-compatible server (OpenAI, vLLM, llama.cpp's server, Ollama) for the same kind
of data, then runs it through data_gen.py's checks, so what reaches training has run:

    export OPENAI_API_KEY=...            # optional for local servers
    python llm.py exercises --out data/llm/exercises.jsonl --n 1000 --seed 0 \\
        --base-url https://api.openai.com/v1 --model gpt-4o-mini --in-flight 16
    python llm.py textbooks --out data/llm/textbooks.jsonl --n 500 ...

How a run goes:
  prompts   prompt i is drawn from (seed, i) alone: topic x audience x concept x two words of
            the audience's vocabulary, and for exercises a required function name (curriculum.py's
            pools); a repeated prompt is skipped. A record's id is the hash of its prompt, and the
            record keeps the prompt and seed under `origin`.
  requests  `--in-flight` requests at once (a thread pool over urllib, or over the openai package
            with --openai-client). Each one is
            retried with exponential backoff on 429, 5xx, timeouts, dropped connections and
            malformed bodies; a 429's Retry-After is obeyed. 401/403/404 stop the run (wrong key,
            URL or model). Tokens are counted from the server's `usage`; cost from --price-in/out.
  journal   every answer is appended to OUT.responses.jsonl as soon as it arrives (one line,
            flushed and fsynced). A rerun skips the ids already there, so a killed run resumes
            losing at most the requests that were in flight; a torn last line is dropped.
  checks    answers that do not follow the format are rejected with a reason (no code block,
            wrong function name, no docstring, no tests, syntax error, cut off at max_tokens).
            The rest go through data_gen.py's execution check (exercises must pass their own
            asserts; a lesson's code blocks must run and, when it shows every output, print exactly
            what it shows), exact + near dedup and HumanEval decontamination, as offline data does.
  output    OUT (JSONL, data_gen.py's record format), OUT.report.json (counts, reasons, tokens,
            cost, retries), OUT.dedup.json, OUT.decontam.json. Feed OUT to `data_gen.py pack`.

What it does not do: judge quality beyond "runs, is new, is not HumanEval" (a lesson can run and
still teach badly), stream, or use the Batch API. The wire format is a single POST, so urllib is
the default and nothing needs installing; `--openai-client` sends through the official package
instead (an optional extra) with its retries off, under the same policy and counters. Tests talk
to tests/openai_server.py over loopback, no mocks. `--timeout` bounds each socket operation, not
a whole answer.
"""
import argparse
import ast
import concurrent.futures
import email.utils
import hashlib
import http.client
import json
import os
import random
import re
import socket
import sys
import threading
import time
import urllib.error
import urllib.request

from tqdm import tqdm

import curriculum
import data_gen

RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}  # worth another try; other errors are final
FATAL_STATUS = {401, 403, 404}                      # the whole run is misconfigured: stop


def die(msg):
    sys.exit(f"llm.py: error: {msg}")


class LLMError(RuntimeError):
    """A request that failed for good (after its retries, or with a non-retryable status)."""

    def __init__(self, msg, fatal=False):
        super().__init__(msg)
        self.fatal = fatal

# -----------------------------------------------------------------------------
# the client: one chat completion per call, with retries, thread-safe counters


class Failure(Exception):
    """One failed attempt, as either transport reports it: kind is "status" (an HTTP error
    status), "timeout" or "connection" (refused, reset, closed mid-answer)."""

    def __init__(self, kind, msg, status=None, retry_after=None):
        super().__init__(msg)
        self.kind, self.status, self.retry_after = kind, status, retry_after


class Client:
    """A chat-completions client. Transport: urllib (default), or the official `openai` package
    (`use_openai=True`, pip install openai) with its own retries off, so both share the policy
    below and report the same counters."""

    def __init__(self, base_url, model, api_key=None, timeout=60.0, max_retries=6,
                 backoff=1.0, max_wait=120.0, use_openai=False):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model, self.api_key, self.timeout = model, api_key, timeout
        self.max_retries, self.backoff, self.max_wait = max_retries, backoff, max_wait
        self.sdk = None
        if use_openai:
            try:
                import openai
            except ImportError:
                raise LLMError("--openai-client needs the openai package: pip install openai", fatal=True)
            self.sdk = openai.OpenAI(base_url=base_url, api_key=api_key or "none", timeout=timeout, max_retries=0)
        self.lock = threading.Lock()
        self.stats = dict(requests=0, retries=0, rate_limited=0, timeouts=0, server_errors=0,
                          malformed=0, connection_errors=0, failed=0, prompt_tokens=0,
                          completion_tokens=0, waited_s=0.0)

    def count(self, **kw):
        with self.lock:
            for k, v in kw.items():
                self.stats[k] += v

    def wait_before(self, attempt, retry_after):
        """Seconds to sleep before retry number `attempt` (1, 2, ...): the server's Retry-After when
        it sent one, else backoff * 2^(attempt-1), with up to 25% random jitter so that many
        workers hit by the same 429 do not all come back at the same instant."""
        if retry_after is not None:
            return min(self.max_wait, retry_after)
        return min(self.max_wait, self.backoff * 2 ** (attempt - 1) * (1 + 0.25 * random.random()))

    def chat(self, messages, max_tokens=1024, temperature=1.0, seed=None):
        """-> (text, finish_reason, usage dict). Raises LLMError when every attempt failed."""
        body = {"model": self.model, "messages": messages, "max_tokens": max_tokens,
                "temperature": temperature}
        if seed is not None:
            body["seed"] = seed  # honoured by OpenAI and vLLM (best effort), ignored elsewhere
        last = "no attempt"
        for attempt in range(self.max_retries + 1):
            retry_after = None
            self.count(requests=1)
            try:
                raw = self.post_sdk(body) if self.sdk else self.post_urllib(body)
                try:
                    return self.parse(raw)
                except (ValueError, KeyError, IndexError, TypeError) as e:
                    last = f"malformed response: {type(e).__name__}: {e}"
                    self.count(malformed=1)
            except Failure as e:
                last = str(e)
                if e.kind == "status":
                    if e.status in FATAL_STATUS:
                        self.count(failed=1)
                        raise LLMError(f"{self.url}: {last}", fatal=True)
                    if e.status not in RETRY_STATUS:
                        self.count(failed=1)
                        raise LLMError(last)
                    self.count(**({"rate_limited": 1} if e.status == 429 else {"server_errors": 1}))
                    retry_after = parse_retry_after(e.retry_after)
                else:
                    self.count(**{"timeouts" if e.kind == "timeout" else "connection_errors": 1})
            if attempt < self.max_retries:
                pause = self.wait_before(attempt + 1, retry_after)
                self.count(retries=1, waited_s=pause)
                time.sleep(pause)
        self.count(failed=1)
        raise LLMError(f"gave up after {self.max_retries + 1} attempts; last: {last}")

    def post_urllib(self, body):
        """POST the request; the raw response body, or Failure."""
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        req = urllib.request.Request(self.url, data=json.dumps(body).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.read()
        except urllib.error.HTTPError as e:
            detail = e.read()[:200].decode(errors="replace").strip()
            raise Failure("status", f"HTTP {e.code} {e.reason}: {detail}", e.code, e.headers.get("Retry-After"))
        except (TimeoutError, socket.timeout):
            raise Failure("timeout", f"timed out after {self.timeout} s")
        except urllib.error.URLError as e:
            if isinstance(e.reason, (TimeoutError, socket.timeout)):
                raise Failure("timeout", f"timed out after {self.timeout} s")
            raise Failure("connection", f"cannot connect to {self.url}: {e.reason}")
        except (http.client.HTTPException, ConnectionError) as e:  # dropped mid-answer
            raise Failure("connection", f"connection broken: {type(e).__name__}: {e}")

    def post_sdk(self, body):
        """The same through the openai package; its raw body is parsed by us, like urllib's."""
        import openai
        try:
            return self.sdk.chat.completions.with_raw_response.create(**body).http_response.content
        except openai.APIStatusError as e:
            detail = e.response.text[:200].strip()
            raise Failure("status", f"HTTP {e.status_code}: {detail}", e.status_code, e.response.headers.get("Retry-After"))
        except openai.APITimeoutError:
            raise Failure("timeout", f"timed out after {self.timeout} s")
        except openai.APIConnectionError as e:
            raise Failure("connection", f"cannot connect to {self.url} or connection broken: {e}")

    def parse(self, raw):
        resp = json.loads(raw)
        choice = resp["choices"][0]
        text = choice["message"]["content"]
        if not isinstance(text, str):
            raise TypeError(f"message content is {type(text).__name__}, not a string")
        usage = resp.get("usage") or {}
        pt, ct = int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))
        self.count(prompt_tokens=pt, completion_tokens=ct)
        return text, choice.get("finish_reason"), {"prompt_tokens": pt, "completion_tokens": ct}


def parse_retry_after(value):
    """Retry-After is either seconds or an HTTP date (RFC 9110 10.2.3); None when absent/garbled."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None

# -----------------------------------------------------------------------------
# prompts: the paper's diversity knobs, drawn from (seed, index) alone

SYSTEM = "You are an expert Python teacher who writes clear, correct, self-contained material."

TEXTBOOK = """Write a section of a Python textbook on {topic}, for {who}. Focus on this concept: {concept}.
Use {ctx} as the running example, with values such as {words}.

Explain the idea in plain prose first, then show it in short ```python code blocks. The code blocks,
run one after another as a single program, must work with only the standard library and print
their results. Right after each code block that prints, show exactly what it prints in a plain ```
block. End with two short practice questions. About 400 words, in markdown."""

EXERCISE = """Write one Python exercise on {topic} for {who}, in the setting of {ctx}.
The function must be named `{name}` (the name suggests the task: {concept}).
Where the examples need values, use words such as {words}.

Answer with exactly two ```python code blocks and nothing else:
1. the function: its signature, a docstring that states the task and gives one or two examples,
   then a correct solution using only the standard library;
2. at least three `assert {name}(...) == ...` lines that test it, including an edge case."""


def concept_pool(topic):
    """The concepts curriculum.py teaches under `topic`: (description, function names)."""
    if topic == "small classes":
        return [(f"a small class such as `{c.names[0]}`", c.names) for c in curriculum.CLASSES]
    return [(curriculum.fill(f.doc[0], {f"${l}": f"`{c[0]}`" for l, c in zip("abc", f.args)}), f.names)
            for f in curriculum.F if f.topic == topic]


def make_spec(kind, seed, index):
    """The prompt of draw `index` of a `kind` run with `seed`: deterministic in those alone."""
    r = random.Random(f"{seed}:llm-{kind}:{index}")
    topics = curriculum.TOPICS if kind == "textbooks" else [t for t in curriculum.TOPICS if t != "small classes"]
    topic = r.choice(topics)
    who, ctx, vocab = r.choice(curriculum.AUDIENCES)
    concept, names = r.choice(concept_pool(topic))
    # two words from the audience's vocabulary for the examples: audience x function name alone
    # give ~23k distinct exercise prompts (60 x 384 today), far below the paper's ~880k
    # exercises; an ordered pair of ~30 words multiplies that by ~870
    words = " and ".join(f"'{w}'" for w in r.sample(vocab.split(), 2))
    spec = {"kind": kind, "seed": seed, "index": index, "topic": topic, "audience": who}
    if kind == "textbooks":
        user = TEXTBOOK.format(topic=topic, who=who, concept=concept, ctx=ctx, words=words)
    else:
        spec["name"] = r.choice(names)
        user = EXERCISE.format(topic=topic, who=who, ctx=ctx, name=spec["name"], concept=concept, words=words)
    spec["messages"] = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]
    # a record's id is the hash of its prompt: the same prompt is never asked twice across resumes
    spec["id"] = "llm-" + hashlib.sha256(json.dumps(spec["messages"], sort_keys=True).encode()).hexdigest()[:16]
    spec["request_seed"] = r.randrange(2**31)
    return spec


def make_specs(kind, seed, n):
    """n distinct prompts: draws 0, 1, 2, ... with a repeated prompt skipped (ids are prompt hashes,
    so a repeat would be one record, not two). The first n of a run do not depend on n."""
    specs, seen, draw = [], set(), 0
    while len(specs) < n:
        if draw > 2 * n + 1000:
            die(f"fewer than {n} distinct {kind} prompts for seed {seed} (got {len(specs)})")
        spec = make_spec(kind, seed, draw)
        draw += 1
        if spec["id"] not in seen:
            seen.add(spec["id"])
            specs.append(spec)
    return specs

# -----------------------------------------------------------------------------
# answers -> records, or a reason for rejecting them

CODE = re.compile(r"```(?:python|py|python3)[ \t]*\n(.*?)```", re.S)
OUTPUT = re.compile(r"```(?:text|output|console)?[ \t]*\n(.*?)```", re.S)


def parse_exercise(spec, text):
    """-> (record, None) or (None, reason). The record has data_gen's exercise fields."""
    blocks = CODE.findall(text)
    if len(blocks) < 2:
        return None, f"expected 2 ```python blocks, found {len(blocks)}"
    src, tests = blocks[0], blocks[1]
    try:
        tree = ast.parse(src)
    except SyntaxError as e:
        return None, f"function block: SyntaxError line {e.lineno}: {e.msg}"
    fns = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == spec["name"]]
    if not fns:
        found = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
        return None, f"no function `{spec['name']}` (found {found or 'none'})"
    fn = fns[0]
    if ast.get_docstring(fn) is None or len(fn.body) < 2:
        return None, "the function has no docstring or no body after it"
    try:
        test_tree = ast.parse(tests)
    except SyntaxError as e:
        return None, f"test block: SyntaxError line {e.lineno}: {e.msg}"
    if sum(isinstance(n, ast.Assert) for n in ast.walk(test_tree)) < 1:
        return None, "the test block has no assert"
    lines = src.splitlines(keepends=True)
    cut = fn.body[0].end_lineno  # the prompt is everything up to the docstring's last line
    prompt, solution = "".join(lines[:cut]), "".join(lines[cut:])
    return {"prompt": prompt, "solution": solution.rstrip() + "\n", "tests": "\n\n" + tests.strip() + "\n",
            "entry_point": spec["name"]}, None


def parse_textbook(spec, text):
    """-> (record, None) or (None, reason). `check` is the (program, expected stdout or None) to run."""
    blocks = CODE.findall(text)
    if not blocks:
        return None, "no ```python block"
    if len(text) < 300:
        return None, f"only {len(text)} characters"
    for k, b in enumerate(blocks):
        try:
            ast.parse(b)
        except SyntaxError as e:
            return None, f"code block {k + 1}: SyntaxError line {e.lineno}: {e.msg}"
    # A lesson's claimed outputs are checked only when every block that prints is followed by an
    # output block (before the next code block): then stdout must equal their concatenation.
    pieces = re.split(r"(```(?:python|py|python3)[ \t]*\n.*?```)", text, flags=re.S)
    shown, complete = [], True
    for k, piece in enumerate(pieces):
        if CODE.fullmatch(piece) and "print(" in piece:
            after = OUTPUT.findall(pieces[k + 1]) if k + 1 < len(pieces) else []
            if after:
                shown.append(after[0])
            else:
                complete = False
    expected = "".join(s if s.endswith("\n") else s + "\n" for s in shown) if complete and shown else None
    return {"text": text, "check": ("\n".join(blocks), expected)}, None

# -----------------------------------------------------------------------------
# the journal: answers appended as they arrive, read back on resume


def read_journal(path):
    """{id: entry} of the complete lines; a torn last line (a kill mid-write) is cut off the file."""
    if not os.path.exists(path):
        return {}
    with open(path, "rb") as f:
        raw = f.read()
    lines = raw.split(b"\n")
    done, good = {}, []
    for k, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            if k == len(lines) - 1:  # the torn tail: drop it, the request is simply asked again
                break
            die(f"{path}: line {k + 1} is not JSON (edited by hand?)")
        done[entry["id"]] = entry
        good.append(line)
    if not raw.endswith(b"\n") and raw:
        data_gen.write_bytes(path, lambda f: f.write(b"".join(l + b"\n" for l in good)))
    return done


def ask_all(client, specs, journal, in_flight, max_tokens, temperature):
    """Send every spec not yet in the journal, `in_flight` at a time; append answers as they come.
    Returns (journal entries by id, {id: failure reason})."""
    done = read_journal(journal)
    todo = [s for s in specs if s["id"] not in done]
    failed = {}
    if not todo:
        return done, failed

    def one(spec):
        t0 = time.time()
        text, finish, usage = client.chat(spec["messages"], max_tokens, temperature, spec["request_seed"])
        return {"id": spec["id"], "index": spec["index"], "model": client.model, "answer": text,
                "finish_reason": finish, "usage": usage, "seconds": round(time.time() - t0, 3)}

    os.makedirs(os.path.dirname(os.path.abspath(journal)), exist_ok=True)
    with open(journal, "a") as f, concurrent.futures.ThreadPoolExecutor(in_flight) as pool:
        futures = {pool.submit(one, s): s for s in todo}
        progress = tqdm(total=len(todo), desc="requests", disable=len(todo) < 50)
        try:
            for fut in concurrent.futures.as_completed(futures):
                spec = futures[fut]
                progress.update(1)
                try:
                    entry = fut.result()
                except LLMError as e:
                    if e.fatal:
                        for other in futures:
                            other.cancel()
                        die(str(e))
                    failed[spec["id"]] = str(e)
                    continue
                f.write(json.dumps(entry) + "\n")
                f.flush()
                os.fsync(f.fileno())  # on disk before we count it as done
                done[entry["id"]] = entry
        finally:
            progress.close()
    return done, failed

# -----------------------------------------------------------------------------
# a whole run


def generate(kind, out, n, seed, client, in_flight=8, max_tokens=1024, temperature=1.0,
             price_in=0.0, price_out=0.0, check_workers=None, decontam_index=None):
    """Ask for records 0..n-1 of `kind`, then parse, execute, dedup and decontaminate them.
    Writes OUT, OUT.report.json (and the dedup / decontam reports); returns (kept, report)."""
    if kind not in ("textbooks", "exercises"):
        die(f"unknown kind {kind!r}")
    specs = make_specs(kind, seed, n)
    before = dict(client.stats)
    done, failed = ask_all(client, specs, out + ".responses.jsonl", in_flight, max_tokens, temperature)
    parse = parse_exercise if kind == "exercises" else parse_textbook
    candidates, rejected = [], []
    for spec in specs:
        entry = done.get(spec["id"])
        if entry is None:
            continue
        if entry["finish_reason"] == "length":
            rejected.append({"id": spec["id"], "why": "cut off at max_tokens"})
            continue
        rec, why = parse(spec, entry["answer"])
        if rec is None:
            rejected.append({"id": spec["id"], "why": why})
            continue
        origin = {"model": entry["model"], "seed": seed, "index": spec["index"],
                  "request_seed": spec["request_seed"], "messages": spec["messages"]}
        candidates.append({"id": spec["id"], **rec, "topic": spec["topic"], "audience": spec["audience"],
                           "origin": origin})
    # the same execution check as the offline data (data_gen.check_programs, in the sandbox)
    items = [c.pop("check") if kind == "textbooks" else (data_gen.exercise_program(c), None) for c in candidates]
    verdicts = data_gen.check_programs(items, workers=check_workers) if items else []
    ran = [c for c, v in zip(candidates, verdicts) if v == "ok"]
    failed_exec = [{"id": c["id"], "why": v} for c, v in zip(candidates, verdicts) if v != "ok"]
    unique = data_gen.dedup(ran, report=out + ".dedup.json")
    kept = data_gen.decontam(unique, report=out + ".decontam.json", index=decontam_index)
    data_gen.write_jsonl(out, kept)
    usage = [done[s["id"]]["usage"] for s in specs if s["id"] in done]
    pt, ct = sum(u["prompt_tokens"] for u in usage), sum(u["completion_tokens"] for u in usage)
    report = {"stage": f"llm {kind}", "model": client.model, "base_url": client.url, "seed": seed,
              "requested": n, "answered": len(done.keys() & {s["id"] for s in specs}),
              "failed_requests": len(failed), "rejected_format": len(rejected), "failed_execution": len(failed_exec),
              "outputs_compared": sum(exp is not None for _, exp in items),  # lessons whose shown output was checked
              "dropped_dedup": len(ran) - len(unique), "dropped_decontam": len(unique) - len(kept), "kept": len(kept),
              "prompt_tokens": pt, "completion_tokens": ct,
              "cost_usd": round(pt * price_in / 1e6 + ct * price_out / 1e6, 6),
              "client": {k: round(v - before[k], 3) for k, v in client.stats.items()},
              "failed_request_reasons": failed, "rejected_records": rejected, "failed_execution_records": failed_exec}
    data_gen.write_json(out + ".report.json", report)
    return kept, report

# -----------------------------------------------------------------------------
# command line


def add_client_args(p, required=True):
    p.add_argument("--base-url", required=required, help="OpenAI-compatible API root, e.g. http://localhost:8000/v1")
    p.add_argument("--model", required=required, help="model name the server knows")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per socket operation")
    p.add_argument("--max-retries", type=int, default=6)
    p.add_argument("--in-flight", type=int, default=8, help="requests in flight at once")
    p.add_argument("--openai-client", action="store_true", help="send through the official openai package (pip install openai)")


def add_generation_args(p):
    p.add_argument("--max-tokens", type=int, default=1500, help="per answer; a longer one is rejected as cut off")
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--price-in", type=float, default=0.0, help="USD per million prompt tokens (for the cost line)")
    p.add_argument("--price-out", type=float, default=0.0, help="USD per million completion tokens")


def client_from_args(a):
    if not a.base_url.startswith(("http://", "https://")):
        die(f"--base-url must start with http:// or https://, got {a.base_url!r}")
    if a.in_flight < 1 or a.max_retries < 0 or a.timeout <= 0:
        die("--in-flight must be >= 1, --max-retries >= 0, --timeout > 0")
    try:
        return Client(a.base_url, a.model, os.environ.get("OPENAI_API_KEY"), a.timeout, a.max_retries,
                      use_openai=a.openai_client)
    except LLMError as e:
        die(str(e))


def run_cli(kind, a, check_workers=None):
    """`kind` from parsed arguments; prints a summary."""
    if a.n < 1:
        die("--n must be at least 1")
    if a.base_url is None or a.model is None:
        die("an LLM backend needs --base-url and --model")
    kept, rep = generate(kind, a.out, a.n, a.seed, client_from_args(a), a.in_flight, a.max_tokens,
                         a.temperature, a.price_in, a.price_out, check_workers)
    print(f"{kind}: {rep['answered']}/{rep['requested']} answered, {rep['failed_requests']} failed, "
          f"{rep['rejected_format']} rejected (format), {rep['failed_execution']} failed execution, "
          f"{rep['dropped_dedup']} duplicates, {rep['dropped_decontam']} HumanEval look-alikes -> "
          f"kept {len(kept)} in {a.out}; {rep['prompt_tokens']:,} + {rep['completion_tokens']:,} tokens, "
          f"${rep['cost_usd']:.4f} (report {a.out}.report.json)")
    return kept, rep


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    for kind in ("textbooks", "exercises"):
        s = sub.add_parser(kind, help=f"synthetic {kind} from an LLM, checked like the offline ones")
        s.add_argument("--out", required=True, help="output JSONL (its journal and reports go beside it)")
        s.add_argument("--n", type=int, required=True, help="prompts to send")
        s.add_argument("--seed", type=int, default=0)
        s.add_argument("--workers", type=data_gen.positive_int, default=None,
                       help="sandbox workers for the execution check")
        add_client_args(s)
        add_generation_args(s)
    a = p.parse_args(argv)
    try:
        run_cli(a.cmd, a, a.workers)
    except data_gen.DataError as e:
        die(str(e))


if __name__ == "__main__":
    main()
