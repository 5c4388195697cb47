"""``campaign.template_bio``: the bio is a near-copy (MinHash of its 4-grams) of the bios of
several other accounts checked recently."""

from __future__ import annotations

from heuristics.campaigns import SERVICE
from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.signals._campaign import CountParams, counts, strength
from heuristics.signals.base import Signal


class TemplateBio(Signal):
    code = "campaign.template_bio"
    description = (
        "At least min_others other accounts checked recently have a near-identical bio; full points at full_others."
    )
    needs = frozenset({SERVICE})
    Params = CountParams

    def detect(self, profile: Profile, context: CheckContext, params: CountParams) -> Detection | None:  # type: ignore[override]
        found = counts(profile, context).family("bio")
        if found is None:
            return None
        value = strength(found.others, params)
        return Detection({"accounts": round(found.others) + 1}, value) if value > 0 else None
