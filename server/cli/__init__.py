"""``flask --app server …`` commands for operators, one module per group:

- :mod:`.accounts` — ``apikey`` and ``user``;
- :mod:`.rules` — ``rules check|publish``; :mod:`.evaluate` — ``evaluate``;
- :mod:`.banks` — ``bank export|import|remove``; :mod:`.cases` — ``case verify|export``.

Commands call the same services as the API and the console (and leave the same audit entries).
"""

from __future__ import annotations

from flask import Flask

from server.cli import accounts, banks, cases, evaluate, rules

GROUPS = (
    accounts.apikey,
    accounts.user,
    rules.rules_group,
    evaluate.evaluate_command,
    banks.bank_group,
    cases.case_group,
)


def init_app(app: Flask) -> None:
    for group in GROUPS:
        app.cli.add_command(group)
