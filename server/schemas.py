"""Request and response bodies of the public API, as pydantic models.

These models both validate requests and generate ``/openapi.json``, so the served description
cannot drift from what the server does.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from heuristics.profile import Contact, HashHex, Platform, Profile
from heuristics.profile import _replace_lone_surrogates as replace_lone_surrogates

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
    provides is (``server.review``)."""

    model_config = ConfigDict(extra="ignore")

    platform: Platform
    profile: ReportedProfile | None = None
    avatar_hash: HashHex | None = None
    reason: ReportReason
    note: Annotated[str, Field(max_length=1000)] | None = None


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


class ErrorResponse(BaseModel):
    error: ErrorDetail


class RulesPublished(BaseModel):
    """``POST /v1/admin/rules``: the version now in force everywhere (within about a second)."""

    rules_version: str
    previous_version: str
    generation: Annotated[int, Field(ge=1, description="Publication counter; grows with every publish")]
