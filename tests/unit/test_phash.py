"""The batched region hasher gives exactly the readable reference's bits."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from heuristics.images import CROP_BOXES, decode
from heuristics.phash import (
    FINE_MIRROR_MASK,
    MIRROR_MASK,
    RegionHasher,
    reference_detail,
    reference_fine,
    reference_grid,
    reference_phash,
    reference_strongest,
)

PHOTOS = Path(__file__).resolve().parents[1] / "data" / "photos"


def pictures() -> list[np.ndarray]:
    rng = np.random.default_rng(3)
    real = [
        np.asarray(decode((PHOTOS / n).read_bytes(), target_side=64).convert("L"), dtype=np.float64)
        for n in ("astronaut.jpg", "brick.jpg")
    ]
    return [*real, rng.random((37, 53)) * 255, np.full((20, 20), 128.0)]


def boxes_for(picture: np.ndarray) -> list[tuple[float, float, float, float]]:
    h, w = picture.shape
    whole = [(0.0, 0.0, float(w), float(h)), (1.5, 2.25, w - 3.7, h - 0.5)]
    return whole + [(b[0] * w, b[1] * h, b[2] * w, b[3] * h) for b in CROP_BOXES[:5]]


@pytest.mark.parametrize("number", range(4))
def test_fast_phashes_and_details_equal_the_reference(number: int) -> None:
    picture = pictures()[number]
    boxes = boxes_for(picture)
    mirrored = [i % 2 == 1 for i in range(len(boxes))]
    hasher = RegionHasher(picture)
    expected = [reference_phash(picture, b, m) for b, m in zip(boxes, mirrored, strict=True)]
    assert hasher.phashes(boxes, mirrored) == expected
    assert hasher.details(boxes) == [reference_detail(picture, b) for b in boxes]
    pairs = hasher.details_and_strongest(boxes, 128)
    assert [s for _, s in pairs] == [reference_strongest(picture, b, 128) for b in boxes]
    assert all(s.bit_count() == 128 for _, s in pairs)
    assert hasher.phashes_and_details(boxes, mirrored, boxes[:2]) == (expected, hasher.details(boxes[:2]))
    fine = hasher.fine(boxes)
    assert fine == [reference_fine(picture, b) for b in boxes]
    assert all(mask.bit_count() == 256 for _, mask in fine)


def test_reference_grid_is_an_area_average() -> None:
    picture = np.arange(64 * 64, dtype=np.float64).reshape(64, 64)
    grid = reference_grid(picture, (0, 0, 64, 64))
    assert grid[0, 0] == pytest.approx(picture[:2, :2].mean())
    assert grid.mean() == pytest.approx(picture.mean())


def test_the_mirror_of_a_detail_or_fine_hash_is_an_xor() -> None:
    picture = pictures()[0]
    mirrored = np.ascontiguousarray(picture[:, ::-1])
    h, w = picture.shape
    box = (0.0, 0.0, float(w), float(h))
    differ = reference_detail(picture, box) ^ MIRROR_MASK ^ reference_detail(mirrored, box)
    assert differ.bit_count() <= 2  # 8-bit rounding only
    (signs, mask), (mirror_signs, _) = reference_fine(picture, box), reference_fine(mirrored, box)
    assert ((signs ^ FINE_MIRROR_MASK ^ mirror_signs) & mask).bit_count() <= 2


def test_flat_pictures_hash_deterministically() -> None:
    flat = np.asarray(Image.new("L", (30, 30), 77), dtype=np.float64)
    hasher = RegionHasher(flat)
    assert hasher.details([(0, 0, 30, 30)]) == [0]
    assert hasher.phashes([(0, 0, 30, 30)], [False]) == [reference_phash(flat, (0, 0, 30, 30))]


def test_regions_past_the_edges_repeat_the_edge_pixels() -> None:
    picture = pictures()[0]
    h, w = picture.shape
    boxes = [(-3.5, -2.0, w + 1.25, h - 4.0), (2.0, 1.5, w + 6.0, h + 3.5)]
    hasher = RegionHasher(picture)
    assert hasher.details(boxes) == [reference_detail(picture, b) for b in boxes]
    padded = np.pad(picture, 8, mode="edge")
    shifted = [(b[0] + 8, b[1] + 8, b[2] + 8, b[3] + 8) for b in boxes]
    assert hasher.details(boxes) == RegionHasher(padded).details(shifted)
