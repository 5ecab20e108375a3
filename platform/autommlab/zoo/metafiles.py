"""Reference accuracy read from the metafiles OpenMMLab ships next to its configs.

A model card's `reference_accuracy` is what OpenMMLab published for the architecture. It is
read from the toolbox's own metafile (the `Results` of the model entry whose `Config` is the
card's `base_config`) instead of being typed by hand, so a card cannot drift from its source
and `source` says exactly where the figure came from.

Metafile layouts differ by toolbox, which is why this module exists:
- mmpretrain / mmdet: `<algo>/metafile.yml`, `Results` is a list, metrics in percent;
- mmsegmentation: `<algo>/metafile.yaml`, `Results` is a single mapping, metrics in percent;
- mmpose: `<algo>/<dataset>/<name>_<dataset>.yml` next to the config, metrics as fractions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from autommlab.errors import ZooError
from autommlab.tasks import Task
from autommlab.zoo.cards import ReferenceAccuracy
from autommlab.zoo.toolboxes import config_file, configs_root, toolbox_version


@dataclass(frozen=True)
class MetricRule:
    """Which published metric stands for a task, its canonical name and its scale."""

    key: str  # metric name inside the metafile's Results.Metrics
    canonical: str  # name used in cards and requests (LAMP vocabulary)
    scale: float  # multiply to get a fraction in [0, 1]


# Primary metric per toolbox, as each toolbox's metafiles name it. Only the single-scale,
# single-crop figure is taken (not 'mIoU(ms+flip)' or 'Top 5 Accuracy').
METRIC_RULES: dict[str, MetricRule] = {
    "mmpretrain": MetricRule("Top 1 Accuracy", "accuracy", 0.01),
    "mmdet": MetricRule("box AP", "AP", 0.01),
    "mmsegmentation": MetricRule("mIoU", "IoU", 0.01),
    "mmpose": MetricRule("AP", "AP", 1.0),
}


@dataclass(frozen=True)
class MetafileEntry:
    """One model entry of a metafile, with the file it came from."""

    metafile: Path
    entry: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.entry.get("Name", ""))


def find_metafile_entry(toolbox: str, base_config: str) -> MetafileEntry | None:
    """The metafile entry describing `base_config`, or None if no metafile lists it.

    Several entries can share one config (OpenMMLab's own training run and converted
    third-party weights, e.g. mobilenet-v3-small). The entry named after the config file is
    the run OpenMMLab trained with exactly this config, so it wins; otherwise the first one.
    """
    path = config_file(toolbox, base_config)
    wanted = "configs/" + base_config
    matches = [MetafileEntry(metafile, entry)
               for metafile in _candidate_metafiles(toolbox, path)
               for entry in _models(metafile)
               if entry.get("Config") == wanted]
    if not matches:
        return None
    same_name = [m for m in matches if m.name == path.stem]
    return (same_name or matches)[0]


def find_reference_accuracy(toolbox: str, base_config: str, task: Task) -> ReferenceAccuracy | None:
    """Published accuracy for the card's config, from the toolbox's metafile (None if absent).

    `task` is accepted so that a future toolbox holding several tasks can choose its metric by
    task; today each toolbox maps to one task and one primary metric.
    """
    del task  # one primary metric per toolbox (see METRIC_RULES)
    rule = METRIC_RULES.get(toolbox)
    if rule is None:
        raise ZooError(f"no metric rule for toolbox {toolbox!r}")
    found = find_metafile_entry(toolbox, base_config)
    if found is None:
        return None
    for result in _results(found.entry):
        metrics = result.get("Metrics") or {}
        if rule.key in metrics:
            return ReferenceAccuracy(
                metric=rule.canonical,
                value=_as_fraction(metrics[rule.key], rule.scale, found),
                dataset=str(result.get("Dataset", "unknown")),
                source=_source(toolbox, found),
            )
    return None


def _candidate_metafiles(toolbox: str, config: Path) -> list[Path]:
    """YAML files in the config's folder and its parents up to the configs root."""
    root = configs_root(toolbox)
    folders = [config.parent, *config.parent.parents]
    folders = [f for f in folders if f != root and root in f.parents]
    return [p for folder in folders for p in sorted(folder.iterdir())
            if p.suffix in (".yml", ".yaml") and p.is_file()]


@functools.lru_cache(maxsize=256)
def _models(metafile: Path) -> tuple[dict[str, Any], ...]:
    """The `Models` list of a metafile (cached: one metafile serves many cards)."""
    try:
        data = yaml.safe_load(metafile.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ZooError(f"cannot read metafile {metafile}: {exc}") from exc
    models = data.get("Models") if isinstance(data, dict) else None
    return tuple(m for m in models or () if isinstance(m, dict))


def _results(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """`Results` as a list: mmsegmentation writes a single mapping, the others a list."""
    results = entry.get("Results") or []
    if isinstance(results, dict):
        results = [results]
    return [r for r in results if isinstance(r, dict)]


def _as_fraction(raw: Any, scale: float, found: MetafileEntry) -> float:
    value = round(float(raw) * scale, 6)
    if not 0.0 <= value <= 1.0:
        raise ZooError(f"metafile {found.metafile} entry {found.name}: metric {raw!r} "
                       f"is not a percentage or fraction")
    return value


def _source(toolbox: str, found: MetafileEntry) -> str:
    """'mmdet==3.3.0:configs/rtmdet/metafile.yml#rtmdet_tiny_8xb32-300e_coco'."""
    relative = found.metafile.relative_to(configs_root(toolbox)).as_posix()
    return f"{toolbox}=={toolbox_version(toolbox)}:configs/{relative}#{found.name}"
