"""Keypoints that are exact functions of an object's mask: extreme points and a centre.

Each keypoint is a pixel of the mask (so it lies on the object), computed on the final
pasted mask (so it is exact after every transform):

* top / bottom: in the mask's first / last row, the median pixel of that row's mask pixels
  (the lower median for an even count);
* left / right: in the first / last column, the median pixel of that column;
* center: the mask pixel nearest to the mask's centroid (the centroid itself can fall in a
  hole, e.g. the middle of a '0'); ties go to the first pixel in raster order.

A horizontal flip swaps left and right (flip pair); top, bottom and center map to
themselves up to one pixel (the median of an even run flips to the other median).
"""

from __future__ import annotations

import numpy as np

EXTREME_POINT_NAMES: tuple[str, ...] = ("top", "bottom", "left", "right", "center")


def extreme_points(mask: np.ndarray) -> tuple[tuple[float, float], ...]:
    """(x, y) of top, bottom, left, right and center, pixel-index coordinates."""
    rows, cols = np.nonzero(mask)  # raster order
    if rows.size == 0:
        raise ValueError("empty mask has no keypoints")

    def median_of(selected: np.ndarray, along: np.ndarray) -> int:
        values = np.sort(along[selected])
        return int(values[(values.size - 1) // 2])

    top_row, bottom_row = int(rows.min()), int(rows.max())
    left_col, right_col = int(cols.min()), int(cols.max())
    top = (median_of(rows == top_row, cols), top_row)
    bottom = (median_of(rows == bottom_row, cols), bottom_row)
    left = (left_col, median_of(cols == left_col, rows))
    right = (right_col, median_of(cols == right_col, rows))
    distance = (rows - rows.mean()) ** 2 + (cols - cols.mean()) ** 2
    nearest = int(np.argmin(distance))
    center = (int(cols[nearest]), int(rows[nearest]))
    return tuple((float(x), float(y)) for x, y in (top, bottom, left, right, center))
