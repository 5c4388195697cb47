"""Red team: a bait account's handle that a partner's tools take for another account's id.

The STIX bundle's ``user-account`` objects and its ``indicator`` named the account by
``user_id``, which held the account id when the case had one, else the handle. STIX's
``user_id`` is the account's unique identifier and ``account_login`` what a person types, its
username; a threat-intelligence platform correlates and alerts on ``user_id``. A handle may be all
digits on X (``@44196397``): the operator of a bait account takes as its handle the numeric id of
the defender it targets, and the case opened from its report (no account id: the reporter's is
never prefilled, docs/escalation.md) exported an indicator ``user_id = '44196397'`` on twitter —
her account to every partner that matches the bundle's pattern. The handle now goes in
``account_login``, and ``user_id`` holds only an account id (or, with neither, the URL as before).
MISP's account objects keep the two apart already (``name``/``id``, ``account-name``/``account-id``).
"""

from __future__ import annotations

import json

from stix2validator import ValidationOptions, validate_string

from heuristics.profile import Platform
from server.escalation.stix import bundle_json
from tests.escalation.samples import sample_case

HER_ID = "44196397"


def test_a_handle_of_digits_is_never_the_indicators_user_id() -> None:
    case, _ = sample_case(Platform.X)
    case.suspect = case.suspect.model_copy(
        update={"account_id": None, "handle": HER_ID, "profile_url": f"https://x.com/{HER_ID}"}
    )
    bundle = bundle_json(case)
    assert validate_string(json.dumps(bundle), ValidationOptions(version="2.1")).is_valid
    (indicator,) = [o for o in bundle["objects"] if o["type"] == "indicator"]
    assert f"user-account:user_id = '{HER_ID}'" not in indicator["pattern"], indicator["pattern"]
    assert f"user-account:account_login = '{HER_ID}'" in indicator["pattern"]
    accounts = [o for o in bundle["objects"] if o["type"] == "user-account"]
    assert HER_ID not in [a.get("user_id") for a in accounts]
    assert HER_ID in [a.get("account_login") for a in accounts]


def test_an_account_id_is_still_the_indicators_user_id() -> None:
    case, _ = sample_case(Platform.X)
    (indicator,) = [o for o in bundle_json(case)["objects"] if o["type"] == "indicator"]
    assert f"user-account:user_id = '{case.suspect.account_id}'" in indicator["pattern"]
