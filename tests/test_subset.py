"""Sub-datasets of the selected classes, cut from real built zoo datasets."""

import json

import numpy as np
import pytest
from PIL import Image

from autommlab.errors import SelectionError
from autommlab.select.subset import make_subset
from autommlab.store import LocalStore
from autommlab.zoo.build import build_dataset
from autommlab.zoo.catalog import load_cards


@pytest.fixture(scope="module")
def fetched(tmp_path_factory):
    """Build two small datasets into a local store and fetch them back, as the pipeline does."""
    root = tmp_path_factory.mktemp("subset")
    store = LocalStore(root / "store")
    zoo = load_cards()
    out = {}
    for name in ("fashion-mnist", "footwear-segmentation"):
        manifest = build_dataset(zoo.dataset(name), store, scale=0.05)
        out[name] = root / name
        store.fetch_artifact(manifest.prefix, out[name])
    return out


def test_classification_subset_keeps_only_chosen_classes_relabelled(fetched, tmp_path):
    dest = make_subset(fetched["fashion-mnist"], ["sneaker", "sandal"], tmp_path / "sub")
    meta = json.loads((dest / "meta.json").read_text())
    assert meta["classes"] == ["sneaker", "sandal"] and meta["subset_of"] == "fashion-mnist"
    lines = (dest / "train.txt").read_text().split()
    paths, labels = lines[0::2], lines[1::2]
    assert set(labels) == {"0", "1"}
    assert all(p.startswith(("sneaker/", "sandal/")) for p in paths)
    assert all((dest / "train" / p).exists() for p in paths)
    source_lines = (fetched["fashion-mnist"] / "train.txt").read_text().splitlines()
    assert meta["splits"]["train"] == sum(1 for ln in source_lines
                                          if ln.split("/")[0] in ("sneaker", "sandal"))


def test_segmentation_subset_remaps_categories_and_label_pixels(fetched, tmp_path):
    dest = make_subset(fetched["footwear-segmentation"], ["ankle boot"], tmp_path / "sub")
    coco = json.loads((dest / "train" / "annotations.json").read_text())
    assert [c["id"] for c in coco["categories"]] == [1]
    assert coco["categories"][0]["name"] == "ankle boot"
    assert {a["category_id"] for a in coco["annotations"]} == {1}
    source = json.loads((fetched["footwear-segmentation"] / "train" / "annotations.json")
                        .read_text())
    boot_id = next(c["id"] for c in source["categories"] if c["name"] == "ankle boot")
    assert len(coco["annotations"]) == sum(a["category_id"] == boot_id
                                           for a in source["annotations"])
    for image in coco["images"]:
        old = np.asarray(Image.open(fetched["footwear-segmentation"] / "train" / "labels" /
                                    image["file_name"]))
        new = np.asarray(Image.open(dest / "train" / "labels" / image["file_name"]))
        assert set(np.unique(new)) <= {0, 1}
        assert ((old == boot_id) == (new == 1)).all()


def test_unknown_class_is_a_clear_error(fetched, tmp_path):
    with pytest.raises(SelectionError, match="forklift"):
        make_subset(fetched["fashion-mnist"], ["forklift"], tmp_path / "sub")
