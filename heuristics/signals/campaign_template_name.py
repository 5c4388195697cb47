"""``campaign.template_name``: the handle follows the same template (letters, then exactly so
many digits, …) as several other accounts checked recently that were created the same week."""

from __future__ import annotations

from heuristics.campaigns import SERVICE
from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.signals._campaign import CountParams, counts, strength
from heuristics.signals.base import Signal


class TemplateName(Signal):
    code = "campaign.template_name"
    description = (
        "At least min_others other accounts created the same week and checked recently have a handle of the same"
        " template (e.g. a_0000); full points at full_others."
    )
    needs = frozenset({SERVICE})
    Params = CountParams

    def detect(self, profile: Profile, context: CheckContext, params: CountParams) -> Detection | None:  # type: ignore[override]
        found = counts(profile, context).family("name")
        if found is None:
            return None
        value = strength(found.others, params)
        if value <= 0:
            return None
        evidence = {"accounts": round(found.others) + 1, **found.family.evidence}
        return Detection(evidence, value)
