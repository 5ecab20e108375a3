"""The model zoo: every card is valid, builds offline, and its figures come from the code.

Cards are only as good as their figures: selection filters on params / FLOPs and ranks by
reference accuracy. So these tests re-measure one small model per task and compare with the
card, check every reference accuracy against the metafile it names, and check that no
config still asks for pretrained weights (nothing can be downloaded here).
"""

from __future__ import annotations

import math
import shutil
import statistics
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from autommlab.errors import ZooError
from autommlab.tasks import TASKS
from autommlab.zoo.cards import ModelCard, load_card
from autommlab.zoo.measure import (
    build_model,
    load_model_config,
    main_measure,
    measure_model,
    strip_pretrained,
)
from autommlab.zoo.metafiles import METRIC_RULES, find_reference_accuracy
from autommlab.zoo.toolboxes import config_file, configs_root

# The toolboxes' own deprecation chatter (torch.cuda.amp, pkg_resources, build_loss) is not
# about the zoo; hide it so a real warning from our code stands out.
pytestmark = [
    *(pytest.mark.filterwarnings(f"ignore::{category}:mm(cv|engine|det|seg|pose|pretrain)")
      for category in ("DeprecationWarning", "FutureWarning", "UserWarning")),
    pytest.mark.filterwarnings("ignore:`torch.jit.:DeprecationWarning"),  # mmcv's decorators
]

ZOO_MODELS = Path(__file__).resolve().parents[1] / "zoo" / "models"
CARD_FILES = sorted(ZOO_MODELS.glob("*.yaml"))
# One small card per task: re-measured and built with weight initialisation.
SMALL_PER_TASK = ["mobilenet-v3-small", "rtmdet-tiny", "fast-scnn", "rtmpose-t"]
SIZE_TAGS = {"small", "medium", "large"}


def _card(path: Path) -> ModelCard:
    card = load_card(path)
    assert isinstance(card, ModelCard), f"{path} is not a model card"
    return card


def _card_named(name: str) -> ModelCard:
    return _card(ZOO_MODELS / f"{name}.yaml")


@pytest.fixture(scope="module")
def cards() -> list[ModelCard]:
    return [_card(p) for p in CARD_FILES]


# --- the cards themselves (no torch needed) ---------------------------------------------

@pytest.mark.parametrize("path", CARD_FILES, ids=lambda p: p.stem)
def test_card_validates_and_its_config_is_shipped(path: Path) -> None:
    card = _card(path)
    assert card.name == path.stem
    assert config_file(card.toolbox, card.base_config).is_file()
    assert card.measured.latency_ms_cpu is not None and card.measured.measured_on
    assert card.reference_accuracy is not None


def test_each_task_has_five_small_models_and_a_larger_one(cards: list[ModelCard]) -> None:
    by_task: dict[str, list[ModelCard]] = defaultdict(list)
    for card in cards:
        by_task[card.task].append(card)
    assert set(by_task) == set(TASKS)
    for card in cards:
        assert len(SIZE_TAGS & set(card.tags)) == 1, f"{card.name}: tag it one of {SIZE_TAGS}"
    for task, members in by_task.items():
        small = [c for c in members if "small" in c.tags]
        large = [c for c in members if "large" in c.tags]
        assert len(small) >= 5, task
        assert large, task
        # 'large' must mean something to the constraint filter: more params and FLOPs
        # than the typical small model of the task.
        for card in large:
            assert card.measured.params_m > statistics.median(c.measured.params_m for c in small)
            assert card.measured.flops_g > statistics.median(c.measured.flops_g for c in small)


def test_names_and_aliases_do_not_collide_within_a_task(cards: list[ModelCard]) -> None:
    assert len({c.name for c in cards}) == len(cards)
    for task in TASKS:
        owners: dict[str, str] = {}
        for card in (c for c in cards if c.task == task):
            for spelling in {card.name, card.architecture.lower(), *map(str.lower, card.aliases)}:
                assert owners.setdefault(spelling, card.name) == card.name, (task, spelling)


@pytest.mark.parametrize("path", CARD_FILES, ids=lambda p: p.stem)
def test_reference_accuracy_is_the_metafile_figure(path: Path) -> None:
    card = _card(path)
    ref = card.reference_accuracy
    assert ref is not None
    assert ref == find_reference_accuracy(card.toolbox, card.base_config, card.task)
    # Independently of the lookup code: open the metafile named by `source`, find the entry.
    package_and_version, _, location = ref.source.partition(":")
    assert package_and_version.startswith(card.toolbox + "==")
    relative, _, entry_name = location.partition("#")
    metafile = configs_root(card.toolbox) / relative.removeprefix("configs/")
    models = yaml.safe_load(metafile.read_text(encoding="utf-8"))["Models"]
    entry = next(m for m in models if m["Name"] == entry_name)
    assert entry["Config"] == "configs/" + card.base_config
    results = entry["Results"] if isinstance(entry["Results"], list) else [entry["Results"]]
    rule = METRIC_RULES[card.toolbox]
    published = next(r["Metrics"][rule.key] for r in results if rule.key in r["Metrics"])
    assert ref.value == pytest.approx(published * rule.scale, abs=1e-9)
    assert 0 < ref.value < 1


# --- configs and models (need the vision extra) -------------------------------------------

def test_strip_pretrained_handles_dicts_lists_and_strings() -> None:
    tree = {
        "pretrained": "open-mmlab://resnet50_v1c",
        "backbone": {"init_cfg": {"type": "Pretrained", "checkpoint": "https://x/y.pth"}},
        "neck": {"init_cfg": [{"type": "Kaiming", "layer": "Conv2d"},
                              {"type": "Pretrained", "checkpoint": "torchvision://resnet18"}]},
        "heads": [{"init_cfg": [{"type": "Pretrained", "checkpoint": "a"}]}],
        "keep": {"init_cfg": {"type": "Normal", "std": 0.01}, "pretrained": False},
    }
    cleaned = strip_pretrained(tree)
    assert "Pretrained" not in repr(cleaned)
    assert cleaned["pretrained"] is None
    assert cleaned["neck"]["init_cfg"] == [{"type": "Kaiming", "layer": "Conv2d"}]
    assert cleaned["heads"][0]["init_cfg"] is None
    assert cleaned["keep"] == {"init_cfg": {"type": "Normal", "std": 0.01}, "pretrained": False}


@pytest.mark.parametrize("path", CARD_FILES, ids=lambda p: p.stem)
def test_no_pretrained_weights_left_in_the_config(path: Path) -> None:
    card = _card(path)
    cfg = load_model_config(card.toolbox, card.base_config).to_dict()
    assert "Pretrained" not in repr(cfg)
    assert "://" not in repr(cfg["model"]), "the model section still points at a download"
    assert cfg.get("load_from") is None


def test_unknown_config_is_a_zoo_error() -> None:
    with pytest.raises(ZooError, match="ships no config"):
        config_file("mmdet", "rtmdet/no_such_config.py")


@pytest.mark.parametrize("name", SMALL_PER_TASK)
def test_remeasuring_gives_the_cards_figures(name: str) -> None:
    card = _card_named(name)
    fresh = measure_model(card.toolbox, card.base_config, card.task, latency=False)
    assert fresh.input_shape == card.measured.input_shape
    assert math.isclose(fresh.params_m, card.measured.params_m, rel_tol=1e-3)
    assert math.isclose(fresh.flops_g, card.measured.flops_g, rel_tol=0.01)


@pytest.mark.parametrize("name", SMALL_PER_TASK)
def test_model_builds_and_initialises_offline(name: str) -> None:
    """init_weights() would try to download any Pretrained checkpoint left in the config."""
    card = _card_named(name)
    model = build_model(load_model_config(card.toolbox, card.base_config), card.toolbox)
    model.init_weights()
    assert sum(p.numel() for p in model.parameters()) > 0


def test_zoo_measure_completes_a_new_card(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A card written without figures gets them, and its reference accuracy, from the code."""
    stub = tmp_path / "mobilenet-v3-small.yaml"
    shutil.copy(ZOO_MODELS / stub.name, stub)
    raw = yaml.safe_load(stub.read_text(encoding="utf-8"))
    del raw["measured"], raw["reference_accuracy"]
    stub.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")

    main_measure([tmp_path], write=True, latency=False)

    written, reference = _card(stub), _card_named("mobilenet-v3-small")
    assert written.reference_accuracy == reference.reference_accuracy
    assert math.isclose(written.measured.params_m, reference.measured.params_m, rel_tol=1e-3)
    assert written.measured.latency_ms_cpu is None  # not measured, and not invented
    assert "mobilenet-v3-small" in capsys.readouterr().out
