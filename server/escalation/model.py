"""A case: the suspect account, the person it impersonates, Haris's findings when it was opened,
the evidence files, trainer notes, and where it was reported with what outcome.

``CaseCreate`` is the body of ``POST /v1/cases`` (a fixed contract); ``Case`` is the stored record.
Every list a client can grow is bounded here, so one case has a bounded size.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from heuristics.platforms import handle_from_url
from heuristics.profile import AccountId, Handle, HashHex, Name, Platform, Profile, Url, parse_joined
from server.escalation.account_url import hidden_in_url

CASE_ID = re.compile(r"^[0-9a-f]{16}$")
EVIDENCE_ID = re.compile(r"^[0-9]{2}$")
# The version of one platform's status (``server.services.cases.status_version``): "-" for none
# recorded yet, else a digest of the status.
STATUS_VERSION = re.compile(r"^(-|[0-9a-f]{32})$")
REPORT_ID_PATTERN = r"^[0-9a-f]{16}$"
REASON_CODE_PATTERN = r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$"
MAX_REASONS = 32
MAX_NOTE_LENGTH = 4000
MAX_NOTES = 100
MAX_HISTORY = 500
MAX_REFERENCE_LENGTH = 200
MAX_FILENAME_LENGTH = 100
# Per file and per case: what a case may keep in Redis (docs/escalation.md, docs/privacy.md).
MAX_EVIDENCE_FILES = 20
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
MAX_CASE_EVIDENCE_BYTES = 40 * 1024 * 1024
# The four platforms a takedown can be filed with (``other`` cases get a generic notice).
TAKEDOWN_PLATFORMS = (Platform.FACEBOOK, Platform.INSTAGRAM, Platform.X, Platform.TELEGRAM)

Note = Annotated[str, Field(max_length=MAX_NOTE_LENGTH)]
ReasonCode = Annotated[str, Field(max_length=64, pattern=REASON_CODE_PATTERN)]
# [0-9], not \d: to pydantic's (Rust) regex \d is any script's digit, and "𝟐𝟎𝟐𝟔-01-10" passed here
# (and parse_joined) to fail date.fromisoformat later, a 500.
IsoDate = Annotated[str, Field(max_length=10, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="YYYY-MM-DD")]


def _web_url(value: str) -> str:
    """An account's address as a case keeps it: an http(s) URL. A case's URLs leave in notices
    and in the MISP and STIX exports, where other tools show them as links; one that came from a
    report (``javascript:…``, ``data:…``) must not become a link there."""
    value = value.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        raise ValueError("must be an http(s) URL") from None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise ValueError("must be an http(s) URL")
    # Shown to the trainer, then to the platform's reviewer and partners' tools: a U+202E in it
    # makes it read as another account's address (``account_url.hidden_in_url``).
    if hidden_in_url(value):
        raise ValueError("must not hold characters that hide or reorder text (U+202E, U+2066, U+200B, controls)")
    # No address holds a space (a browser sends and copies %20): after one, a second address
    # ("https://x.com/ha1a_ahed?ref= https://evil.example") is linked by tools on its own.
    if any(ch.isspace() for ch in value):
        raise ValueError("must not hold spaces (write a space in an address as %20)")
    return value


def _real_date(value: str | None) -> str | None:
    if value is not None:
        parse_joined(value)  # the same checks as a profile's join date: a real date, 1990 or later
    return value


class _AccountSide:
    """A case's side (the suspect, the impersonated person): an account known by its URL, and by
    a handle when one was given (both fields are the subclass's: annotated here, pydantic would
    take them for fields of this class and reorder the models' fields)."""

    @property
    def account_handle(self) -> str | None:
        """The handle the account goes by: the one given, else the one its URL names."""
        return self.handle or handle_from_url(self.profile_url)


class Suspect(_AccountSide, Profile):
    """The suspect account: profile fields as in a check, with its URL (required) and, when known,
    its photo's fingerprint."""

    profile_url: Url
    avatar_hash: HashHex | None = None

    @field_validator("profile_url")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("profile_url must not be empty")
        return value.strip()


class Impersonated(_AccountSide, BaseModel):
    """The person or contact the suspect pretends to be: typed by the trainer or taken from the
    protected registry (``protected_id``)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    display_name: Name
    profile_url: Url
    platform: Platform
    joined: Annotated[str, Field(max_length=10, description="YYYY-MM-DD or YYYY-MM")] | None = None
    handle: Handle | None = None
    account_id: AccountId | None = None
    protected_id: Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")] | None = None

    @field_validator("joined")
    @classmethod
    def _valid_joined(cls, value: str | None) -> str | None:
        return _real_date(value)

    @field_validator("display_name", "profile_url")
    @classmethod
    def _required_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()


class SuspectIn(Suspect):
    """The suspect as a new case gives it: its URL an http(s) one (stored cases are read as
    :class:`Suspect`, whatever older versions accepted)."""

    @field_validator("profile_url")
    @classmethod
    def _web(cls, value: str) -> str:
        return _web_url(value)


class ImpersonatedIn(Impersonated):
    """The impersonated person as a new case gives them (see :class:`SuspectIn`)."""

    @field_validator("profile_url")
    @classmethod
    def _web(cls, value: str) -> str:
        return _web_url(value)


class Notifier(BaseModel):
    """Who files the notice (EU DSA Art. 16(2)(c)): usually the organisation, not a trainer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(min_length=1, max_length=200)]
    email: Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


Tlp = Literal["clear", "green", "amber", "red"]
# What the suspect account is used for: plain impersonation, entrapment (a fake friend or suitor
# luring someone to a meeting), or a defamation campaign of many accounts.
CaseKind = Literal["impersonation", "entrapment", "campaign"]


class CaseCreate(BaseModel):
    """``POST /v1/cases``. Unknown fields are ignored, as in the other request bodies."""

    model_config = ConfigDict(extra="ignore")

    platform: Platform
    suspect: SuspectIn
    impersonated: ImpersonatedIn
    reasons: Annotated[list[ReasonCode], Field(max_length=MAX_REASONS)] | None = None
    notes: Note | None = None
    private_notes: Note | None = None
    report_id: Annotated[str, Field(pattern=REPORT_ID_PATTERN)] | None = None
    notifier: Notifier | None = Field(
        default=None, description="Who files notices for this case; defaults to HARIS_NOTIFIER_NAME/EMAIL."
    )
    tlp: Tlp = Field(default="amber", description="Traffic Light Protocol label of the MISP and STIX exports.")
    kind: CaseKind | None = Field(
        default=None,
        description="impersonation | entrapment | campaign; defaults to the report's reason, else impersonation.",
    )


class FindingSnapshot(BaseModel):
    """One finding as Haris explained it when the case was opened, in each language."""

    code: str
    points: float
    evidence: dict[str, Any] = Field(default_factory=dict)
    messages: dict[str, str] = Field(default_factory=dict)


class CheckSnapshot(BaseModel):
    risk: int
    level: str
    rules_version: str
    checked_at: int
    findings: list[FindingSnapshot] = Field(default_factory=list)
    unavailable: list[str] = Field(default_factory=list)


class CaseNote(BaseModel):
    at: int
    by: str
    by_role: str
    text: Note
    private: bool = False


class EvidenceKind(StrEnum):
    AVATAR = "avatar"  # the suspect's (or the original's) profile photo
    SCREENSHOT = "screenshot"
    PAGE = "page"  # a saved page (HTML, MHTML, PDF)
    OTHER = "other"


class Evidence(BaseModel):
    """One evidence file as captured: hashed when it arrived (Berkeley Protocol), never changed."""

    id: Annotated[str, Field(pattern=EVIDENCE_ID.pattern)]
    filename: Annotated[str, Field(max_length=MAX_FILENAME_LENGTH)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    size: int
    media_type: str
    kind: EvidenceKind
    added_at: int
    added_by: str
    added_by_role: str
    method: str
    source_url: Url | None = None
    # The trainer allows the file itself to leave in shared exports (MISP attachment, share copy).
    share: bool = False
    fingerprint: str | None = None  # perceptual fingerprint of an image (heuristics.images)

    @property
    def archive_name(self) -> str:
        return f"evidence/{self.id}-{self.filename}"

    @property
    def neutral_name(self) -> str:
        """A name that says nothing a trainer typed (for shared copies)."""
        extension = self.filename.rsplit(".", 1)[-1] if "." in self.filename else "bin"
        return f"evidence/{self.id}-{self.sha256[:12]}.{extension}"

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


class Outcome(StrEnum):
    PENDING = "pending"  # reported, no answer yet
    STILL_UP = "still_up"
    REMOVED = "removed"


class PlatformStatus(BaseModel):
    """Where the case was reported and what came of it."""

    reported_on: IsoDate
    reference: Annotated[str, Field(max_length=MAX_REFERENCE_LENGTH)] | None = None
    outcome: Outcome = Outcome.PENDING
    rechecked_on: IsoDate | None = None
    updated_at: int = 0
    updated_by: str = ""
    updated_by_role: str = ""

    @field_validator("reported_on", "rechecked_on")
    @classmethod
    def _real(cls, value: str | None) -> str | None:
        return _real_date(value)


class StatusUpdate(BaseModel):
    """A trainer records a report to a platform, its reference, or a re-check."""

    model_config = ConfigDict(extra="ignore")

    platform: Platform
    reported_on: IsoDate
    reference: Annotated[str, Field(max_length=MAX_REFERENCE_LENGTH)] | None = None
    outcome: Outcome = Outcome.PENDING
    rechecked_on: IsoDate | None = None
    seen: Annotated[
        str | None,
        Field(
            pattern=STATUS_VERSION.pattern,
            description="The platform's status_versions entry as last read (GET /v1/cases/{id}): the status is"
            " not recorded (409 status_changed) when another was recorded since. Without it, the last one sent wins.",
        ),
    ] = None

    @field_validator("reported_on", "rechecked_on")
    @classmethod
    def _real(cls, value: str | None) -> str | None:
        return _real_date(value)


class HistoryEntry(BaseModel):
    """Chain of custody: what happened to the case, when (UTC) and by whom."""

    at: int
    by: str
    by_role: str
    action: str
    detail: dict[str, str] = Field(default_factory=dict)


class Case(BaseModel):
    """The stored case (``haris:{cases}:case:<id>``)."""

    id: Annotated[str, Field(pattern=CASE_ID.pattern)]
    state: Literal["open", "closed"] = "open"
    platform: Platform
    suspect: Suspect
    impersonated: Impersonated
    reasons: list[str]
    check: CheckSnapshot | None = None
    notes: list[CaseNote] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    statuses: dict[str, PlatformStatus] = Field(default_factory=dict)
    history: list[HistoryEntry] = Field(default_factory=list)
    report_id: str | None = None
    notifier: Notifier | None = None
    tlp: Tlp = "amber"
    kind: CaseKind = "impersonation"
    created_at: int
    created_by: str
    created_by_role: str
    updated_at: int
    closed_at: int | None = None

    def evidence_item(self, evidence_id: str) -> Evidence | None:
        return next((item for item in self.evidence if item.id == evidence_id), None)

    def evidence_bytes(self) -> int:
        return sum(item.size for item in self.evidence)

    def avatar_fingerprint(self) -> str | None:
        """The suspect's photo fingerprint: sent with the case, or from an uploaded avatar."""
        if self.suspect.avatar_hash:
            return self.suspect.avatar_hash
        return next((e.fingerprint for e in self.evidence if e.kind is EvidenceKind.AVATAR and e.fingerprint), None)

    def public_notes(self) -> list[CaseNote]:
        return [note for note in self.notes if not note.private]

    def finding(self, code: str) -> FindingSnapshot | None:
        if self.check is None:
            return None
        return next((f for f in self.check.findings if f.code == code), None)


class StatusSummary(BaseModel):
    """A platform status as the case list and the outcome figures read it: no reference number,
    no trainer."""

    reported_on: IsoDate
    outcome: Outcome = Outcome.PENDING
    rechecked_on: IsoDate | None = None


class CaseStatuses(BaseModel):
    """What the outcome figures read of a case (``server.escalation.outcomes``): where it was
    reported, when, with what outcome. One entry per platform, so a few hundred bytes."""

    statuses: dict[str, StatusSummary] = Field(default_factory=dict)


class CaseListing(CaseStatuses):
    """A case's summary (``haris:{cases}:case:<id>:summary``): what the case list shows, written
    with the case in the same transaction. Every field is bounded (a URL, a name, counts, one
    status per platform), so reading a page of the list costs the same whatever the cases' notes,
    history and evidence hold."""

    id: Annotated[str, Field(pattern=CASE_ID.pattern)]
    state: Literal["open", "closed"] = "open"
    kind: CaseKind = "impersonation"
    platform: Platform
    suspect_url: Url
    impersonated: Name
    created_at: int
    updated_at: int
    closed_at: int | None = None
    evidence: int = 0

    @classmethod
    def of(cls, case: Case) -> CaseListing:
        return cls(
            id=case.id,
            state=case.state,
            kind=case.kind,
            platform=case.platform,
            suspect_url=case.suspect.profile_url,
            impersonated=case.impersonated.display_name,
            created_at=case.created_at,
            updated_at=case.updated_at,
            closed_at=case.closed_at,
            evidence=len(case.evidence),
            statuses={
                platform: StatusSummary(
                    reported_on=status.reported_on, outcome=status.outcome, rechecked_on=status.rechecked_on
                )
                for platform, status in case.statuses.items()
            },
        )
