"""Perceptual hashes of many regions of one grey picture at once, and their readable reference.

A *region* is a box ``(left, top, right, bottom)`` in pixel units (floats allowed) of a grey
picture held as a 2-D array. A region may reach past the picture's edges (a copy aligned by its
keypoints, :mod:`heuristics.keypoints`): outside pixels repeat the nearest edge pixel.
Its *grid* is its area average on :data:`GRID`×:data:`GRID` cells:
each cell is the mean of the picture over the cell, every pixel counted by the share of it the
cell covers. Two hashes are taken from the grid's 2-D DCT-II (scipy's, unnormalised):

- :func:`reference_phash` — 64 bits: the 8×8 lowest frequencies, a bit set where the coefficient
  is above their median (imagehash's ``phash``, with area averaging instead of Lanczos). A region
  may be *mirrored* (the grid flipped left to right).
- :func:`reference_detail` — 256 bits: the signs of the 16×16 lowest frequencies, the DC term's
  bit always 0. Twice the spatial detail of a phash and four times the bits: what tells two
  look-alike portraits apart when their phashes agree (docs/avatars.md). A sign hash makes the
  mirror free: mirroring negates exactly the odd horizontal frequencies, so the mirror's detail
  hash is the hash XOR :data:`MIRROR_MASK`.

:class:`RegionHasher` is the fast path: the area averaging and the low-frequency DCT rows are
one matrix per region and axis, so all regions' coefficients come from one matrix product over
the picture (no resized copies, no full 32×32 DCTs). ``tests/unit/test_phash.py`` checks it
gives exactly the reference's bits.

- :func:`reference_fine` — the *fine* hash, taken only where a stored picture's keypoints place
  its region exactly (:mod:`heuristics.matching`): the signs of all 32×32 coefficients and the
  mask of the :data:`FINE_BITS` strongest of those at or above frequency :data:`FINE_BAND` on
  either axis — edges and texture at a scale no two people share, compared only where the
  stored picture's mask says they are strong. Mirroring flips the odd horizontal frequencies
  here too (:data:`FINE_MIRROR_MASK`).

Coefficients are rounded to :data:`_DECIMALS` decimals before thresholding, so flat pictures
(every AC coefficient zero up to rounding noise) hash the same way on both paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import fft

GRID: Final = 32
PHASH_SIDE: Final = 8
DETAIL_SIDE: Final = 16
FINE_BAND: Final = 12
FINE_BITS: Final = 256
_DECIMALS: Final = 3

Box = tuple[float, float, float, float]
Array = npt.NDArray[np.float64]


def _mirror_mask(side: int = DETAIL_SIDE) -> int:
    mask = 0
    for row in range(side):
        for column in range(1, side, 2):
            mask |= 1 << (side * side - 1 - (row * side + column))
    return mask


# Bits of a detail hash whose coefficient changes sign when the region is mirrored (odd
# horizontal frequency). The most significant bit is coefficient (0, 0).
MIRROR_MASK: Final = _mirror_mask()
# The same for the fine hash's 32×32 signs.
FINE_MIRROR_MASK: Final = _mirror_mask(GRID)
# What mirroring multiplies a phash's 8×8 coefficients by (each row alike).
_PHASH_MIRROR_SIGNS: Final = np.where(np.arange(PHASH_SIDE) % 2, -1.0, 1.0)


def _pack(bits: npt.NDArray[np.bool_]) -> list[int]:
    """Rows of bits as integers, the first bit most significant."""
    packed = np.packbits(bits, axis=1)
    if packed.shape[1] == 8:  # 64 bits: one big-endian word per row
        return packed.view(">u8").ravel().tolist()
    return [int.from_bytes(row.tobytes(), "big") for row in packed]


def _phash_bits(low: Array) -> list[int]:
    """(n, 8, 8) coefficients → n phashes: a bit set where the coefficient is above their median
    (of 64 values: the mean of the 32nd and 33rd smallest, as ``np.median`` takes it, without
    its per-call overhead)."""
    flat = np.round(low, _DECIMALS).reshape(len(low), -1)
    middle = np.sort(flat, axis=1)[:, flat.shape[1] // 2 - 1 : flat.shape[1] // 2 + 1]
    return _pack(flat > middle.sum(axis=1, keepdims=True) / 2)


def _detail_bits(low: Array) -> list[int]:
    """(n, 16, 16) coefficients → n detail hashes."""
    bits = np.round(low, _DECIMALS).reshape(len(low), -1) > 0
    bits[:, 0] = False  # the DC term: overall brightness, not detail
    return _pack(bits)


def _strongest(low: Array, count: int) -> list[int]:
    """(n, 16, 16) coefficients → n masks of the ``count`` largest in magnitude (DC excluded):
    the bits a re-encode, resize or brightness change is least likely to flip."""
    magnitude = np.abs(np.round(low, _DECIMALS).reshape(len(low), -1))
    magnitude[:, 0] = -1.0
    order = np.argsort(-magnitude, axis=1, kind="stable")[:, :count]
    mask = np.zeros(magnitude.shape, dtype=bool)
    np.put_along_axis(mask, order, True, axis=1)
    return _pack(mask)


def _fine_bits(full: Array) -> list[tuple[int, int]]:
    """(n, 32, 32) coefficients → n (signs, mask of the FINE_BITS strongest in the fine band)."""
    rounded = np.round(full, _DECIMALS).reshape(len(full), -1)
    frequency = np.maximum.outer(np.arange(GRID), np.arange(GRID)).ravel()
    magnitude = np.where(frequency >= FINE_BAND, np.abs(rounded), -1.0)
    order = np.argsort(-magnitude, axis=1, kind="stable")[:, :FINE_BITS]
    mask = np.zeros(rounded.shape, dtype=bool)
    np.put_along_axis(mask, order, True, axis=1)
    return list(zip(_pack(rounded > 0), _pack(mask), strict=True))


def _mirrored_phash_bits(low: Array, mirrored: Sequence[bool]) -> list[int]:
    """(n, 8, 8) coefficients of unmirrored regions → n phashes, mirrored where asked (mirroring
    negates the odd horizontal frequencies)."""
    return _phash_bits(low * np.where(np.asarray(mirrored)[:, None, None], _PHASH_MIRROR_SIGNS, 1.0))


# --- the reference: one region at a time, the grid spelt out -----------------------------------


def reference_grid(picture: Array, box: Box) -> Array:
    """The region's GRID×GRID area average, cell by cell."""
    left, top, right, bottom = box
    cell_w, cell_h = (right - left) / GRID, (bottom - top) / GRID
    grid = np.empty((GRID, GRID))
    height, width = picture.shape
    for i in range(GRID):
        y0, y1 = top + i * cell_h, top + (i + 1) * cell_h
        for j in range(GRID):
            x0, x1 = left + j * cell_w, left + (j + 1) * cell_w
            total = 0.0
            for y in range(int(np.floor(y0)), int(np.ceil(y1))):
                share_y = min(y + 1, y1) - max(y, y0)
                for x in range(int(np.floor(x0)), int(np.ceil(x1))):
                    share_x = min(x + 1, x1) - max(x, x0)
                    total += picture[min(max(y, 0), height - 1), min(max(x, 0), width - 1)] * share_y * share_x
            grid[i, j] = total / (cell_w * cell_h)
    return grid


def reference_phash(picture: Array, box: Box, mirrored: bool = False) -> int:
    grid = reference_grid(picture, box)
    if mirrored:
        grid = grid[:, ::-1]
    return _phash_bits(fft.dctn(grid, type=2)[None, :PHASH_SIDE, :PHASH_SIDE])[0]


def reference_detail(picture: Array, box: Box) -> int:
    return _detail_bits(fft.dctn(reference_grid(picture, box), type=2)[None, :DETAIL_SIDE, :DETAIL_SIDE])[0]


def reference_strongest(picture: Array, box: Box, count: int) -> int:
    return _strongest(fft.dctn(reference_grid(picture, box), type=2)[None, :DETAIL_SIDE, :DETAIL_SIDE], count)[0]


def reference_fine(picture: Array, box: Box) -> tuple[int, int]:
    return _fine_bits(fft.dctn(reference_grid(picture, box), type=2)[None])[0]


# --- the fast path --------------------------------------------------------------------------------


@cache
def _dct_rows(frequencies: int) -> Array:
    """The first ``frequencies`` rows of GRID-point DCT-II as a matrix (scipy's scale)."""
    k = np.arange(frequencies)[:, None]
    n = np.arange(GRID)[None, :]
    return 2.0 * np.cos(np.pi * k * (2 * n + 1) / (2 * GRID))


def area_weights(starts: Array, stops: Array, size: int) -> Array:
    """(spans, GRID, size): the share of pixel ``p`` in cell ``i`` of each span, divided by the
    cell's length — one axis of :func:`reference_grid` as a matrix.

    How much of pixel ``p`` lies before an edge ``e`` is ``clip(e - p, 0, 1)``; a cell's share is
    that at its right edge minus that at its left edge. Pixels beyond the picture (a span reaching
    past its edges) count as the nearest edge pixel."""
    cell = (stops - starts) / GRID
    edges = starts[:, None] + cell[:, None] * np.arange(GRID + 1)[None, :]
    low = min(0, int(np.floor(edges.min())))
    high = max(size, int(np.ceil(edges.max())))
    before = np.clip(edges[:, :, None] - np.arange(low, high, dtype=np.float64), 0.0, 1.0)
    weights = np.diff(before, axis=1) / cell[:, None, None]
    if low == 0 and high == size:
        return weights
    pixel = np.clip(np.arange(low, high), 0, size - 1)
    return weights @ (pixel[:, None] == np.arange(size)[None, :])


def _spans(boxes: Sequence[Box], start: int) -> tuple[Array, npt.NDArray[np.intp]]:
    """The distinct (start, stop) spans of the boxes on one axis (``start`` 0: x, 1: y), in
    order, and each box's span."""
    spans = [(float(box[start]), float(box[start + 2])) for box in boxes]
    distinct = sorted(set(spans))
    position = {span: n for n, span in enumerate(distinct)}
    return np.array(distinct, dtype=np.float64).reshape(-1, 2), np.array([position[s] for s in spans], dtype=np.intp)


@dataclass(frozen=True, slots=True)
class _Group:
    """How one group of boxes (one number of frequencies) is read off the stacked product."""

    first_row: int  # where the group's row weights start in the stack
    row_spans: int
    frequencies: int
    columns: Array  # (column spans · f, width)
    y_of: npt.NDArray[np.intp]
    x_of: npt.NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class _Plan:
    """Everything about a set of regions that does not depend on the pixels."""

    rows: Array  # (all groups' row spans · f, height)
    groups: tuple[_Group, ...]


BoxGroups = tuple[tuple[tuple[Box, ...], int], ...]


def _plan(groups: BoxGroups, height: int, width: int) -> _Plan:
    stacked, found, first = [], [], 0
    for boxes, frequencies in groups:
        ys, y_of = _spans(boxes, 1)
        xs, x_of = _spans(boxes, 0)
        dct = _dct_rows(frequencies)
        stacked.append((dct @ area_weights(ys[:, 0], ys[:, 1], height)).reshape(-1, height))
        columns = (dct @ area_weights(xs[:, 0], xs[:, 1], width)).reshape(-1, width)
        columns.flags.writeable = False
        found.append(_Group(first, len(ys), frequencies, columns, y_of, x_of))
        first += len(ys) * frequencies
    rows = np.concatenate(stacked)
    rows.flags.writeable = False
    return _Plan(rows, tuple(found))


# Plans shared between pictures: a fingerprint's regions depend on the picture's size alone, and a
# few sizes cover most avatars. Only for pictures no larger than SHARED_MAX_SIDE a side (a plan
# grows with the side: ≤ ~300 KB at 256 px, so ≤ ~20 MB per process for the whole cache).
SHARED_MAX_SIDE: Final = 256
_shared_plan = lru_cache(maxsize=64)(_plan)


class RegionHasher:
    """Hashes of many regions of one grey picture (a 2-D float array).

    Every region's coefficients are ``rows @ picture @ columns.T``, where ``rows`` and ``columns``
    are the lowest DCT rows times the :func:`area_weights` of its vertical and horizontal span.
    Regions share spans (a grid of crops has a few distinct columns and rows), so weights are made
    once per distinct span, the row weights of all spans (and all groups of regions) are stacked
    into one matrix that meets the picture in one product, and every row span meets every column
    span in a second one. ``shared`` (a fingerprint's own regions, which depend only on the
    picture's size) keeps the weights in a small per-process cache (:data:`SHARED_MAX_SIDE`),
    keyed by the boxes and the picture's size: geometry, never pixels.
    """

    def __init__(self, picture: Array) -> None:
        # A view (a picture cut out of a larger array) is used as it is: BLAS reads it in place.
        self.picture = np.asarray(picture, dtype=np.float64)

    def _coefficients(self, groups: Sequence[tuple[Sequence[Box], int]], shared: bool = False) -> list[Array]:
        """For each group of boxes and a number of frequencies ``f``: (boxes, f, f), the lowest
        f×f DCT coefficients of each box's grid. One pass over the picture for all groups."""
        # A plan's key: the boxes as tuples (a shared plan's boxes are tuples of floats already).
        key = tuple((tuple(map(tuple, boxes)), f) for boxes, f in groups)
        shared = shared and max(self.picture.shape) <= SHARED_MAX_SIDE
        plan = (_shared_plan if shared else _plan)(key, *self.picture.shape)
        partial = plan.rows @ self.picture  # (all row spans · f, width)
        found = []
        for group in plan.groups:
            f = group.frequencies
            block = partial[group.first_row : group.first_row + group.row_spans * f]
            every = (block @ group.columns.T).reshape(group.row_spans, f, -1, f)
            found.append(every[group.y_of, :, group.x_of, :])
        return found

    def _low(self, boxes: Sequence[Box], frequencies: int) -> Array:
        """(regions, f, f): the lowest f×f DCT coefficients of each region's grid."""
        return self._coefficients([(boxes, frequencies)])[0]

    def phashes(self, boxes: Sequence[Box], mirrored: Sequence[bool]) -> list[int]:
        return _mirrored_phash_bits(self._low(boxes, PHASH_SIDE), mirrored)

    def phashes_and_details(
        self, boxes: Sequence[Box], mirrored: Sequence[bool], detail_boxes: Sequence[Box], *, shared: bool = False
    ) -> tuple[list[int], list[int]]:
        """:meth:`phashes` of ``boxes`` and :meth:`details` of ``detail_boxes`` from one pass
        over the picture: a fingerprint's. ``shared``: see the class."""
        low, detail = self._coefficients([(boxes, PHASH_SIDE), (detail_boxes, DETAIL_SIDE)], shared)
        return _mirrored_phash_bits(low, mirrored), _detail_bits(detail)

    def details(self, boxes: Sequence[Box]) -> list[int]:
        return _detail_bits(self._low(boxes, DETAIL_SIDE))

    def fine(self, boxes: Sequence[Box]) -> list[tuple[int, int]]:
        """Each box's fine hash: (signs, mask), see :func:`reference_fine`."""
        return _fine_bits(self._low(boxes, GRID))

    def details_and_strongest(self, boxes: Sequence[Box], count: int) -> list[tuple[int, int]]:
        """Each box's detail hash and the mask of its ``count`` strongest coefficients."""
        low = self._low(boxes, DETAIL_SIDE)
        return list(zip(_detail_bits(low), _strongest(low, count), strict=True))
