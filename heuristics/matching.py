"""Is this avatar a copy of that stored one? Two stages, one matcher for every feature.

1. **Candidates** — the phash stage (:class:`~heuristics.index.FingerprintIndex`, or a direct
   comparison for a handful of fingerprints): a probe of one fingerprint within
   :data:`~heuristics.images.MATCH_THRESHOLD` bits of a reference of the other. Its recall on
   copies is the point; portraits of different people pass it too (aligned faces share the
   coarse layout a 64-bit phash sees).
2. **Confirmation** — the stored picture's 256-bit detail hash of its centre (the region any crop
   of up to 10% from a side keeps) against the checked picture's detail hash of *the same
   region*. The candidate pair says where that region is in the checked picture (which crop of
   which picture, mirrored or not); when the checked picture's pixels are at hand (``source``,
   every check that sent a photo), its detail hash is taken there and at ±:data:`SHIFT` of the
   region's size around it (a 10% crop at any position falls between two crop references), and the
   closest counts. A fingerprint sent without pixels (a hex hash) compares its own centre's detail
   hash, which confirms re-encodes, resizes, borders, brightness and mirrors but not crops.
   Confirmed when within :data:`DETAIL_THRESHOLD` of 256 bits. Lists of strangers' photos
   (banks, the registry: :class:`PhotoMatcher`) confirm a stored picture without keypoints hash
   against hash even when the pixels are at hand: the shifted search finds crops, but at a
   false-match rate per pair that a list of thousands turns into accusations.

   A stored picture made from a photo (bank entries, protected people's photos) also keeps its
   ORB keypoints (:mod:`heuristics.keypoints`). Against it, a checked picture with pixels is
   confirmed geometrically instead: at least :data:`MIN_INLIERS` of its keypoints must match the
   stored ones under one transform (a similarity, else an affine one) (the mirror image's keypoints when the candidate
   pair is mirrored), and, *exactly where that transform puts the stored region*, its detail hash
   must be within :data:`ALIGNED_THRESHOLD` bits and its fine hash within :data:`FINE_THRESHOLD`
   of the stored picture's 256 strongest fine coefficients. Two look-alike faces may share a few
   corners (eyes, mouth) in place, even their coarse detail; their edges and texture, compared
   at the same place to a fraction of a pixel, still differ. A copy passes all three by a wide
   margin, whatever crop it is. When the transform turns or skews the stored picture (a photo
   straightened in an editor, a screen photographed off-axis), the upright box it gives holds
   turned pixels: the checked picture is then warped upright into the stored frame through that
   transform (:func:`heuristics.keypoints.straighten`, only for transforms a re-upload makes:
   :func:`heuristics.keypoints.straightenable`) and both hashes compared again there, under the
   same thresholds, at most :data:`MAX_STRAIGHTENED` times per geometric check.

Legacy fingerprints (version 1 and bare 64-bit phashes) have no detail hash: they still find
candidates but never confirm, on either side. Measured per-pair rates of both stages are in
docs/avatars.md (``bench/portraits.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from heuristics.images import (
    MATCH_THRESHOLD,
    TRIMMED,
    AvatarFingerprint,
    Box,
    Variant,
    detail_box,
    probe_variants,
)
from heuristics.index.fingerprints import FingerprintIndex
from heuristics.keypoints import align, straightenable, votes
from heuristics.phash import FINE_MIRROR_MASK, MIRROR_MASK

# Confirmation with the checked picture's pixels: differing detail-hash bits (of 255) at or under
# which the region is the same picture, and differing bits among its STRONGEST (128) strongest
# coefficients (the ones a re-upload does not flip).
DETAIL_THRESHOLD: Final = 56
STRONG_THRESHOLD: Final = 20
# Confirmation hash against hash (no pixels): differing bits of all 255.
HASH_DETAIL_THRESHOLD: Final = 48
# The same in a list of strangers' photos (banks, the registry: PhotoMatcher), tighter: there one
# check meets thousands of look-alikes at once, so a false match must be about one in a million
# pairs. Copies land far inside it (re-encodes, resizes, mirrors, borders: 95% within 25 bits on
# bench/portraits.py's look-alikes) and the false matches of look-alikes near its edge
# (bench/avatar_false_alarms.py --from-fingerprints: 42–48 bits for most).
LIST_HASH_DETAIL_THRESHOLD: Final = 40
# Shift of the confirmation region searched around the place the candidate pair gives, as a
# share of the region's size (the crop references are 3.3% apart).
SHIFT: Final = 0.02
# Candidate pairs of variants tried per stored fingerprint, closest first.
MAX_RELATIONS: Final = 4
# Geometric confirmation against stored keypoints: keypoints agreeing on one transform, and the
# detail bits (of 255) that may differ at the place it gives.
MIN_INLIERS: Final = 8
ALIGNED_THRESHOLD: Final = 28
FINE_THRESHOLD: Final = 8
# Straightened comparisons per geometric check (geometric_evidence): a turned or skewed copy's
# pixels warped into the stored frame through a transform its keypoints agree on, ~1 ms each.
# Within the confirmation budget, at most MAX_GEOMETRIC_CONFIRMATIONS × this many per check.
MAX_STRAIGHTENED: Final = 2
# Where the geometric confirmation decides, the candidate stage may cast a wider net: phash
# fingerprints within this many bits (a copy cropped between two crop references, or brightened
# until its highlights clip, lands 12–14 bits from its original; bench/portraits.py).
GEOMETRIC_CANDIDATE_THRESHOLD: Final = 14
# The confirmation budget of one check against many stored pictures (PhotoMatcher; measured in
# bench/avatar_candidates.py and docs/avatars.md). Geometric checks run per check: each is one
# descriptor match and up to four RANSAC fits, ~2 ms; a copy shares dozens of keypoints with
# its original, a look-alike a handful, so 8 leaves room for a copy behind a few look-alikes
# that vote well (copy recall in bench/avatar_candidates.py). The vote: the check's
# VOTE_KEYPOINTS strongest keypoints in each orientation against the stored keypoints (<= 160
# each) of at most MAX_VOTERS candidates (closest in phash, and DETAIL_VOTERS of them closest by
# detail hash): at most 2 × 150 × 256 × 160 ≈ 12 million descriptor comparisons (~7 ns each
# here). Stored pictures without keypoints: detail-hash confirmations, closest in phash first.
MAX_GEOMETRIC_CONFIRMATIONS: Final = 8
VOTE_KEYPOINTS: Final = 150
MAX_VOTERS: Final = 256
DETAIL_VOTERS: Final = 64
MAX_DETAIL_CONFIRMATIONS: Final = 64


@dataclass(frozen=True, slots=True)
class PhotoMatch:
    index: int  # position among the stored fingerprints
    distance: int  # candidate stage: phash bits (of 64), capped at MATCH_THRESHOLD
    detail: int  # confirmation: detail bits (of 256)


@dataclass(frozen=True, slots=True)
class Relation:
    """A candidate pair of variants: ``query_variant`` shows what ``stored_variant`` shows."""

    distance: int
    query_variant: Variant
    stored_variant: Variant


def relations(query: AvatarFingerprint, stored: AvatarFingerprint, threshold: int = MATCH_THRESHOLD) -> list[Relation]:
    """Every probe/reference pair within ``threshold``, either way round, closest first."""
    query_layout, stored_layout = query.variants(), stored.variants()
    if query_layout is None or stored_layout is None:
        return []
    found = []
    for probes, references, probes_of_query in (
        (query.probes, stored.references, True),
        (stored.probes, query.references, False),
    ):
        distances = np.bitwise_count(
            np.array(probes, dtype=np.uint64)[:, None] ^ np.array(references, dtype=np.uint64)[None, :]
        )
        for p, r in zip(*np.nonzero(distances <= threshold), strict=True):
            if probes_of_query:
                pair = (query_layout[0][p], stored_layout[1][r])
            else:
                pair = (query_layout[1][r], stored_layout[0][p])
            found.append(Relation(int(distances[p, r]), *pair))
    return sorted(found, key=lambda relation: relation.distance)


def _through(value: float, start: float, stop: float, mirrored: bool) -> float:
    """A unit-square coordinate of a picture as a share of a variant's span (and back)."""
    share = (value - start) / (stop - start)
    return 1 - share if mirrored else share


def mapped_region(relation: Relation, stored_aspect: float) -> tuple[Box, bool]:
    """The stored picture's detail region in the query picture's unit square, and whether it
    appears mirrored there."""
    s, q = relation.stored_variant, relation.query_variant
    region = detail_box(s.picture, stored_aspect)
    flipped = s.mirrored != q.mirrored
    xs = [_through(x, s.box[0], s.box[2], s.mirrored) for x in (region[0], region[2])]
    ys = [_through(y, s.box[1], s.box[3], False) for y in (region[1], region[3])]
    qx = sorted(q.box[0] + (1 - x if q.mirrored else x) * (q.box[2] - q.box[0]) for x in xs)
    qy = [q.box[1] + y * (q.box[3] - q.box[1]) for y in ys]
    return (qx[0], qy[0], qx[1], qy[1]), flipped


def _shifted(box: Box) -> list[Box]:
    width, height = box[2] - box[0], box[3] - box[1]
    steps = (-SHIFT, 0.0, SHIFT)
    return [
        (box[0] + dx * width, box[1] + dy * height, box[2] + dx * width, box[3] + dy * height)
        for dy in steps
        for dx in steps
    ]


def detail_distance(
    query: AvatarFingerprint, stored: AvatarFingerprint, found: Sequence[Relation], *, strangers: bool = False
) -> int | None:
    """The closest confirming detail distance (all bits) over the candidate relations: 256 when
    no place confirms, None when it cannot be measured (a legacy fingerprint on either side).

    With the checked picture's pixels, a place confirms when all 255 bits are within
    :data:`DETAIL_THRESHOLD` and its :data:`~heuristics.images.STRONGEST` strongest coefficients
    within :data:`STRONG_THRESHOLD`; hash against hash, all bits within
    :data:`HASH_DETAIL_THRESHOLD`. ``strangers`` (:class:`PhotoMatcher`'s lists of strangers'
    photos): a stored picture without keypoints is compared hash against hash even when the
    checked picture's pixels are at hand, and within :data:`LIST_HASH_DETAIL_THRESHOLD`."""
    if query.legacy or stored.legacy or not found:
        return None
    if stored.keypoints is not None and query.source is not None:
        return aligned_distance(query, stored, found)
    by_hash = query.source is None or strangers
    hash_threshold = LIST_HASH_DETAIL_THRESHOLD if strangers else HASH_DETAIL_THRESHOLD
    best = 256
    for relation in list(dict.fromkeys(found))[:MAX_RELATIONS]:
        target = stored.details[relation.stored_variant.picture]
        region, flipped = mapped_region(relation, stored.aspect)
        mirror = MIRROR_MASK if flipped else 0
        if by_hash:
            differ = (query.details[relation.query_variant.picture] ^ mirror ^ target).bit_count()
            best = min(best, differ if differ <= hash_threshold else 256)
            continue
        assert query.source is not None
        picture = relation.query_variant.picture
        boxes = [query.source.to_pixels(picture, box) for box in _shifted(region)]
        boxes = [b for b in boxes if b[2] - b[0] >= 1 and b[3] - b[1] >= 1]
        # The place the pair gives first (a re-encode confirms there), then the shifts around it.
        centre = boxes[len(boxes) // 2 : len(boxes) // 2 + 1] if len(boxes) == 9 else []
        for tried in (centre, boxes):
            for detail, strong in query.source.details(tried):
                differ = detail ^ mirror ^ target
                if differ.bit_count() <= DETAIL_THRESHOLD and (differ & strong).bit_count() <= STRONG_THRESHOLD:
                    best = min(best, differ.bit_count())
            if best < 256:
                return best
    return best


def aligned_distance(query: AvatarFingerprint, stored: AvatarFingerprint, found: Sequence[Relation]) -> int:
    """The geometric confirmation (module doc): the detail distance at the place the keypoints'
    transform gives, or 256 when too few keypoints agree or the detail or fine hash differs too
    much there."""
    return geometric_evidence(query, stored, found)[1]


def geometric_evidence(
    query: AvatarFingerprint, stored: AvatarFingerprint, found: Sequence[Relation]
) -> tuple[int, int, int]:
    """(most keypoints agreeing on one plausible transform; the confirming aligned detail
    distance, or 256; the closest fine distance where the detail agreed, or 256). The orientation
    (mirrored or not) the closest candidate pair suggests is tried first, then the other: faces
    are nearly symmetric, so a candidate pair may pair a copy with its mirror."""
    assert query.source is not None and stored.keypoints is not None
    source, keypoints = query.source, stored.keypoints
    width, height = keypoints.size
    region = detail_box(TRIMMED, stored.aspect)
    corners = np.array([[region[0] * width, region[1] * height], [region[2] * width, region[3] * height]])
    stored_box = (corners[0, 0], corners[0, 1], corners[1, 0], corners[1, 1])
    corners = np.array([corners[0], corners[1], [corners[0, 0], corners[1, 1]], [corners[1, 0], corners[0, 1]]])
    hinted = found[0].stored_variant.mirrored != found[0].query_variant.mirrored
    signs, mask = keypoints.fine
    target = stored.details[TRIMMED]
    most, closest_fine, straightened = 0, 256, 0
    frame_size = source.frame()[0].shape[::-1]
    for flipped in (hinted, not hinted):
        for alignment in align(source.keypoints(flipped), keypoints, MIN_INLIERS):
            most = max(most, alignment.inliers)
            if alignment.inliers < MIN_INLIERS:
                continue
            mapped = alignment.apply(corners)  # a parallelogram: its bounding box, unless turned
            box = source.from_frame((*mapped.min(axis=0), *mapped.max(axis=0)), flipped)
            detail = source.details([box])[0][0] ^ (MIRROR_MASK if flipped else 0)
            differ = (detail ^ target).bit_count()
            if differ <= ALIGNED_THRESHOLD:
                fine = source.hasher.fine([box])[0][0] ^ (FINE_MIRROR_MASK if flipped else 0)
                closest_fine = min(closest_fine, ((fine ^ signs) & mask).bit_count())
                if closest_fine <= FINE_THRESHOLD:
                    return most, differ, closest_fine
            if straightened == MAX_STRAIGHTENED or not straightenable(alignment.matrix, corners, frame_size):
                continue
            # A turned or skewed copy: its pixels warped upright into the stored frame, under the
            # same thresholds (a second look at the same place, never a wider net).
            straightened += 1
            detail, (fine, _) = source.straightened(alignment.matrix, (width, height), flipped, stored_box)
            differ = (detail ^ target).bit_count()
            if differ <= ALIGNED_THRESHOLD:
                closest_fine = min(closest_fine, ((fine ^ signs) & mask).bit_count())
                if closest_fine <= FINE_THRESHOLD:
                    return most, differ, closest_fine
    return most, 256, closest_fine


def candidate_threshold(query: AvatarFingerprint, stored: AvatarFingerprint) -> int:
    """The candidate stage's threshold for this pair: wider when the geometric check decides."""
    geometric = stored.keypoints is not None and query.source is not None
    return GEOMETRIC_CANDIDATE_THRESHOLD if geometric else MATCH_THRESHOLD


def compare(
    query: AvatarFingerprint, stored: AvatarFingerprint, index: int = 0, *, strangers: bool = False
) -> PhotoMatch | None:
    """The confirmed match of one stored fingerprint, or None (``strangers``: see
    :func:`detail_distance`)."""
    found = relations(query, stored, candidate_threshold(query, stored))
    detail = detail_distance(query, stored, found, strangers=strangers)
    if detail is None or detail == 256:
        return None
    # Past MATCH_THRESHOLD only the geometric check vouches for the pair: the signals, whose
    # strength and max_distance are in phash bits up to that threshold, see it as their weakest.
    return PhotoMatch(index, min(found[0].distance, MATCH_THRESHOLD), detail)


def confirms_probe(query: AvatarFingerprint, probe: int, slot: int, detail: int, aspect: float) -> bool:
    """Whether ``query`` matches a picture known only by one of its probe hashes (``slot`` in the
    probe layout), the detail hash of that probe's picture and its aspect: the reuse store keeps
    no more."""
    layout = query.variants()
    if layout is None:
        return False
    stored_variant = probe_variants(4)[slot]
    found = sorted(
        (
            Relation(distance, layout[1][r], stored_variant)
            for r, reference in enumerate(query.references)
            if (distance := (reference ^ probe).bit_count()) <= MATCH_THRESHOLD
        ),
        key=lambda relation: relation.distance,
    )
    known = AvatarFingerprint((probe,), (), (detail, detail), aspect)  # details by picture: the same one
    return detail_distance(query, known, found) not in (None, 256)


def parse(value: AvatarFingerprint | str | None) -> AvatarFingerprint | None:
    """A stored fingerprint, or None for a missing or unparsable one (skipped, so one bad stored
    value cannot hide a match with another)."""
    if value is None or isinstance(value, AvatarFingerprint):
        return value
    try:
        return AvatarFingerprint.from_hex(value)
    except ValueError:
        return None


def best_match(query: AvatarFingerprint, stored: Sequence[AvatarFingerprint | str | None]) -> PhotoMatch | None:
    """The closest confirmed match among a few stored fingerprints (contacts, a person's photos):
    a stored picture without keypoints is confirmed with the checked picture's pixels (crops too).
    These are a few pictures a finding names for the user to compare (a contact of theirs, a
    person whose name the profile already matches), not a list of strangers (PhotoMatcher)."""
    found = (compare(query, fp, n) for n, fp in enumerate(map(parse, stored)) if fp is not None)
    return min((m for m in found if m is not None), key=lambda m: (m.distance, m.detail), default=None)


class PhotoMatcher:
    """Both stages over many stored fingerprints (a bank, the protected people's photos):
    candidates from a :class:`FingerprintIndex`, then confirmation within a per-check budget.
    Immutable; rebuild to change.

    A check of a portrait can have hundreds of candidates among look-alike portraits, each
    geometric check ~2 ms: :meth:`matches` bounds what one check costs. Stored pictures with
    keypoints (the geometric check decides) are ranked by one descriptor vote
    (:func:`heuristics.keypoints.votes`: the check's keypoints, in both orientations, against
    the stacked keypoints of at most :data:`MAX_VOTERS` candidates, :meth:`_voters`) and only the
    :data:`MAX_GEOMETRIC_CONFIRMATIONS` with the most votes (ties: closest in phash) are
    checked. A copy shares dozens of keypoints with its original, a look-alike a handful, so
    the copy stays on top even when hundreds of look-alikes are closer in phash (a cropped or
    brightened copy can be 12–14 bits away). Stored pictures without keypoints (detail-hash
    confirmation, much cheaper) are confirmed closest in phash first, at most
    :data:`MAX_DETAIL_CONFIRMATIONS`. :meth:`reference_matches` confirms every candidate: the
    same answer whenever a check has no more candidates than the budgets (tested).

    A stored picture without keypoints (added from a fingerprint: an ``avatar_hash``, an import
    of entries exported without them, an entry older than keypoints) is confirmed **hash against
    hash** here, even when the check sent a photo: its centre's detail hash against the checked
    picture's own, within :data:`LIST_HASH_DETAIL_THRESHOLD` (as is any hash-only check). That
    confirms re-uploads
    (re-encodes, resizes, borders, mirrors, most brightness changes) but not crops. The checked
    picture's pixels around the place a candidate pair gives (what :func:`best_match` does for
    contacts) would find crops too, but at about one false match per 5,000 look-alike pairs
    (bench/portraits.py): against 1,500 strangers' look-alikes, a false accusation for about 40%
    of the portraits checked (bench/avatar_false_alarms.py --from-fingerprints). Adding the photo
    again gives an entry keypoints, and crops with them. ``crops_without_keypoints=True``
    restores the contacts' confirmation (benches compare the two)."""

    def __init__(self, fingerprints: Sequence[AvatarFingerprint], *, crops_without_keypoints: bool = False) -> None:
        self.fingerprints = tuple(fingerprints)
        self._strangers = not crops_without_keypoints
        self._index = FingerprintIndex(self.fingerprints)
        self._geometric = any(fp.keypoints is not None for fp in self.fingerprints)
        # The trimmed pictures' detail hashes as rows of four 64-bit words (zeros for legacy ones,
        # which never confirm): the second way of choosing who enters the vote.
        self._details = _words([fp.details[TRIMMED] if fp.details else 0 for fp in self.fingerprints])

    def __len__(self) -> int:
        return len(self.fingerprints)

    def _radius(self, query: AvatarFingerprint) -> int | None:
        """The candidate search's radius: wider when the geometric check can decide."""
        wide = self._geometric and query.source is not None
        return GEOMETRIC_CANDIDATE_THRESHOLD if wide else None

    def candidates(self, query: AvatarFingerprint) -> list[int]:
        return sorted(self._index.candidates(query, self._radius(query)))

    def distances(self, query: AvatarFingerprint, positions: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
        """The candidate stage's distance (:meth:`AvatarFingerprint.distance`) to each candidate
        at ``positions`` (as the candidate search found it)."""
        found = self._index.distances(query, self._radius(query))
        return np.array([found[int(p)] for p in positions], dtype=np.intp)

    def candidate_matches(self, query: AvatarFingerprint) -> list[PhotoMatch]:
        """Stage 1 only, closest first (``detail`` 256: not measured). For flat graphics such as
        platforms' default avatars, whose detail hashes are noise."""
        return [PhotoMatch(m.index, m.distance, 256) for m in self._index.matches(query)]

    def reference_matches(self, query: AvatarFingerprint) -> list[PhotoMatch]:
        """Every confirmed match, closest first, every candidate confirmed (no budget): the
        readable reference of :meth:`matches`."""
        return _sorted(self._compare(query, i) for i in self.candidates(query))

    def matches(self, query: AvatarFingerprint) -> list[PhotoMatch]:
        """Every confirmed match among the candidates the budget confirms, closest first."""
        return _sorted(self._compare(query, i) for i in self.shortlist(query))

    def _compare(self, query: AvatarFingerprint, index: int) -> PhotoMatch | None:
        return compare(query, self.fingerprints[index], index, strangers=self._strangers)

    def shortlist(self, query: AvatarFingerprint) -> list[int]:
        """The candidates :meth:`matches` confirms: those that can confirm at all (neither side
        legacy, within the pair's candidate threshold), within the budgets (class doc)."""
        nearest = sorted(self._index.distances(query, self._radius(query)).items())
        if query.legacy or not nearest:
            return []
        found = np.array([position for position, _ in nearest], dtype=np.intp)
        distances = np.array([distance for _, distance in nearest], dtype=np.intp)
        geometric = np.array([self.fingerprints[i].keypoints is not None for i in found], dtype=bool)
        geometric &= query.source is not None
        legacy = np.array([self.fingerprints[i].legacy for i in found], dtype=bool)
        threshold = np.where(geometric, GEOMETRIC_CANDIDATE_THRESHOLD, MATCH_THRESHOLD)
        usable = ~legacy & (distances <= threshold)
        detail = found[usable & ~geometric][np.argsort(distances[usable & ~geometric], kind="stable")]
        by_keypoints = found[usable & geometric]
        voted = self._voted(query, by_keypoints, distances[usable & geometric])
        return sorted([*voted, *(int(i) for i in detail[:MAX_DETAIL_CONFIRMATIONS])])

    def _voted(
        self, query: AvatarFingerprint, positions: npt.NDArray[np.intp], distances: npt.NDArray[np.intp]
    ) -> list[int]:
        """The :data:`MAX_GEOMETRIC_CONFIRMATIONS` geometric candidates with the most votes."""
        if len(positions) <= MAX_GEOMETRIC_CONFIRMATIONS:
            return [int(i) for i in positions]
        assert query.source is not None
        voters = self._voters(query, positions, distances)
        positions, distances = positions[voters], distances[voters]
        # Stacked per check (≤ 256 × 5 KB), not kept: a worker already holds each picture's keypoints.
        kept = [self.fingerprints[i].keypoints for i in positions]
        stacked = np.concatenate([k.descriptors for k in kept if k is not None])
        owners = np.repeat(np.arange(len(kept), dtype=np.intp), [len(k) if k is not None else 0 for k in kept])
        # Both orientations: a mirrored copy's keypoints match only its mirror image's.
        counted = np.maximum(
            *(
                votes(query.source.keypoints(flipped, VOTE_KEYPOINTS), stacked, owners, len(positions))
                for flipped in (False, True)
            )
        )
        ranked = np.lexsort((distances, -counted))  # most votes first, then closest in phash
        return [int(i) for i in positions[ranked[:MAX_GEOMETRIC_CONFIRMATIONS]]]

    def _voters(
        self, query: AvatarFingerprint, positions: npt.NDArray[np.intp], distances: npt.NDArray[np.intp]
    ) -> npt.NDArray[np.intp]:
        """Which of the candidates at ``positions`` enter the vote (indexes into them): all when
        they fit :data:`MAX_VOTERS`, else those closest in phash and :data:`DETAIL_VOTERS`
        closest by their detail hash to the check's own (either orientation). A cropped copy
        keeps a close phash but not its detail hash; a brightened or re-encoded one, whose phash
        may have drifted behind hundreds of look-alikes', keeps its detail hash (hash against
        hash, where a look-alike within 48 bits is a few in a million: docs/avatars.md)."""
        if len(positions) <= MAX_VOTERS:
            return np.arange(len(positions))
        own = _words([query.details[TRIMMED], query.details[TRIMMED] ^ MIRROR_MASK])
        stored = self._details[positions]
        detail = np.bitwise_count(stored[:, None, :] ^ own[None, :, :]).sum(axis=2).min(axis=1)
        by_phash = np.argsort(distances, kind="stable")
        by_detail = np.lexsort((distances, detail))
        chosen = dict.fromkeys(by_phash[: MAX_VOTERS - DETAIL_VOTERS].tolist())
        for n in by_detail.tolist():  # then the closest by detail not already chosen
            if len(chosen) == MAX_VOTERS:
                break
            chosen.setdefault(n)
        return np.array(list(chosen), dtype=np.intp)


def _words(values: Sequence[int]) -> npt.NDArray[np.uint64]:
    """256-bit values as rows of four 64-bit words."""
    mask = (1 << 64) - 1
    return np.array([[(v >> (64 * k)) & mask for k in range(4)] for v in values], dtype=np.uint64).reshape(-1, 4)


def _sorted(found: Iterable[PhotoMatch | None]) -> list[PhotoMatch]:
    return sorted((m for m in found if m is not None), key=lambda m: (m.distance, m.detail, m.index))


__all__ = [
    "ALIGNED_THRESHOLD",
    "DETAIL_THRESHOLD",
    "DETAIL_VOTERS",
    "LIST_HASH_DETAIL_THRESHOLD",
    "MAX_DETAIL_CONFIRMATIONS",
    "MAX_GEOMETRIC_CONFIRMATIONS",
    "MAX_VOTERS",
    "MIN_INLIERS",
    "VOTE_KEYPOINTS",
    "PhotoMatch",
    "PhotoMatcher",
    "Relation",
    "aligned_distance",
    "best_match",
    "candidate_threshold",
    "compare",
    "confirms_probe",
    "geometric_evidence",
    "mapped_region",
    "relations",
]
