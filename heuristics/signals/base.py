"""The shape every signal has: a code, the services it needs, its parameters, one ``detect``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile


class SignalParams(BaseModel):
    """Tunable thresholds of one signal, read from the rules file. Unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Signal(ABC):
    """One reason a profile may be risky.

    Subclasses set ``code`` (stable, ``family.name``), ``description`` (for maintainers),
    optionally ``needs`` (service names from the context) and ``Params``; and implement
    ``detect``, which returns ``None`` when the signal does not fire or its inputs are missing.
    """

    code: ClassVar[str]
    description: ClassVar[str]
    needs: ClassVar[frozenset[str]] = frozenset()
    Params: ClassVar[type[SignalParams]] = SignalParams

    @abstractmethod
    def detect(self, profile: Profile, context: CheckContext, params: SignalParams) -> Detection | None:
        """Return a detection if the signal fires for this profile."""
