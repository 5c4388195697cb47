"""Red team: a case's full archive as a way around the counted case view (docs/escalation.md,
"The protected registry, in a case and out of it").

Adversary: a stolen trainer key. Reading a case that names a protected person is counted against
HARIS_PROTECTED_MATCH_LIMIT and refused past it (test_redteam_case_views.py). The full archive
export (``GET /v1/cases/{id}/export/archive``) carries the very record the view shows —
``case.json`` with the snapshot's finding, her registry id and her name as registered — and was
only audited: past the allowance, the thief exported each case instead of reading it. The share
copies (redacted, MISP, STIX, the notice) leave the registry out, and are never refused.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable

import redis
from flask import Flask

from tests.security.test_redteam_case_views import _three_cases, _trainer_signed_in
from tests.security.test_redteam_cases import _key, _trail


def _case_record(archive: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return opened.read("case.json").decode("utf-8")


def test_the_full_archive_of_a_case_is_counted_as_reading_it(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    app = make_app(HARIS_PROTECTED_MATCH_LIMIT="1/hour")
    hala, nour, names_hala, names_nour, names_nobody = _three_cases(app, redis_client)
    client = app.test_client()
    stolen = _key(redis_client, "stolen laptop")

    # The first person is answered in full, and counted as the view counts her.
    first = client.get(f"/v1/cases/{names_hala}/export/archive", headers=stolen)
    assert first.status_code == 200
    assert hala in _case_record(first.data)
    assert ("key:stolen laptop", "protected.matched", hala) in _trail(app)
    # The allowance is spent: the view is refused, and so is the archive that holds the same record.
    assert client.get(f"/v1/cases/{names_nour}", headers=stolen).status_code == 429
    refused = client.get(f"/v1/cases/{names_nour}/export/archive", headers=stolen)
    assert refused.status_code == 429, "the archive export read the registry past the allowance"
    assert refused.get_json()["error"]["code"] == "protected_matches_limited"
    assert int(refused.headers["Retry-After"]) > 0
    assert nour not in refused.get_data(as_text=True) and "Nour" not in refused.get_data(as_text=True)
    assert _trail(app)[-1] == ("key:stolen laptop", "protected.match_refused", "registry")
    assert ("key:stolen laptop", "protected.matched", nour) not in _trail(app)
    # The share copies hold no registry id and no registered name: never refused.
    for kind in ("redacted", "stix", "misp", "ticket"):
        shared = client.get(f"/v1/cases/{names_nour}/export/{kind}", headers=stolen)
        assert shared.status_code == 200, kind
        body = _case_record(shared.data) if kind == "redacted" else shared.get_data(as_text=True)
        assert nour not in body, kind
    # A case naming nobody exports in full; another trainer is not affected.
    assert client.get(f"/v1/cases/{names_nobody}/export/archive", headers=stolen).status_code == 200
    colleague = client.get(f"/v1/cases/{names_nour}/export/archive", headers=_key(redis_client, "colleague"))
    assert colleague.status_code == 200 and nour in _case_record(colleague.data)
    assert json.loads(_case_record(colleague.data))["id"] == names_nour


def test_the_console_refuses_the_full_archive_past_the_allowance(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    app = make_app(HARIS_PROTECTED_MATCH_LIMIT="1/hour")
    _hala, nour, names_hala, names_nour, _names_nobody = _three_cases(app, redis_client)
    browser = _trainer_signed_in(app, redis_client)

    assert browser.get(f"/console/cases/{names_hala}/export/archive").status_code == 200
    refused = browser.get(f"/console/cases/{names_nour}/export/archive")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.mimetype == "text/html" and "Nour" not in refused.get_data(as_text=True)
    assert ("amal", "protected.matched", nour) not in _trail(app)
    assert browser.get(f"/console/cases/{names_nour}/export/redacted").status_code == 200
