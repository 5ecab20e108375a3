"""HPO-LLaMA fine-tuning: hyperparameter history -> dialogues -> LoRA adapter.

The history is the shipped prior (`zoo/hpo/history.jsonl`, written by the HPO benchmark
from real training runs) plus, optionally, the user's own (`$AUTOMMLAB_HOME/hpo/`). The
dialogues are `hpo_data.build_hpo_dialogues`; `exclude_datasets` keeps datasets out of
training so the HPO benchmark can evaluate the adapter leave-one-dataset-out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from autommlab.errors import LLMError
from autommlab.hpo.history import HPOHistory
from autommlab.llm.hpo_data import build_hpo_dialogues
from autommlab.llm.sft import SFTConfig, SFTProgress, SFTResult, publish_adapter, train_lora


def train_hpo(history_files: Sequence[Path], config: SFTConfig, *, k: int = 2,
              max_rounds: int = 3, orderings: int = 2, exclude_datasets: Sequence[str] = (),
              priors: bool = True, publish_to: Path | None = None,
              progress: Callable[[SFTProgress], None] | None = None) -> SFTResult:
    from autommlab.zoo.catalog import load_cards

    missing = [str(p) for p in history_files if not Path(p).is_file()]
    if missing:
        raise LLMError(f"hyperparameter history not found: {', '.join(missing)} (run "
                       "`make bench-hpo` to produce zoo/hpo/history.jsonl)")
    history = HPOHistory.load([Path(p) for p in history_files])
    examples = build_hpo_dialogues(history, load_cards(), k, seed=config.seed,
                                   exclude_datasets=exclude_datasets, max_rounds=max_rounds,
                                   orderings=orderings, priors=priors)
    if not examples:
        raise LLMError("the history gives no dialogues (each search needs at least k "
                       "completed trials)")
    result = train_lora(examples, config, progress=progress, data_info={
        "history_files": [str(p) for p in history_files], "records": len(history.records),
        "dialogues": len(examples), "k": k, "max_rounds": max_rounds, "orderings": orderings,
        "priors": priors, "excluded_datasets": list(exclude_datasets)})
    if publish_to is not None:
        publish_adapter(result.adapter_dir, publish_to)
    return result
