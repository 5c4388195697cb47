"""The limits and lifetimes the documents quote are the code's: each sentence below is written from
the constant it states, and must appear in its document (whitespace and line breaks aside). A
constant changed without its page, or a page edited away from its constant, fails here.

The settings' defaults are checked by test_settings_documented.py; this covers the fixed limits.
"""

from __future__ import annotations

import inspect
import re
from functools import cache

import pytest

from heuristics import keypoints, matching
from heuristics.images import MATCH_THRESHOLD, MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS
from server.api.admin import MAX_RULES_BYTES
from server.console.auth import DEVICE_SECONDS
from server.console.blueprint import MAX_MARKS
from server.console.views import AUDIT_PAGE, QUEUE_PAGE
from server.escalation.archive import MAX_ENTRIES, MAX_RATIO
from server.escalation.model import (
    MAX_CASE_EVIDENCE_BYTES,
    MAX_EVIDENCE_BYTES,
    MAX_EVIDENCE_FILES,
    MAX_HISTORY,
    MAX_NOTE_LENGTH,
    MAX_NOTES,
    MAX_REASONS,
)
from server.lookups.reuse import BATCH_SECONDS as REUSE_BATCH_SECONDS
from server.lookups.reuse import BATCH_SIZE as REUSE_BATCH_SIZE
from server.storage import extractor_health, reports, users
from server.storage.audit import AuditLog
from server.storage.cases import CLOSED_TTL_SECONDS, OPEN_TTL_SECONDS
from server.web import limits
from tests.docs.markdown import ROOT

DAY = 86_400
HOUR = 3_600
MIB = 1024 * 1024


def n(value: float) -> str:
    """A number as the documents write it: 4,000; 0.1."""
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


AUDIT_SCAN = inspect.signature(AuditLog.recent).parameters["scan"].default
SIDE = int(MAX_IMAGE_PIXELS**0.5)

# (document, a sentence written from the constants it quotes)
STATED = [
    # Escalation cases: docs/escalation.md's limits table, docs/privacy.md's key table.
    ("docs/escalation.md", f"| evidence file | {MAX_EVIDENCE_BYTES // MIB} MiB "),
    ("docs/escalation.md", f"| files per case | {MAX_EVIDENCE_FILES}; {MAX_CASE_EVIDENCE_BYTES // MIB} MiB per case |"),
    (
        "docs/escalation.md",
        f"| notes | {MAX_NOTES} per case, {n(MAX_NOTE_LENGTH)} characters each; reasons: {MAX_REASONS} codes |",
    ),
    ("docs/escalation.md", f"| history | the last {MAX_HISTORY} entries |"),
    ("docs/escalation.md", f"| open | {OPEN_TTL_SECONDS // DAY} days after its last change"),
    ("docs/escalation.md", f"| closed | {CLOSED_TTL_SECONDS // DAY} days after its last change |"),
    ("docs/escalation.md", f"`verify` refuses more than {MAX_ENTRIES} entries"),
    ("docs/escalation.md", f"anything expanding more than {MAX_RATIO} times"),
    (
        "docs/privacy.md",
        f"at most {MAX_EVIDENCE_FILES} files of {MAX_EVIDENCE_BYTES // MIB} MiB, "
        f"{MAX_CASE_EVIDENCE_BYTES // MIB} MiB per case",
    ),
    # Console accounts and pages.
    (
        "docs/console.md",
        f"Idle sessions end after {users.IDLE_SECONDS // HOUR} hours, all sessions after "
        f"{users.MAX_SECONDS // HOUR} hours",
    ),
    ("docs/console.md", f"passwords need at least {users.MIN_PASSWORD_LENGTH} characters"),
    ("docs/console.md", f"{QUEUE_PAGE} to a page"),
    ("docs/console.md", f"The page shows the newest {AUDIT_PAGE}"),
    ("docs/console.md", f"searching back through the newest {n(AUDIT_SCAN)} entries"),
    ("docs/console.md", f"At most {MAX_MARKS} characters of one value are marked"),
    ("docs/console.md", f"`SameSite=Strict`, `Secure`, {DEVICE_SECONDS // DAY} days"),
    ("docs/console.md", f"step, once used | {users.TOTP_REPLAY_SECONDS // 60} minutes |"),
    # Reports.
    (
        "docs/privacy.md",
        f"up to {reports.MAX_MERGED_NOTES} notes, {reports.MAX_VARIANTS} differing versions of the profile "
        f"(fields, avatar hash) and {reports.MAX_OTHER_HANDLES} other handles",
    ),
    ("docs/privacy.md", f"against {n(reports.RECORD_BUDGET)} characters"),
    ("docs/console.md", f"(up to {reports.MAX_MERGED_NOTES} different notes)"),
    ("docs/console.md", f"(up to {reports.MAX_VARIANTS}, under *Another version of this profile*)"),
    # The extension's health counts.
    ("docs/privacy.md", f"at most {n(extractor_health.MAX_DAY_FIELDS)} fields a day"),
    ("docs/privacy.md", f"| {extractor_health.RETENTION_DAYS} days after that day |"),
    (
        "docs/privacy.md",
        f"writes the sum after {extractor_health.BATCH_REPORTS} reports or an hour",
    ),
    ("docs/architecture.md", f"after {extractor_health.BATCH_REPORTS} reports or an hour"),
    # avatar.reused's batches.
    (
        "docs/privacy.md",
        f"once {REUSE_BATCH_SIZE} are waiting or the oldest has waited {n(REUSE_BATCH_SECONDS / 60)} minutes",
    ),
    # Photo matching: docs/avatars.md's thresholds and budget (heuristics/matching.py, keypoints.py).
    ("docs/avatars.md", f"within **{MATCH_THRESHOLD} bits** of a reference"),
    ("docs/avatars.md", f"the net is wider, **{matching.GEOMETRIC_CANDIDATE_THRESHOLD} bits**"),
    ("docs/avatars.md", f"≤ {keypoints.STORED_KEYPOINTS} of them on the trimmed picture"),
    ("docs/avatars.md", f"(its own ≤ {keypoints.QUERY_KEYPOINTS} keypoints"),
    ("docs/avatars.md", f"least **{matching.MIN_INLIERS}** keypoints agreeing on one transform"),
    (
        "docs/avatars.md",
        f"within **{matching.ALIGNED_THRESHOLD}** of 255 bits and its **fine hash** within "
        f"**{matching.FINE_THRESHOLD}**",
    ),
    ("docs/avatars.md", f"at most **{matching.MAX_STRAIGHTENED}** warps per geometric check"),
    (
        "docs/avatars.md",
        f"all bits within **{matching.DETAIL_THRESHOLD}** and the **128 strongest coefficients** "
        f"within **{matching.STRONG_THRESHOLD}**",
    ),
    (
        "docs/avatars.md",
        f"within **{matching.HASH_DETAIL_THRESHOLD}** bits, and within **{matching.LIST_HASH_DETAIL_THRESHOLD}** "
        "in banks and the registry",
    ),
    ("docs/avatars.md", f"The check's **{matching.VOTE_KEYPOINTS}** strongest keypoints"),
    ("docs/avatars.md", f"stored keypoints of at most **{matching.MAX_VOTERS}** candidates"),
    ("docs/avatars.md", f"Only the **{matching.MAX_GEOMETRIC_CONFIRMATIONS}** pictures with the most votes"),
    (
        "docs/avatars.md",
        f"the {matching.MAX_VOTERS - matching.DETAIL_VOTERS} closest in phash, and the "
        f"{matching.DETAIL_VOTERS} others closest by the trimmed picture's detail hash",
    ),
    ("docs/avatars.md", f"at most **{matching.MAX_DETAIL_CONFIRMATIONS}** per check"),
    ("docs/avatars.md", f"(≤ {n(keypoints.MAX_STORED_BYTES)} bytes"),
    # Sizes.
    ("docs/avatars.md", f"more than {MAX_IMAGE_BYTES // MIB} MiB"),
    ("docs/avatars.md", f"more than {SIDE}×{SIDE} pixels"),
    ("docs/evaluation.md", f"at most {MAX_RULES_BYTES // 1024} KiB (the API's bound)"),
    # What a check's contacts and CPU are charged (HARIS_CHECK_LIMIT's row).
    (
        "docs/deployment.md",
        f"plus {limits.CONTACT_CHARACTERS} for any contact and {limits.CONTACT_PHOTO_CHARACTERS} for its photo's "
        f"fingerprint, and {n(limits.CONTACT_CANDIDATE_CHARACTERS)} for each distinct contact photo",
    ),
    (
        "docs/deployment.md",
        f"past {n(limits.FREE_CONTACT_CHARACTERS)} (500 contacts of ordinary names), once more per started "
        f"{n(limits.CONTACT_CHARACTERS_PER_CHECK)}",
    ),
    ("docs/deployment.md", f"once more per started {n(limits.CHECK_CPU_SECONDS)} s of its thread's CPU"),
]


@cache
def text(document: str) -> str:
    return re.sub(r"\s+", " ", (ROOT / document).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("document", "sentence"), STATED, ids=[f"{d}: {s[:50]}" for d, s in STATED])
def test_the_document_states_the_codes_limit(document: str, sentence: str) -> None:
    assert re.sub(r"\s+", " ", sentence) in text(document)


def test_a_changed_constant_would_be_caught() -> None:
    assert f"{MAX_EVIDENCE_FILES + 1}; {MAX_CASE_EVIDENCE_BYTES // MIB} MiB per case" not in text("docs/escalation.md")
    assert n(4000) == "4,000" and n(0.1) == "0.1" and n(10.0) == "10"


def test_every_rate_limit_scope_is_in_privacy_mds_key_table() -> None:
    """Each scope of ``haris:LIMITER/limits/<hmac>/<scope>/…`` (server/web/limits.py) is named in
    privacy.md's row for that family: what a seized limiter store's keys are."""
    code = (ROOT / "server" / "web" / "limits.py").read_text(encoding="utf-8")
    scopes = set(re.findall(r"""allowance\(\s*"([a-z-]+)",""", code))
    scopes |= set(re.findall(r"""Allowance\(\s*self\.limiter, self\.guard, "([a-z-]+)",""", code))
    assert {"check", "campaign", "protected-named"} <= scopes
    row = next(line for line in text("docs/privacy.md").split("| `haris:") if line.startswith("LIMITER/limits/"))
    assert sorted(scope for scope in scopes if f"`{scope}`" not in row) == []
