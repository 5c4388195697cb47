"""docs/privacy.md: what the report queue's hold costs, worked out from the server's defaults."""

from __future__ import annotations

import math

from bench.figures import Inputs, figure
from server.config import DEFAULTS
from server.storage.reports import REPORT_HOLD_HOURS, REPORT_TTL_SECONDS

HOLDS = (1, REPORT_HOLD_HOURS, 24, 72)


@figure("reports-hold", fast=True)
def reports_hold(inputs: Inputs) -> str:
    """For a few values of HARIS_REPORT_HOLD_HOURS, with the default cap and report limit: how long a
    burst locks the queue, how many addresses keep it full, how many reports a flood can file over
    a report's 30 days, and how many of those the store keeps waiting at most
    (HARIS_MAX_STORED_REPORTS)."""
    places = int(DEFAULTS["HARIS_MAX_PENDING_REPORTS"])
    stored = int(DEFAULTS["HARIS_MAX_STORED_REPORTS"])
    per_address, _, window = str(DEFAULTS["HARIS_REPORT_LIMIT"]).partition("/")
    if window != "hour":
        raise RuntimeError(f"the report limit is not per hour: {DEFAULTS['HARIS_REPORT_LIMIT']}")
    ttl_hours = REPORT_TTL_SECONDS // 3600
    lines = [
        f"| `HARIS_REPORT_HOLD_HOURS` | a burst of {places:,} reports locks the queue for "
        f"| addresses that keep it full ({per_address} reports an hour each) "
        f"| reports a flood can file in {ttl_hours // 24} days | of them kept waiting, at most |",
        "|---|---|---|---|---|",
    ]
    for hold in HOLDS:
        default = " (default)" if hold == REPORT_HOLD_HOURS else ""
        addresses = math.ceil(places / (int(per_address) * hold))
        hours = f"{hold} hour{'s' if hold > 1 else ''}"
        filed = places * ttl_hours // hold
        lines.append(f"| {hold}{default} | at most {hours} | {addresses:,} | {filed:,} | {min(filed, stored):,} |")
    return "\n".join(lines)
