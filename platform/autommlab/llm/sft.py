"""LoRA supervised fine-tuning of a causal LM on chat examples (RU-LLaMA, HPO-LLaMA).

One small loop on plain PyTorch + peft, the same on a CPU (the 135M model) and on a GPU (a
7B model): chat-formatted prompt (the model's own chat template), loss on the answer
tokens only, AdamW with linear warm-up and decay, LoRA on every linear layer. Resumable:
every `save_every` steps the adapter, the optimizer, the scheduler, the step and the RNG
state are written to `checkpoint/` (written beside, then renamed), and a new run with the
same output directory continues from there with the same data order. The finished
adapter goes to `adapter/` with `training.json` (configuration, data size and hash, loss
curve, time).
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from autommlab.errors import LLMError
from autommlab.llm.base import ChatExample
from autommlab.llm.config import LLMConfig
from autommlab.llm.decoding import answer_ids, prompt_ids
from autommlab.llm.source import load_base_model
from autommlab.store.local import swap_in

log = logging.getLogger(__name__)

IGNORE_INDEX = -100  # label value the loss skips (prompt and padding tokens)


@dataclass
class SFTConfig:
    """Hyperparameters of one LoRA fine-tuning run."""

    output_dir: Path
    llm: LLMConfig = field(default_factory=LLMConfig)
    max_steps: int = 400
    batch_size: int = 8
    grad_accum: int = 1
    lr: float = 1e-3
    weight_decay: float = 0.0
    warmup_steps: int = 20
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    target_modules: str | list[str] = "all-linear"
    max_length: int = 512  # longer examples are dropped (and counted), never truncated
    seed: int = 0
    save_every: int = 50
    log_every: int = 10
    # Start from this adapter's LoRA weights (a new optimizer and schedule): more steps on
    # a trained adapter without paying again for the ones it had. None: a fresh LoRA.
    init_adapter: Path | None = None

    def to_json_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["output_dir"] = str(self.output_dir)
        data["init_adapter"] = str(self.init_adapter) if self.init_adapter else None
        data["llm"] = self.llm.model_dump()
        return data


@dataclass
class SFTProgress:
    step: int
    max_steps: int
    loss: float | None
    seconds: float


@dataclass
class SFTResult:
    adapter_dir: Path
    steps: int
    final_loss: float | None
    seconds: float
    examples: int
    dropped_too_long: int
    resumed_from: int = 0
    losses: list[tuple[int, float]] = field(default_factory=list)


def data_hash(examples: Sequence[ChatExample]) -> str:
    digest = hashlib.sha256()
    for ex in examples:
        digest.update(json.dumps(ex.to_json_dict(), sort_keys=True).encode())
    return digest.hexdigest()[:16]


def encode_example(tokenizer: Any, example: ChatExample) -> tuple[list[int], list[int]]:
    """Token ids and labels: the prompt (masked) then the answer and end-of-turn token."""
    prompt = prompt_ids(tokenizer, example.messages)
    answer = answer_ids(tokenizer, example.answer)
    return prompt + answer, [IGNORE_INDEX] * len(prompt) + answer


def train_lora(examples: Sequence[ChatExample], config: SFTConfig, *,
               progress: Callable[[SFTProgress], None] | None = None,
               model: Any = None, tokenizer: Any = None,
               data_info: Mapping[str, Any] | None = None) -> SFTResult:
    """Fine-tune a LoRA adapter on `examples`; resumes from `output_dir/checkpoint`.

    `data_info` (where the examples came from) is recorded in the adapter's training.json.
    """
    import torch
    from peft import LoraConfig, get_peft_model

    if not examples:
        raise LLMError("no training examples")
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    if config.llm.threads:
        torch.set_num_threads(config.llm.threads)
    if model is None or tokenizer is None:
        model, tokenizer = load_base_model(config.llm)
    encoded = [encode_example(tokenizer, ex) for ex in examples]
    kept = [e for e in encoded if len(e[0]) <= config.max_length]
    dropped = len(encoded) - len(kept)
    if not kept:
        raise LLMError(f"every example is longer than max_length={config.max_length} tokens")
    if dropped:
        log.warning("%d of %d examples are longer than %d tokens and were left out", dropped,
                    len(encoded), config.max_length)

    lora = LoraConfig(r=config.lora_r, lora_alpha=config.lora_alpha,
                      lora_dropout=config.lora_dropout, target_modules=config.target_modules,
                      task_type="CAUSAL_LM")
    model = get_peft_model(model, lora)
    if config.init_adapter is not None:
        _load_init_adapter(model, Path(config.init_adapter), config)
    device = next(model.parameters()).device
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, _schedule(config))

    fingerprint = {"data": data_hash(examples), "config": _resume_key(config)}
    ckpt = out / "checkpoint"
    step, losses = 0, []
    if (ckpt / "state.pt").is_file():
        step, losses = _load_checkpoint(ckpt, model, optimizer, scheduler, fingerprint)
        log.info("resuming fine-tuning at step %d of %d", step, config.max_steps)
    resumed_from = step
    order = _batches(len(kept), config, config.max_steps * config.grad_accum)
    started = time.perf_counter()
    model.train()
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    window: list[float] = []
    while step < config.max_steps:
        optimizer.zero_grad(set_to_none=True)
        total = 0.0
        for micro in range(config.grad_accum):
            batch = [kept[i] for i in order[step * config.grad_accum + micro]]
            ids, labels, mask = _collate(batch, pad, device)
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            if not torch.isfinite(loss):
                raise LLMError(f"the training loss became {loss.item()} at step {step + 1}: "
                               "lower the learning rate")
            (loss / config.grad_accum).backward()
            total += loss.item() / config.grad_accum
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        scheduler.step()
        step += 1
        window.append(total)
        if step % config.log_every == 0 or step == config.max_steps:
            losses.append((step, round(sum(window) / len(window), 5)))
            window = []
        if progress:
            progress(SFTProgress(step, config.max_steps, total,
                                 time.perf_counter() - started))
        if step % config.save_every == 0 and step < config.max_steps:
            _save_checkpoint(ckpt, model, optimizer, scheduler, step, losses, fingerprint)
    seconds = time.perf_counter() - started
    result = SFTResult(adapter_dir=out / "adapter", steps=step,
                       final_loss=losses[-1][1] if losses else None, seconds=seconds,
                       examples=len(kept), dropped_too_long=dropped,
                       resumed_from=resumed_from, losses=losses)
    _save_adapter(model, result.adapter_dir, {
        "config": config.to_json_dict(), "data_hash": fingerprint["data"],
        "examples": len(kept), "dropped_too_long": dropped, "steps": step,
        "resumed_from": resumed_from, "seconds_this_run": round(seconds, 1),
        "final_loss": result.final_loss, "losses": losses, "data": dict(data_info or {})})
    shutil.rmtree(ckpt, ignore_errors=True)
    return result


def _schedule(config: SFTConfig) -> Callable[[int], float]:
    def factor(step: int) -> float:
        if step < config.warmup_steps:
            return (step + 1) / config.warmup_steps
        span = max(1, config.max_steps - config.warmup_steps)
        return max(0.05, 1.0 - (step - config.warmup_steps) / span)

    return factor


def _batches(n: int, config: SFTConfig, count: int) -> list[list[int]]:
    """`count` batches of example indices: epochs of seeded shuffles, the same on resume."""
    rng = random.Random(config.seed)  # noqa: S311 - data order, not security
    batches: list[list[int]] = []
    pool: list[int] = []
    while len(batches) < count:
        if len(pool) < config.batch_size:
            epoch = list(range(n))
            rng.shuffle(epoch)
            pool += epoch
        batches.append(pool[:config.batch_size])
        pool = pool[config.batch_size:]
    return batches


def _collate(batch: list[tuple[list[int], list[int]]], pad: int, device: Any) -> tuple[Any, ...]:
    import torch

    width = max(len(ids) for ids, _ in batch)
    ids = torch.full((len(batch), width), pad, dtype=torch.long)
    labels = torch.full((len(batch), width), IGNORE_INDEX, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, (tokens, target) in enumerate(batch):
        ids[row, :len(tokens)] = torch.tensor(tokens)
        labels[row, :len(target)] = torch.tensor(target)
        mask[row, :len(tokens)] = 1
    return ids.to(device), labels.to(device), mask.to(device)


def _resume_key(config: SFTConfig) -> dict[str, Any]:
    """What must not change between a run and its resumption (the data order and the
    optimisation depend on it)."""
    keys = ("max_steps", "batch_size", "grad_accum", "lr", "warmup_steps", "lora_r",
            "lora_alpha", "target_modules", "seed", "max_length")
    return {k: getattr(config, k) for k in keys} | {
        "model": config.llm.model,
        "init_adapter": str(config.init_adapter) if config.init_adapter else None}


def _load_lora_weights(model: Any, adapter: Path) -> Any:
    """An adapter directory's LoRA weights into the peft model (load_state_dict casts them
    to the model's dtype: shipped adapters are float16); peft's load result."""
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    return set_peft_model_state_dict(model, load_file(str(adapter /
                                                          "adapter_model.safetensors")))


def _load_init_adapter(model: Any, adapter: Path, config: SFTConfig) -> None:
    """Copy a trained adapter's LoRA weights into the fresh peft model (same rank and
    alpha, or the weights would mean something else)."""
    settings_file = adapter / "adapter_config.json"
    weights = adapter / "adapter_model.safetensors"
    if not settings_file.is_file() or not weights.is_file():
        raise LLMError(f"--init-adapter {adapter}: no adapter_config.json and "
                       "adapter_model.safetensors there")
    settings = json.loads(settings_file.read_text())
    if (settings.get("r"), settings.get("lora_alpha")) != (config.lora_r, config.lora_alpha):
        raise LLMError(f"--init-adapter {adapter} has LoRA rank {settings.get('r')} / alpha "
                       f"{settings.get('lora_alpha')}; this run uses {config.lora_r} / "
                       f"{config.lora_alpha}: pass the same --lora-r")
    result = _load_lora_weights(model, adapter)
    unexpected = getattr(result, "unexpected_keys", None)
    if unexpected:
        raise LLMError(f"--init-adapter {adapter} does not fit this model: "
                       f"{len(unexpected)} unexpected weights, e.g. {unexpected[0]}")


def _save_checkpoint(path: Path, model: Any, optimizer: Any, scheduler: Any, step: int,
                     losses: list[tuple[int, float]], fingerprint: dict[str, Any]) -> None:
    import torch

    tmp = path.with_name(path.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    model.save_pretrained(tmp / "adapter")
    torch.save({"optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                "step": step, "losses": losses, "fingerprint": fingerprint,
                "torch_rng": torch.get_rng_state()}, tmp / "state.pt")
    swap_in(tmp, path, path.with_name(path.name + ".old"))


def _load_checkpoint(path: Path, model: Any, optimizer: Any, scheduler: Any,
                     fingerprint: dict[str, Any]) -> tuple[int, list[tuple[int, float]]]:
    import torch

    state = torch.load(path / "state.pt", weights_only=True)  # tensors and plain data only
    if state["fingerprint"] != fingerprint:
        raise LLMError(f"{path} was written by a run with other data or settings; delete it "
                       "to start over, or resume with the same data and options")
    _load_lora_weights(model, path / "adapter")
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    torch.set_rng_state(state["torch_rng"])
    return int(state["step"]), [tuple(x) for x in state["losses"]]


def _save_adapter(model: Any, target: Path, training: dict[str, Any]) -> None:
    """The adapter and its training.json, written beside `target`, then swapped in."""
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    (tmp / "training.json").write_text(json.dumps(training, indent=1))
    swap_in(tmp, target, target.with_name(target.name + ".old"))


def publish_adapter(adapter_dir: Path, target: Path) -> None:
    """Copy a finished adapter to `target` (e.g. the package's adapters/ru), replacing
    what was there only once the copy is complete."""
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(adapter_dir, tmp)
    swap_in(tmp, target, target.with_name(target.name + ".old"))
