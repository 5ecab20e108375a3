"""Generation and output: the kind plan, one item per plan entry, the evaluation overlap
check, and writing and reporting a build."""

from __future__ import annotations

import json
import os
import random
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from autommlab.lamp.dataset import LampItem, read_lamp_jsonl

# importing the kind modules registers their builders in `registry._BUILDERS`
from autommlab.llm.ru_data import classes, focus, kinds_basic, lists, traps  # noqa: F401
from autommlab.llm.ru_data.config import (
    EVAL_FILES,
    KIND_WEIGHTS,
    KINDS,
    NEAR_COPY_RATIO,
    ORIGINAL_MAX_SHARE,
    SEED_FILES,
    TASKS,
    variation_kind,
)
from autommlab.llm.ru_data.phenomena import PHENOMENA, object_phenomena
from autommlab.llm.ru_data.registry import _BUILDERS
from autommlab.llm.ru_data.seed_edit import _seed_edit
from autommlab.llm.ru_data.slots import _Pools, _pools
from autommlab.understand.schema import schema_errors


def _norm_text(text: str) -> str:
    return " ".join(text.lower().split())


def _quota(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Largest-remainder split of `total` by `weights` (deterministic)."""
    raw = {k: total * w / sum(weights.values()) for k, w in weights.items()}
    counts = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: (counts[k] - raw[k], k))[:total - sum(counts.values())]:
        counts[k] += 1
    return counts


def generate_ru_pairs(seeds: list[LampItem], n: int, seed: int = 0) -> list[LampItem]:
    """`n` training pairs from `seeds`, deterministic for `seed`.

    The seeds themselves come first (all of them when they are at most
    `ORIGINAL_MAX_SHARE` of `n`, else a task-balanced sample); the rest is split evenly
    over the four tasks and, within a task, over the kinds by `KIND_WEIGHTS`. Every parse
    is schema-valid and no two requests are the same text.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = random.Random(seed)  # noqa: S311 - data sampling, not security
    pools = _pools(seeds)
    n_orig = min(len(seeds), int(n * ORIGINAL_MAX_SHARE + 0.999999))
    if n_orig < len(seeds):
        by_task: dict[str, list[LampItem]] = {}
        for item in seeds:
            by_task.setdefault(item.task, []).append(item)
        for items in by_task.values():
            rng.shuffle(items)
        order = [items[i] for i in range(max(map(len, by_task.values()), default=0))
                 for items in by_task.values() if i < len(items)]
        originals = order[:n_orig]
    else:
        originals = list(seeds)
    out: list[LampItem] = list(originals)
    seen = {_norm_text(item.request) for item in seeds}
    tasks = [t for t in TASKS if pools[t].seeds]
    if not tasks and n > len(out):
        raise ValueError("no seed has a task and classes to generate from")
    per_task = _quota(n - len(out), dict.fromkeys(tasks, 1.0))
    plan: list[tuple[str, str]] = []
    for task in tasks:
        for kind, count in _quota(per_task[task], KIND_WEIGHTS).items():
            plan += [(task, kind)] * count
    rng.shuffle(plan)
    for index, (task, kind) in enumerate(plan):
        out.append(_generate_one(pools[task], kind, index, rng, seen))
    return out


def _generate_one(pool: _Pools, kind: str, index: int, rng: random.Random,
                  seen: set[str]) -> LampItem:
    for attempt in range(200):
        item, slots = pool.seeds[rng.randrange(len(pool.seeds))]
        # seed_edit falls back to a slot-built paraphrase for seeds that allow no exact edit
        use = kind if kind != "seed_edit" or attempt < 150 else "paraphrase"
        if use == "seed_edit":
            made = _seed_edit(item, slots, pool, rng)
            if made is None:
                continue
        else:
            made = _BUILDERS[use](slots, pool, rng)
        text, parse = made
        key = _norm_text(text)
        if key in seen:
            continue
        errors = schema_errors(parse)
        if errors:  # a bug in a renderer, never data to train on
            raise RuntimeError(f"generated parse is not schema-valid: {errors[:3]}")
        seen.add(key)
        return LampItem(id=f"ru-{use}-{index:05d}-{item.id}", request=text, parse=parse)
    raise RuntimeError(f"could not generate a new {kind} item for {pool.seeds[0][1].task}")


def check_disjoint(train: list[LampItem], eval_items: list[LampItem]) -> None:
    """ValueError naming the training ids whose request equals (after lower-casing and
    whitespace normalisation) or nearly equals (rapidfuzz ratio >= 95) an evaluation
    request: training on those would leak the evaluation into the model."""
    eval_texts = [_norm_text(e.request) for e in eval_items]
    exact = {text: e.id for text, e in zip(eval_texts, eval_items, strict=True)}
    clashes: list[str] = []
    for item in train:
        text = _norm_text(item.request)
        if text in exact:
            clashes.append(f"{item.id} == {exact[text]}")
            continue
        hit = process.extractOne(text, eval_texts, scorer=fuzz.ratio,
                                 score_cutoff=NEAR_COPY_RATIO)
        if hit is not None:
            clashes.append(f"{item.id} ~ {eval_items[hit[2]].id} (ratio {hit[1]:.1f})")
    if clashes:
        shown = "; ".join(clashes[:20]) + (f"; ... {len(clashes) - 20} more"
                                           if len(clashes) > 20 else "")
        raise ValueError(f"{len(clashes)} training request(s) copy evaluation requests: "
                         f"{shown}")


@dataclass(frozen=True)
class RUDataReport:
    """What `build_ru_dataset` wrote."""

    path: Path
    total: int
    seeds: int
    eval_items: int
    per_task: dict[str, int]
    per_kind: dict[str, int]
    #: Pairs showing each class phenomenon (`object_phenomena`; a pair may show several).
    per_phenomenon: dict[str, int] = field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "total": self.total, "seeds": self.seeds,
                "eval_items": self.eval_items, "per_task": self.per_task,
                "per_kind": self.per_kind, "per_phenomenon": self.per_phenomenon}


def load_items(paths: Sequence[Path]) -> list[LampItem]:
    return [item for path in paths for item in read_lamp_jsonl(Path(path))]


def write_items(items: Sequence[LampItem], out_path: Path) -> None:
    """JSONL in the dev sets' line format, written atomically (temp file + os.replace) so a
    reader never sees a half-written training set."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out_path.name}.", dir=out_path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for item in items:
                f.write(json.dumps({"id": item.id, "task": item.task, "request": item.request,
                                    "parse": item.parse}) + "\n")
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_ru_dataset(out_path: Path, n: int, seed: int = 0,
                     seed_files: Sequence[Path] = SEED_FILES,
                     eval_files: Sequence[Path] = EVAL_FILES) -> RUDataReport:
    """Load the seeds, generate `n` pairs, refuse any that copy an evaluation request,
    and write them to `out_path`."""
    overlap = {Path(p).resolve() for p in seed_files} & {Path(p).resolve() for p in eval_files}
    if overlap:
        raise ValueError(f"evaluation files given as seeds: {sorted(map(str, overlap))}")
    seeds = load_items(seed_files)
    eval_items = load_items(eval_files)
    items = generate_ru_pairs(seeds, n, seed)
    check_disjoint(items, eval_items)
    write_items(items, out_path)
    kinds = Counter(variation_kind(i) for i in items)
    tasks = Counter(i.task for i in items)
    phenomena = Counter(f for i in items for f in object_phenomena(i))
    return RUDataReport(path=Path(out_path), total=len(items), seeds=len(seeds),
                        eval_items=len(eval_items),
                        per_task={t: tasks[t] for t in sorted(tasks)},
                        per_kind={k: kinds[k] for k in KINDS if kinds[k]},
                        per_phenomenon={f: phenomena[f] for f in PHENOMENA})
