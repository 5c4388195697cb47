"""``flask --app server …`` commands for operators, one module per group:

- :mod:`.accounts` — ``apikey`` and ``user``;
- :mod:`.rules` — ``rules check|publish``; :mod:`.evaluate` — ``evaluate``;
- ``bank export|import`` (``server.bank_api``); :mod:`.cases` — ``case verify|export``.

Commands call the same services as the API and the console (and leave the same audit entries).
"""

from __future__ import annotations

from flask import Flask

from server import bank_api
from server.cli import accounts, cases, evaluate, rules

GROUPS = (
    accounts.apikey,
    accounts.user,
    rules.rules_group,
    evaluate.evaluate_command,
    bank_api.bank_group,
    cases.case_group,
)


def init_app(app: Flask) -> None:
    for group in GROUPS:
        app.cli.add_command(group)
