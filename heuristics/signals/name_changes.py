"""``name.recently_changed``: the account changed its name (a clone renames itself to its target)."""

from __future__ import annotations

from pydantic import Field

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.signals.base import Signal, SignalParams


class NameChangesParams(SignalParams):
    full_changes: int = Field(3, ge=1, le=10_000)


class NameRecentlyChanged(Signal):
    code = "name.recently_changed"
    description = "The platform shows recent name changes; full points at full_changes or more."
    Params = NameChangesParams

    def detect(self, profile: Profile, context: CheckContext, params: NameChangesParams) -> Detection | None:  # type: ignore[override]
        if not profile.name_changes:
            return None
        return Detection({"name_changes": profile.name_changes}, min(1.0, profile.name_changes / params.full_changes))
