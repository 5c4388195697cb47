"""Geometric confirmation: stored ORB keypoints, a transform a copy agrees on, and the detail hash
taken where that transform puts the stored picture."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image, ImageEnhance, ImageOps

from bench.portraits import draw_portrait, family_base
from heuristics.images import AvatarFingerprint, fingerprint, fingerprint_bytes
from heuristics.keypoints import MAX_STORED_BYTES, STORED_KEYPOINTS, Keypoints, align
from heuristics.matching import ALIGNED_THRESHOLD, MIN_INLIERS, compare, geometric_evidence, relations
from tests.unit.photos import NAMES, jpeg, photo, stored


def copies(image: Image.Image) -> dict[str, Image.Image]:
    w, h = image.size
    return {
        "resize": image.resize((w * 5 // 8, h * 5 // 8)),
        "crop": image.crop((w // 10, 0, w, h * 9 // 10)),
        "mirror_crop": ImageOps.mirror(image.crop((w // 20, h // 20, w - w // 20, h - h // 20))),
        "squeezed": image.resize((160, 160)),
        "border": ImageOps.expand(image, w // 12, (255, 255, 255)),
        "brightness": ImageEnhance.Brightness(image).enhance(1.3),
    }


def test_keypoints_round_trip_through_bytes_and_are_bounded() -> None:
    made = fingerprint(photo("astronaut")).with_keypoints().keypoints
    assert made is not None and 0 < len(made) <= STORED_KEYPOINTS
    raw = made.to_bytes()
    assert len(raw) <= MAX_STORED_BYTES
    back = Keypoints.from_bytes(raw)
    assert np.array_equal(back.descriptors, made.descriptors) and back.size == made.size
    assert back.fine == made.fine and made.fine[1].bit_count() == 256
    assert np.abs(back.points - made.points).max() <= 1 / 128


@pytest.mark.parametrize("raw", [b"", b"\x02\x01\x00\x01\x00\x00\x00", b"\x01\x01\x00\x01\x00\x00\x01", b"\x01" * 9])
def test_malformed_keypoints_are_refused(raw: bytes) -> None:
    with pytest.raises(ValueError):
        Keypoints.from_bytes(raw)


def test_a_fingerprint_parsed_from_hex_cannot_make_keypoints() -> None:
    with pytest.raises(ValueError):
        AvatarFingerprint.from_hex(fingerprint(photo("coffee")).hex).with_keypoints()


@pytest.mark.parametrize("name", NAMES[:4])
def test_copies_agree_on_one_transform_and_confirm(name: str) -> None:
    kept = stored(photo(name))
    for label, copy in copies(photo(name)).items():
        checked = fingerprint_bytes(jpeg(copy, 60))
        found = compare(checked, kept)
        assert found is not None, label
        assert found.detail <= ALIGNED_THRESHOLD
        flipped = label.startswith("mirror")
        assert kept.keypoints is not None
        assert max(a.inliers for a in align(checked.source.keypoints(flipped), kept.keypoints)) >= 2 * MIN_INLIERS
        assert geometric_evidence(checked, kept, relations(checked, kept, 14))[2] <= 4


def test_different_photos_never_confirm_even_as_candidates() -> None:
    kept = [stored(photo(name)) for name in NAMES]
    for n, name in enumerate(NAMES):
        checked = fingerprint_bytes(jpeg(photo(name), 85))
        assert [m for m, other in enumerate(kept) if compare(checked, other) is not None] == [n]


def test_look_alike_portraits_are_candidates_but_never_confirm() -> None:
    """A family of drawn look-alikes (same pose, framing, palette; bench/portraits.py): phash
    candidates among them are common, confirmed matches must not be."""
    rng = random.Random(7)
    candidates = 0
    for _ in range(4):
        base = family_base(rng)
        family = [draw_portrait(base, rng.getrandbits(32), 0.7) for _ in range(6)]
        kept = [stored(person) for person in family]
        checked = [fingerprint_bytes(jpeg(person, 85)) for person in family]
        for q, query in enumerate(checked):
            for s, other in enumerate(kept):
                if q != s:
                    candidates += bool(relations(query, other))
                    assert compare(query, other) is None
            assert compare(query, kept[q]) is not None
    assert candidates > 0  # the phash stage alone would have accused someone


def test_descriptor_matches_are_those_of_opencvs_brute_force_matcher() -> None:
    import cv2

    from heuristics.keypoints import RATIO, _matches

    rng = np.random.default_rng(1)
    stored_rows = rng.integers(0, 256, (160, 32), dtype=np.uint8)
    flipped = (rng.random((50, 32)) < 0.02).astype(np.uint8) << rng.integers(0, 8, (50, 32)).astype(np.uint8)
    query_rows = np.concatenate([stored_rows[:50] ^ flipped, rng.integers(0, 256, (350, 32), dtype=np.uint8)])
    queried, nearest = _matches(query_rows, stored_rows)
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(query_rows, stored_rows, k=2)
    expected = sorted((a.queryIdx, a.trainIdx) for a, b in pairs if a.distance < RATIO * b.distance)
    assert sorted(zip(queried.tolist(), nearest.tolist(), strict=True)) == expected and len(expected) >= 50
