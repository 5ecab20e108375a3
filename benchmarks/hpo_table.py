"""Tabular HPO efficiency benchmark: searchers replayed over the live benchmark's measured trials.

    python benchmarks/hpo_table.py [--seeds 20] [--trials 10] [--concurrency 2]
                                   [--searchers random tpe transfer llm hybrid]

Every trial of every live search in `benchmarks/results/hpo.json` (`benchmarks/hpo.py`: real
MMEngine training under Ray Tune) becomes a row of its pair's table. Each searcher is then
replayed against the table with many seeds: a proposal scores the metric of the nearest
measured configuration (`autommlab.hpo.tabular`), so the comparison costs no training and
the spread over seeds is real. Reported, at 1/2/3/5/6/10 trials (2 trials = 1 round of the
2-slot live setup, 6 = 3 rounds):

* mean best metric (mean over pairs; ± std over seeds of that mean);
* mean regret (table best minus best found) and normalised regret (regret / table range,
  so that a 0.9-accuracy pair and a 0.05-mAP pair weigh the same);
* per task, the mean best per searcher (the issue's "beats random on 3 of 4 tasks").

Transfer is leave-one-dataset-out (it sees only other datasets' records and the shipped
prior minus the evaluated dataset), and so is the prior the llm/hybrid searchers show in
their first prompt; llm/hybrid use the default HPO advisor, leave-one-out only if its
adapter was trained without the evaluated dataset (`--pairs` limits the
comparison to the datasets held out of the adapter's training).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hpo import BENCH_ITERS, PAIRS, RESULTS, transfer_history  # the live benchmark's

BUDGETS = (1, 2, 3, 5, 6, 10)
ALL_SEARCHERS = ("random", "tpe", "transfer", "llm", "hybrid")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=RESULTS / "hpo.json",
                        help="the live benchmark's results (its trials are the table)")
    parser.add_argument("--seeds", type=int, default=20, help="seeds per searcher and pair")
    parser.add_argument("--first-seed", type=int, default=100,
                        help="seeds are first-seed .. first-seed+seeds-1 (100 by default: the "
                             "live searches used seeds 0 and 1, and a replayed random search "
                             "with a live seed would only re-read its own rows)")
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--searchers", nargs="+", default=["random", "tpe", "transfer"],
                        choices=ALL_SEARCHERS)
    parser.add_argument("--llm-seeds", type=int, default=None,
                        help="seeds for llm / hybrid (default: --seeds); greedy decoding makes "
                             "their proposals the same for every seed, only TPE's fallback "
                             "and hybrid's TPE slots vary, and each search costs an LLM call "
                             "per round")
    parser.add_argument("--llm-prior-top-k", type=int, default=None,
                        help="similar datasets' best configs in llm / hybrid's first prompt "
                             "(default: the searcher's, 2; 0 = no prior, the ablation)")
    parser.add_argument("--pairs", nargs="*", default=["all"],
                        help="dataset names, or 'all' (for llm / hybrid: the datasets the HPO "
                             "adapter was not trained on)")
    parser.add_argument("--out", type=Path, default=RESULTS / "hpo-table.json")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args()

    from autommlab.hpo import search_space
    from autommlab.hpo.tabular import tables_from_records

    live = json.loads(args.source.read_text())["searches"]
    records = [r for s in live for r in s["records"]]
    spaces = {task: search_space(task, "small").with_iters(*iters)
              for task, iters in BENCH_ITERS.items()}
    tables = tables_from_records(records, spaces)
    started = time.monotonic()
    runs: list[dict[str, Any]] = []
    for searcher in args.searchers:
        for task, dataset, model in PAIRS:
            table = tables.get((dataset, model))
            if table is None:
                continue
            if "all" not in args.pairs and dataset not in args.pairs:
                continue
            seeds = args.llm_seeds if searcher in ("llm", "hybrid") and args.llm_seeds \
                else args.seeds
            for seed in range(args.first_seed, args.first_seed + seeds):
                run = _replay_one(searcher, task, dataset, model, seed, table, records, args)
                runs.append(run)
            best = statistics.fmean(max(r["metrics"]) for r in runs if r["searcher"] == searcher
                                    and r["dataset"] == dataset)
            print(f"{searcher:8s} {dataset:22s} table {len(table.rows):3d} rows "
                  f"(best {table.best:.3f}): mean best@{args.trials} {best:.3f}", flush=True)
    summary = summarise(runs, {k: (t.best, min(r.metric for r in t.rows))
                               for k, t in tables.items()}, args.trials)
    summary["llm_verdict"] = rounds_verdict(summary, args.concurrency)
    result = {"args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
              "tables": {f"{d}/{m}": {"rows": len(t.rows), "best": t.best}
                         for (d, m), t in tables.items()},
              "summary": summary, "runs": runs,
              "seconds": round(time.monotonic() - started, 1)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        print_summary(summary)
        for line, row in summary["llm_verdict"].items():
            print(f"{line}: better on {len(row['beats_on'])} of {len(row['of'])} tasks "
                  f"({', '.join(row['beats_on']) or 'none'})")
    plot = _plot(summary, args.out.with_suffix(".png"))
    print(f"\nwritten: {args.out}" + (f", {plot}" if plot else ""))


def _replay_one(searcher: str, task: str, dataset: str, model: str, seed: int, table: Any,
                records: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    from autommlab.hpo.searchers import get_searcher
    from autommlab.hpo.tabular import replay
    from autommlab.train.spec import TASK_METRICS

    options: dict[str, Any] = {}
    if searcher == "transfer":
        options = {"dataset": dataset, "model": model,
                   "history": transfer_history(dataset, records)}
        if args.llm_prior_top_k is not None:
            options["prior_top_k"] = args.llm_prior_top_k
    elif searcher in ("llm", "hybrid"):  # their prior is leave-one-dataset-out too
        options = {"dataset": dataset, "model": model, "round_size": args.concurrency,
                   "history": transfer_history(dataset, records)}
        if args.llm_prior_top_k is not None:
            options["prior_top_k"] = args.llm_prior_top_k
    found = get_searcher(searcher, table.space, metric=TASK_METRICS[task], seed=seed,
                         **options)
    clock = time.monotonic()
    run = replay(found, table, args.trials, concurrency=args.concurrency)
    extra = found.get_state().get("extra", {})
    origins = extra.get("origin_of", {})
    return {"searcher": searcher, "task": task, "dataset": dataset, "model": model,
            "seed": seed, "metrics": run.metrics, "rows": run.rows,
            "seconds": round(time.monotonic() - clock, 3),
            # llm / hybrid: who proposed each trial, and the rounds TPE had to take over
            "origins": [origins.get(f"replay_{i:05d}") for i in range(len(run.metrics))]
            if origins else None,
            "fallbacks": extra.get("fallbacks"),
            # llm / hybrid: the similar datasets whose best configs the first prompt showed
            "prior": [p["dataset"] for p in extra["prior"]] if "prior" in extra else None,
            "info": extra.get("fallback_reason", "") or ""}


def summarise(runs: list[dict[str, Any]], bounds: dict[tuple[str, str], tuple[float, float]],
              trials: int) -> dict[str, Any]:
    """Mean best / regret per searcher and budget; spread = std over seeds of the pair mean."""
    out: dict[str, Any] = {"overall": {}, "per_task": {}}
    searchers = list(dict.fromkeys(r["searcher"] for r in runs))
    for searcher in searchers:
        mine = [r for r in runs if r["searcher"] == searcher]
        seeds = sorted({r["seed"] for r in mine})
        for k in (b for b in BUDGETS if b <= trials):
            per_seed_best, per_seed_regret, per_seed_norm = [], [], []
            for seed in seeds:
                rows = [r for r in mine if r["seed"] == seed]
                bests = [max(r["metrics"][:k]) for r in rows]
                tops = [bounds[(r["dataset"], r["model"])] for r in rows]
                per_seed_best.append(statistics.fmean(bests))
                per_seed_regret.append(statistics.fmean(
                    top - best for best, (top, _) in zip(bests, tops, strict=True)))
                per_seed_norm.append(statistics.fmean(
                    (top - best) / (top - low) if top > low else 0.0
                    for best, (top, low) in zip(bests, tops, strict=True)))
            out["overall"][f"{searcher}@{k}"] = {
                "mean_best": statistics.fmean(per_seed_best), "std_best": _std(per_seed_best),
                "mean_regret": statistics.fmean(per_seed_regret),
                "std_regret": _std(per_seed_regret),
                "mean_norm_regret": statistics.fmean(per_seed_norm),
                "std_norm_regret": _std(per_seed_norm), "pairs": len({r["dataset"]
                                                                      for r in mine}),
                "seeds": len(seeds)}
            origins = [o for r in mine if r.get("origins") for o in r["origins"][:k]]
            if origins:  # llm / hybrid: the share of trials the LLM proposed itself
                out["overall"][f"{searcher}@{k}"]["llm_share"] = (
                    sum(o == "llm" for o in origins) / len(origins))
            for task in sorted({r["task"] for r in mine}):
                bests = [max(r["metrics"][:k]) for r in mine if r["task"] == task]
                out["per_task"].setdefault(task, {})[f"{searcher}@{k}"] = statistics.fmean(bests)
    return out


def print_summary(summary: dict[str, Any]) -> None:
    print("\n| searcher | trials | mean best (± std over seeds) | mean regret (± std) | "
          "normalised regret (± std) |")
    print("|---|---:|---:|---:|---:|")
    for key, row in summary["overall"].items():
        searcher, k = key.split("@")
        print(f"| {searcher} | {k} | {row['mean_best']:.3f} ± {row['std_best']:.3f} | "
              f"{row['mean_regret']:.3f} ± {row['std_regret']:.3f} | "
              f"{row['mean_norm_regret']:.3f} ± {row['std_norm_regret']:.3f} |"
              + (f" ({row['llm_share']:.0%} of trials from the LLM)" if "llm_share" in row
                 else ""))
    print("\nper task, mean best after k trials:")
    keys = list(next(iter(summary["per_task"].values()), {}))
    print("| task | " + " | ".join(keys) + " |")
    print("|---|" + "---:|" * len(keys))
    for task, row in summary["per_task"].items():
        print(f"| {task} | " + " | ".join(f"{row.get(k, float('nan')):.3f}" for k in keys)
              + " |")


def rounds_verdict(summary: dict[str, Any], concurrency: int = 2) -> dict[str, Any]:
    """Per LLM searcher: the tasks where its mean best after 1 and after 3 rounds (rounds of
    `concurrency` trials) beats seeded random search, and the same against TPE."""
    verdict: dict[str, Any] = {}
    per_task = summary["per_task"]
    for searcher in ("llm", "hybrid"):
        for rival in ("random", "tpe"):
            for rounds in (1, 3):
                k = rounds * concurrency
                mine, theirs = f"{searcher}@{k}", f"{rival}@{k}"
                tasks = [t for t, row in per_task.items() if mine in row and theirs in row]
                if tasks:
                    verdict[f"{searcher} vs {rival} after {rounds} round(s)"] = {
                        "beats_on": [t for t in tasks if per_task[t][mine] > per_task[t][theirs]],
                        "of": tasks}
    return verdict


def _plot(summary: dict[str, Any], path: Path) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(6, 4))
    by_searcher: dict[str, list[tuple[int, float, float]]] = {}
    for key, row in summary["overall"].items():
        searcher, k = key.split("@")
        by_searcher.setdefault(searcher, []).append(
            (int(k), row["mean_norm_regret"], row["std_norm_regret"]))
    for searcher, points in by_searcher.items():
        ks, means, stds = zip(*points, strict=True)
        ax.errorbar(ks, means, yerr=stds, label=searcher, marker="o", capsize=3)
    ax.set_xlabel("trials")
    ax.set_ylabel("normalised regret (mean over pairs)")
    ax.set_title("HPO efficiency (tabular replay of measured trials)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _std(values: list[float]) -> float:
    return statistics.pstdev(values) if len(values) > 1 else 0.0


if __name__ == "__main__":
    main()
