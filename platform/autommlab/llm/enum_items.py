"""`uniqueItems` for arrays of enum strings, enforced during constrained decoding.

llguidance compiles a JSON schema's `uniqueItems` but does not enforce it, and it lets the
model spell an enum value with any tokens that make up its text. Both hurt a small model
copying a list of classes from a request:

* it loops: having written "melanoma", "basal cell carcinoma", "benign keratosis" it
  writes "melanoma" again (and again, up to maxItems) instead of the fourth class, or
  "burger", "burger" where the request says "burger, pasta";
* it spells a value with tokens it was never trained on: "m" + "illion" for a span that
  is canonically "million", after which the grammar finishes a value the model did not
  mean ("maize" is "ma" + "ize"; the model's "m" was a step towards neither).

For each top-level array property with `uniqueItems: true` and `items: {"enum": [...]}`,
`restrict` narrows the tokens the grammar allows inside an item to those that continue the
canonical tokenization (the tokenizer's own, as in training) of a value not yet in the
array, or that close such a value. Where that leaves nothing (a tokenizer that splits
differently inside JSON), the grammar's tokens are kept: the grammar is never overridden,
only narrowed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def _plain(value: Any) -> bool:
    # values whose JSON text is the value itself: no quote, escape or bracket to track
    return isinstance(value, str) and bool(value) and not any(c in value for c in '"\\[]')


class DistinctEnumItems:
    """The `uniqueItems` enum arrays of one schema, with each value's canonical tokens."""

    def __init__(self, tokenizer: Any, schema: Mapping[str, Any]) -> None:
        self.tokenizer = tokenizer
        self.arrays: dict[str, dict[str, tuple[int, ...]]] = {}
        for key, prop in (schema.get("properties") or {}).items():
            values = ((prop or {}).get("items") or {}).get("enum") if isinstance(
                prop, Mapping) else None
            if (prop.get("type") == "array" and prop.get("uniqueItems") and values
                    and all(_plain(v) for v in values)):
                # one batched call: a request offers ~150 spans (per-value calls were 30 ms)
                encoded = tokenizer(list(values), add_special_tokens=False)["input_ids"]
                self.arrays[key] = {v: tuple(ids) for v, ids in zip(values, encoded,
                                                                    strict=True)}
        self._pieces: dict[int, str] = {}

    def __bool__(self) -> bool:
        return bool(self.arrays)

    def piece(self, token: int) -> str:
        if token not in self._pieces:
            self._pieces[token] = self.tokenizer.decode([token])
        return self._pieces[token]

    def restrict(self, allowed: np.ndarray, generated: Sequence[int]) -> np.ndarray:
        """`allowed` (token ids the grammar allows next) narrowed for the array item being
        written, if any; unchanged outside such items or where nothing would be left."""
        text = "".join(self.piece(t) for t in generated)
        for key, canonical in self.arrays.items():
            head = f'"{key}":['
            at = text.find(head)
            if at < 0:
                continue
            start = at + len(head)
            inside, closed = False, False
            for ch in text[start:]:
                if ch == '"':
                    inside = not inside
                elif ch == "]" and not inside:
                    closed = True
                    break
            if closed or not inside:
                continue  # array done, or between items: the grammar decides
            parts = text[start:].split('"')  # values at odd positions, the open one last
            used = set(parts[1:-1:2])
            partial = parts[-1]
            return self._narrow(allowed, generated, canonical, used, partial,
                                content_start=len(text) - len(partial))
        return allowed

    def _narrow(self, allowed: np.ndarray, generated: Sequence[int],
                canonical: Mapping[str, tuple[int, ...]], used: set[str], partial: str,
                content_start: int) -> np.ndarray:
        # the tokens of the open item: those after the token that wrote its opening quote
        item: tuple[int, ...] | None = None
        end = 0
        for k, token in enumerate(generated):
            end += len(self.piece(token))
            if end == content_start:
                item = tuple(generated[k + 1:])
                break
            if end > content_start:
                break  # the quote token also holds content: check by text only
        open_values = [v for v in canonical if v not in used]
        if item is not None:
            n = len(item)
            following = {canonical[v][n] for v in open_values
                         if len(canonical[v]) > n and canonical[v][:n] == item}
        keep = np.zeros(allowed.shape, dtype=bool)
        for i, token in enumerate(allowed):
            text = self.piece(int(token))
            if '"' in text:  # closes the value (and maybe more JSON after it)
                value = partial + text[:text.index('"')]
                keep[i] = value in canonical and value not in used
            elif item is not None:
                keep[i] = int(token) in following
            else:
                grown = partial + text
                keep[i] = any(v.startswith(grown) for v in open_values)
        return allowed[keep] if keep.any() else allowed
