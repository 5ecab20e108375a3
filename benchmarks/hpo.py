"""HPO efficiency benchmark: random vs TPE vs transfer (vs LLM, hybrid) at equal trial budgets.

    python benchmarks/hpo.py [--trials 10] [--seeds 0 1 2] [--pairs all] [--scale 0.25]
                             [--searchers random tpe transfer llm hybrid]

For every request/dataset pair (task, dataset, model) and every seed, each searcher runs one
search of `--trials` real MMEngine training trials under Ray Tune (2 at a time). The best
metric after the first k finished trials (k = 1, 3, 5, 10) is read off each search, so all
budgets come from the same runs. Regret = best metric seen for the pair by any searcher and
seed, minus the search's best after k trials.

Transfer is evaluated leave-one-dataset-out: it may only use hyperparameter records of the
*other* datasets (from this benchmark's random and TPE searches and the shipped prior),
never of the dataset it is searching. The random and TPE trials are also written to
`zoo/hpo/history.jsonl` (`--write-history`): the shipped prior that transfer starts from.

`llm` (HPO-LLaMA: the LLM proposes each round of `--concurrent` configs, having seen the
earlier rounds) and `hybrid` (the LLM's first round seeds TPE, later rounds mix both) use the
default advisor: the local model with the `builtin:hpo` adapter, or what AUTOMMLAB_LLM_*
configures. They are leave-one-dataset-out only if that adapter was fine-tuned without the
evaluated dataset (`autommlab.llm.hpo_data.build_hpo_dialogues(exclude_datasets=...)`).
Rounds where the LLM failed or timed out are proposed by TPE; each search's `searcher_info`
lists them.

Ray Tune's overhead per trial (trial wall time seen by Tune minus time inside training) is
reported from the same searches.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

PAIRS: list[tuple[str, str, str]] = [  # (task, dataset, model)
    ("classification", "fashion-footwear", "shufflenet-v2"),
    ("classification", "textures", "shufflenet-v2"),
    ("detection", "footwear-detection", "rtmdet-tiny"),
    ("detection", "digit-detection", "rtmdet-tiny"),
    ("segmentation", "footwear-segmentation", "fast-scnn"),
    ("segmentation", "digit-segmentation", "fast-scnn"),
    ("keypoint", "footwear-keypoints", "rtmpose-t"),
    ("keypoint", "cat-face-keypoints", "rtmpose-t"),
]
# Cheap trials: the benchmark compares searchers, not final quality.
BENCH_ITERS: dict[str, tuple[int, int]] = {
    "classification": (40, 160), "detection": (40, 160), "segmentation": (60, 240),
    "keypoint": (60, 240)}
SEARCHERS = ("random", "tpe", "transfer")  # the default --searchers
#: every searcher the benchmark knows, in run order: transfer last, it reads the others'
#: records (random and TPE); llm and hybrid read none
ALL_SEARCHERS = ("random", "tpe", "llm", "hybrid", "transfer")
BUDGETS = (1, 3, 5, 10)
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1])
    parser.add_argument("--pairs", nargs="*", default=["all"],
                        help="dataset names, or 'all'")
    parser.add_argument("--scale", type=float, default=0.25, help="dataset build scale")
    parser.add_argument("--concurrent", type=int, default=2)
    parser.add_argument("--searchers", nargs="+", default=list(SEARCHERS),
                        choices=ALL_SEARCHERS, help="searchers to compare (default: "
                        f"{' '.join(SEARCHERS)})")
    parser.add_argument("--write-history", action="store_true",
                        help="write random/TPE trials to zoo/hpo/history.jsonl")
    parser.add_argument("--resume", action="store_true",
                        help="keep the searches already in benchmarks/results/hpo.json and "
                             "run only the missing ones (add seeds or pairs to a finished run)")
    args = parser.parse_args()
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    pairs = [p for p in PAIRS if "all" in args.pairs or p[1] in args.pairs]
    work = Path(tempfile.mkdtemp(prefix="autommlab-bench-hpo-"))
    out_file = RESULTS / "hpo.json"
    results: dict[str, Any] = {"args": vars(args), "searches": []}
    if args.resume and out_file.exists():
        results["searches"] = json.loads(out_file.read_text())["searches"]
    done = {(s["searcher"], s["dataset"], s["seed"]) for s in results["searches"]}
    started = time.monotonic()
    from ray import tune  # noqa: F401 - fail early when the hpo extra is missing

    from autommlab.hpo.tune import ray_session

    with ray_session(None):
        for searcher in [s for s in ALL_SEARCHERS if s in args.searchers]:
            for task, dataset, model in pairs:
                for seed in args.seeds:
                    if (searcher, dataset, seed) in done:
                        continue
                    search = _search(task, dataset, model, searcher, seed, args, work, results)
                    results["searches"].append(search)
                    RESULTS.mkdir(parents=True, exist_ok=True)
                    out_file.write_text(json.dumps(results, indent=1))
                    print(f"{searcher:8s} {dataset:22s} seed {seed}: best "
                          f"{_fmt(search['best'])} in {search['seconds']:.0f} s "
                          f"(overhead {_fmt(search['overhead_fraction'])})", flush=True)
    results["summary"] = _summarise(results["searches"], args.trials)
    results["seconds"] = round(time.monotonic() - started, 1)
    out_file.write_text(json.dumps(results, indent=1))
    _print(results["summary"])
    if args.write_history:
        _write_history(results["searches"])
    print(f"\nwritten: {out_file}")


def _search(task: str, dataset: str, model: str, searcher: str, seed: int,
            args: argparse.Namespace, work: Path, results: dict[str, Any]) -> dict[str, Any]:
    from autommlab.hpo import ray_overhead, run_hpo, search_space
    from autommlab.hpo.history import record_from_trial
    from autommlab.pipeline.trial import TrialTrainer
    from autommlab.train.spec import TASK_METRICS
    from autommlab.zoo.catalog import load_cards

    cards = load_cards()
    data_dir = _dataset(dataset, args.scale, work)
    metric = TASK_METRICS[task]
    name = f"{searcher}-{dataset}-s{seed}"
    trainer = TrialTrainer(task=task, model=cards.model(model), data=cards.dataset(dataset),
                           data_root=data_dir, classes=json.loads(
                               (data_dir / "meta.json").read_text())["classes"],
                           trials_dir=work / "trials" / name, val_fraction=0.5, seed=seed)
    space = search_space(task, "small").with_iters(*BENCH_ITERS[task])
    options: dict[str, Any] = {}
    if searcher == "transfer":
        options = {"dataset": dataset, "model": model, "history": transfer_history(
            dataset, [r for s in results["searches"] if s["searcher"] != "transfer"
                      for r in s["records"]])}
    elif searcher in ("llm", "hybrid"):  # the default advisor, built on first use
        options = {"dataset": dataset, "model": model}
    result = run_hpo(trainer, space, searcher, num_trials=args.trials,
                     max_concurrent=args.concurrent, metric=metric, storage_path=work / "hpo",
                     name=name, seed=seed, searcher_options=options)
    if result.interrupted:  # Ctrl+C: keep only whole searches, so --resume reruns this one
        raise KeyboardInterrupt
    finished = sorted((t for t in result.trials if t.best_metric is not None),
                      key=lambda t: t.index)
    curve = [t.best_metric for t in finished]
    overhead = ray_overhead(result)
    return {"searcher": searcher, "task": task, "dataset": dataset, "model": model,
            "seed": seed, "metrics_in_order": curve,
            "best": max(curve) if curve else None, "seconds": result.seconds,
            "errors": [t.error for t in result.trials if t.error],
            "overhead_fraction": overhead.mean_fraction if overhead else None,
            "overhead_seconds": overhead.mean_overhead_seconds if overhead else None,
            "trial_seconds": overhead.mean_trial_seconds if overhead else None,
            "searcher_info": result.searcher_info,
            "records": [r.model_dump(mode="json") for t in finished
                        if (r := record_from_trial(t, dataset=dataset, model=model, task=task,
                                                   metric_name=metric, budget="bench",
                                                   source="benchmark")) is not None]}


def transfer_history(dataset: str, records: list[dict[str, Any]]) -> Any:
    """Leave-one-dataset-out history for transfer: the benchmark's records and the shipped
    prior, minus every record of `dataset`; a record in both (the prior is written from
    these benchmark runs) counts once."""
    from autommlab.hpo.history import HPOHistory, HPORecord, read_history, shipped_history_path

    def key(r: HPORecord) -> str:
        return json.dumps([r.dataset, r.model, r.hparams, r.metric], sort_keys=True)

    kept: dict[str, HPORecord] = {}
    for record in [*read_history(shipped_history_path()), *(HPORecord(**r) for r in records)]:
        if record.dataset != dataset:
            kept.setdefault(key(record), record)
    return HPOHistory(tuple(kept.values()))


_DATA: dict[tuple[str, float], Path] = {}


def _dataset(name: str, scale: float, work: Path) -> Path:
    if (name, scale) not in _DATA:
        from autommlab.select.subset import make_subset
        from autommlab.store.local import LocalStore
        from autommlab.zoo.build import build_dataset, dataset_prefix
        from autommlab.zoo.catalog import load_cards

        card = load_cards().dataset(name)
        store = LocalStore(work / "store")
        build_dataset(card, store, scale=scale)
        raw = work / "raw" / name
        store.fetch_artifact(dataset_prefix(name), raw)
        _DATA[(name, scale)] = make_subset(raw, card.class_names, work / "data" / name)
    return _DATA[(name, scale)]


def _summarise(searches: list[dict[str, Any]], trials: int) -> dict[str, Any]:
    best_seen: dict[str, float] = {}
    for s in searches:
        if s["best"] is not None:
            best_seen[s["dataset"]] = max(best_seen.get(s["dataset"], 0.0), s["best"])
    table: dict[str, Any] = {}
    for searcher in [s for s in ALL_SEARCHERS if any(x["searcher"] == s for x in searches)]:
        rows = [s for s in searches if s["searcher"] == searcher]
        for k in (b for b in BUDGETS if b <= trials):
            bests = [max(s["metrics_in_order"][:k]) for s in rows if s["metrics_in_order"]]
            regrets = [best_seen[s["dataset"]] - max(s["metrics_in_order"][:k])
                       for s in rows if s["metrics_in_order"]]
            table[f"{searcher}@{k}"] = {
                "mean_best": statistics.fmean(bests) if bests else None,
                "std_best": statistics.pstdev(bests) if len(bests) > 1 else 0.0,
                "mean_regret": statistics.fmean(regrets) if regrets else None,
                "std_regret": statistics.pstdev(regrets) if len(regrets) > 1 else 0.0,
                "searches": len(bests)}
    fractions = [s["overhead_fraction"] for s in searches if s["overhead_fraction"] is not None]
    table["ray_overhead"] = {"mean_fraction": statistics.fmean(fractions) if fractions else None,
                             "max_fraction": max(fractions) if fractions else None,
                             "searches": len(fractions)}
    return table


def _print(summary: dict[str, Any]) -> None:
    print("\n| searcher | trials | mean best (± std) | mean regret (± std) | searches |")
    print("|---|---:|---:|---:|---:|")
    for key, row in summary.items():
        if "@" not in key:
            continue
        searcher, k = key.split("@")
        print(f"| {searcher} | {k} | {_fmt(row['mean_best'])} ± {_fmt(row['std_best'])} | "
              f"{_fmt(row['mean_regret'])} ± {_fmt(row['std_regret'])} | {row['searches']} |")
    ray = summary["ray_overhead"]
    print(f"\nRay Tune overhead per trial: mean {_fmt(ray['mean_fraction'])} of trial time, "
          f"max {_fmt(ray['max_fraction'])} (over {ray['searches']} searches)")


def _write_history(searches: list[dict[str, Any]]) -> None:
    from autommlab.hpo.history import shipped_history_path

    path = shipped_history_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r) for s in searches if s["searcher"] in ("random", "tpe")
             for r in s["records"]]
    path.write_text("\n".join(lines) + "\n")
    print(f"history: {len(lines)} records -> {path}")


def _fmt(value: float | None) -> str:
    return f"{value:.3f}" if isinstance(value, float) else "-"


if __name__ == "__main__":
    main()
