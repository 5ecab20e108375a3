"""Keys and values of the last prompt, reused for the next prompt's shared prefix.

Every RU prompt starts with the same chat markup and system message (40 of about 100
tokens with SmolLM2), and the ensemble's judge scores answers to the prompt that was just
decoded. Computing a prompt costs ~4.5 ms a token on one CPU thread (0.45 s for an RU
prompt, a sixth of a parse), so, like llama.cpp's prompt cache, we keep the last prompt's
cache and start the next prompt after the longest prefix the two share. The kept keys and
values are those a full pass over the prompt computes, up to float rounding of the
different matrix shapes (a test checks the answers stay the same).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

#: Reuse only prefixes at least this long: a shorter one saves less than the copy costs.
MIN_REUSE = 8


class PromptCache:
    """The last prompt's token ids and its key/value cache (a transformers `Cache`).

    Not thread-safe on its own: `LocalChatModel` uses it under its generation lock.
    """

    def __init__(self) -> None:
        self._ids: tuple[int, ...] = ()
        self._cache: Any = None

    def take(self, prompt_ids: Sequence[int]) -> tuple[int, Any]:
        """(n, a cache holding the first n tokens of `prompt_ids`), or (0, None). At least
        one prompt token is always left to compute: its logits start the answer."""
        if self._cache is None:
            return 0, None
        limit = min(len(self._ids), len(prompt_ids) - 1)
        shared = 0
        while shared < limit and self._ids[shared] == prompt_ids[shared]:
            shared += 1
        if shared < MIN_REUSE:
            return 0, None
        cache = copy.deepcopy(self._cache)
        _crop_to(cache, shared)
        return shared, cache

    def keep(self, prompt_ids: Sequence[int], cache: Any) -> None:
        """Remember `cache`'s first len(prompt_ids) positions as this prompt's (the cache
        may hold tokens after the prompt; the caller's cache is not changed)."""
        kept = copy.deepcopy(cache)
        _crop_to(kept, len(prompt_ids))
        self._ids, self._cache = tuple(prompt_ids), kept


def _crop_to(cache: Any, length: int) -> None:
    """Keep the first `length` positions (transformers' `crop` takes how many to drop)."""
    extra = cache.get_seq_length() - length
    if extra > 0:
        cache.crop(-extra)
