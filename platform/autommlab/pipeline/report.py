"""The run report: one Markdown page with plots, readable before any of it is read.

Sections: what was asked and understood; which data and model were chosen and why; the
HPO trials (learning curves, hyperparameter/metric scatter, best-so-far curve, table); the
exported model's verification, speed and constraint checks (pass / fail / not measurable
here); stage timings. Plots are PNGs next to `report.md` (matplotlib, Agg backend: no
display needed). `publish_run` puts the report, the run record and the best checkpoint into
the store under `runs/<tenant>/<request-id>/` (atomically, like every artifact).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from autommlab.pipeline.records import RunRecord, save_record
from autommlab.store import Store

_OK = {True: "pass", False: "FAIL", None: "not measurable here"}


def write_report(record: RunRecord, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    plots = _plots(record, out_dir)
    lines: list[str] = []
    add = lines.append
    add(f"# autommlab run {record.request_id}\n")
    add(f"> {record.request}\n")
    # The report is the last stage: when it is written, every other stage has succeeded.
    status = "succeeded" if record.current_stage == "report" else record.status
    add(f"- tenant: `{record.tenant}`; status: **{status}**; created {record.created}")
    opts = record.options
    add(f"- budget `{opts.budget}`, searcher `{opts.searcher}`, {len(record.trials)} trials, "
        f"parser `{opts.parser_backend}`")
    if record.export_prefix:
        add(f"- exported model: `{record.export_prefix}` in the store")
    add("")
    _understanding(record, add)
    _selection(record, add)
    _hpo(record, add, plots)
    _deployment(record, add)
    if record.stage_seconds:
        add("## Timings\n")
        add("| stage | seconds |\n|---|---:|")
        for stage, seconds in record.stage_seconds.items():
            add(f"| {stage} | {seconds:.1f} |")
        add("")
    path = out_dir / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _understanding(record: RunRecord, add: Any) -> None:
    if not record.parse:
        return
    parse = record.parse
    model, data, deploy = parse["model"], parse["data"], parse["deploy"]
    add("## 1. Request understanding\n")
    add(f"- task: **{model['task']}**; objects: {', '.join(data['object']) or 'none'}")
    constraints = [f"{k} {model[k]['value']:g} {model[k]['unit']}"
                   for k in ("parameters", "flops", "speed") if model[k]["unit"] != "none"]
    metrics = [f"{m['name']} >= {m['value']:g}" for m in model["metrics"]]
    add(f"- constraints: {', '.join(constraints) or 'none'}; metrics: "
        f"{', '.join(metrics) or 'none'}")
    add(f"- deployment: {deploy['inference engine']} on {deploy['gpu']}")
    for warning in record.warnings:
        add(f"- warning: {warning}")
    add("\n<details><summary>parsed request config (JSON)</summary>\n")
    add("```json\n" + json.dumps(parse, indent=1) + "\n```\n</details>\n")


def _selection(record: RunRecord, add: Any) -> None:
    if not record.selection:
        return
    data, model = record.selection["data"], record.selection["model"]
    add("## 2. Data and model selection\n")
    add(f"**Dataset** `{data['dataset']}`, classes: {', '.join(data['classes'])}\n")
    for reason in data["reasons"]:
        add(f"- {reason}")
    add(f"\n**Model** `{model['model']}` ({model['architecture']}, {model['params_m']:.2f} M "
        f"params, {model['gflops']:.2f} GFLOPs)\n")
    for reason in model["reasons"]:
        add(f"- {reason}")
    for filtered in model.get("filtered_out", []):
        add(f"- filtered out `{filtered['name']}`: {filtered['why']}")
    add("")


def _hpo(record: RunRecord, add: Any, plots: dict[str, str]) -> None:
    if not record.trials:
        return
    metric = record.metric_name or "metric"
    add("## 3. Training and hyperparameter search\n")
    best = record.best
    if best is not None and best.metric is not None:
        add(f"Best trial `{best.trial_id}`: **{metric} = {best.metric:.4f}**"
            + (f" (target {record.target:g}: "
               f"{'met' if best.metric >= record.target else 'NOT met'})"
               if record.target is not None else ""))
    if record.hpo_seconds is not None:
        add(f"\nSearch took {record.hpo_seconds:.0f} s"
            + (f"; Ray Tune overhead {100 * record.ray_overhead_fraction:.1f}% of trial time"
               if record.ray_overhead_fraction is not None else "") + ".")
    add("")
    for title, name in (("Learning curves", "curves"), ("Hyperparameters vs metric", "scatter"),
                        ("Best so far", "best_so_far")):
        if name in plots:
            add(f"![{title}]({plots[name]})\n")
    add(f"| trial | status | {metric} | optimizer | lr | weight decay | batch | iters | "
        "schedule | seconds |")
    add("|---|---|---:|---|---:|---:|---:|---:|---|---:|")
    for t in record.trials:
        hp = t.hparams
        value = f"{t.metric:.4f}" if t.metric is not None else "- (no validation yet)"
        mark = " (best)" if t.trial_id == record.best_trial else ""
        add(f"| {t.trial_id}{mark} | {t.status} | {value} | {hp.get('optimizer', '')} | "
            f"{hp.get('lr', 0):.2g} | {hp.get('weight_decay', 0):.2g} | "
            f"{hp.get('batch_size', '')} | {hp.get('iters', '')} | {hp.get('lr_schedule', '')} "
            f"| {f'{t.seconds:.0f}' if t.seconds is not None else '-'} |")
    for t in record.trials:
        if t.error:
            add(f"\n- trial `{t.trial_id}` failed: {t.error.splitlines()[-1][:300]}")
    add("")


def _deployment(record: RunRecord, add: Any) -> None:
    dep = record.deploy
    if not dep:
        return
    add("## 4. Export and verification\n")
    backend = dep.get("backend") or {}
    if backend.get("message"):
        add(f"- backend: {backend['message']}")
    exported = dep.get("exported") or {}
    if exported:
        add(f"- ONNX (opset {exported.get('opset')}), inputs "
            f"{exported.get('input_shapes')}, exported in {exported.get('seconds', 0):.1f} s; "
            f"published to `{dep.get('store_prefix')}` in {dep.get('store_url')}")
    ver = dep.get("verification") or {}
    if ver:
        add(f"- onnxruntime vs PyTorch on {ver.get('images')} held-out inputs "
            f"({ver.get('compared', '')}): **{'passed' if ver.get('passed') else 'FAILED'}**")
        for key in ("max_abs_diff", "top1_agreement", "agreement", "matched", "total",
                    "preprocessing_max_abs_diff"):
            if ver.get(key) is not None:
                add(f"  - {key}: {_num(ver[key])}")
        for note in ver.get("notes", []):
            add(f"  - {note}")
    bench = dep.get("benchmark") or {}
    if bench:
        add(f"- onnxruntime speed on this machine ({bench.get('threads')} threads, input "
            f"{bench.get('input_hw')}): {bench.get('latency_ms_p50', 0):.2f} ms p50 / "
            f"{bench.get('latency_ms_p90', 0):.2f} ms p90 at batch 1; "
            f"{bench.get('throughput_images_per_s', 0):.1f} images/s at batch "
            f"{bench.get('throughput_batch')}; {bench.get('onnx_params', 0) / 1e6:.2f} M "
            f"params, {bench.get('onnx_bytes', 0) / 1e6:.1f} MB")
    checks = dep.get("constraints") or []
    if checks:
        add("\n| constraint | required | measured | result | note |\n|---|---|---|---|---|")
        for c in checks:
            measured = (f"{_num(c['measured'])} {c.get('unit', '')}"
                        if c.get("measured") is not None else "-")
            add(f"| {c.get('name')} | {c.get('required')} | {measured} | "
                f"{_OK.get(c.get('passed'), c.get('passed'))} | {c.get('note') or ''} |")
    else:
        add("- the request states no params / FLOPs / speed constraint")
    add("")


def _num(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _plots(record: RunRecord, out_dir: Path) -> dict[str, str]:
    """Write the PNGs; return {name: file name} of those written."""
    trials = [t for t in record.trials if t.history]
    if not trials:
        return {}
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metric = record.metric_name or "metric"
    out: dict[str, str] = {}
    fig, ax = plt.subplots(figsize=(6.4, 4))
    for t in trials:
        its, vals = zip(*t.history, strict=True)
        ax.plot(its, vals, marker="o", label=t.trial_id[-8:],
                linewidth=2.5 if t.trial_id == record.best_trial else 1)
    if record.target is not None:
        ax.axhline(record.target, color="grey", linestyle="--", label="target")
    ax.set(xlabel="iteration", ylabel=metric, title="Validation metric per trial")
    ax.legend(fontsize=7, ncol=2)
    out["curves"] = _save(fig, out_dir / "curves.png")

    scored = [t for t in record.trials if t.metric is not None]
    if scored:
        fig, axes = plt.subplots(1, 3, figsize=(10, 3.4), sharey=True)
        markers = {"SGD": "o", "Adam": "s", "AdamW": "^", "RMSprop": "D"}
        for opt, mark in markers.items():
            sub = [t for t in scored if t.hparams.get("optimizer") == opt]
            if not sub:
                continue
            ys = [t.metric for t in sub]
            axes[0].scatter([t.hparams["lr"] for t in sub], ys, marker=mark, label=opt)
            axes[1].scatter([t.hparams["weight_decay"] or 1e-8 for t in sub], ys, marker=mark)
            axes[2].scatter([t.hparams["batch_size"] for t in sub], ys, marker=mark)
        axes[0].set(xscale="log", xlabel="learning rate", ylabel=metric)
        axes[1].set(xscale="log", xlabel="weight decay")
        axes[2].set(xlabel="batch size")
        axes[0].legend(fontsize=7)
        fig.suptitle("Hyperparameters vs best metric (marker = optimizer)")
        out["scatter"] = _save(fig, out_dir / "scatter.png")

        fig, ax = plt.subplots(figsize=(6.4, 3.2))
        best, running = [], float("-inf")
        for t in record.trials:
            running = max(running, t.metric if t.metric is not None else float("-inf"))
            best.append(running if running > float("-inf") else None)
        ax.step(range(1, len(best) + 1), best, where="post")
        ax.set(xlabel="trials finished", ylabel=f"best {metric}", title="Best so far")
        out["best_so_far"] = _save(fig, out_dir / "best_so_far.png")
    return out


def _save(fig: Any, path: Path) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return path.name


def publish_run(record: RunRecord, run_directory: Path, store: Store) -> str:
    """Publish report + record + best checkpoint/config/logs to runs/<tenant>/<id>/."""
    prefix = f"runs/{record.tenant}/{record.request_id}"
    with tempfile.TemporaryDirectory(dir=run_directory) as tmp:
        staging = Path(tmp)
        shutil.copytree(run_directory / "report", staging / "report")
        best = record.best
        if best is not None and best.checkpoint:
            dest = staging / "best"
            dest.mkdir()
            for name in (best.checkpoint, best.config_file):
                if name and Path(name).is_file():
                    shutil.copy2(name, dest / Path(name).name)
            for extra in ("hparams.json", "result.json"):
                src = Path(best.checkpoint).parent / extra
                if src.is_file():
                    shutil.copy2(src, dest / extra)
        record.run_prefix = prefix
        save_record(record, staging)
        store.publish_dir(prefix, staging, metadata={"kind": "run", "tenant": record.tenant,
                                                     "request_id": record.request_id})
    return prefix
