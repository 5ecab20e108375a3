"""The zoo catalog and the builder registry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from autommlab.errors import ZooError
from autommlab.zoo.builders import builder_names, get_builder, register_builder
from autommlab.zoo.catalog import ZOO_DIR_ENV, default_zoo_dir, load_cards

REPO_ZOO = Path(__file__).resolve().parents[1] / "zoo"

MODEL_CARD = {
    "kind": "model", "name": "tiny-net", "task": "classification", "architecture": "TinyNet",
    "description": "a test card", "toolbox": "mmpretrain", "base_config": "x/y.py",
    "measured": {"params_m": 1.0, "flops_g": 0.1, "input_shape": [3, 32, 32]},
}


@pytest.fixture
def zoo(tmp_path: Path) -> Path:
    """A zoo with the repository's data cards and one model card."""
    shutil.copytree(REPO_ZOO / "datasets", tmp_path / "datasets")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "tiny-net.yaml").write_text(yaml.safe_dump(MODEL_CARD))
    return tmp_path


def test_load_cards_reads_both_kinds(zoo: Path) -> None:
    catalog = load_cards(zoo)
    names = [c.name for c in catalog.datasets]
    assert names == sorted(names) and "mnist" in names and len(names) >= 12
    assert catalog.dataset("mnist").task == "classification"
    assert catalog.model("tiny-net").architecture == "TinyNet"


def test_missing_names_suggest_the_closest(zoo: Path) -> None:
    catalog = load_cards(zoo)
    with pytest.raises(ZooError, match="mnist"):
        catalog.dataset("minst")
    with pytest.raises(ZooError, match="tiny-net"):
        catalog.model("tinynet")


def test_a_card_whose_file_name_differs_is_rejected(zoo: Path) -> None:
    (zoo / "datasets" / "mnist.yaml").rename(zoo / "datasets" / "digits.yaml")
    with pytest.raises(ZooError, match="rename the file"):
        load_cards(zoo)


def test_a_model_card_among_datasets_is_rejected(zoo: Path) -> None:
    shutil.move(zoo / "models" / "tiny-net.yaml", zoo / "datasets" / "tiny-net.yaml")
    with pytest.raises(ZooError, match="model card"):
        load_cards(zoo)


def test_default_zoo_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ZOO_DIR_ENV, raising=False)
    assert default_zoo_dir() == REPO_ZOO
    monkeypatch.setenv(ZOO_DIR_ENV, str(tmp_path))
    assert default_zoo_dir() == tmp_path
    with pytest.raises(ZooError, match="does not exist"):
        load_cards(tmp_path / "missing")


def test_builders_register_themselves() -> None:
    names = builder_names()
    for expected in ("fashion_mnist_classification", "mnist_classification",
                     "texture_classification", "pasted_objects_detection",
                     "pasted_objects_segmentation", "pasted_objects_keypoints",
                     "cat_face_keypoints"):
        assert expected in names
    with pytest.raises(ZooError, match="texture_classification"):
        get_builder("texture_clasification")


def test_a_name_cannot_be_registered_twice() -> None:
    def other(card, out_dir, scale=1.0) -> None:  # pragma: no cover - never called
        raise AssertionError

    with pytest.raises(ZooError, match="registered twice"):
        register_builder("mnist_classification")(other)
