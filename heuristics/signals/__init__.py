"""The signal registry: every :class:`Signal` subclass in this package, by code.

Adding a signal is adding a module here (one job per module) and an entry in the rules file.
"""

from __future__ import annotations

import importlib
import pkgutil

from heuristics.signals.base import Signal, SignalParams

_REGISTRY: dict[str, Signal] = {}


def _collect(cls: type[Signal]) -> None:
    for sub in cls.__subclasses__():
        # Only signals defined in this package's modules; others (tests, plug-ins) register explicitly.
        if not getattr(sub, "__abstractmethods__", None) and sub.__module__.startswith(__name__ + "."):
            if sub.code in _REGISTRY and type(_REGISTRY[sub.code]) is not sub:
                raise RuntimeError(f"two signals share the code {sub.code!r}")
            _REGISTRY[sub.code] = sub()
        _collect(sub)


def registry() -> dict[str, Signal]:
    """All signals by code (modules are imported on first use)."""
    if not _REGISTRY:
        for module in pkgutil.iter_modules(__path__):
            if module.name != "base":
                importlib.import_module(f"{__name__}.{module.name}")
        _collect(Signal)
    return _REGISTRY


__all__ = ["Signal", "SignalParams", "registry"]
