"""Per-worker lookups: the server's side of the check services the library's signals call.

Each keeps an in-memory copy of shared state that is canonical in Redis (``server.storage``) and
answers in microseconds during a check: the rules in force (:mod:`.rules`), the hash banks, the
avatar-reuse counts, the protected-people registry, and the campaign aggregate (kept in the
limiter store: ``server.storage.campaigns``). They are offered to signals by name
through ``CheckContext.services``; when Redis cannot answer they raise
:class:`heuristics.context.ServiceUnavailable`, and the check lists the signal as unavailable.
"""

from __future__ import annotations

from flask import Flask

from heuristics.services import BANKS, PROTECTED, REUSE
from server.lookups.banks import BanksLookup
from server.lookups.protected import ProtectedLookup
from server.lookups.reuse import ReuseLookup
from server.storage.campaigns import HeldContributions, make_aggregate


def init_app(app: Flask) -> None:
    state = app.extensions["haris"]
    secret = app.config["HARIS_SECRET_KEY"].encode("utf-8")
    banks = BanksLookup(state.stores.banks)
    state.lookups.update(
        {
            BANKS: banks,
            REUSE: ReuseLookup(state.stores.client, secret),
            # A registered photo that a platform default copies names nobody showing that default (as a
            # bank entry of one flags nobody): the registry asks the banks' own confirmation how close.
            PROTECTED: ProtectedLookup(state.stores.protected, default_distance=banks.default_distance),
        }
    )
    # The campaign aggregate lives in the limiter store (never on disk); its epochs follow the
    # checks' clock, so a pinned clock pins them too. Each check gets its own view of it
    # (heuristics.campaigns.CampaignCheck, server.services.check).
    state.campaigns = make_aggregate(state.redis.limiter.client, clock=lambda: state.clock().timestamp())
    hold = app.config["HARIS_CAMPAIGN_HOLD_SECONDS"]
    if hold > 0:
        held = state.contributions = HeldContributions(state.campaigns, hold)

        @app.teardown_request
        def _release_held_contributions(_error: BaseException | None) -> None:
            # After the response, outside any check's CPU charge (server.web.limits.charge_for_cpu).
            held.release_when_due()
