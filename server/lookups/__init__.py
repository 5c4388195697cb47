"""Per-worker lookups: the server's side of the check services the library's signals call.

Each keeps an in-memory copy of shared state that is canonical in Redis (``server.storage``) and
answers in microseconds during a check: the rules in force (:mod:`.rules`), the hash banks, the
avatar-reuse counts and the protected-people registry. They are offered to signals by name
through ``CheckContext.services``; when Redis cannot answer they raise
:class:`heuristics.context.ServiceUnavailable`, and the check lists the signal as unavailable.
"""

from __future__ import annotations

from flask import Flask

from heuristics.services import BANKS, PROTECTED, REUSE
from server.lookups.banks import BanksLookup
from server.lookups.protected import ProtectedLookup
from server.lookups.reuse import ReuseLookup


def init_app(app: Flask) -> None:
    state = app.extensions["haris"]
    secret = app.config["HARIS_SECRET_KEY"].encode("utf-8")
    state.lookups.update(
        {
            BANKS: BanksLookup(state.stores.banks),
            REUSE: ReuseLookup(state.stores.client, secret),
            PROTECTED: ProtectedLookup(state.stores.protected),
        }
    )
