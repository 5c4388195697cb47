"""Request and response bodies of the public API, as pydantic models.

These models both validate requests and generate ``/openapi.json``, so the served description
cannot drift from what the server does.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from heuristics.profile import Contact, HashHex, Platform, Profile

MAX_CONTACTS = 2_000
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


class ReportRequest(BaseModel):
    """``POST /v1/reports``: a user reports a profile. Nothing about the reporter is kept."""

    model_config = ConfigDict(extra="ignore")

    platform: Platform
    profile: Profile | None = None
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
