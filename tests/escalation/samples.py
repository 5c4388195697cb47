"""Cases to export: one per platform, with markers where trainers and private notes go."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from PIL import Image, ImageDraw

from heuristics.images import fingerprint_bytes
from heuristics.profile import Platform
from server.escalation.model import (
    Case,
    CaseNote,
    CheckSnapshot,
    Evidence,
    EvidenceKind,
    FindingSnapshot,
    HistoryEntry,
    Impersonated,
    Notifier,
    PlatformStatus,
    Suspect,
)
from server.storage.audit import AuditLog

OPENED_AT = 1_780_000_000  # 2026-05-28 UTC: a fixed clock, never the real one
TRAINER = "MRKTRAINERNAMEQ7Z"
TRAINER_KEY = "key:MRKTRAINERKEYQ7Z"
PRIVATE = "MRKPRIVATENOTEQ7Z"
NOTIFIER = Notifier(name="Digital Safety Helpline", email="helpline@ngo.example")
URLS = {
    Platform.X: ("https://x.com/hala_ahed", "https://x.com/ha1a_ahed"),
    Platform.FACEBOOK: (
        "https://www.facebook.com/hala.ahed",
        "https://www.facebook.com/profile.php?id=100090000000001",
    ),
    Platform.INSTAGRAM: ("https://www.instagram.com/hala.ahed/", "https://www.instagram.com/hala.ahed.official/"),
    Platform.TELEGRAM: ("https://t.me/hala_ahed", "https://t.me/hala_ahed_support"),
}


def entries_about(audit: AuditLog, target: str) -> list[dict[str, Any]]:
    """The audit trail's entries about one case, newest first."""
    return [entry for entry in audit.recent(limit=1000) if entry["target"] == target]


def portrait(shade: int = 0) -> bytes:
    image = Image.new("RGB", (200, 200), (230, 200 - shade, 170))
    draw = ImageDraw.Draw(image)
    draw.ellipse((50, 30, 150, 150), fill=(120, 80, 60))
    draw.rectangle((0, 160, 200, 200), fill=(20, 60, 120))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def evidence(
    number: int, data: bytes, kind: EvidenceKind, media_type: str, name: str, trainer: str = TRAINER, **extra: object
) -> Evidence:
    fingerprint = fingerprint_bytes(data).hex if media_type.startswith("image/") else None
    return Evidence(
        id=f"{number:02d}",
        filename=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        media_type=media_type,
        kind=kind,
        added_at=OPENED_AT + 60 * number,
        added_by=trainer,
        added_by_role="trainer",
        method="upload (console)",
        fingerprint=fingerprint,
        **extra,
    )


def sample_case(
    platform: Platform = Platform.X, trainer: str = TRAINER, trainer_key: str = TRAINER_KEY, private: str = PRIVATE
) -> tuple[Case, dict[str, bytes]]:
    """A case on ``platform`` and its evidence files by id (markers where trainers and private
    notes go, unless other values are given)."""
    TRAINER, TRAINER_KEY, PRIVATE = trainer, trainer_key, private
    original_url, suspect_url = URLS[platform]
    avatar = portrait()
    screenshot = portrait(40)
    page = f"<!doctype html><title>{TRAINER} saved this</title><p>{PRIVATE}</p>".encode()
    files = {"01": avatar, "02": screenshot, "03": page}
    items = [
        evidence(1, avatar, EvidenceKind.AVATAR, "image/png", f"{TRAINER}-avatar.png", TRAINER, source_url=suspect_url),
        evidence(
            2,
            screenshot,
            EvidenceKind.SCREENSHOT,
            "image/png",
            "profile.png",
            TRAINER,
            source_url=suspect_url,
            share=True,
        ),
        evidence(3, page, EvidenceKind.PAGE, "text/html", "saved-page.html", TRAINER, source_url=suspect_url),
    ]
    check = CheckSnapshot(
        risk=91,
        level="high",
        rules_version="2026.11.3",
        checked_at=OPENED_AT,
        findings=[
            FindingSnapshot(
                code="impersonation.protected_person",
                points=5.7,
                evidence={"protected_person": "Hala Ahed", "name_similarity": 0.97, "avatar_distance": 3},
                messages={"en": "This account uses the name or photo of “Hala Ahed”."},
            ),
            FindingSnapshot(code="account.new", points=1.5, evidence={"age_days": 6}),
        ],
    )
    case = Case(
        id="0123456789abcdef",
        platform=platform,
        suspect=Suspect(
            profile_url=suspect_url,
            display_name="Hala Ahed",
            handle=suspect_url.rstrip("/").rsplit("/", 1)[-1],
            joined="2026-05-20",
            account_id="100090000000001",
        ),
        impersonated=Impersonated(
            display_name="Hala Ahed", profile_url=original_url, platform=platform, joined="2014-03-02"
        ),
        reasons=["impersonation.protected_person", "account.new"],
        check=check,
        notes=[
            CaseNote(at=OPENED_AT, by=TRAINER, by_role="trainer", text="Asks her colleagues to meet in person."),
            CaseNote(
                at=OPENED_AT, by=TRAINER_KEY, by_role="trainer", text=f"{PRIVATE} source is her sister", private=True
            ),
        ],
        evidence=items,
        statuses={
            platform.value: PlatformStatus(
                reported_on="2026-05-29", reference="CASE-123", updated_at=OPENED_AT, updated_by=TRAINER
            )
        },
        history=[HistoryEntry(at=OPENED_AT, by=TRAINER, by_role="trainer", action="case.opened")],
        report_id="fedcba9876543210",
        notifier=NOTIFIER,
        created_at=OPENED_AT,
        created_by=TRAINER,
        created_by_role="trainer",
        updated_at=OPENED_AT + 600,
    )
    return case, files
