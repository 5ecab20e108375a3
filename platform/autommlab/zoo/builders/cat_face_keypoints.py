"""Cat face keypoints: scikit-image's real cat photo ('chelsea') under random affine warps.

The landmarks were placed by hand on the source photo (451x300, looked at under a 4-5x
zoomed pixel grid): the centres of the two irises and the lower tip of the nose pad. The
ear tips were left out on purpose: one is outside the frame and the other is out of focus,
so neither can be placed to a few pixels. Names follow the animal's anatomy (COCO style):
the cat's left eye is on the right of the photo.

Each sample is an elliptical cut of the face, warped by a random similarity transform with
a little anisotropy (scale, rotation, optional mirror), colour-jittered and pasted onto a
real background. The keypoints go through the same matrix, so they are exact to floating
point; a mirror swaps the left/right labels, as a flip does in mmpose. The instance mask is
the warped ellipse (the pasted region: exact, but a face patch, not a cat silhouette).

Limitation, stated in the card: there is one real cat, so this dataset measures robustness
to pose, scale and context, not generalisation to other cats.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from pydantic import Field

from autommlab.errors import ZooError
from autommlab.zoo.builders import register_builder
from autommlab.zoo.builders._backgrounds import background, resolve_backgrounds
from autommlab.zoo.builders._coco import build_coco
from autommlab.zoo.builders._common import (
    BuilderParams,
    check_classes,
    check_keypoint_names,
    check_task,
    image_rng,
    parse_params,
)
from autommlab.zoo.builders._objects import Sprite
from autommlab.zoo.builders._scenes import Scene, compose
from autommlab.zoo.cards import DataCard
from autommlab.zoo.sources import skimage_image

SOURCE_IMAGE = "chelsea"
#: Hand-placed landmarks on chelsea.png, pixel-index (x, y) coordinates.
LANDMARKS: dict[str, tuple[float, float]] = {
    "nose": (259.0, 266.0),
    "left_eye": (318.0, 135.0),
    "right_eye": (171.0, 116.0),
}
KEYPOINT_NAMES: tuple[str, ...] = tuple(LANDMARKS)
#: The face region that is cut out: an ellipse (centre x, centre y, radius x, radius y).
FACE_ELLIPSE: tuple[float, float, float, float] = (245.0, 170.0, 140.0, 125.0)
_MIRROR_ORDER = (0, 2, 1)  # after a mirror, the left eye is the old right eye


class CatParams(BuilderParams):
    backgrounds: list[str] = Field(default_factory=lambda: ["textures", "photos"])
    cats_per_image: tuple[int, int] = (1, 2)
    face_width: tuple[int, int] = Field(default=(40, 96), description="pasted width, px")
    max_rotation: float = Field(default=30.0, ge=0, le=180)
    mirror: bool = True
    min_gap: int = Field(default=2, ge=0)


@register_builder("cat_face_keypoints")
def build(card: DataCard, out_dir: Path, scale: float = 1.0) -> None:
    check_task(card, "keypoint")
    check_classes(card, 1, "one class: cat")
    check_keypoint_names(card, KEYPOINT_NAMES)
    params = parse_params(card, CatParams)
    backgrounds = resolve_backgrounds(params.backgrounds)
    if SOURCE_IMAGE in backgrounds:
        raise ZooError("the cat photo cannot also be a background (an unlabeled cat)")
    height, width = card.image_size

    def scene(split: str, index: int) -> Scene:
        rng = image_rng(card, split, index)
        canvas = background(rng, backgrounds, (height, width))
        count = int(rng.integers(params.cats_per_image[0], params.cats_per_image[1] + 1))
        sprites = [(0, cat_sprite(rng, params)) for _ in range(count)]
        return compose(canvas, sprites, rng, min_gap=params.min_gap)

    build_coco(card, out_dir, scale, scene)


def cat_sprite(rng: np.random.Generator, params: CatParams) -> Sprite:
    """One warped, colour-jittered face cut with its transformed landmarks."""
    cx, cy, rx, ry = FACE_ELLIPSE
    scale = float(rng.uniform(*params.face_width)) / (2 * rx)
    aspect = float(rng.uniform(0.9, 1.1))
    angle = math.radians(float(rng.uniform(-params.max_rotation, params.max_rotation)))
    mirror = params.mirror and bool(rng.integers(2))
    gains = rng.uniform(0.85, 1.15, size=3) * rng.uniform(0.7, 1.15)
    saturation = float(rng.uniform(0.6, 1.2))

    # Linear part: mirror (about the face centre), anisotropic scale, then rotation.
    cos, sin = math.cos(angle), math.sin(angle)
    linear = np.array([[cos, -sin], [sin, cos]]) @ np.diag([scale * aspect, scale / aspect])
    if mirror:
        linear = linear @ np.diag([-1.0, 1.0])
    # Where the ellipse lands: its extent along x and y after the linear map.
    half = np.sqrt((linear * np.array([rx, ry])) ** 2 @ np.ones(2))
    size = np.ceil(2 * half).astype(int) + 3
    offset = size / 2.0 - 0.5  # the face centre maps to the middle of the patch
    matrix = np.hstack([linear, (offset - linear @ np.array([cx, cy]))[:, None]])

    rgb, mask = _warp(skimage_image(SOURCE_IMAGE), matrix, (int(size[1]), int(size[0])))
    rgb = _jitter(rgb, gains, saturation)
    points = np.array(list(LANDMARKS.values()))
    if mirror:
        points = points[list(_MIRROR_ORDER)]
    warped = points @ matrix[:, :2].T + matrix[:, 2]

    rows, cols = np.nonzero(mask)
    top, left = int(rows.min()), int(cols.min())
    crop = (slice(top, int(rows.max()) + 1), slice(left, int(cols.max()) + 1))
    rgb, mask = rgb[crop], mask[crop]
    rgb[~mask] = 0
    keypoints = tuple((float(x - left), float(y - top)) for x, y in warped)
    return Sprite(rgb=rgb, mask=mask, keypoints=keypoints)


def _warp(source: np.ndarray, matrix: np.ndarray, shape: tuple[int, int]
          ) -> tuple[np.ndarray, np.ndarray]:
    """Inverse-map every output pixel (pixel-index coordinates) into the source: bilinear
    colour, and a mask that is exactly 'inside the face ellipse and inside the photo'."""
    inverse = np.linalg.inv(np.vstack([matrix, [0.0, 0.0, 1.0]]))[:2]
    ys, xs = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float64)
    qx = inverse[0, 0] * xs + inverse[0, 1] * ys + inverse[0, 2]
    qy = inverse[1, 0] * xs + inverse[1, 1] * ys + inverse[1, 2]
    cx, cy, rx, ry = FACE_ELLIPSE
    src_h, src_w = source.shape[:2]
    mask = (((qx - cx) / rx) ** 2 + ((qy - cy) / ry) ** 2 <= 1.0) & \
        (qx >= 0) & (qx <= src_w - 1) & (qy >= 0) & (qy <= src_h - 1)
    x0 = np.clip(np.floor(qx), 0, src_w - 2).astype(int)
    y0 = np.clip(np.floor(qy), 0, src_h - 2).astype(int)
    fx = np.clip(qx - x0, 0.0, 1.0)[..., None]
    fy = np.clip(qy - y0, 0.0, 1.0)[..., None]
    src = source.astype(np.float64)
    top = src[y0, x0] * (1 - fx) + src[y0, x0 + 1] * fx
    bottom = src[y0 + 1, x0] * (1 - fx) + src[y0 + 1, x0 + 1] * fx
    rgb = top * (1 - fy) + bottom * fy
    return rgb, mask


def _jitter(rgb: np.ndarray, gains: np.ndarray, saturation: float) -> np.ndarray:
    gray = rgb.mean(axis=2, keepdims=True)
    out = (gray + (rgb - gray) * saturation) * gains
    return np.rint(np.clip(out, 0, 255)).astype(np.uint8)
