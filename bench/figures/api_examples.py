"""Example requests and the server's real answers, as the README shows them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from bench.figures import Inputs, figure
from bench.figures.app import throwaway_app

# The day the example is checked on: the account joined 8 days before.
CHECKED_ON = datetime(2026, 11, 23, 12, tzinfo=UTC)
THROWAWAY_CHECK: dict[str, Any] = {
    "platform": "instagram",
    "profile": {
        "handle": "sara19283746",
        "display_name": "Sara",
        "posts": 0,
        "followers": 1,
        "following": 900,
        "joined": "2026-11-15",
        "has_avatar": False,
        "bio": "",
    },
    "locale": "en",
}


@figure("readme-check-example", fast=True)
def readme_check_example(inputs: Inputs) -> str:
    """The README's example check and the server's real answer, on a fixed day."""
    with throwaway_app(clock=CHECKED_ON) as app:
        response = app.test_client().post("/v1/check", json=THROWAWAY_CHECK)
    if response.status_code != 200:
        raise RuntimeError(f"the example check answered {response.status_code}: {response.get_data(as_text=True)}")
    body = json.dumps(THROWAWAY_CHECK, indent=2, ensure_ascii=False)
    answer = json.dumps(response.get_json(), indent=2, ensure_ascii=False)
    return "\n".join(
        [
            "```sh",
            f"curl -s http://127.0.0.1:5000/v1/check -H 'Content-Type: application/json' -d '{body}'",
            "```",
            "",
            f"Its real output, as checked on {CHECKED_ON:%Y-%m-%d} (pretty-printed; the server sends one line):",
            "",
            "```json",
            answer,
            "```",
        ]
    )


@figure("escalation-case-example", fast=True)
def escalation_case_example(inputs: Inputs) -> str:
    """docs/escalation.md's excerpt of every export of the example case (bench/case_example.py)."""
    from bench.case_example import example_exports  # imports the escalation package and a test sample

    return "\n".join(["```text", example_exports(), "```"])
