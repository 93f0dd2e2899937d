"""bench/ablation.py: does textbook-quality data help? phi-1's central claim at course scale.

    python bench/ablation.py                        # the whole experiment (see README for its time)
    python bench/ablation.py --report               # rebuild the table and figure from what finished
    python bench/ablation.py --size smoke --seeds 0 --arms textbooks,filtered   # a few minutes

phi-1 (arXiv 2306.11644, sec. 2 and fig. 2.1) trains the same model on unfiltered code, on
filtered code and on filtered code plus synthetic textbooks, at the same compute, and finds each
step better. This script repeats that with the `tiny` model on a 2-core CPU. Four pretraining
arms (and the old generator's textbooks beside the new), each then finetuned on the same
CodeExercises:

  unfiltered    real Python files on this machine (standard library + installed packages),
                deduplicated (data_gen.dedup) and decontaminated against HumanEval by 13-gram and
                AST shape (data_gen.decontam without its behaviour probe; see prepare_data)
  filtered      the same files ranked by quality.py's educational-value classifier (random forest,
                heuristic labels, no embedding model) and the top KEEP share kept
  templates     synthetic textbooks from the curriculum's template families alone, the offline
                generator as it was before tasks were composed (data_gen.pipeline with
                TEMPLATE_SOURCES): the old data, beside the new
  textbooks     the offline synthetic textbooks (data_gen.pipeline, its default mix)
  codetextbook  filtered code + synthetic textbooks at the paper's token share (quality.mix)

Equal compute: every arm trains the same model (full 51,200-id vocabulary, no predict_only, so no
arm is helped by a smaller softmax) for the same steps, batch and sequence length, i.e. the same
tokens seen, with the same seeds (a seed fixes the initial weights and the order of batches). Each
checkpoint, pretrained only and finetuned, is measured on all 164 HumanEval problems:
  - canonical-solution loss: mean NLL per token of each canonical_solution given its prompt
    (eval_humaneval.canonical_solution_loss): continuous, it moves long before pass@1 does;
  - pass@1 greedy, and pass@10 from n samples at temperature T (unbiased estimator), scored in the sandbox;
  - the share of completions that are written (not empty) and compile with their prompt, greedy
    and sampled (an empty completion leaves the prompt alone, which compiles);
and on exercises held out of the finetuning set (greedy completion + the exercise's own asserts,
run in the sandbox).

Everything lands in OUT (default out/ablation): data/, runs/ARM/seedS/{pretrain,finetune}/ with an
eval/ per checkpoint, and results.json, results.md, ablation.png. Every arm and seed is trained and
its canonical-solution loss taken first; the generation measures, most of the time, come after.
Each step leaves a finished marker (a packed data dir's meta.json, final/model.safetensors,
eval/canonical_loss.json, eval/metrics.json), all written atomically; training resumes from its
ckpt.pt and generation from the samples already on disk, so running the command again continues an
interrupted run. The table is rebuilt after every step: a partial run shows what it has, marked partial.

What it does not do: reach the paper's scale. The model has 14M parameters (13M of them the
embedding and lm_head) and sees 0.3M pretraining tokens per arm; the filter's labels come from a
heuristic, not GPT-4; the textbooks come from templates, not GPT-3.5; the real code is whatever
this machine has installed. A difference here says what this recipe does at this scale, not what
phi-1 does.
"""
import argparse
import json
import math
import os
import platform
import random
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import data_gen  # noqa: E402
import eval_humaneval  # noqa: E402
import phi1  # noqa: E402
import quality  # noqa: E402
import sandbox  # noqa: E402

ARMS = {
    "unfiltered": "real code",
    "filtered": "filtered code",
    "templates": "template-only synthetic textbooks",
    "textbooks": "synthetic textbooks",
    "codetextbook": "filtered code + textbooks",
}
STAGES = ("pretrain", "finetune")

# Rows of values. `full` is sized for about 90 minutes on a 2-core CPU (README gives the measured
# time); `smoke` is the reduced run the tests use: a smaller model, a few steps, little data.
SIZES = {
    "full": dict(
        corpus_files=1500,       # real .py files sampled (seeded) from stdlib + site-packages
        max_file_kb=100,         # larger files (generated tables, vendored bundles) are left out
        keep=0.25,               # filtered arm: top share of files by classifier score
        mix_code_share=0.85,     # codetextbook: code share of tokens (paper: ~6B code to <1B textbooks)
        held_out=200,            # exercises held out of finetuning, for the exercise pass rate
        pretrain_steps=300,      # x batch 2 x 512 tokens = 307k tokens seen per arm
        finetune_steps=120,      # x batch 2 x 512 = 123k exercise tokens
        batch_size=2,
        saves=3,                 # checkpoints (resume points, validation losses) per stage
        problems=164,            # HumanEval problems measured
        n_samples=20,            # sampled completions per problem for pass@10
        temperature=0.8,
        max_new_tokens=96,       # greedy HumanEval and exercises (78% of canonical solutions fit)
        sampled_max_new_tokens=64,  # the n samples per problem, the costly part (58% fit)
        gen_batch=128,           # rows per generate() call
        synthetic="tiny",        # data_gen.pipeline's size for the textbooks and exercises
        model={},                # PhiConfig fields over the tiny preset's (none: the tiny model)
    ),
    "smoke": dict(corpus_files=60, max_file_kb=30, keep=0.5, mix_code_share=0.85, held_out=12,
                  pretrain_steps=6, finetune_steps=4, batch_size=2, saves=1, problems=10, n_samples=10,
                  temperature=0.8, max_new_tokens=16, sampled_max_new_tokens=16, gen_batch=64,
                  synthetic=dict(textbooks=120, exercises=240),
                  model=dict(n_layer=2, n_embd=64, n_inner=256, n_head=1)),
}
SEEDS = (0, 1, 2)
TEMPLATE_SOURCES = {"textbooks": [("curriculum", 1.0)], "exercises": [("curriculum", 1.0)]}
DATA_KEYS = ("corpus_files", "max_file_kb", "keep", "mix_code_share", "held_out", "synthetic")  # what shapes OUT/data
DATA_SEED = 0  # the data is the same for every training seed: the seeds vary weights and batch order


def log(msg):
    print(f"[ablation {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def write_json(path, obj):
    phi1.atomic_write(path, json.dumps(obj, indent=1) + "\n")


def read_json(path):
    with open(path) as f:
        return json.load(f)

# -----------------------------------------------------------------------------
# data: four pretraining corpora, one finetuning set, held-out exercises


def real_code(max_files, max_bytes, seed):
    """The Python files present on this machine: the standard library and the installed packages
    (site-packages), as quality.read_corpus reads them; files over max_bytes left out; a seeded
    sample of max_files."""
    import sysconfig
    recs = []
    for name, root in (("stdlib", quality.stdlib_dir()), ("site-packages", sysconfig.get_paths()["purelib"])):
        if os.path.isdir(root):
            recs += [dict(r, id=f"{name}/{r['id']}") for r in quality.read_corpus(root)
                     if len(r["text"].encode()) <= max_bytes]
    recs.sort(key=lambda r: r["id"])
    return random.Random(f"{seed}:ablation-corpus").sample(recs, min(max_files, len(recs)))


def prepare_data(out, size):
    """Make (or find) every data directory. Returns {"pretrain": {arm: dir}, "exercises": dir,
    "held_out": [exercise records]}. Each step is skipped when its output exists."""
    d = os.path.join(out, "data")
    os.makedirs(d, exist_ok=True)
    t0 = time.time()
    config = {k: size[k] for k in DATA_KEYS} | {"data_seed": DATA_SEED}
    cfg_path = os.path.join(d, "config.json")
    if os.path.exists(cfg_path):
        try:
            old = read_json(cfg_path)
        except (OSError, UnicodeDecodeError, ValueError) as e:
            sys.exit(f"ablation: error: {cfg_path} is not readable JSON ({type(e).__name__}); remove it or use another --out")
        if old != config:
            sys.exit(f"ablation: error: {d} holds data made with other settings ({cfg_path}); use another --out")
    write_json(cfg_path, config)

    # ---- synthetic textbooks and exercises (the offline generator)
    syn = os.path.join(d, "synthetic")
    data_gen.pipeline(syn, seed=DATA_SEED, size=size["synthetic"])
    textbooks = data_gen.read_jsonl(os.path.join(syn, "work", "textbooks.clean.jsonl"))
    templates = os.path.join(d, "templates")  # the old generator (its exercises go unused)
    data_gen.pipeline(templates, seed=DATA_SEED, size=size["synthetic"], sources=TEMPLATE_SOURCES)

    # ---- finetuning set minus held-out exercises (seeded split; dedup already removed near-duplicates)
    ex_dir, held_path = os.path.join(d, "exercises"), os.path.join(d, "held_out_exercises.jsonl")
    if not os.path.exists(os.path.join(ex_dir, "meta.json")):
        exercises = data_gen.read_jsonl(os.path.join(syn, "exercises.jsonl"))
        order = list(range(len(exercises)))
        random.Random(f"{DATA_SEED}:held-out").shuffle(order)
        held = [exercises[i] for i in order[:size["held_out"]]]
        data_gen.write_jsonl(held_path, held)
        data_gen.pack([exercises[i] for i in order[size["held_out"]:]], ex_dir, DATA_SEED,
                      sources={"synthetic exercises (held-out ones removed)": len(exercises) - len(held)})
    held = data_gen.read_jsonl(held_path)

    # ---- real code: sample, deduplicate, decontaminate
    clean_path = os.path.join(d, "real", "clean.jsonl")
    if not os.path.exists(clean_path):
        raw = real_code(size["corpus_files"], size["max_file_kb"] * 1024, DATA_SEED)
        log(f"real code: {len(raw)} files sampled; deduplicating and decontaminating")
        reports = os.path.join(d, "real", "reports")
        os.makedirs(reports, exist_ok=True)
        kept = data_gen.dedup(raw, report=os.path.join(reports, "dedup.json"))
        # 13-gram and AST shape only: the behaviour probe runs every function of a record in the
        # sandbox on HumanEval's test inputs, which for library modules means executing each whole
        # file, imports included; on the shared 2-core machine one batch of 125 such files ran 10
        # minutes without finishing. The synthetic data gets all three checks (data_gen.pipeline).
        kept = data_gen.decontam(kept, report=os.path.join(reports, "decontam.json"), behaviour=False)
        data_gen.write_jsonl(clean_path, kept)
    code = data_gen.read_jsonl(clean_path)

    # ---- the quality filter: heuristic labels, random forest on the features, top `keep` kept
    filt_dir = os.path.join(d, "real", "filter")
    if not os.path.exists(os.path.join(filt_dir, "report.json")):
        os.makedirs(filt_dir, exist_ok=True)
        quality.run_filter(code, filt_dir, inputs="features", n_label=min(600, len(code)),
                           keep=size["keep"], seed=DATA_SEED)
    filtered = data_gen.read_jsonl(os.path.join(filt_dir, "kept.jsonl"))

    # ---- pack the four pretraining corpora
    dirs = {arm: os.path.join(d, arm) for arm in ARMS}
    dirs["textbooks"] = os.path.join(syn, "textbook")
    dirs["templates"] = os.path.join(templates, "textbook")
    for arm, recs in (("unfiltered", code), ("filtered", filtered)):
        if not os.path.exists(os.path.join(dirs[arm], "meta.json")):
            data_gen.pack(recs, dirs[arm], DATA_SEED, sources={ARMS[arm]: len(recs)})
    if not os.path.exists(os.path.join(dirs["codetextbook"], "meta.json")):
        quality.mix(filtered, textbooks, size["mix_code_share"], dirs["codetextbook"], DATA_SEED)
    log(f"data ready in {time.time() - t0:.0f} s: {d}")
    return {"pretrain": dirs, "exercises": ex_dir, "held_out": held}

# -----------------------------------------------------------------------------
# training: phi1.train with the tiny preset's rows, steps set here so every arm gets the same


def train_stage(stage, data, out, seed, size, init_from=None):
    """One stage of one arm: the tiny preset's row (learning rate, weight decay, ...), with steps,
    batch and schedule set by the size row, so that every arm gets exactly the same."""
    steps = size[f"{stage}_steps"]
    phi1.train(phi1.TrainConfig(
        data=data, out=out, preset="tiny", stage=stage, init_from=init_from, resume=True, seed=seed,
        max_steps=steps, batch_size=size["batch_size"], micro_batch=size["batch_size"],
        warmup=max(1, steps // 30), eval_interval=-(-steps // size["saves"]), save_interval=-(-steps // size["saves"]),
        log_interval=max(1, steps // 6), device="cpu", model=size["model"]))


# -----------------------------------------------------------------------------
# measures of one checkpoint


def score_exercises(held, completions):
    """Run each held-out exercise's completion in the sandbox with the exercise's own asserts as a
    check kept apart from it (sandbox.Check: the asserts run in a fresh namespace and see only the
    function, so a completion cannot patch `assert`'s world); [sandbox.Result]."""
    checks = [sandbox.Check(test=ex["tests"], entry_points=[ex["entry_point"]], setup=ex["prompt"]) for ex in held]
    return sandbox.run_many([ex["prompt"] + c for ex, c in zip(held, completions)], timeout=3.0, checks=checks)


def exercise_pass_rate(model, tok, held, out_dir, size):
    """Share of held-out exercises whose greedy completion passes the exercise's asserts."""
    path = os.path.join(out_dir, "exercises", "samples.jsonl")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    problems = {f"exercise/{i}": {"prompt": ex["prompt"]} for i, ex in enumerate(held)}
    eval_humaneval.generate_samples(model, tok, problems, path, n_samples=1, temperature=0.0,
                                    max_new_tokens=size["max_new_tokens"], batch_size=size["gen_batch"])
    with open(path) as f:
        completion = {s["task_id"]: s["completion"] for s in map(json.loads, f)}
    results = score_exercises(held, [completion[t] for t in problems])
    return sum(r.passed for r in results) / len(results)


def canonical_loss(ckpt_dir, out_dir, problems):
    """The cheap measure, taken as soon as a checkpoint exists: out_dir/canonical_loss.json."""
    path = os.path.join(out_dir, "canonical_loss.json")
    if not os.path.exists(path):
        model = phi1.load_model(ckpt_dir, device="cpu")
        write_json(path, eval_humaneval.canonical_solution_loss(model, phi1.get_tokenizer(), problems))
    return read_json(path)["loss"]


def measure(ckpt_dir, out_dir, problems, held, seed, size):
    """All measures of one checkpoint -> out_dir/metrics.json (the finished marker), returned."""
    done = os.path.join(out_dir, "metrics.json")
    if os.path.exists(done):
        return read_json(done)
    os.makedirs(out_dir, exist_ok=True)
    t0, cpu0 = time.time(), time.process_time()
    tok = phi1.get_tokenizer()
    model = phi1.load_model(ckpt_dir, device="cpu")
    m = {"checkpoint": ckpt_dir}
    m["canonical_loss"] = canonical_loss(ckpt_dir, out_dir, problems)
    for name, n, temp, new in (("greedy", 1, 0.0, size["max_new_tokens"]),
                               ("sampled", size["n_samples"], size["temperature"], size["sampled_max_new_tokens"])):
        d = os.path.join(out_dir, name)
        os.makedirs(d, exist_ok=True)
        path = eval_humaneval.generate_samples(model, tok, problems, os.path.join(d, "samples.jsonl"), n_samples=n,
                                               temperature=temp, max_new_tokens=new,
                                               batch_size=size["gen_batch"], seed=seed)
        summary = eval_humaneval.evaluate(path, problems, d)
        with open(path) as f:
            samples = [json.loads(line) for line in f if line.strip()]
        # an empty (or whitespace) completion leaves the prompt, which compiles: count it apart
        written = [x for x in samples if x["completion"].strip()]
        m[f"{name}_valid_python"] = eval_humaneval.valid_python_share(problems, samples)
        m[f"{name}_empty"] = 1 - len(written) / len(samples)
        m[f"{name}_valid_nonempty"] = (eval_humaneval.valid_python_share(problems, written) * len(written) / len(samples)
                                       if written else 0.0)
        if name == "greedy":
            m["pass@1"] = summary["pass@1"]
        else:
            m["pass@1_sampled"], m["pass@10"] = summary["pass@1"], summary.get("pass@10")
    m["exercise_pass"] = exercise_pass_rate(model, tok, held, out_dir, size)
    # the cost, to size the experiment: wall time, this process's CPU time (generation and the loss;
    # the sandboxed programs run in other processes) and how busy the machine was
    m["seconds"], m["cpu_seconds"] = round(time.time() - t0, 1), round(time.process_time() - cpu0, 1)
    m["load_average"] = round(os.getloadavg()[0], 1)
    write_json(done, m)
    return m

# -----------------------------------------------------------------------------
# the table and the figure

METRICS = [  # key, column title, format, higher is better
    ("canonical_loss", "HumanEval canonical loss (nats/token)", "{:.3f}", False),
    ("pass@1", "pass@1 greedy", "{:.1%}", True),
    ("pass@10", "pass@10 (n={n}, T={T})", "{:.1%}", True),
    ("greedy_valid_nonempty", "valid Python, greedy", "{:.1%}", True),
    ("sampled_valid_nonempty", "valid Python, sampled", "{:.1%}", True),
    ("exercise_pass", "held-out exercises passed", "{:.1%}", True),
]


def collect(out, arms, seeds):
    """{(arm, stage): {metric: [value per finished seed], "seeds": (with the loss, with everything)}}
    from the eval/ files; the canonical loss comes first, the other measures later."""
    table = {}
    for arm in arms:
        for stage in STAGES:
            rows = []
            for s in seeds:
                ev = os.path.join(out, "runs", arm, f"seed{s}", stage, "eval")
                if os.path.exists(os.path.join(ev, "metrics.json")):
                    rows.append(read_json(os.path.join(ev, "metrics.json")))
                elif os.path.exists(os.path.join(ev, "canonical_loss.json")):
                    rows.append({"canonical_loss": read_json(os.path.join(ev, "canonical_loss.json"))["loss"]})
            table[(arm, stage)] = {k: [r[k] for r in rows if r.get(k) is not None] for k, *_ in METRICS}
            table[(arm, stage)]["seeds"] = (len(rows), sum("pass@1" in r for r in rows))
    return table


def spread(v):
    """mean, sample standard deviation, min, max (nan where there is nothing)."""
    if not v:
        return math.nan, math.nan, math.nan, math.nan
    return float(np.mean(v)), float(np.std(v, ddof=1)) if len(v) > 1 else math.nan, min(v), max(v)


def separated(table, arms, stage, key):
    """Pairs of arms whose seed ranges do not overlap (at least 2 seeds each): the difference
    exceeds the spread across seeds. With 3 seeds per arm two arms that do not differ at all
    still come out separated 1 time in 10 (2 of the 20 equally likely orderings of 6 values)."""
    out = []
    for i, a in enumerate(arms):
        for b in arms[i + 1:]:
            va, vb = table[(a, stage)][key], table[(b, stage)][key]
            if len(va) >= 2 and len(vb) >= 2 and (max(va) < min(vb) or max(vb) < min(va)):
                hi_is_a = min(va) > max(vb)
                out.append((a, b) if hi_is_a else (b, a))  # (higher, lower)
    return out


def report(out, arms, seeds, size):
    table = collect(out, arms, seeds)
    complete = all(table[(a, s)]["seeds"][1] == len(seeds) for a in arms for s in STAGES)
    fmt_title = {k: t.format(n=size["n_samples"], T=size["temperature"]) for k, t, *_ in METRICS}
    lines = [f"## Ablation results{'' if complete else ' (PARTIAL: not every arm and seed has finished)'}", "",
             f"Mean ± standard deviation over seeds, [min, max]; the last column counts the seeds measured "
             f"(canonical loss / all measures). "
             f"{size['pretrain_steps']} pretraining steps and {size['finetune_steps']} finetuning steps of "
             f"{size['batch_size']} x {phi1.PhiConfig.preset('tiny', **size['model']).block_size} tokens per arm; {size['problems']} HumanEval problems. "
             f"Valid Python: prompt + completion compiles and the completion is not empty.", "",
             "| arm | stage | " + " | ".join(fmt_title[k] for k, *_ in METRICS) + " | seeds (loss / all) |",
             "|---|---|" + "---|" * len(METRICS) + "---|"]
    for stage in STAGES:
        for arm in arms:
            cells = []
            for k, _, f, _ in METRICS:
                mean, sd, lo, hi = spread(table[(arm, stage)][k])
                if math.isnan(mean):
                    cells.append("-")
                elif math.isnan(sd):
                    cells.append(f.format(mean))
                else:
                    cells.append(f"{f.format(mean)} ± {f.format(sd)} [{f.format(lo)}, {f.format(hi)}]")
            n_loss, n_all = table[(arm, stage)]["seeds"]
            lines.append(f"| {arm} | {stage} | " + " | ".join(cells) + f" | {n_loss} / {n_all} |")
    lines += ["", "Differences that exceed the spread (the seed ranges of the two arms do not overlap):", ""]
    found = False
    for stage in STAGES:
        for k, _, _, higher_better in METRICS:
            for hi, lo in separated(table, arms, stage, k):
                better, worse = (hi, lo) if higher_better else (lo, hi)
                lines.append(f"- {stage}, {fmt_title[k]}: **{better}** better than {worse}")
                found = True
    if not found:
        lines.append("- none")
    text = "\n".join(lines) + "\n"
    phi1.atomic_write(os.path.join(out, "results.md"), text)
    write_json(os.path.join(out, "results.json"), {
        "complete": complete, "size": size, "seeds": list(seeds), "arms": list(arms),
        "rows": [{"arm": a, "stage": s, **table[(a, s)]} for a in arms for s in STAGES]})
    plot(table, arms, fmt_title, os.path.join(out, "ablation.png"), complete)
    return text


def plot(table, arms, titles, path, complete):
    """One panel per measure; per arm, a dot per seed and a bar at the mean, pretrained and finetuned side by side."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5))
    x = np.arange(len(arms))
    for ax, (k, *_) in zip(axes.flat, METRICS):
        for j, (stage, color) in enumerate(zip(STAGES, ("tab:blue", "tab:orange"))):
            xs = x + (j - 0.5) * 0.36
            for xi, arm in zip(xs, arms):
                v = table[(arm, stage)][k]
                if v:
                    ax.bar(xi, np.mean(v), width=0.34, color=color, alpha=0.35, label=stage if arm == arms[0] else None)
                    ax.plot([xi] * len(v), v, "o", color=color, ms=4)
                    if len(v) > 1:
                        ax.plot([xi, xi], [min(v), max(v)], "-", color=color, lw=1.5)
        ax.set_xticks(x, [a for a in arms], fontsize=8)
        ax.set_title(titles[k], fontsize=9)
        if k == "canonical_loss":
            vals = [u for a in arms for s in STAGES for u in table[(a, s)][k]]
            if vals:
                ax.set_ylim(min(vals) * 0.95, max(vals) * 1.03)
    axes.flat[0].legend(fontsize=8)
    machine = f"{os.cpu_count()}-core {platform.machine()} CPU"  # where --report ran; the runs' logs say where they trained
    fig.suptitle(f"Does textbook-quality data help? tiny phi, equal compute per arm; dots = seeds, bars = mean "
                 f"({machine}){'' if complete else '  [PARTIAL]'}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path + ".tmp.png", dpi=90)
    os.replace(path + ".tmp.png", path)

# -----------------------------------------------------------------------------
# the whole experiment


def run(out, size_name="full", arms=tuple(ARMS), seeds=SEEDS):
    """Train every arm and seed and take the cheap measure (canonical-solution loss) first, then the
    generation measures: a run stopped early has the loss comparison of every arm it trained."""
    size = SIZES[size_name]
    t0 = time.time()
    data = prepare_data(out, size)
    problems = eval_humaneval.load_problems(limit=size["problems"])
    todo = [(seed, arm, stage) for seed in seeds for arm in arms for stage in STAGES]  # seeds outermost

    def stage_dir(seed, arm, stage):
        return os.path.join(out, "runs", arm, f"seed{seed}", stage)

    for seed, arm, stage in todo:
        d = stage_dir(seed, arm, stage)
        if not os.path.exists(os.path.join(d, "final", "model.safetensors")):
            log(f"{arm} seed {seed}: {stage}")
            src = data["pretrain"][arm] if stage == "pretrain" else data["exercises"]
            init = os.path.join(stage_dir(seed, arm, "pretrain"), "final") if stage == "finetune" else None
            train_stage(stage, src, d, seed, size, init)
        loss = canonical_loss(os.path.join(d, "final"), os.path.join(d, "eval"), problems)
        log(f"{arm} seed {seed} {stage}: HumanEval canonical-solution loss {loss:.4f}")
        report(out, arms, seeds, size)
    for seed, arm, stage in todo:
        d = stage_dir(seed, arm, stage)
        if not os.path.exists(os.path.join(d, "eval", "metrics.json")):
            log(f"{arm} seed {seed}: measuring {stage}")
        m = measure(os.path.join(d, "final"), os.path.join(d, "eval"), problems, data["held_out"], seed, size)
        log(f"{arm} seed {seed} {stage}: pass@1 {m['pass@1']:.3f}, pass@10 {m['pass@10'] or 0:.3f}, "
            f"valid {m['greedy_valid_nonempty']:.2f}, exercises {m['exercise_pass']:.2f} ({m['seconds']:.0f} s)")
        report(out, arms, seeds, size)
    text = report(out, arms, seeds, size)
    log(f"done in {(time.time() - t0) / 60:.1f} min (this invocation); {out}/results.md, {out}/ablation.png")
    return text


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=os.path.join("out", "ablation"), help="where data, runs and results go")
    p.add_argument("--size", choices=list(SIZES), default="full", help="full: the experiment; smoke: minutes, for tests")
    p.add_argument("--arms", default=",".join(ARMS), help=f"comma-separated subset of {', '.join(ARMS)}")
    p.add_argument("--seeds", default=",".join(map(str, SEEDS)), help="comma-separated training seeds")
    p.add_argument("--report", action="store_true", help="only rebuild results.md/json and ablation.png from finished parts")
    a = p.parse_args(argv)
    arms = [x.strip() for x in a.arms.split(",") if x.strip()]
    unknown = [x for x in arms if x not in ARMS]
    if unknown or not arms:
        p.error(f"--arms: unknown arm(s) {', '.join(unknown) or '(none given)'}; choose from {', '.join(ARMS)}")
    try:
        seeds = [int(x) for x in a.seeds.split(",") if x.strip()]
    except ValueError:
        p.error(f"--seeds: expected comma-separated integers, got {a.seeds!r}")
    if not seeds or len(set(seeds)) != len(seeds):
        p.error("--seeds: give at least one seed, each once")
    if os.path.exists(a.out) and not os.path.isdir(a.out):
        p.error(f"--out {a.out}: exists and is not a directory")
    try:
        print(report(a.out, arms, seeds, SIZES[a.size]) if a.report else run(a.out, a.size, arms, seeds))
    except (data_gen.DataError, phi1.DataError, phi1.CheckpointError, eval_humaneval.InputError) as e:
        sys.exit(f"ablation: error: {e}")


if __name__ == "__main__":
    main()
