"""The input model: one profile as a page shows it, and a user's trusted contact.

Every field may be missing; a signal whose inputs are missing does not fire. The limits here are
the validation limits of the public API too, so a hostile client cannot make a signal do
unbounded work.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

MAX_ID_LENGTH = 128
MAX_HANDLE_LENGTH = 100
MAX_NAME_LENGTH = 200
MAX_BIO_LENGTH = 2_000
MAX_URL_LENGTH = 2_048
MAX_COUNT = 10_000_000_000
MAX_NAME_CHANGES = 10_000
MAX_HASH_HEX_LENGTH = 512
MAX_PLACE_LENGTH = 100

# YYYY-MM, YYYY-MM-DD, or an RFC 3339 date-time (a platform's API, or a page that shows the time).
_JOINED = re.compile(
    r"^(\d{4})-(\d{2})(?:-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})?)?)?$"
)
MIN_JOINED_YEAR = 1990
_HEX = re.compile(r"^[0-9a-fA-F]+$")


def replace_lone_surrogates(value: object) -> object:
    """A string with its lone surrogates as U+FFFD, anything else as it is. JSON may carry
    "\ud800" escapes that are not valid text; they would break UTF-8 encoding later (logs, Redis,
    responses), so they are replaced before validation. Public: the server's report fields use it too."""
    if isinstance(value, str) and _has_surrogate(value):
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


def _has_surrogate(value: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in value)


def _check_hex(value: str | None) -> str | None:
    if value is None:
        return None
    if not _HEX.match(value) or len(value) % 2:
        raise PydanticCustomError("hex_format", "must be an even number of hexadecimal digits")
    return value.lower()


AccountId = Annotated[str, Field(max_length=MAX_ID_LENGTH), BeforeValidator(replace_lone_surrogates)]
Handle = Annotated[str, Field(max_length=MAX_HANDLE_LENGTH), BeforeValidator(replace_lone_surrogates)]
Name = Annotated[str, Field(max_length=MAX_NAME_LENGTH), BeforeValidator(replace_lone_surrogates)]
Bio = Annotated[str, Field(max_length=MAX_BIO_LENGTH), BeforeValidator(replace_lone_surrogates)]
Url = Annotated[str, Field(max_length=MAX_URL_LENGTH), BeforeValidator(replace_lone_surrogates)]
Place = Annotated[str, Field(max_length=MAX_PLACE_LENGTH), BeforeValidator(replace_lone_surrogates)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
HashHex = Annotated[str, Field(min_length=2, max_length=MAX_HASH_HEX_LENGTH), AfterValidator(_check_hex)]


class Platform(StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    X = "x"
    TELEGRAM = "telegram"
    OTHER = "other"


# What a platform's badge says, where the page tells them apart (X's colours).
class VerifiedType(StrEnum):
    PAID = "paid"  # bought (X Premium): no identity check
    BUSINESS = "business"  # a verified organisation
    GOVERNMENT = "government"  # a government or multilateral account


# A verdict the platform itself prints next to the name (Telegram's SCAM and FAKE marks).
class PlatformLabel(StrEnum):
    SCAM = "scam"
    FAKE = "fake"


class Profile(BaseModel):
    """What a profile page shows. All fields optional; unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    account_id: AccountId | None = None
    handle: Handle | None = None
    display_name: Name | None = None
    bio: Bio | None = None
    profile_url: Url | None = None
    followers: Count | None = None
    following: Count | None = None
    posts: Count | None = None
    joined: str | None = Field(default=None, max_length=35, description="YYYY-MM, YYYY-MM-DD or RFC 3339 date-time")
    verified: bool | None = None
    private: bool | None = None
    name_changes: Annotated[int, Field(ge=0, le=MAX_NAME_CHANGES)] | None = None
    has_avatar: bool | None = None
    # Evidence the platform itself shows: its badge type, its own scam/fake label, and the country
    # its transparency panel says the account is based in ("About this account").
    verified_type: VerifiedType | None = None
    platform_label: PlatformLabel | None = None
    based_in: Place | None = None

    @field_validator("joined")
    @classmethod
    def _valid_joined(cls, value: str | None) -> str | None:
        if value is not None:
            parse_joined(value)
        return value

    @property
    def joined_date(self) -> date | None:
        return parse_joined(self.joined) if self.joined else None

    @property
    def joined_time(self) -> JoinedTime | None:
        return parse_joined_time(self.joined) if self.joined else None


@dataclass(frozen=True, slots=True)
class JoinedTime:
    """A join date as an instant and how far off it may be: the middle of the month or day it
    names (± half of it), or the time itself (± a second) when the page gave one."""

    time: datetime  # UTC
    precision_seconds: int
    unit: str  # "month" | "day" | "time"


def parse_joined(value: str) -> date:
    """The calendar date of ``YYYY-MM``, ``YYYY-MM-DD`` or an RFC 3339 date-time (in UTC).

    A month alone means its first day: the oldest the account can be, so an age-based signal
    never calls an account newer than it might be.
    """
    return _parse(value)[0].date()


def parse_joined_time(value: str) -> JoinedTime:
    """The join date as an instant with its precision (see :class:`JoinedTime`)."""
    start, unit = _parse(value)
    if unit == "month":
        days = calendar.monthrange(start.year, start.month)[1]
        return JoinedTime(start + timedelta(days=days / 2), days * 43_200, unit)
    if unit == "day":
        return JoinedTime(start + timedelta(hours=12), 43_200, unit)
    return JoinedTime(start, 1, unit)


def _parse(value: str) -> tuple[datetime, str]:
    # Typed errors (ValueError subclasses) so the console can say what is wrong in its language.
    match = _JOINED.match(value)
    if not match:
        raise PydanticCustomError("joined_format", "must be YYYY-MM-DD, YYYY-MM or an RFC 3339 date-time")
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    if year < MIN_JOINED_YEAR:
        raise PydanticCustomError("joined_too_early", "year must be {min_year} or later", {"min_year": MIN_JOINED_YEAR})
    try:
        start = datetime(year, month, day, int(match[4] or 0), int(match[5] or 0), int(match[6] or 0), tzinfo=UTC)
    except ValueError:
        raise PydanticCustomError("joined_impossible", "not a real date") from None
    if match[4] is None:
        return start, "day" if match[3] else "month"
    zone = match[7] or "Z"
    if zone not in "Zz":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = sign * (int(digits[:2]) * 60 + int(digits[2:]))
        if abs(offset) >= 24 * 60:
            raise PydanticCustomError("joined_impossible", "not a real date")
        try:
            start -= timedelta(minutes=offset)
        except OverflowError:  # 9999-12-31T23:00-05:00 is past the last date there is
            raise PydanticCustomError("joined_impossible", "not a real date") from None
    return start, "time"


class Contact(BaseModel):
    """A user's trusted contact, sent with one check and never stored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    display_name: Name | None = None
    platform: Platform | None = None
    account_id: AccountId | None = None
    handle: Handle | None = None
    avatar_hash: HashHex | None = None
