"""The parser interface every request-understanding backend implements, and its registry.

Backends register themselves by name (PEFT-style): `@register_parser("rules")` on the class.
`get_parser(name)` builds one. Backends that are planned but not installed in this version
fail with a clear BackendUnavailableError instead of an import traceback.
"""

from __future__ import annotations

import abc
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from autommlab.errors import BackendUnavailableError, RequestError
from autommlab.understand.schema import RequestConfig

#: Longest request accepted. Real requests are a few sentences; a 100 KB paste is a mistake
#: (a log file, a document) and parsing it would only produce a misleading config.
MAX_REQUEST_CHARS = 10_000

#: Backends that exist in the design but not yet in this version, with what to use instead.
PLANNED_BACKENDS: dict[str, str] = {}


@dataclass
class ParseResult:
    """A parsed request plus what the parser was unsure about."""

    config: RequestConfig
    warnings: list[str] = field(default_factory=list)
    backend: str = ""
    #: why the requested backend's own answer was not used (e.g. an LLM reply that failed
    #: validation, so the rules backend parsed the request); "" when it was
    fallback_reason: str = ""

    def to_json_dict(self) -> dict[str, Any]:
        return self.config.to_json_dict()


class Parser(abc.ABC):
    """Turns request text into a RequestConfig. Implementations must be deterministic
    for a fixed configuration and must never evaluate model output as code."""

    name: ClassVar[str]

    def parse(self, text: str) -> ParseResult:
        """Validate the text, then parse it. RequestError for unusable text."""
        clean, warnings = check_request_text(text)
        result = self._parse(clean)
        result.warnings[:0] = warnings
        result.backend = self.name
        return result

    @abc.abstractmethod
    def _parse(self, text: str) -> ParseResult: ...

    def parse_many(self, texts: Iterable[str]) -> list[ParseResult]:
        return [self.parse(t) for t in texts]


_REGISTRY: dict[str, Callable[..., Parser]] = {}


def register_parser(name: str) -> Callable[[type[Parser]], type[Parser]]:
    def decorate(cls: type[Parser]) -> type[Parser]:
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return decorate


def available_parsers() -> list[str]:
    _load_builtin_backends()
    return sorted(_REGISTRY)


def get_parser(name: str = "rules", **options: Any) -> Parser:
    """Build the parser backend called `name`."""
    _load_builtin_backends()
    if name in _REGISTRY:
        return _REGISTRY[name](**options)
    if name in PLANNED_BACKENDS:
        raise BackendUnavailableError(
            f"backend '{name}': {PLANNED_BACKENDS[name]}. "
            f"Available: {', '.join(sorted(_REGISTRY))}."
        )
    raise BackendUnavailableError(
        f"unknown parser backend '{name}'. Available: {', '.join(sorted(_REGISTRY))}."
    )


def _load_builtin_backends() -> None:
    # Importing a backend module registers it; kept lazy so importing the interface is cheap
    # (the LLM backends import torch/transformers only when one is built).
    from autommlab.understand import llm_backend, rules  # noqa: F401


def check_request_text(text: object) -> tuple[str, list[str]]:
    """Reject text no parser can use; return the cleaned text and warnings.

    Empty, binary and oversized input are errors (nothing sensible can come out); text that
    is merely unusual (not English, JSON-looking) gets a best-effort parse with a warning.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RequestError("the request is not UTF-8 text (binary data?)") from exc
    if not isinstance(text, str):
        raise RequestError(f"the request must be text, got {type(text).__name__}")
    if len(text) > MAX_REQUEST_CHARS:
        raise RequestError(
            f"the request is {len(text):,} characters long; the limit is {MAX_REQUEST_CHARS:,}. "
            "Describe the model you need in a few sentences."
        )
    control = sum(1 for ch in text if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn")
                  and ch not in "\n\r\t")
    if "\x00" in text or (text and control / len(text) > 0.05):
        raise RequestError("the request contains binary data, not readable text")
    # Line breaks are kept: in bullet-style requests they end a clause like a full stop.
    lines = unicodedata.normalize("NFKC", text).splitlines()
    clean = "\n".join(joined for line in lines if (joined := " ".join(line.split())))
    if not clean:
        raise RequestError("the request is empty: describe the model you need, e.g. "
                           "'a detector for forklifts, under 10M parameters, ONNX'")
    warnings: list[str] = []
    letters = [ch for ch in clean if ch.isalpha()]
    if letters and sum(ch.isascii() for ch in letters) / len(letters) < 0.5:
        warnings.append("the request does not look like English; the rules backend only "
                        "understands English, so this parse is a best effort")
    if clean.startswith(("{", "[")):
        warnings.append("the request looks like JSON; it was read as plain text")
    return clean, warnings
