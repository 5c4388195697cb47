"""Per-worker lookups: the server's side of the check services the library's signals call.

Each keeps an in-memory copy of shared state that is canonical in Redis (``server.storage``) and
answers in microseconds during a check: the rules in force (:mod:`.rules`), the hash banks, the
avatar-reuse counts and the protected-people registry. They are offered to signals by name
through ``CheckContext.services``; when Redis cannot answer they raise
:class:`heuristics.context.ServiceUnavailable`, and the check lists the signal as unavailable.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from server.banks import BankStore, RedisBanks
    from server.protected import ProtectedRegistryService, ProtectedStore
    from server.reuse import RedisReuse

    state = app.extensions["haris"]
    client = state.redis.client
    state.lookups.update(
        banks=RedisBanks(BankStore(client)),
        reuse=RedisReuse(client, app.config["HARIS_SECRET_KEY"].encode("utf-8")),
        protected=ProtectedRegistryService(ProtectedStore(client)),
    )
