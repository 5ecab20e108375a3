"""LAMP-style JSONL files: one {"id", "request", "parse"} object per line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autommlab.errors import AutommlabError


@dataclass(frozen=True)
class LampItem:
    id: str
    request: str
    parse: dict[str, Any]

    @property
    def task(self) -> str:
        return str(self.parse["model"]["task"])


def read_lamp_jsonl(path: Path) -> list[LampItem]:
    """Read a ground-truth file; a malformed line is an error naming its line number."""
    items: list[LampItem] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise AutommlabError(f"cannot read {path}: {exc}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            items.append(LampItem(id=str(raw["id"]), request=str(raw["request"]),
                                  parse=raw["parse"]))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise AutommlabError(
                f"{path}:{number}: expected {{\"id\", \"request\", \"parse\"}} JSON ({exc})"
            ) from exc
    return items
