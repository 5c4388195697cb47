"""The shape every signal has: a code, the services it needs, its parameters, one ``detect``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile


class SignalParams(BaseModel):
    """Tunable thresholds of one signal, read from the rules file. Unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


P = TypeVar("P", bound=SignalParams)


class Signal(ABC, Generic[P]):
    """One reason a profile may be risky, generic in its parameters' type ``P``.

    Subclasses set ``code`` (stable, ``family.name``: the family names the module it lives in),
    ``description`` (for maintainers), optionally ``needs`` (names from :mod:`heuristics.services`)
    and ``Params`` (``P`` itself); and implement ``detect``, which returns ``None`` when the signal
    does not fire or its inputs are missing. The rules parser validates each rule's parameters
    with ``Params``, so ``detect`` receives exactly a ``P``.
    """

    code: ClassVar[str]
    description: ClassVar[str]
    needs: ClassVar[frozenset[str]] = frozenset()
    Params: type[P]

    @abstractmethod
    def detect(self, profile: Profile, context: CheckContext, params: P) -> Detection | None:
        """Return a detection if the signal fires for this profile."""
