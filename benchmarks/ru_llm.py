"""RU backends compared: rules vs llm (SmolLM2 + RU adapter) vs ensemble, LAMP scoring.

    python benchmarks/ru_llm.py [--adapter builtin:ru] [--sets select holdout test] [--threads 1]

Each request is parsed once by the rules backend and once by the LLM backend *without*
fallback (the adapter's own answers: an unusable answer counts as wrong on all nine keys
and is counted as a validity failure). The ensemble is scored from the same two parses,
combining them key by key. The ensemble's key preference is *chosen on the select set
only* (`lamp_select.jsonl`: 40 requests written after both backends were built, so neither
the rules backend's tuning nor the LLM's training saw them; the holdout set cannot serve,
since the rules backend was tuned on it) -- per key, the backend that was right more often,
ties to rules, the deterministic one -- and then applied unchanged to the other sets, so
the test figures are not tuned on the test set.

Two ensembles are scored: `ensemble_fixed` (the key preference alone, what an http model
gets) and `ensemble` (the shipped default with a local model): where the parses disagree on
a key, the LLM judges the rules' value (`autommlab.llm.ru_rescore`: log-probability of its
answer with the rules' value minus that of its own) and the rules' value is taken above a
per-key threshold, chosen on the select set the same way (most keys right, ties to the
lowest threshold, i.e. to rules). Prints a table; writes benchmarks/results/ru-llm.json,
including the preference and the thresholds to copy into
`autommlab.understand.llm_backend.KEY_PREFERENCE` / `RESCORE_THRESHOLDS`.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SETS = {"select": ROOT / "tests/data/lamp_select.jsonl",
        "holdout": ROOT / "tests/data/lamp_holdout.jsonl",
        "test": ROOT / "tests/data/lamp_test.jsonl"}


#: "ensemble": key preference + the LLM judging disagreements (`RESCORE_THRESHOLDS`);
#: "ensemble_fixed": key preference only (what an http model gets).
BACKENDS = ("rules", "llm", "ensemble", "ensemble_fixed")
#: Candidate thresholds: the rules' value is taken when margin > t; +inf = never, -inf = always.
CANDIDATES = (math.inf, *(-x / 2 for x in range(0, 21)), -math.inf)


def choose_thresholds(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Per key, the candidate threshold that gets the most select rows right; ties go to
    the lowest threshold (the rules' value taken most often: rules are deterministic, the
    tie rule the fixed preference uses too). Only finite thresholds are returned: -inf and
    +inf are the fixed preference's "rules" and "llm"."""
    from autommlab.lamp.scoring import ALL_KEYS

    chosen: dict[str, float] = {}
    for key in ALL_KEYS:
        def right(t: float, key: str = key) -> int:
            total = 0
            for r in rows:
                margin = r["margins"].get(key)
                use_rules = r["llm"] is None or (margin is not None and margin > t)
                total += r["keys"]["rules" if use_rules else "llm"][key]
            return total
        best = max(right(t) for t in CANDIDATES)
        t = min(t for t in CANDIDATES if right(t) == best)
        if math.isfinite(t):
            chosen[key] = t
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adapter", default="builtin:ru")
    parser.add_argument("--sets", nargs="*", default=list(SETS), choices=list(SETS))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/ru-llm.json")
    args = parser.parse_args()

    from autommlab.errors import AutommlabError
    from autommlab.lamp.dataset import read_lamp_jsonl
    from autommlab.lamp.scoring import ALL_KEYS, RUScore, schema_errors, score_keys
    from autommlab.llm.ru_prompt import parse_from_answer
    from autommlab.llm.ru_rescore import judged_backends, rules_value_margins
    from autommlab.understand import get_parser
    from autommlab.understand.llm_backend import combine
    from autommlab.understand.schema import RequestConfig

    rules = get_parser("rules")
    llm = get_parser("llm", fallback=None, adapter=args.adapter, threads=args.threads)
    parsed: dict[str, list[dict[str, Any]]] = {}
    for name in args.sets:
        rows = []
        for item in read_lamp_jsonl(SETS[name]):
            ruled = rules.parse(item.request).to_json_dict()
            started = time.perf_counter()
            margins: dict[str, float] = {}
            try:
                answer = llm.answer(item.request)
                learned: Any = parse_from_answer(answer).to_json_dict()
                error = ""
            except AutommlabError as exc:
                learned, error = None, str(exc)
            seconds = time.perf_counter() - started
            started = time.perf_counter()
            if learned is not None:  # the LLM judges the rules' value of every key they differ on
                margins = rules_value_margins(llm.chat, item.request, answer, ruled)
            rows.append({"id": item.id, "task": item.task, "truth": item.parse,
                         "rules": ruled, "llm": learned, "llm_error": error,
                         "llm_seconds": seconds, "margins": margins,
                         "judge_seconds": time.perf_counter() - started})
            print(f"{name} {item.id}: {seconds:.1f} s" + (f" ERROR {error[:80]}" if error
                                                           else "")
                  + (f" margins {json.dumps({k: round(v, 2) for k, v in margins.items()})}"
                     if margins else ""), flush=True)
        parsed[name] = rows

    for rows in parsed.values():  # score each parse once
        for row in rows:
            row["keys"] = {b: score_keys(row[b] if row[b] is not None else "", row["truth"])
                           for b in ("rules", "llm")}

    preference: dict[str, str] = {}
    thresholds: dict[str, float] = {}
    if "select" in parsed:
        for key in ALL_KEYS:
            right = {b: sum(r["keys"][b][key] for r in parsed["select"])
                     for b in ("llm", "rules")}
            preference[key] = "llm" if right["llm"] > right["rules"] else "rules"
        thresholds = choose_thresholds(parsed["select"])

    results: dict[str, Any] = {"adapter": args.adapter, "preference": preference,
                               "thresholds": thresholds, "sets": {}}
    for name, rows in parsed.items():
        figures: dict[str, Any] = {}
        for backend in BACKENDS:
            score = RUScore()
            for row in rows:
                if backend.startswith("ensemble"):
                    if row["llm"] is None:
                        pred = row["rules"]
                    else:
                        chosen = dict(preference)
                        if backend == "ensemble":
                            chosen.update(judged_backends(row["margins"], thresholds))
                        pred = combine(RequestConfig.model_validate(row["llm"]),
                                       RequestConfig.model_validate(row["rules"]),
                                       chosen).to_json_dict()
                    keys = score_keys(pred, row["truth"])
                else:
                    keys = row["keys"][backend]
                score.add(keys, row["task"])
            figures[backend] = score.to_dict()
        valid = [r for r in rows if r["llm"] is not None and not schema_errors(r["llm"])]
        seconds = [r["llm_seconds"] for r in rows]
        judging = [r["judge_seconds"] for r in rows if r["margins"]]
        figures["llm_schema_valid"] = len(valid) / len(rows)
        figures["llm_p50_s"] = statistics.median(seconds)
        figures["judged_requests"] = len(judging)
        figures["judge_p50_s"] = statistics.median(judging) if judging else 0.0
        figures["llm_errors"] = [{"id": r["id"], "error": r["llm_error"]} for r in rows
                                 if r["llm_error"]]
        figures["llm_wrong"] = [{"id": r["id"], "wrong": wrong} for r in rows
                                if (wrong := [k for k, ok in r["keys"]["llm"].items() if not ok])]
        figures["rows"] = [{k: r[k] for k in ("id", "rules", "llm", "llm_error", "margins")}
                           for r in rows]  # the parses, for analysis without re-running
        results["sets"][name] = figures
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1))
    print("\n| set | backend | key-level total | request-level | schema-valid |")
    print("|---|---|---:|---:|---:|")
    for name, figures in results["sets"].items():
        for backend in BACKENDS:
            f = figures[backend]
            valid = f"{figures['llm_schema_valid']:.3f}" if backend == "llm" else "1.000"
            print(f"| {name} | {backend} | {f['key_level']['total']:.4f} | "
                  f"{f['request_level']:.4f} | {valid} |")
    print(f"\nensemble preference (chosen on the select set): {json.dumps(preference)}")
    print(f"judge thresholds (chosen on the select set): {json.dumps(thresholds)}")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
