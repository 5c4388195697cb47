"""``campaign.creation_burst``: the account was created within an hour or a day of several other
accounts checked recently — the trace of accounts made in a batch.

Aged or repurposed accounts escape it (bought years after they were made, they were made with
many others unrelated to this campaign's); activists who open accounts together trip it, which
is why the message says what was seen, not "fake".
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from heuristics.campaigns import SERVICE, estimate
from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.signals._campaign import CountParams, counts, strength
from heuristics.signals.base import Signal


class BurstParams(CountParams):
    # An account created within a day (but not an hour) counts 1/day_factor of one within an hour.
    day_factor: Annotated[float, Field(ge=1, le=100)] = 3.0


class CreationBurst(Signal):
    code = "campaign.creation_burst"
    description = (
        "At least min_others other accounts checked recently were created within an hour of this one"
        " (one created within a day counts 1/day_factor); full points at full_others."
    )
    needs = frozenset({SERVICE})
    Params = BurstParams

    def detect(self, profile: Profile, context: CheckContext, params: BurstParams) -> Detection | None:  # type: ignore[override]
        found = counts(profile, context)
        hour, day = found.others("hour"), found.others("day")
        # Accounts made within the hour are within the day too: the day adds only those beyond.
        weighted = hour + max(0.0, day - hour) / params.day_factor
        value = strength(weighted, params)
        if value <= 0:
            return None
        window, others = ("hour", hour) if hour >= params.min_others else ("day", max(day, hour))
        evidence: dict[str, object] = {"accounts": round(others) + 1, "window": window}
        created = estimate(profile, context.platform)
        if created is not None:
            evidence.update(created.evidence())
        return Detection(evidence, value)
