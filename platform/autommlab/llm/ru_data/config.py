"""Where the seed and evaluation files are, which kinds exist and their shares."""

from __future__ import annotations

import re
from pathlib import Path

from autommlab.lamp.dataset import LampItem

_DATA_DIR = Path(__file__).resolve().parents[4] / "tests" / "data"
#: The dev sets: the only files generation reads.
SEED_FILES: tuple[Path, ...] = (_DATA_DIR / "lamp_dev.jsonl",
                                *(_DATA_DIR / f"lamp_dev{i}.jsonl" for i in range(2, 11)))
#: Evaluation sets: never generation input; training data is checked against them.
EVAL_FILES: tuple[Path, ...] = (_DATA_DIR / "lamp_holdout.jsonl", _DATA_DIR / "lamp_test.jsonl",
                                _DATA_DIR / "lamp_select.jsonl")

TASKS = ("classification", "detection", "segmentation", "keypoint")
KINDS = ("original", "numbers", "swap", "paraphrase", "trap", "seed_edit", "classes", "lists",
         "focus")
#: Share of each generated kind (the originals are kept on top, see `generate_ru_pairs`).
#: 'focus' (about a fifth of a 4000-item build) took its share from all others in proportion.
KIND_WEIGHTS: dict[str, float] = {"numbers": 0.09, "swap": 0.085, "paraphrase": 0.085,
                                  "trap": 0.185, "seed_edit": 0.095, "classes": 0.085,
                                  "lists": 0.155, "focus": 0.22}
#: At most this share of the output is originals (all seeds fit in a 5000-item build).
ORIGINAL_MAX_SHARE = 0.3
#: `check_disjoint`: rapidfuzz ratio at or above which two requests are near copies.
NEAR_COPY_RATIO = 95.0


_KIND_ID = re.compile(r"^ru-(?P<kind>[a-z_]+)-\d+-")


def variation_kind(item: LampItem) -> str:
    """The variation kind of an item `generate_ru_pairs` made (seeds: ``original``)."""
    m = _KIND_ID.match(item.id)
    return m.group("kind") if m else "original"
