"""RU-LLaMA fine-tuning and evaluation: LAMP-style pairs -> chat examples -> LoRA adapter.

`train_ru` reads request/parse pairs (the generator's output, `ru_data.build_ru_dataset`),
turns each into a chat example (`ru_prompt.ru_example`: the request as the user turn, the
compact answer as the target) and runs `sft.train_lora`. Before training it refuses data
that overlaps an evaluation set (`ru_data.check_disjoint`), so a score is never measured on
requests the adapter has seen. (Evaluation: `autommlab llm eval-ru`, the LAMP RU scoring of
the `llm` backend with a given adapter.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from autommlab.errors import LLMError
from autommlab.lamp.dataset import LampItem, read_lamp_jsonl
from autommlab.llm.ru_prompt import ru_example
from autommlab.llm.sft import SFTConfig, SFTProgress, SFTResult, publish_adapter, train_lora


def load_pairs(files: Sequence[Path]) -> list[LampItem]:
    items = [item for path in files for item in read_lamp_jsonl(Path(path))]
    if not items:
        raise LLMError(f"no request/parse pairs in {', '.join(map(str, files))}")
    return items


def train_ru(train_files: Sequence[Path], config: SFTConfig, *,
             eval_files: Sequence[Path] = (), publish_to: Path | None = None,
             progress: Callable[[SFTProgress], None] | None = None) -> SFTResult:
    """Fine-tune the RU adapter; optionally copy the finished adapter to `publish_to`."""
    from autommlab.llm.ru_data import check_disjoint

    items = load_pairs(train_files)
    if eval_files:
        try:
            check_disjoint(items, load_pairs(eval_files))
        except ValueError as exc:
            raise LLMError(f"training data overlaps evaluation data: {exc}") from exc
    examples = [ru_example(item.request, item.parse) for item in items]
    result = train_lora(examples, config, progress=progress, data_info={
        "train_files": [str(p) for p in train_files],
        "eval_files_kept_out": [str(p) for p in eval_files], "pairs": len(items)})
    if publish_to is not None:
        publish_adapter(result.adapter_dir, publish_to)
    return result
