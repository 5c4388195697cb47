"""The confirmation budget of :class:`heuristics.matching.PhotoMatcher`: what one check costs is
bounded whatever the bank holds, and copies still match in a bank crowded with look-alikes that
out-rank them in phash."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from bench.portraits import TRANSFORMS, drawn_portraits, encode, stored_forms
from heuristics import matching
from heuristics.images import AvatarFingerprint, fingerprint_bytes
from heuristics.matching import MAX_DETAIL_CONFIRMATIONS, MAX_GEOMETRIC_CONFIRMATIONS, MAX_VOTERS, PhotoMatcher

SIX = ("resize", "jpeg_q60", "crop_10%_random", "mirror", "border", "brightness")
LOOK_ALIKES = 3 * MAX_GEOMETRIC_CONFIRMATIONS


@pytest.fixture(scope="module")
def portraits() -> list[Image.Image]:
    """Four families of six hard look-alikes (bench/portraits.py, fixed seeds)."""
    return drawn_portraits(LOOK_ALIKES + 1)


@pytest.fixture(scope="module")
def banked(portraits: list[Image.Image]) -> list[AvatarFingerprint]:
    """As banks keep them: hex form and keypoints, no pixels."""
    return [stored_forms(encode(image))[2] for image in portraits]


def crowded(stored: list[AvatarFingerprint], query: AvatarFingerprint) -> list[AvatarFingerprint]:
    """Every stored picture but the first with the query's own phashes, then the first as it is
    (last: it loses every tie). Each of the crowd sits 0 bits from the query, at least as close
    as any copy of the first can be, with its own detail hashes and keypoints: the worst a crowd
    of look-alikes, or a crafted query, can do to a ranking by phash."""
    crowd = [replace(fp, probes=query.probes, references=query.references) for fp in stored[1:]]
    return [*crowd, stored[0]]


def counting(monkeypatch: pytest.MonkeyPatch) -> list[AvatarFingerprint]:
    """The stored fingerprints :func:`heuristics.matching.compare` is called with, in order."""
    calls: list[AvatarFingerprint] = []
    original: Callable[..., matching.PhotoMatch | None] = matching.compare

    def compare(
        query: AvatarFingerprint, stored: AvatarFingerprint, index: int = 0, **options: bool
    ) -> matching.PhotoMatch | None:
        calls.append(stored)
        return original(query, stored, index, **options)

    monkeypatch.setattr(matching, "compare", compare)
    return calls


@pytest.mark.parametrize("transform", SIX)
def test_a_copy_matches_its_original_among_look_alikes_closer_in_phash(
    transform: str, portraits: list[Image.Image], banked: list[AvatarFingerprint], monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = fingerprint_bytes(TRANSFORMS[transform](portraits[0]))
    matcher = PhotoMatcher(crowded(banked, copy))
    found = matcher.candidates(copy)
    assert len(found) == len(banked) > MAX_GEOMETRIC_CONFIRMATIONS  # the budget has to choose
    distances = matcher.distances(copy, np.array(found, dtype=np.intp))
    assert (distances[:-1] == 0).all()  # every look-alike out-ranks the original in phash
    calls = counting(monkeypatch)
    assert len(banked) - 1 in [m.index for m in matcher.matches(copy)], transform
    assert len(calls) <= MAX_GEOMETRIC_CONFIRMATIONS


@pytest.mark.parametrize("transform", ["resize", "jpeg_q60", "mirror", "border", "brightness"])
def test_a_copy_keeping_its_detail_hash_enters_the_vote_behind_more_look_alikes_than_it_holds(
    transform: str, portraits: list[Image.Image], banked: list[AvatarFingerprint]
) -> None:
    # More look-alikes 0 bits away than MAX_VOTERS: a copy whose phash drifted (brightness
    # clips highlights) enters the vote by its detail hash. A crop's detail hash does not
    # survive: behind that many look-alikes a crop is missed (docs/avatars.md).
    copy = fingerprint_bytes(TRANSFORMS[transform](portraits[0]))
    crowd = crowded(banked, copy)[:-1] * (MAX_VOTERS // (len(banked) - 1) + 1)
    matcher = PhotoMatcher([*crowd, banked[0]])
    assert len(matcher.candidates(copy)) > MAX_VOTERS
    assert len(matcher) - 1 in [m.index for m in matcher.matches(copy)], transform


@pytest.mark.parametrize("size", [1, MAX_GEOMETRIC_CONFIRMATIONS, LOOK_ALIKES + 1])
def test_geometric_checks_per_check_never_exceed_the_budget(
    size: int, portraits: list[Image.Image], banked: list[AvatarFingerprint], monkeypatch: pytest.MonkeyPatch
) -> None:
    look_alike = fingerprint_bytes(encode(portraits[1], quality=85))
    matcher = PhotoMatcher(crowded(banked[:size], look_alike))
    calls = counting(monkeypatch)
    matcher.matches(look_alike)
    assert len(calls) == min(len(matcher.candidates(look_alike)), MAX_GEOMETRIC_CONFIRMATIONS)


def test_detail_confirmations_per_check_are_bounded(
    portraits: list[Image.Image], banked: list[AvatarFingerprint], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Entries without keypoints (added from a fingerprint) confirm by the detail hash: a bank of
    # many of them, every one a candidate, costs at most MAX_DETAIL_CONFIRMATIONS of those.
    query = fingerprint_bytes(encode(portraits[0], quality=85))
    hashed = [AvatarFingerprint.from_hex(fp.hex) for fp in banked]
    many = (hashed * (MAX_DETAIL_CONFIRMATIONS // len(hashed) + 2))[: MAX_DETAIL_CONFIRMATIONS + 10]
    matcher = PhotoMatcher([*crowded(many, query)[:-1], hashed[0]])
    calls = counting(monkeypatch)
    found = matcher.matches(query)
    assert len(matcher.candidates(query)) > MAX_DETAIL_CONFIRMATIONS
    assert len(calls) == MAX_DETAIL_CONFIRMATIONS
    # Closest in phash first: the crowd at 0 bits fills the budget, the original (last) waits.
    assert len(matcher) - 1 not in [m.index for m in found]
    assert PhotoMatcher([hashed[0]]).matches(query)  # alone, it matches


def test_legacy_and_hash_only_checks_are_bounded_too(banked: list[AvatarFingerprint]) -> None:
    query = AvatarFingerprint.from_hex(banked[0].hex)  # no pixels: hash against hash
    matcher = PhotoMatcher(crowded(banked, query) * 4)
    assert len(matcher.shortlist(query)) <= MAX_DETAIL_CONFIRMATIONS
    legacy = AvatarFingerprint((query.primary,), (query.primary,))
    assert matcher.shortlist(legacy) == [] and matcher.matches(legacy) == []


def test_the_budget_agrees_with_confirming_every_candidate_when_they_fit(
    portraits: list[Image.Image], banked: list[AvatarFingerprint]
) -> None:
    # A family of six look-alikes and their copies: every check has at most the budget's number
    # of candidates, so the fast path confirms exactly what the reference does.
    family = banked[:6]
    matcher = PhotoMatcher(family)
    queries = [fingerprint_bytes(TRANSFORMS[t](portraits[n])) for n in range(6) for t in ("jpeg_q60", "mirror")]
    queries += [fingerprint_bytes(encode(image, quality=85)) for image in portraits[6:12]]
    queries += [AvatarFingerprint.from_hex(query.hex) for query in queries[:4]]
    for query in queries:
        assert len(matcher.candidates(query)) <= MAX_GEOMETRIC_CONFIRMATIONS
        assert matcher.matches(query) == matcher.reference_matches(query)
    assert any(matcher.matches(query) for query in queries)  # copies confirmed: not vacuous


def test_over_the_budget_every_match_is_one_the_reference_confirms(
    portraits: list[Image.Image], banked: list[AvatarFingerprint]
) -> None:
    copy = fingerprint_bytes(TRANSFORMS["crop_10%_centred"](portraits[0]))
    matcher = PhotoMatcher(crowded(banked, copy))
    fast, reference = matcher.matches(copy), matcher.reference_matches(copy)
    assert fast and set(fast) <= set(reference)
    assert len(banked) - 1 in [m.index for m in fast]


@pytest.mark.parametrize("transform", SIX)
def test_entries_without_keypoints_confirm_hash_against_hash_in_a_list_of_strangers(
    transform: str, portraits: list[Image.Image], banked: list[AvatarFingerprint]
) -> None:
    # A bank or registry entry added from a fingerprint (a confirmed report, an avatar_hash) has
    # no keypoints. In a PhotoMatcher it is confirmed hash against hash even when the check sends
    # the photo: re-uploads match, crops do not (the checked picture's pixels would find crops,
    # at a false-match rate per look-alike pair a list of thousands cannot carry). best_match,
    # for a few pictures a finding names (contacts), still uses the pixels.
    copy = fingerprint_bytes(TRANSFORMS[transform](portraits[0]))
    hashed = AvatarFingerprint.from_hex(banked[0].hex)
    assert copy.source is not None and hashed.keypoints is None
    by_pixels = matching.best_match(copy, [hashed])
    assert by_pixels is not None  # the contacts' confirmation finds every one of the six
    assert PhotoMatcher([hashed], crops_without_keypoints=True).matches(copy) == [by_pixels]
    strict = PhotoMatcher([hashed]).matches(copy)
    without_pixels = matching.best_match(AvatarFingerprint.from_hex(copy.hex), [hashed])
    assert [m.index for m in strict] == ([0] if without_pixels is not None else [])
    if transform.startswith("crop"):
        assert strict == []  # a crop needs the photo again (keypoints) to match in a bank
    if transform in ("resize", "jpeg_q60", "mirror", "border"):
        assert [m.index for m in strict] == [0]
    assert PhotoMatcher([banked[0]]).matches(copy)  # with keypoints, every transform matches
