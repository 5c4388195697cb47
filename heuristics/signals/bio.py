"""``bio.empty_or_link_only``: the bio is empty, or nothing but links."""

from __future__ import annotations

import re

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.signals.base import Signal, SignalParams

_URL = re.compile(r"(?:https?://|www\.)\S+|\b\S+\.(?:com|net|org|me|ly|io|link|site|xyz|ru|info)(?:/\S*)?\b", re.I)


class BioEmptyOrLinkOnly(Signal[SignalParams]):
    code = "bio.empty_or_link_only"
    description = "The bio is empty or holds only links (a missing bio is not evidence)."
    Params = SignalParams

    def detect(self, profile: Profile, context: CheckContext, params: SignalParams) -> Detection | None:
        if profile.bio is None:
            return None
        if not profile.bio.strip():
            return Detection({"bio": "empty"})
        without_links = _URL.sub("", profile.bio)
        if _URL.search(profile.bio) and not any(ch.isalpha() for ch in without_links):
            return Detection({"bio": "link_only"})
        return None
