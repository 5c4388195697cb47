"""What a checked account shares with a campaign's other accounts, as trait keys.

A trait key is a string that accounts of one campaign have in common: the hour or day they were
created, the template of their handle, a band of their bio's MinHash, a band of their photo's
perceptual hash. The aggregate (``aggregate.py``) counts, per key, the distinct accounts checked
recently; it never stores a key itself, only counters at keyed-hash positions.

Each family says which keys an account adds itself to (``write``) and how its count is read
(``read``: alternatives, each a sum of keys; ``combine``: the largest alternative, or the
second largest where one chance collision must not decide).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from heuristics.campaigns.creation import DAY, HOUR, BurstTimes, burst_times
from heuristics.images import TRIMMED, AvatarFingerprint
from heuristics.names.arabic import fold_arabic
from heuristics.names.normalise import clean_unicode, unmask_words
from heuristics.profile import Platform, Profile

WEEK = 7 * DAY
SEASON = 8 * WEEK
# Wide creation windows are also counted over a sample of accounts (one in BACKGROUND_SAMPLE,
# decided by a hash of the account): a one-byte counter saturates at 255 accounts an epoch, and a
# big batch (or a busy server's recent weeks) passes that. The sampled count, times the sample
# size, says how many there are where the full count cannot (``campaign.creation_burst``).
BACKGROUND_SAMPLE = 8
SAMPLED = "_sampled"
# MinHash of a bio: NUM_PERM permutations cut into BANDS bands of NUM_PERM // BANDS rows. Two
# bios share a band with probability J^rows per band (J: Jaccard similarity of their 4-grams):
# 0.93 for J = 0.8, 0.27 for J = 0.5, 0.01 for J = 0.2 over 4 bands of 4.
NUM_PERM = 16
BIO_SEED = 20
BIO_SCHEME = "affine32"  # datasketch's default since 2.0.0, named: MinHash(permutations=…) asks for it
BANDS = 4
SHINGLE = 4
MIN_BIO_CHARACTERS = 24
# A bio is shingled as at most this many characters once cleaned (every platform's bio is far
# shorter: X 160, Instagram 150), cleaned in pieces of whole words of at most BIO_PIECE.
MAX_BIO_CHARACTERS = 1_000
BIO_PIECE = 200
# Links, and flags (regional indicators: the names' clean-up reads a lone one as a letter, 🇭 H;
# in a bio they are decoration, like any emoji): removed before the clean-up.
_URL = re.compile(r"https?://\S+|www\.\S+|[\U0001f1e6-\U0001f1ff]")
# Combining diacritics of Latin, Greek and Cyrillic (after NFD): an accent added or left out.
_ACCENTS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# A photo's 64-bit perceptual hash in four 16-bit bands: a copy within 2 bits shares at least two.
PHOTO_BANDS = 4


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    write: tuple[str, ...]
    read: tuple[tuple[str, ...], ...]
    combine: str = "max"  # "max" | "second"
    evidence: dict[str, Any] = field(default_factory=dict)
    # Creation-time families: the span of creation times (unix seconds) the widest read covers.
    window: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class Traits:
    account: str | None  # "platform:account id": what makes two checks the same account
    families: tuple[Family, ...]
    # When the account was created, as the creation buckets place it (``BurstTimes``: the hour's
    # time, else the day's; unix seconds), or None.
    created: float | None = None

    def family(self, name: str) -> Family | None:
        return next((f for f in self.families if f.name == name), None)


def _buckets(name: str, platform: Platform, time: float, size: int, fine: bool) -> Family:
    """One bucket written (the one the time falls in); read with the nearer neighbour when the
    time is finer than the bucket, so "within a bucket's length" does not stop at its edge."""
    number = int(time // size)
    own = f"{platform.value}|{name}|{number}"
    if not fine:
        return Family(name, (own,), ((own,),), window=(number * size, (number + 1) * size))
    neighbour = number - 1 if time - number * size < size / 2 else number + 1
    # Read alone too: each counter read costs up to the noise (counts subtract it at its most),
    # so when the neighbour holds no one, the own bucket alone is the better count.
    read = ((own,), (own, f"{platform.value}|{name}|{neighbour}"))
    return Family(name, (own,), read, window=(min(number, neighbour) * size, (max(number, neighbour) + 1) * size))


def in_background_sample(account: str | None) -> bool:
    """Whether an account adds itself to the sampled counts (the same answer on every server)."""
    if account is None:
        return False
    digest = hashlib.blake2b(account.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % BACKGROUND_SAMPLE == 0


def creation_families(
    profile: Profile, platform: Platform, account: str | None = None, times: BurstTimes | None = None
) -> list[Family]:
    """Creation-time buckets of nested widths: an hour, a day, a week and eight weeks. Each width
    divides the next and the neighbour read is the nearer one, so a narrower window always lies
    within the wider one: the wider count is the background the narrower one is measured against
    (``campaign.creation_burst``). The day, week and eight weeks are also counted over a sample
    of accounts (``BACKGROUND_SAMPLE``), for when their full count saturates. ``times``: the
    profile's ``burst_times``, if the caller has them already."""
    times = burst_times(profile, platform) if times is None else times
    found = []
    if times.hour is not None:
        found.append(_buckets("hour", platform, times.hour, HOUR, fine=True))
    if times.day is not None:
        found.append(_buckets("day", platform, times.day, DAY, fine=not times.day_from_joined))
        found.append(_buckets("week", platform, times.day, WEEK, fine=True))
        found.append(_buckets("season", platform, times.day, SEASON, fine=True))
        writes = in_background_sample(account)
        for name, size in (("day", DAY), ("week", WEEK), ("season", SEASON)):
            full = _buckets(name + SAMPLED, platform, times.day, size, fine=name != "day" or not times.day_from_joined)
            found.append(Family(full.name, full.write if writes else (), full.read[-1:], window=full.window,
                                evidence={"sample": BACKGROUND_SAMPLE}))  # fmt: skip
    return found


def handle_template(handle: str) -> str | None:
    """The shape of a handle: letters → ``a`` (a run of letters is one ``a``), digits → ``0``
    (each kept, so the count of digits is part of the shape), a run of separators → ``_``.
    ``maria_7734`` → ``a_0000``. None for a handle with no digits or separators: ``a`` is every
    plain name, not a template.

    Read as a person reads it (:func:`heuristics.names.normalise.clean_unicode`, the names' own
    clean-up): invisible characters dropped; any run of separators (``_``, ``.``, ``-``, emoji…)
    is one separator and none counts at either end (``maria.7734``, ``_maria__7734_`` are
    ``maria_7734``); a single digit between two letters is a letter (leet: ``m4ria``). Where
    the separator is, how many digits and in which order stay in the shape (docs/campaigns.md,
    "Limits": merging them would merge most genuine "name and a number" handles)."""
    words = clean_unicode(handle).split()
    text = "_".join(words)
    shape: list[str] = []
    for i, ch in enumerate(text):
        kind = "0" if ch.isdigit() else "a" if ch.isalpha() else ch
        if kind == "0" and 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha():
            kind = "a"  # m4ria, mar1a: a digit standing for a letter
        if kind == "a" and shape and shape[-1] == "a":
            continue
        shape.append(kind)
    template = "".join(shape)
    digits = template.count("0")
    if digits < 2 and len(template) < 3:
        return None
    return template[:40]


def name_family(profile: Profile, platform: Platform, times: BurstTimes | None = None) -> Family | None:
    """Handles of one template among accounts created the same week (a template alone, such as
    ``a_00``, is shared by many ordinary people; made together it is a campaign's pattern)."""
    if not profile.handle:
        return None
    template = handle_template(profile.handle)
    times = burst_times(profile, platform) if times is None else times
    when = times.day if times.day is not None else times.hour
    if template is None or when is None:
        return None
    week = int(when // WEEK)
    key = f"{platform.value}|name|{template}|{week}"
    return Family("name", (key,), ((key,),), evidence={"template": template, "window_days": 7})


def _pieces(text: str) -> Iterator[str]:
    """``text`` in pieces of whole words of at most ``BIO_PIECE`` characters (a longer word is
    cut): the names' clean-up keeps 256 characters of what it is given."""
    piece: list[str] = []
    size = 0
    for whole in text.split():
        for start in range(0, len(whole), BIO_PIECE):
            word = whole[start : start + BIO_PIECE]
            if size + len(word) > BIO_PIECE and piece:
                yield " ".join(piece)
                piece, size = [], 0
            piece.append(word)
            size += len(word) + 1
    if piece:
        yield " ".join(piece)


def normalised_bio(bio: str) -> str:
    """A bio as a person reads it, with the names' own clean-up (``heuristics.names``): links
    and flags removed; Arabic folded (harakat, tatweel, hamza and Persian letter forms:
    :func:`~heuristics.names.arabic.fold_arabic`); invisible characters dropped, punctuation and
    emoji as spaces, look-alike letters of another script in a Latin word read as Latin
    (:func:`~heuristics.names.normalise.unmask_words`; a second time where it unmasked any, so
    that a short word wholly in look-alikes, ``ѕо``, is read among Latin words even when every
    word had one); case and accents folded. At most
    ``MAX_BIO_CHARACTERS`` come out, whatever NFKC expands."""
    text = _URL.sub(" ", unicodedata.normalize("NFKC", bio)[: 4 * MAX_BIO_CHARACTERS])
    kept: list[str] = []
    size = 0
    for piece in _pieces(text):
        cleaned, lookalikes = unmask_words(fold_arabic(piece))
        if lookalikes:  # words unmasked to Latin: whole look-alike words beside them are Latin too
            cleaned = unmask_words(cleaned)[0]
        if cleaned:
            kept.append(cleaned)
            size += len(cleaned) + 1
        if size >= MAX_BIO_CHARACTERS:
            break
    folded = " ".join(kept).casefold()
    if not folded.isascii():
        folded = unicodedata.normalize("NFC", _ACCENTS.sub("", unicodedata.normalize("NFD", folded)))
    return folded[:MAX_BIO_CHARACTERS]


@functools.cache
def _bio_permutations() -> tuple[Any, Any]:
    """The permutations of the bios' MinHash (seed 20), drawn once per process: drawing them is
    most of what making a MinHash costs. Constants of the hash, nothing of any check."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=BIO_SEED).permutations


def bio_bands(bio: str | None) -> list[str] | None:
    """The LSH band hashes of a bio's MinHash (4-grams of its normalised text), or None for a bio
    too short to say anything (empty bios are everyone's). The MinHash is ``MinHash(num_perm=16,
    seed=20)``'s, made from its permutations drawn once (datasketch's documented ``permutations``
    argument; tests/unit/test_campaigns.py compares the two)."""
    text = normalised_bio(bio or "")
    if len(text) < MIN_BIO_CHARACTERS:
        return None
    from datasketch import MinHash  # here, not at import: datasketch imports scipy (a worker's start-up)

    minhash = MinHash(num_perm=NUM_PERM, permutations=_bio_permutations(), scheme=BIO_SCHEME)
    minhash.update_batch([text[i : i + SHINGLE].encode("utf-8") for i in range(len(text) - SHINGLE + 1)])
    rows = NUM_PERM // BANDS
    values = minhash.hashvalues
    return [".".join(str(int(v)) for v in values[b * rows : (b + 1) * rows]) for b in range(BANDS)]


def bio_family(profile: Profile) -> Family | None:
    bands = bio_bands(profile.bio)
    if bands is None:
        return None
    keys = tuple(f"bio|{b}|{band}" for b, band in enumerate(bands))
    return Family("bio", keys, tuple((key,) for key in keys))


def photo_family(avatar: AvatarFingerprint | None) -> Family | None:
    """Bands of the photo's primary perceptual hash. A copy within 2 bits shares at least two of
    the four bands, so the count read is the second largest (one band shared by chance with an
    unrelated photo does not count).

    The bands of the mirrored picture's hash are written too (once each: a band both share is
    one key): a mirrored copy's photo is the photo's mirror, so each orientation finds the
    other's accounts — a flip costs an operator nothing and a person sees the same face. Only
    the photo's own bands are read, so one account still lifts each count by at most 1."""
    if not isinstance(avatar, AvatarFingerprint):
        return None

    def bands(value: int) -> tuple[str, ...]:
        return tuple(f"photo|{j}|{(value >> (48 - 16 * j)) & 0xFFFF:04x}" for j in range(PHOTO_BANDS))

    keys = bands(avatar.primary)
    variants = avatar.variants()  # None for a bare phash: no mirror known
    probes = variants[0] if variants else ()
    mirror = next((avatar.probes[n] for n, v in enumerate(probes) if v.mirrored and v.picture == TRIMMED), None)
    written = keys if mirror is None else tuple(dict.fromkeys(keys + bands(mirror)))
    return Family("photo", written, tuple((key,) for key in keys), combine="second")


def traits(profile: Profile, platform: Platform, avatar: AvatarFingerprint | None = None) -> Traits:
    account = f"{platform.value}:{profile.account_id}" if profile.account_id else None
    times = burst_times(profile, platform)  # once: the creation buckets and the name's week use it
    families = creation_families(profile, platform, account, times)
    families += [f for f in (name_family(profile, platform, times), bio_family(profile), photo_family(avatar)) if f]
    return Traits(account, tuple(families), times.hour if times.hour is not None else times.day)
