"""Labelled profiles from public datasets, read through what a profile page shows.

Each adapter maps a dataset's columns onto :class:`Profile` fields and ignores the rest, so the
figures measure the engine as the extension runs it. Labels are ``True`` for fake.

- ``requests`` — JSONL, one ``POST /v1/check`` body per line plus ``"label": "fake" | "genuine"``
  (optionally ``"now"``: the ISO time the profile was seen, for age signals).
- ``instafake`` — the InstaFake dataset (Akyon & Kalfaoglu 2019): counts, bio length, picture,
  private, username length and digit count. The text fields are synthesised (see
  :func:`instafake_profile`).
- ``cresci`` — Cresci et al. 2015 CSVs (raw Twitter user objects). Only page-visible fields are
  read; the join date and the time the profile was seen (``updated``) come from the row.
"""

from __future__ import annotations

import base64
import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from heuristics.context import CheckContext
from heuristics.profile import Contact, Platform, Profile

if TYPE_CHECKING:
    from heuristics.images import AvatarFingerprint

FORMATS: tuple[str, ...] = ("auto", "requests", "instafake", "cresci")


class DatasetError(ValueError):
    """A labelled file that cannot be read; ``where`` names the file and line."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled profile. ``ref`` says where it came from (file:line), never who it is."""

    profile: Profile
    fake: bool
    ref: str
    platform: Platform = Platform.OTHER
    now: datetime | None = None
    contacts: tuple[Contact, ...] = ()
    # The photo's fingerprint, when the request carries one (``avatar_hash`` or ``avatar`` bytes).
    avatar: AvatarFingerprint | None = None

    def context(self) -> CheckContext:
        if self.now is None:
            return CheckContext(platform=self.platform, contacts=self.contacts, avatar=self.avatar)
        return CheckContext(platform=self.platform, now=self.now, contacts=self.contacts, avatar=self.avatar)


def _label(value: Any, where: str) -> bool:
    if value in ("fake", 1, True, "1"):
        return True
    if value in ("genuine", 0, False, "0"):
        return False
    raise DatasetError(where, f"label must be 'fake' or 'genuine', not {value!r}")


def _jsonl(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                row = json.loads(line)
            except ValueError:
                raise DatasetError(where, "not valid JSON") from None
            if not isinstance(row, dict):
                raise DatasetError(where, "each line must be a JSON object")
            yield where, row


def _avatar(row: dict[str, Any]) -> AvatarFingerprint | None:
    """The photo as the API reads it: sent bytes (base64) win over a sent fingerprint."""
    from heuristics.images import AvatarFingerprint, fingerprint_bytes  # Pillow: only when asked

    if row.get("avatar"):
        return fingerprint_bytes(base64.b64decode(str(row["avatar"]), validate=True))
    if row.get("avatar_hash"):
        return AvatarFingerprint.from_hex(str(row["avatar_hash"]))
    return None


def load_requests(path: Path) -> list[Example]:
    """JSONL of check requests, each with ``label`` (fake | genuine) and optionally ``now``."""
    examples = []
    for where, row in _jsonl(path):
        try:
            platform = Platform(row.get("platform", "other"))
            profile = Profile.model_validate(row.get("profile") or {})
            contacts = tuple(Contact.model_validate(c) for c in row.get("contacts") or ())
            now = datetime.fromisoformat(row["now"]) if row.get("now") else None
            avatar = _avatar(row)
        except (ValidationError, ValueError, TypeError) as error:
            raise DatasetError(where, f"invalid check request: {error}") from None
        if now is not None and now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        examples.append(Example(profile, _label(row.get("label"), where), where, platform, now, contacts, avatar))
    return examples


# Letters with vowels, so a synthesised handle never looks vowel-less ("random"), and a digit
# that never forms a year (a year is discounted by handle.digits).
_HANDLE_LETTERS = "saramona"
_HANDLE_DIGIT = "7"
_BIO_FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. "


def instafake_profile(row: dict[str, Any]) -> Profile:
    """Map one InstaFake row onto the fields a page shows.

    - followers, following, posts, has_avatar, private: the counts and flags as they are.
    - handle: ``usernameLength`` characters with the ``usernameDigitCount`` digits at the end in
      one run (the common "name + digits" shape; the dataset does not say where digits were).
      The letters contain vowels, and the digits (all 7s) never form a year. This is the most
      favourable case for ``handle.digits`` (its longest run is every digit), so on real handles
      with scattered digits or years that signal fires less than it does here.
    - bio: ``userBiographyLength`` characters of plain words (0 → an empty bio, which the page
      shows as empty). Link-only bios cannot be told apart in this dataset.
    - display name, join date, verification: unknown (None), so their signals do not fire.
    """
    length = int(row["usernameLength"])
    digits = min(int(row["usernameDigitCount"]), length)
    letters = length - digits
    handle = (_HANDLE_LETTERS * (letters // len(_HANDLE_LETTERS) + 1))[:letters] + _HANDLE_DIGIT * digits
    bio_length = int(row["userBiographyLength"])
    bio = (_BIO_FILLER * (bio_length // len(_BIO_FILLER) + 1))[:bio_length]
    return Profile(
        handle=handle or None,
        bio=bio,
        followers=int(row["userFollowerCount"]),
        following=int(row["userFollowingCount"]),
        posts=int(row["userMediaCount"]),
        has_avatar=bool(int(row["userHasProfilPic"])),
        private=bool(int(row["userIsPrivate"])),
    )


def load_instafake(path: Path) -> list[Example]:
    examples = []
    for where, row in _jsonl(path):
        try:
            profile = instafake_profile(row)
        except (KeyError, ValueError, TypeError, ValidationError) as error:
            raise DatasetError(where, f"not an InstaFake row: {error}") from None
        examples.append(Example(profile, _label(row.get("isFake"), where), where, Platform.INSTAGRAM))
    return examples


def twitter_time(value: str) -> datetime | None:
    """``Fri Apr 06 10:58:22 +0000 2007`` (API) or ``2015-02-14 10:54:49`` (crawl time)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        parts = value.split()
        if len(parts) != 6:
            return None
        try:  # reorder to RFC 2822: "Fri, 06 Apr 2007 10:58:22 +0000"
            stamp = parsedate_to_datetime(f"{parts[0]}, {parts[2]} {parts[1]} {parts[5]} {parts[3]} {parts[4]}")
        except (TypeError, ValueError):
            return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _count(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def cresci_profile(row: dict[str, str]) -> tuple[Profile, datetime | None]:
    """Map one Cresci 2015 user row (a Twitter user object) onto page-visible fields.

    Read: screen_name, name, description, statuses/followers/friends counts, created_at,
    verified, protected, default_profile_image. Not read (a page does not show them, or they
    describe the crawler): favourites, listed, lang, time zone, colours, the dataset column.
    The second value is when the profile was seen (``updated``), the "now" for age signals.
    """
    created = twitter_time(row.get("created_at", ""))
    profile = Profile(
        account_id=(row.get("id") or "").strip() or None,
        handle=(row.get("screen_name") or "").strip() or None,
        display_name=(row.get("name") or "").strip() or None,
        bio=row.get("description") or "",
        followers=_count(row.get("followers_count", "")),
        following=_count(row.get("friends_count", "")),
        posts=_count(row.get("statuses_count", "")),
        joined=created.date().isoformat() if created and created.year >= 1990 else None,
        verified=(row.get("verified") or "").strip() in {"1", "true", "True"},
        private=(row.get("protected") or "").strip() in {"1", "true", "True"},
        has_avatar=(row.get("default_profile_image") or "").strip() not in {"1", "true", "True"},
    )
    return profile, twitter_time(row.get("updated", ""))


def load_cresci(path: Path, fake: bool | None = None) -> list[Example]:
    """A Cresci CSV; the label comes from the file name (…fake… / …genuine…) unless given."""
    if fake is None:
        name = path.name.lower()
        if ("fake" in name) == ("genuine" in name):
            raise DatasetError(path.name, "cannot tell the label: name the file …fake… or …genuine…")
        fake = "fake" in name
    examples = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), 2):
            where = f"{path.name}:{number}"
            try:
                profile, seen = cresci_profile(row)
            except (ValidationError, ValueError) as error:
                raise DatasetError(where, f"not a Twitter user row: {error}") from None
            examples.append(Example(profile, fake, where, Platform.X, seen))
    return examples


def detect_format(path: Path) -> str:
    if path.suffix.lower() == ".csv":
        return "cresci"
    for _, row in _jsonl(path):
        return "instafake" if "isFake" in row else "requests"
    raise DatasetError(path.name, "the file is empty")


def load_dataset(path: str | Path, fmt: str = "auto") -> list[Example]:
    path = Path(path)
    if not path.is_file():
        raise DatasetError(str(path), "no such file")
    fmt = detect_format(path) if fmt == "auto" else fmt
    loaders: dict[str, Callable[[Path], list[Example]]] = {
        "requests": load_requests,
        "instafake": load_instafake,
        "cresci": load_cresci,
    }
    if fmt not in loaders:
        raise DatasetError(str(path), f"unknown format {fmt!r}")
    examples = loaders[fmt](path)
    if not examples:
        raise DatasetError(path.name, "no examples")
    return examples
