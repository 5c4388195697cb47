"""The signals, one module per code family (``account.py`` holds ``account.*``), and their registry.

:data:`DEFAULT_SIGNALS` is the explicit list the engine runs (when the rules enable them);
:func:`register` adds another (a plug-in, a test) under a code no other signal has. Adding a
signal is a class in its family's module, an entry here, and an entry in the rules file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from heuristics.signals import account, activity, avatar, bio, campaign, handle, impersonation, name, platform
from heuristics.signals.base import Signal, SignalParams

DEFAULT_SIGNALS: tuple[Signal[Any], ...] = (
    account.AccountNew(),
    account.AccountVerified(),
    activity.ActivityFewPosts(),
    activity.ActivityFewFollowers(),
    activity.ActivityFollowRatio(),
    activity.ActivityLowForAge(),
    avatar.AvatarKnownBad(),
    avatar.AvatarMissingOrDefault(),
    avatar.AvatarReused(),
    bio.BioEmptyOrLinkOnly(),
    campaign.CampaignCreationBurst(),
    campaign.CampaignTemplateName(),
    campaign.CampaignTemplateBio(),
    campaign.CampaignSharedPhoto(),
    handle.HandleDigits(),
    handle.HandleRandom(),
    impersonation.ImpersonationContact(),
    impersonation.ImpersonationProtectedPerson(),
    name.NameDeceptiveCharacters(),
    name.NameLookalikeCharacters(),
    name.NameRecentlyChanged(),
    name.NameHandleMismatch(),
    platform.PlatformLabelledScam(),
)


class SignalRegistry(Mapping[str, Signal[Any]]):
    """Signals by code: read like a mapping, changed only through :meth:`register` and :meth:`remove`."""

    def __init__(self, signals: tuple[Signal[Any], ...] = ()) -> None:
        self._signals: dict[str, Signal[Any]] = {}
        for signal in signals:
            self.register(signal)

    def register(self, signal: Signal[Any]) -> None:
        if signal.code in self._signals:
            raise ValueError(f"two signals share the code {signal.code!r}")
        self._signals[signal.code] = signal

    def remove(self, code: str) -> None:
        del self._signals[code]

    def __getitem__(self, code: str) -> Signal[Any]:
        return self._signals[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._signals)

    def __len__(self) -> int:
        return len(self._signals)


_REGISTRY = SignalRegistry(DEFAULT_SIGNALS)


def registry() -> SignalRegistry:
    """Every signal by code: the defaults and any registered since."""
    return _REGISTRY


def register(signal: Signal[Any]) -> None:
    """Add a signal (a plug-in's, a test's); its code must be new."""
    _REGISTRY.register(signal)


__all__ = ["DEFAULT_SIGNALS", "Signal", "SignalParams", "SignalRegistry", "register", "registry"]
