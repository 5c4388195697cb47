"""docs/privacy.md: what the report queue's hold costs, worked out from the server's defaults."""

from __future__ import annotations

import json
import math
import typing

from bench.figures import Inputs, figure
from server.config import DEFAULTS
from server.schemas import Note, ReportReason
from server.storage.apikeys import MAX_LABEL_LENGTH
from server.storage.reports import REPORT_HOLD_HOURS, REPORT_TTL_SECONDS, trimmed

HOLDS = (1, REPORT_HOLD_HOURS, 24, 72)


def _note_length() -> int:
    """The longest note a decision takes (``server.schemas.Note``)."""
    for meta in typing.get_args(Note)[1:]:
        for limit in getattr(meta, "metadata", ()):
            if hasattr(limit, "max_length"):
                return int(limit.max_length)
    raise RuntimeError("server.schemas.Note has no max_length")


def rejected_record_bytes(note: bool) -> int:
    """The largest rejected record (its JSON, as stored) with no decision note, or with the longest
    one written in the characters JSON stores widest (a control character: six bytes)."""
    record = {
        "id": "f" * 16,
        "created_at": 9_999_999_999,
        "status": "rejected",
        "platform": "instagram",
        "reason": max((reason.value for reason in ReportReason), key=len),
        "reports": 9_999_999,
        "reasons": {reason.value: 9_999_999 for reason in ReportReason},
        # An API key's label: printable, four bytes a character at most (a console name is shorter).
        "decided_by": "key:" + "\U0001d54f" * MAX_LABEL_LENGTH,
        "decided_at": 9_999_999_999,
        "profile": {"bio": "dropped"},
    }
    if note:
        record["decision_note"] = "\x01" * _note_length()
    return len(json.dumps(trimmed(record), ensure_ascii=False).encode("utf-8"))


def _megabytes(count: int, size: int) -> str:
    return f"{count * size / 1e6:,.1f} MB"


@figure("reports-hold", fast=True)
def reports_hold(inputs: Inputs) -> str:
    """For a few values of HARIS_REPORT_HOLD_HOURS, with the default cap and report limit: how long a
    burst locks the queue, how many addresses keep it full, how many reports a flood can file over
    a report's 30 days, how many of those the store keeps waiting at most
    (HARIS_MAX_STORED_REPORTS), and how many rejected ones (HARIS_REJECTED_REPORT_HOURS: those
    waiting when the window began and those filed in it) with the bytes they take."""
    places = int(DEFAULTS["HARIS_MAX_PENDING_REPORTS"])
    stored = int(DEFAULTS["HARIS_MAX_STORED_REPORTS"])
    rejected_hours = int(DEFAULTS["HARIS_REJECTED_REPORT_HOURS"])
    per_address, _, window = str(DEFAULTS["HARIS_REPORT_LIMIT"]).partition("/")
    if window != "hour":
        raise RuntimeError(f"the report limit is not per hour: {DEFAULTS['HARIS_REPORT_LIMIT']}")
    ttl_hours = REPORT_TTL_SECONDS // 3600
    bare, noted = rejected_record_bytes(note=False), rejected_record_bytes(note=True)
    lines = [
        f"| `HARIS_REPORT_HOLD_HOURS` | a burst of {places:,} reports locks the queue for "
        f"| addresses that keep it full ({per_address} reports an hour each) "
        f"| reports a flood can file in {ttl_hours // 24} days | of them kept waiting, at most "
        f"| kept once rejected, at most ({rejected_hours} hours; {bare:,} B each, "
        f"{noted:,} B with the longest note) |",
        "|---|---|---|---|---|---|",
    ]
    for hold in HOLDS:
        default = " (default)" if hold == REPORT_HOLD_HOURS else ""
        addresses = math.ceil(places / (int(per_address) * hold))
        hours = f"{hold} hour{'s' if hold > 1 else ''}"
        filed = places * ttl_hours // hold
        # Rejected within the window (up to rejected_hours + 1 hours of filings, counted by the
        # hour): those already waiting when it began, and those filed in it, max_pending per hold.
        rejected = min(filed, stored + places * math.ceil((rejected_hours + 1) / hold))
        size = f"{_megabytes(rejected, bare)}–{_megabytes(rejected, noted)}"
        lines.append(
            f"| {hold}{default} | at most {hours} | {addresses:,} | {filed:,} | {min(filed, stored):,} "
            f"| {rejected:,} ({size}) |"
        )
    return "\n".join(lines)
