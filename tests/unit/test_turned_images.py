"""Turned and off-axis copies: the geometric check straightens the checked picture through the
transform its keypoints agree on, and compares the detail and fine hashes again, upright, under
the same thresholds — never for a transform no re-upload makes, never into a false match."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from PIL import Image

import heuristics.matching as matching
from bench.avatar_edits import perspective, rotate
from bench.portraits import draw_portrait, family_base
from heuristics.images import AvatarFingerprint, Source, fingerprint_bytes
from heuristics.keypoints import Alignment, align, straighten, straightenable
from heuristics.matching import (
    GEOMETRIC_CANDIDATE_THRESHOLD,
    MAX_GEOMETRIC_CONFIRMATIONS,
    MAX_STRAIGHTENED,
    PhotoMatcher,
    compare,
    geometric_evidence,
    relations,
)
from tests.unit.photos import NAMES, jpeg, photo, stored

SIDE = 256.0
# The detail region of a square stored frame (the inner 80%), as geometric_evidence gives it.
REGION = np.array([[25.6, 25.6], [230.4, 230.4], [25.6, 230.4], [230.4, 25.6]])


def turned(degrees: float, scale: float = 1.0, centre: float = SIDE / 2, skew: float = 0.0) -> np.ndarray:
    """A 2×3 transform (stored frame → checked frame) turning by ``degrees`` about the centre."""
    a, k = math.radians(degrees), math.radians(skew)
    linear = scale * np.array([[math.cos(a), -math.sin(a + k)], [math.sin(a), math.cos(a + k)]])
    shift = np.array([centre, centre]) - linear @ np.array([SIDE / 2, SIDE / 2])
    return np.column_stack([linear, shift])


@pytest.fixture(scope="module")
def bank() -> list[AvatarFingerprint]:
    return [stored(photo(name)) for name in NAMES]


@pytest.mark.parametrize("name", NAMES[:4])
@pytest.mark.parametrize("degrees", [2, -2, 5, -5])
def test_a_turned_copy_of_a_bank_photo_confirms(bank: list[AvatarFingerprint], name: str, degrees: int) -> None:
    """A photo straightened by an editor (turned, then cropped to the upright picture inside):
    before straightening, its keypoints agreed on the turned transform but the upright box's
    hashes did not."""
    copy = fingerprint_bytes(jpeg(rotate(photo(name), degrees), 90))
    found = [match.index for match in PhotoMatcher(bank).matches(copy)]
    assert found == [NAMES.index(name)]


@pytest.mark.parametrize("name", NAMES[:4])
@pytest.mark.parametrize("seed", range(3))
def test_a_copy_seen_off_axis_confirms(bank: list[AvatarFingerprint], name: str, seed: int) -> None:
    """Each corner moved inwards by up to 8% of the side (a screen photographed at an angle)."""
    copy = fingerprint_bytes(jpeg(perspective(photo(name), 0.08, random.Random(f"{name}/{seed}"), (40, 40, 45)), 90))
    found = [match.index for match in PhotoMatcher(bank).matches(copy)]
    assert found == [NAMES.index(name)]


def family(seed: int) -> list[Image.Image]:
    """Six drawn look-alikes (bench/portraits.py: same pose, framing, palette)."""
    rng = random.Random(seed)
    base = family_base(rng)
    return [draw_portrait(base, rng.getrandbits(32), 0.7) for _ in range(6)]


@pytest.mark.parametrize("seed", [3, 11])
def test_a_forced_transform_does_not_make_a_look_alike_match(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """Six look-alikes turned alike: the keypoint stage is forced to agree, with hundreds of
    inliers, on the very transform that straightens the stored person's own turned copy, for
    every other person's copy too. Only the stored person's copy confirms: the warp is a second
    look at the same place, not a wider net."""
    people = family(seed)
    kept = [stored(person) for person in people]
    for degrees in (-5, -2, 2, 5):
        checked = [fingerprint_bytes(jpeg(rotate(person, degrees), 90)) for person in people]
        for s, other in enumerate(kept):
            assert checked[s].source is not None and other.keypoints is not None
            own = max(align(checked[s].source.keypoints(), other.keypoints), key=lambda a: a.inliers)
            with monkeypatch.context() as patch:
                patch.setattr(matching, "align", lambda *_, m=own.matrix: [Alignment(m, 400)])
                for q, query in enumerate(checked):
                    evidence = geometric_evidence(query, other, relations(query, other, 64))  # every pair a candidate
                    assert (evidence[1] < 256) == (q == s), (degrees, q, s, evidence)


def test_a_different_photo_never_confirms_straightened(
    monkeypatch: pytest.MonkeyPatch, bank: list[AvatarFingerprint]
) -> None:
    """Every photo turned 3° against every other, the keypoint stage forced to agree."""
    monkeypatch.setattr(matching, "align", lambda *_: [Alignment(turned(3.0), 400)])
    for n, name in enumerate(NAMES):
        query = fingerprint_bytes(jpeg(photo(name), 90))
        for m, other in enumerate(bank):
            if m != n:
                assert geometric_evidence(query, other, relations(query, other, 64))[1] == 256


@pytest.mark.parametrize(
    ("matrix", "why"),
    [
        (turned(0.0), "upright: the plain comparison already looked there"),
        (turned(0.5), "turned too little to move the region"),
        (turned(12.0), "turned more than a re-upload"),
        (turned(4.0, scale=2.5), "scaled too far"),
        (turned(4.0, scale=0.3), "shrunk too far"),
        (turned(4.0, skew=15.0), "skewed"),
        (np.array([[1.3, 0.06, -40.0], [0.0, 0.95, 6.0]]), "stretched one axis against the other"),
        (np.array([[-0.998, -0.07, 256.0], [-0.07, 0.998, 9.0]]), "mirrored"),
        (turned(4.0, centre=300.0), "the region mostly outside the checked picture"),
        (turned(4.0, centre=80.0), "a fifth of the region outside the checked picture"),
        (np.full((2, 3), np.nan), "not a transform"),
    ],
)
def test_degenerate_transforms_are_never_straightened(matrix: np.ndarray, why: str) -> None:
    assert not straightenable(matrix, REGION, (256, 256)), why


@pytest.mark.parametrize("degrees", [-10.0, -5.0, -2.0, 1.5, 2.0, 5.0, 9.0])
def test_plausible_turns_are_straightened(degrees: float) -> None:
    assert straightenable(turned(degrees), REGION, (256, 256))
    assert straightenable(turned(degrees, skew=-6.0 if degrees > 0 else 6.0), REGION, (256, 256))
    assert straightenable(turned(degrees, scale=0.8, centre=120.0), REGION, (240, 256))


def test_straighten_samples_the_checked_picture_where_the_transform_points() -> None:
    """Pixel (x, y) of the straightened picture is the checked picture's at matrix · (x, y, 1),
    bilinear, spelt out here point by point (the direction a warp gets wrong silently); a wrong
    direction or axis order would miss by tens of grey levels on this noise."""
    rng = np.random.default_rng(5)
    image = rng.integers(0, 256, (200, 220), dtype=np.uint8)
    matrix = turned(4.0, 0.9, centre=105.0)
    out = straighten(image, matrix, (180, 190))
    assert out.shape == (190, 180)
    for x, y in rng.integers(20, 150, (40, 2)):
        u, v = matrix @ np.array([x, y, 1.0])
        x0, y0 = math.floor(u), math.floor(v)
        fx, fy = u - x0, v - y0
        block = image[y0 : y0 + 2, x0 : x0 + 2].astype(np.float64)
        top = (1 - fx) * block[0, 0] + fx * block[0, 1]
        bottom = (1 - fx) * block[1, 0] + fx * block[1, 1]
        expected = (1 - fy) * top + fy * bottom
        # OpenCV places the sample to 1/32 pixel (INTER_BITS) and rounds to 8 bits.
        assert abs(float(out[y, x]) - expected) <= 1.0 + np.ptp(block) / 32


def test_straightened_comparisons_are_bounded_per_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """However many transforms the keypoints offer and however many look-alikes a bank holds,
    a geometric check warps at most MAX_STRAIGHTENED times, and a check at most that many times
    per geometric check of its budget."""
    warps: list[int] = []
    original = Source.straightened

    def counted(self: Source, *args: object) -> tuple[int, tuple[int, int]]:
        warps.append(1)
        return original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Source, "straightened", counted)
    monkeypatch.setattr(matching, "align", lambda *_: [Alignment(turned(d), 400) for d in (2, 3, 4, 5, 6)])
    people = family(5)
    query = fingerprint_bytes(jpeg(rotate(people[0], 3), 90))
    # The look-alikes that are candidates, many times over: more than the budget checks.
    kept = [k for k in map(stored, people[1:]) if relations(query, k, GEOMETRIC_CANDIDATE_THRESHOLD)] * 12
    geometric_evidence(query, kept[0], relations(query, kept[0], 64))
    assert len(warps) == MAX_STRAIGHTENED
    warps.clear()
    matcher = PhotoMatcher(kept)
    assert len(matcher.candidates(query)) > MAX_GEOMETRIC_CONFIRMATIONS
    assert matcher.matches(query) == []
    assert len(warps) == MAX_GEOMETRIC_CONFIRMATIONS * MAX_STRAIGHTENED


def test_compare_and_every_matcher_share_the_straightened_check(bank: list[AvatarFingerprint]) -> None:
    """Banks and the registry (PhotoMatcher, with or without the budget) and a person's photos
    (best_match) all go through compare: a turned copy confirms in each."""
    copy = fingerprint_bytes(jpeg(rotate(photo("astronaut"), 5), 90))
    assert compare(copy, bank[0]) is not None
    assert [m.index for m in PhotoMatcher(bank).reference_matches(copy)] == [0]
    assert matching.best_match(copy, bank) is not None
