"""The built-in datasets: cards are valid, builds are exact, deterministic and published whole.

Every card is built once at a small scale (a prefix of its full build: per-image seeding)
and the files are checked against what the card promises: split sizes, COCO files that
pycocotools loads, boxes equal to the tight box of each instance mask, label PNGs equal to
the instance masks, keypoints on the object, byte-identical rebuilds.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO

from autommlab.errors import ZooError
from autommlab.store.local import LocalStore
from autommlab.tasks import TASKS
from autommlab.zoo.build import CARD_FILE, build_all, build_dataset, dataset_prefix
from autommlab.zoo.builders import builder_names, get_builder
from autommlab.zoo.builders._common import SPLITS, split_sizes
from autommlab.zoo.cards import DataCard, load_card

# pycocotools' decode trips numpy 2's __array__(copy=) deprecation inside pycocotools.
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

ZOO_DATASETS = Path(__file__).resolve().parents[1] / "zoo" / "datasets"
CARD_FILES = sorted(ZOO_DATASETS.glob("*.yaml"))
SCALE = 0.01  # classification 30/5/5, COCO sets 8/2/2 images


def _card(path: Path) -> DataCard:
    card = load_card(path)
    assert isinstance(card, DataCard), f"{path} is not a data card"
    return card


CARDS = [_card(p) for p in CARD_FILES]
COCO_CARDS = [c for c in CARDS if c.annotation_format == "coco"]
KEYPOINT_CARDS = [c for c in CARDS if c.task == "keypoint"]


def _ids(card: DataCard) -> str:
    return card.name


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every card built once at SCALE."""
    root = tmp_path_factory.mktemp("built")
    out = {}
    for card in CARDS:
        out[card.name] = root / card.name
        out[card.name].mkdir()
        get_builder(card.recipe.builder)(card, out[card.name], SCALE)
    return out


def _digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the cards ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", CARD_FILES, ids=lambda p: p.stem)
def test_card_is_consistent(path: Path) -> None:
    card = _card(path)
    assert card.name == path.stem
    assert card.recipe.builder in builder_names()
    expected_format = "imagefolder" if card.task == "classification" else "coco"
    assert card.annotation_format == expected_format
    assert card.license and card.source and card.description
    assert len({c.name for c in card.classes}) == len(card.classes)
    if card.task == "keypoint":
        spec = card.keypoints
        assert spec is not None
        k = len(spec.names)
        assert len(spec.sigmas) == k and all(0 < s < 1 for s in spec.sigmas)
        assert spec.flip_pairs, "left/right keypoints need flip pairs"
        for a, b in [*spec.skeleton, *spec.flip_pairs]:
            assert 0 <= a < k and 0 <= b < k and a != b
        assert len(card.classes) == 1, "top-down keypoint sets have one skeleton/class"
    else:
        assert card.keypoints is None


def test_at_least_three_cards_per_task() -> None:
    for task in TASKS:
        assert sum(c.task == task for c in CARDS) >= 3, task


def _wordnet():
    """The project's WordNet reader, or skip (infra/setup.sh installs the data)."""
    from autommlab.errors import AutommlabError
    from autommlab.wordnet import wordnet

    try:
        return wordnet()
    except AutommlabError as exc:
        pytest.skip(str(exc))


def test_synsets_exist_and_name_the_class() -> None:
    """Every synset id is canonical (wn.synset(id).name() == id) and one of its lemmas is the
    class name or one of its aliases, so the id means what the class is."""
    wn = _wordnet()

    def norm(text: str) -> str:
        return text.lower().replace("_", " ").strip()

    for card in CARDS:
        for info in card.classes:
            if info.synset is None:
                continue
            synset = wn.synset(info.synset)
            assert synset.name() == info.synset, (card.name, info.name, synset.name())
            lemmas = {norm(lemma.name()) for lemma in synset.lemmas()}
            names = {norm(info.name), *(norm(a) for a in info.aliases)}
            assert lemmas & names, (card.name, info.name, info.synset, sorted(lemmas))


# --- what the builders write ---------------------------------------------------------------

@pytest.mark.parametrize("card", CARDS, ids=_ids)
def test_split_sizes_match_the_card(card: DataCard, built: dict[str, Path]) -> None:
    root = built[card.name]
    sizes = split_sizes(card, SCALE)
    meta = json.loads((root / "meta.json").read_text())
    assert meta["splits"] == sizes and meta["classes"] == card.class_names
    height, width = card.image_size
    for split in SPLITS:
        if card.annotation_format == "imagefolder":
            files = sorted((root / split).rglob("*.png"))
            lines = (root / f"{split}.txt").read_text().splitlines()
            assert len(files) == len(lines) == sizes[split]
            for index, line in enumerate(lines):
                relative, label = line.rsplit(" ", 1)
                assert int(label) == index % len(card.classes)
                assert relative.split("/")[0] == meta["layout"]["class_dirs"][int(label)]
                with Image.open(root / split / relative) as im:
                    assert im.size == (width, height) and im.mode == "L"
        else:
            images = sorted((root / split / "images").glob("*.png"))
            assert len(images) == sizes[split]
            with Image.open(images[0]) as im:
                assert im.size == (width, height) and im.mode == "RGB"


def _instance_mask(ann: dict) -> np.ndarray:
    return mask_utils.decode(ann["segmentation"]).astype(bool)


def _tight_box(mask: np.ndarray) -> list[int]:
    ys, xs = np.nonzero(mask)
    return [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
            int(ys.max() - ys.min() + 1)]


@pytest.mark.parametrize("card", COCO_CARDS, ids=_ids)
def test_coco_files_load_and_boxes_are_exact(card: DataCard, built: dict[str, Path]) -> None:
    root = built[card.name]
    for split in SPLITS:
        coco = COCO(str(root / split / "annotations.json"))
        cats = coco.loadCats(coco.getCatIds())
        assert [c["name"] for c in cats] == card.class_names
        assert [c["id"] for c in cats] == list(range(1, len(card.classes) + 1))
        assert len(coco.getImgIds()) == split_sizes(card, SCALE)[split]
        for image_id in coco.getImgIds():
            info = coco.loadImgs(image_id)[0]
            anns = coco.loadAnns(coco.getAnnIds(imgIds=image_id))
            assert anns, "every image holds at least one object"
            union = np.zeros((info["height"], info["width"]), dtype=np.int64)
            for ann in anns:
                mask = _instance_mask(ann)
                assert ann["bbox"] == _tight_box(mask), "box must be the mask's tight box"
                assert ann["area"] == int(mask.sum()) and ann["iscrowd"] == 0
                assert not (union[mask] > 0).any(), "instances must not overlap"
                union[mask] = ann["category_id"]
            label_file = root / split / "labels" / info["file_name"]
            if card.task == "segmentation":
                label = np.asarray(Image.open(label_file))
                assert np.array_equal(label, union), "label PNG = instance masks"
                for ann in anns:  # and the boxes are tight boxes of the label PNG's pixels
                    pixels = (label == ann["category_id"]) & _instance_mask(ann)
                    assert ann["bbox"] == _tight_box(pixels)
            else:
                assert not label_file.exists()


@pytest.mark.parametrize("card", [c for c in COCO_CARDS if c.recipe.builder.startswith(
    "pasted_objects")], ids=_ids)
def test_masks_are_exactly_the_pasted_pixels(card: DataCard,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """On a black background the pasted pixels are the only non-zero ones (objects are
    shaded from a floor above zero): they must be exactly the union of the instance masks."""
    from autommlab.zoo.builders import _pasted

    def black(rng: np.random.Generator, names: object, size: tuple[int, int]) -> np.ndarray:
        return np.zeros((*size, 3), dtype=np.uint8)

    monkeypatch.setattr(_pasted, "background", black)
    scenes = _pasted.pasted_scenes(card)
    for index in range(6):
        scene = scenes.scene("train", index)
        union = np.zeros(scene.image.shape[:2], dtype=bool)
        for instance in scene.instances:
            union |= instance.mask
        assert np.array_equal(scene.image.any(axis=2), union)


def test_extreme_points_of_a_ring_stay_on_the_ring() -> None:
    from autommlab.zoo.builders._keypoints import extreme_points

    ys, xs = np.mgrid[0:21, 0:31]
    radius = np.hypot((xs - 15) / 15, (ys - 10) / 10)
    ring = (radius <= 1.0) & (radius >= 0.6)
    points = extreme_points(ring)
    assert points[0] == (15.0, 0.0) and points[1] == (15.0, 20.0)
    assert points[2] == (0.0, 10.0) and points[3] == (30.0, 10.0)
    cx, cy = points[4]
    assert ring[int(cy), int(cx)], "the centre keypoint is a ring pixel, not the hole"


@pytest.mark.parametrize("card", KEYPOINT_CARDS, ids=_ids)
def test_keypoints_are_on_the_object(card: DataCard, built: dict[str, Path]) -> None:
    assert card.keypoints is not None
    k = len(card.keypoints.names)
    extreme_points = card.keypoints.names[:4] == ["top", "bottom", "left", "right"]
    for split in SPLITS:
        coco = COCO(str(built[card.name] / split / "annotations.json"))
        assert coco.loadCats(1)[0]["keypoints"] == card.keypoints.names
        for ann in coco.loadAnns(coco.getAnnIds()):
            info = coco.loadImgs(ann["image_id"])[0]
            mask = _instance_mask(ann)
            points = np.array(ann["keypoints"], dtype=float).reshape(k, 3)
            assert ann["num_keypoints"] == k and (points[:, 2] == 2).all()
            xs, ys = points[:, 0], points[:, 1]
            assert (xs >= 0).all() and (xs <= info["width"] - 1).all()
            assert (ys >= 0).all() and (ys <= info["height"] - 1).all()
            cols, rows = np.rint(xs).astype(int), np.rint(ys).astype(int)
            assert mask[rows, cols].all(), "every keypoint lies on the object"
            if extreme_points:
                x, y, w, h = ann["bbox"]
                assert (xs == np.rint(xs)).all() and (ys == np.rint(ys)).all()
                assert ys[0] == y and ys[1] == y + h - 1  # top, bottom
                assert xs[2] == x and xs[3] == x + w - 1  # left, right


def test_cat_landmarks_follow_a_mirror() -> None:
    """A mirrored cat keeps the anatomical labels: its left eye is still on the image's
    right for a face seen from the front (the swap mmpose's flip_pairs expect)."""
    card = next(c for c in KEYPOINT_CARDS if c.recipe.builder == "cat_face_keypoints")
    from autommlab.zoo.builders.cat_face_keypoints import CatParams, cat_sprite

    for seed in range(6):
        rng = np.random.default_rng(seed)
        sprite = cat_sprite(rng, CatParams(max_rotation=0.0))
        assert sprite.keypoints is not None
        nose, left_eye, right_eye = sprite.keypoints
        assert left_eye[0] > right_eye[0] and nose[1] > max(left_eye[1], right_eye[1])
    assert card.keypoints is not None and card.keypoints.flip_pairs == [(1, 2)]


def test_rebuild_is_byte_identical(built: dict[str, Path], tmp_path: Path) -> None:
    for card in CARDS:
        again = tmp_path / card.name
        again.mkdir()
        get_builder(card.recipe.builder)(card, again, SCALE)
        assert _digests(again) == _digests(built[card.name]), card.name


def test_smaller_scale_builds_a_prefix(tmp_path: Path) -> None:
    card = next(c for c in COCO_CARDS if c.task == "detection")
    small, large = tmp_path / "small", tmp_path / "large"
    small.mkdir()
    large.mkdir()
    get_builder(card.recipe.builder)(card, small, 0.005)
    get_builder(card.recipe.builder)(card, large, 0.02)
    for path in sorted((small / "train" / "images").glob("*.png")):
        assert path.read_bytes() == (large / "train" / "images" / path.name).read_bytes()


def test_a_different_seed_gives_different_images(built: dict[str, Path], tmp_path: Path
                                                 ) -> None:
    card = next(c for c in COCO_CARDS if c.task == "segmentation")
    reseeded = card.model_copy(update={"recipe": card.recipe.model_copy(update={"seed": 999})})
    get_builder(card.recipe.builder)(reseeded, tmp_path, SCALE)
    name = "train/images/000001.png"
    assert (tmp_path / name).read_bytes() != (built[card.name] / name).read_bytes()


# --- publishing ---------------------------------------------------------------------------

def test_build_dataset_publishes_every_file(tmp_path: Path) -> None:
    card = next(c for c in CARDS if c.task == "keypoint")
    store = LocalStore(tmp_path / "store")
    manifest = build_dataset(card, store, scale=SCALE, workdir=tmp_path)
    assert manifest.prefix.rstrip("/") == dataset_prefix(card.name)
    assert manifest.metadata["builder"] == card.recipe.builder
    assert list(tmp_path.glob("autommlab-build-*")) == [], "the temporary build dir is removed"

    fetched = tmp_path / "fetched"
    store.fetch_artifact(dataset_prefix(card.name), fetched)
    files = {p.relative_to(fetched).as_posix() for p in fetched.rglob("*") if p.is_file()}
    listed = {entry.path for entry in manifest.files}
    assert files - {"MANIFEST.json"} == listed
    assert {CARD_FILE, "meta.json", "train/annotations.json"} <= listed
    n_images = sum(split_sizes(card, SCALE).values())
    assert sum(p.endswith(".png") for p in listed) == n_images
    digests = _digests(fetched)
    assert all(digests[e.path] == e.sha256 for e in manifest.files)
    assert DataCard.model_validate(yaml.safe_load((fetched / CARD_FILE).read_text())) == card


def test_build_all_reports_progress(tmp_path: Path) -> None:
    cards = [c for c in CARDS if c.task == "classification"][:2]
    events: list[tuple[str, int, int, bool]] = []
    results = build_all(cards, LocalStore(tmp_path), scale=SCALE,
                        progress=lambda n, i, t, r: events.append((n, i, t, r is not None)))
    assert [r.name for r in results] == [c.name for c in cards]
    assert events == [(cards[0].name, 0, 2, False), (cards[0].name, 0, 2, True),
                      (cards[1].name, 1, 2, False), (cards[1].name, 1, 2, True)]


def test_unknown_builder_is_a_zoo_error(tmp_path: Path) -> None:
    card = CARDS[0].model_copy(update={"recipe": CARDS[0].recipe.model_copy(
        update={"builder": "mnist_clasification"})})
    store = LocalStore(tmp_path)
    with pytest.raises(ZooError, match="mnist_classification"):
        build_dataset(card, store, scale=SCALE)
    assert store.read_manifest(dataset_prefix(card.name)) is None


def test_bad_params_are_a_zoo_error(tmp_path: Path) -> None:
    card = next(c for c in COCO_CARDS if c.task == "detection")
    bad = card.model_copy(update={"recipe": card.recipe.model_copy(
        update={"params": {**card.recipe.params, "objects_per_imgae": [1, 2]}})})
    with pytest.raises(ZooError, match="objects_per_imgae"):
        get_builder(bad.recipe.builder)(bad, tmp_path, SCALE)
