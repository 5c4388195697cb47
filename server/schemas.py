"""Request and response bodies of the public API, as pydantic models.

These models both validate requests and generate ``/openapi.json``, so the served description
cannot drift from what the server does.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from heuristics.banks import BankLabel
from heuristics.names import normalise
from heuristics.profile import AccountId, Contact, HashHex, Name, Platform, Profile, replace_lone_surrogates
from server.storage.banks import BANK_NAME, MAX_NOTE_LENGTH
from server.storage.protected import ProtectedAccount, ProtectedPerson

MAX_CONTACTS = 2_000
# Reports are kept for 30 days: a reported bio is cut to this length.
MAX_REPORT_TEXT = 500
MAX_REPORT_URL = 512
MAX_AVATAR_BASE64 = 6 * 1024 * 1024


class CheckRequest(BaseModel):
    """``POST /v1/check``. Every field but ``platform`` may be missing or null."""

    model_config = ConfigDict(extra="ignore")

    platform: Platform
    profile: Profile | None = None
    avatar: Annotated[str, Field(max_length=MAX_AVATAR_BASE64, description="base64 image bytes")] | None = None
    avatar_hash: HashHex | None = None
    contacts: Annotated[list[Contact], Field(max_length=MAX_CONTACTS)] | None = None
    locale: (
        Annotated[str, Field(max_length=35, description="ar | en | fr (a BCP 47 tag is reduced to its language)")]
        | None
    ) = None


class ReportReason(StrEnum):
    IMPERSONATION = "impersonation"
    ENTRAPMENT = "entrapment"
    HARASSMENT = "harassment"
    OTHER = "other"


def _shortened(value: object) -> object:
    value = replace_lone_surrogates(value)
    return value[:MAX_REPORT_TEXT] if isinstance(value, str) else value


class ReportedProfile(Profile):
    """The reported profile: as a check's, with less free text (a report is kept 30 days). A
    longer bio is cut, not refused: the extension sends what the page shows, and the report
    must not be lost for it."""

    bio: Annotated[str, BeforeValidator(_shortened)] | None = None
    profile_url: Annotated[str, Field(max_length=MAX_REPORT_URL), BeforeValidator(replace_lone_surrogates)] | None = (
        None
    )


class ReportRequest(BaseModel):
    """``POST /v1/reports``: a user reports a profile. Nothing about the reporter is kept.

    ``avatar_hash`` is shown to trainers and compared, never banked: only a photo a trainer
    provides is (``server.api.reviews``)."""

    model_config = ConfigDict(extra="ignore")

    platform: Platform
    profile: ReportedProfile | None = None
    avatar_hash: HashHex | None = None
    reason: ReportReason
    note: Annotated[str, Field(max_length=1000)] | None = None


Note = Annotated[str, Field(max_length=1000)]


# Report review (``GET /v1/reports``, ``POST /v1/reports/{id}/confirm|reject``, the console's pages).


class ReportOut(BaseModel):
    """A queued report: only what the user chose to send, and no reporter identity."""

    id: str
    created_at: int
    status: Literal["pending", "confirmed", "rejected"]
    platform: Platform
    reason: str
    profile: dict[str, Any] | None = None
    avatar_hash: str | None = None
    note: str | None = None
    decided_by: str | None = None
    decided_at: int | None = None
    bank: str | None = None
    label: str | None = None
    decision_note: str | None = None
    bank_entry: str | None = None
    banked_fingerprint: str | None = None
    reports: int | None = None
    reasons: dict[str, int] | None = Field(
        None, description="How many of the merged reports gave each reason (the first report's is ``reason``)"
    )
    notes: list[str] | None = Field(
        None, description="Notes of later reports of the same account, merged into this one (at most 10)"
    )
    variants: list[dict[str, Any]] | None = Field(
        None,
        description="Other versions of the profile (profile, avatar_hash) that later reports sent (at most 3)",
    )
    notes_seen: int | None = Field(
        None,
        description="How many different notes later reports gave; past the 10 kept, each had the same chance to be"
        " kept whenever it arrived",
    )
    variants_seen: int | None = Field(
        None, description="How many other versions of the profile later reports sent (3 kept, sampled as the notes)"
    )
    handles: list[str] | None = Field(
        None, description="Other handles later reports of the same account id named (at most 10): they disagree"
    )


class ReportList(BaseModel):
    reports: list[ReportOut]
    pending: int
    offset: int
    limit: int


SeenReports = Annotated[
    int,
    Field(
        ge=1,
        le=2**31,
        description="How many reports the decider was shown this one stands for (its ``reports``): when more"
        " were merged in since, the decision is refused (409 report_changed) for her to look again",
    ),
]


class ConfirmRequest(BaseModel):
    """Confirm a report; with ``bank``, ``label`` and ``avatar`` (the reported profile's photo, as
    base64) the photo's fingerprint, computed here, and the account id join that bank."""

    model_config = ConfigDict(extra="forbid")

    bank: Annotated[str, Field(pattern=BANK_NAME.pattern)] | None = None
    label: BankLabel | None = None
    note: Note | None = None
    avatar: Annotated[str, Field(max_length=MAX_AVATAR_BASE64, description="base64 image bytes")] | None = None
    seen_reports: SeenReports | None = None
    # Off unless asked for, as in the console (unticked): the reporter wrote the id, nothing binds
    # it to the photo, and bank exports carry it to other organisations as a bad account's, so a
    # script confirming reports must not pass a forged id on by default.
    with_account_id: bool = Field(
        False,
        description="Whether the reported account id joins the bank entry with the photo: the reporter wrote it,"
        " so only when a trainer has checked it is the account whose photo is banked (the console's box, unticked)",
    )


class RejectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Note | None = None
    seen_reports: SeenReports | None = None


# Protected people (``/v1/protected``, the console's pages).
MAX_NAMES = 20
MAX_ACCOUNTS = 50
MAX_AVATARS = 10


class ProtectedCreate(BaseModel):
    """``POST /v1/protected``. Unknown fields are ignored, as in the other request bodies."""

    model_config = ConfigDict(extra="ignore")

    display_names: Annotated[list[Name], Field(min_length=1, max_length=MAX_NAMES)]
    accounts: Annotated[list[ProtectedAccount], Field(max_length=MAX_ACCOUNTS)] = []
    avatars: Annotated[list[Annotated[str, Field(max_length=MAX_AVATAR_BASE64)]], Field(max_length=MAX_AVATARS)] = []
    avatar_hashes: Annotated[list[HashHex], Field(max_length=MAX_AVATARS * 4)] = []
    note: Annotated[str, Field(max_length=1000)] | None = None

    @field_validator("display_names")
    @classmethod
    def _names_have_letters(cls, names: list[str]) -> list[str]:
        for name in names:
            if normalise(name).is_empty:
                raise ValueError(f"the name {name!r} has no letters to match on")
        return names


class ProtectedPersonOut(ProtectedPerson):
    """A protected person as ``GET /v1/protected`` shows her: her record, which of its photo
    hashes give her no photo protection, and which of her accounts are known by their username
    only (worked out on each read, never stored)."""

    never_confirm: list[str] = Field(
        [],
        description="The avatar_hashes that never confirm a match (a bare 64-bit hash or a version 1"
        " fingerprint, stored before they were refused): no photo protection; register the photo again",
    )
    accounts_without_id: list[int] = Field(
        [],
        description="Indexes in accounts of those on x, instagram, telegram or facebook known by their"
        " handle only: a released username can be registered by anyone, who is then taken for her"
        " account (a clone holding it is not flagged); add the account id",
    )


class ProtectedList(BaseModel):
    """A page of ``GET /v1/protected``: ``next`` is the ``cursor`` of the following page (None: the last)."""

    people: list[ProtectedPersonOut]
    next: str | None = None


# Hash banks (``/v1/banks``, the console's bank pages).


class BankEntryRequest(BaseModel):
    """``POST /v1/banks/{bank}/entries``: exactly one of ``avatar`` and ``avatar_hash``."""

    model_config = ConfigDict(extra="ignore")

    avatar: Annotated[str, Field(max_length=MAX_AVATAR_BASE64, description="base64 image bytes")] | None = None
    avatar_hash: HashHex | None = None
    label: BankLabel
    platform: Platform | None = None
    account_id: AccountId | None = None
    note: Annotated[str, Field(max_length=MAX_NOTE_LENGTH)] | None = None


class BankSummary(BaseModel):
    name: str
    entries: int
    version: int
    never_confirm: int = Field(
        0,
        description="Legacy fingerprints (version 1, bare phash): never confirm a match; add the photo again",
    )
    without_keypoints: int = Field(
        0,
        description="Entries added from a fingerprint, not a photo: confirmed hash against hash"
        " (re-uploads, not crops); add the photo again",
    )


class BankList(BaseModel):
    banks: list[BankSummary]


class ImportResult(BaseModel):
    imported: int


class Accepted(BaseModel):
    id: str


class FindingOut(BaseModel):
    code: str
    points: float
    message: str
    evidence: dict[str, Any]


class CheckResponse(BaseModel):
    risk: Annotated[int, Field(ge=0, le=100)]
    level: Literal["low", "medium", "high"]
    findings: list[FindingOut]
    avatar_hash: str | None
    rules_version: str
    unavailable: list[str]
    locale: Literal["ar", "en", "fr"]


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None
    reason: Annotated[
        str | None,
        Field(
            description="Why the value was refused, where a code says more than `code` does "
            "(`url_other_account`, `string_too_long`, `bank_line_unknown_field`…); "
            "one of a fixed set, never text the client sent"
        ),
    ] = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


class RulesPublished(BaseModel):
    """``POST /v1/admin/rules``: the version now in force everywhere (within about a second)."""

    rules_version: str
    previous_version: str
    generation: Annotated[int, Field(ge=1, description="Publication counter; grows with every publish")]


# Extractor health (``POST /v1/extractor-health``; the extension's background/health-counts.js
# sends it, and tests/extension/constants.test.mjs keeps its limits equal to these).
HEALTH_GRAIN = 5
MAX_HEALTH_COUNT = 1_000
MAX_HEALTH_ENTRIES = 12
EXTRACTOR_VERSION = r"^\d{4}\.\d{1,3}$"
HEALTH_OUTCOMES = ("complete", "incomplete", "no_profile", "error")
HEALTH_DAYS = 14

# The fields a core list may name: the profile's own.
ProfileField = StrEnum("ProfileField", {name: name for name in Profile.model_fields})
HealthCount = Annotated[
    int,
    Field(strict=True, ge=0, le=MAX_HEALTH_COUNT, multiple_of=HEALTH_GRAIN, description="visits, a multiple of 5"),
]


def _ascii_version(value: str) -> str:
    # EXTRACTOR_VERSION's "\d" is any script's digit to pydantic's (Rust) regex: "𝟤𝟢𝟤𝟨.𝟣" (sans-serif
    # digits) matched, and anyone's counts made a row that reads "2026.1" beside the real one in
    # the maintainers' table. The pattern stays as the extension's (constants.test.mjs).
    if not value.isascii():
        raise ValueError("an extractor version is written in ASCII digits")
    return value


def _read_platform(value: Platform) -> Platform:
    if value is Platform.OTHER:
        raise ValueError("the extension reads facebook, instagram, x and telegram pages only")
    return value


class ExtractorReads(BaseModel):
    """How one extractor version read profile pages: visits by outcome, and how many incomplete
    visits lacked each core field. Counts only: no page, no account, no time."""

    model_config = ConfigDict(extra="forbid")

    platform: Annotated[Platform, AfterValidator(_read_platform)]
    version: Annotated[
        str,
        Field(pattern=EXTRACTOR_VERSION, max_length=8, description="the extractor's YYYY.N"),
        AfterValidator(_ascii_version),
    ]
    complete: HealthCount = 0
    incomplete: HealthCount = 0
    no_profile: HealthCount = 0
    error: HealthCount = 0
    missing: Annotated[dict[ProfileField, HealthCount], Field(max_length=len(Profile.model_fields))] = {}

    @property
    def visits(self) -> int:
        return self.complete + self.incomplete + self.no_profile + self.error


class ExtractorHealthReport(BaseModel):
    """``POST /v1/extractor-health``: one browser's coarse counts since its last report."""

    model_config = ConfigDict(extra="forbid")

    extractors: Annotated[list[ExtractorReads], Field(min_length=1, max_length=MAX_HEALTH_ENTRIES)]


class HealthAccepted(BaseModel):
    visits: Annotated[int, Field(ge=0, description="how many visits the counts stand for")]


class HealthDay(BaseModel):
    day: str
    visits: int
    complete: int
    incomplete: int
    no_profile: int
    error: int
    failure_share: float | None = Field(description="(incomplete + no_profile + error) / visits; null without visits")


class HealthShare(BaseModel):
    visits: int
    failures: int
    share: float | None


class ExtractorHealthRow(BaseModel):
    """One platform and extractor version over the window, oldest day first."""

    platform: str
    version: str
    days: list[HealthDay]
    recent: HealthShare = Field(description="the last days the jump rule looks at")
    baseline: HealthShare = Field(description="the week before them (the platform's, when this version has too few)")
    missing: dict[str, int] = Field(description="incomplete visits that lacked each core field, over the window")
    jump: bool = Field(description="the failure share rose well above the baseline (docs/extension.md)")


class ExtractorHealthTable(BaseModel):
    """``GET /v1/extractor-health``: per platform and extractor version, the last days' visits."""

    first_day: str
    last_day: str
    extractors: list[ExtractorHealthRow]
