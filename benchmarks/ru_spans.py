"""How much the RU span and number constraints can cost: ground-truth values that are not
candidates.

    python benchmarks/ru_spans.py [--train /path/to/ru_train.jsonl]

For every LAMP-style set in tests/data (and optionally a generated training file from
`autommlab llm make-ru-data`), the share of ground-truth objects that are among
`object_candidates(request)`, of requests whose objects all are, and of named models and
datasets that are among `name_candidates(request)`, of the figures of the target answer
(limits, batch sizes, metric targets) that are among `ru_numbers.candidates(request)`;
plus the candidate counts (the size of the grammar). A value that is not a candidate
cannot be written by the LLM backend.
Prints a table; `--json` prints the rows as JSON.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def coverage(items: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    from autommlab.llm.ru_numbers import answer_figures
    from autommlab.llm.ru_numbers import candidates as figure_candidates
    from autommlab.llm.ru_prompt import answer_from_parse
    from autommlab.llm.ru_spans import name_candidates, object_candidates

    objects = objects_in = requests_in = names = names_in = figures = figures_in = 0
    sizes: list[int] = []
    missing: list[str] = []
    for request, parse in items:
        candidates = set(object_candidates(request))
        sizes.append(len(candidates))
        truth = parse["data"]["object"]
        hits = [o in candidates for o in truth]
        objects += len(truth)
        objects_in += sum(hits)
        requests_in += all(hits)
        missing += [o for o, hit in zip(truth, hits, strict=True) if not hit]
        spans = set(name_candidates(request))
        written = [*parse["data"]["specific"], parse["model"]["specific_model"]]
        written = [w for w in written if w not in ("", "none")]
        names += len(written)
        names_in += sum(w in spans for w in written)
        missing += [w for w in written if w not in spans]
        offered = figure_candidates(request)
        for kind, value in answer_figures(json.loads(answer_from_parse(parse, request))):
            figures += 1
            if value in offered[kind]:
                figures_in += 1
            else:
                missing.append(f"{kind} {value}")
    return {"requests": len(items), "objects": objects_in / max(objects, 1),
            "requests_all_objects": requests_in / max(len(items), 1),
            "names": names_in / max(names, 1), "figures": figures_in / max(figures, 1),
            "figures_total": figures, "mean_candidates": sum(sizes) / len(sizes),
            "max_candidates": max(sizes), "missing": missing}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, help="a make-ru-data JSONL file")
    parser.add_argument("--json", action="store_true", help="print JSON rows")
    args = parser.parse_args()

    from autommlab.lamp.dataset import read_lamp_jsonl

    sets: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    if args.train:
        rows = [json.loads(line) for line in args.train.read_text().splitlines() if line]
        sets["train"] = [(r["request"], r["parse"]) for r in rows]
    for path in sorted((ROOT / "tests/data").glob("lamp_*.jsonl")):
        sets[path.stem] = [(i.request, i.parse) for i in read_lamp_jsonl(path)]
    rows = {name: coverage(items) for name, items in sets.items()}
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    print(f"{'set':14s} {'requests':>8s} {'objects':>8s} {'all objs':>8s} {'names':>7s} "
          f"{'figures':>8s} {'cands':>6s} {'max':>5s}  not candidates")
    for name, row in rows.items():
        print(f"{name:14s} {row['requests']:8d} {row['objects']:8.3f} "
              f"{row['requests_all_objects']:8.3f} {row['names']:7.3f} {row['figures']:8.4f} "
              f"{row['mean_candidates']:6.0f} {row['max_candidates']:5d}  "
              f"{', '.join(row['missing'][:4])}")


if __name__ == "__main__":
    main()
