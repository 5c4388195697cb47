"""Full names across scripts through ``POST /v1/check``, as a user meets them: a clone among
hundreds of trusted contacts is named, a brother or a namesake is not; protected people are
matched the same way."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import redis
from flask.testing import FlaskClient

from bench.names_data import read_sample
from server.roles import Role
from server.storage.apikeys import create_api_key

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "names-held-out.tsv"
TIKRITI = "AYMAN SABAWI IBRAHIM HASAN AL-TIKRITI"
TIKRITI_ARABIC = "أيمن سبعاوي إبراهيم حسن التكريتي"
BROTHER = "عمر سبعاوي إبراهيم حسن التكريتي"


def contacts(count: int) -> list[dict[str, str]]:
    """``count`` contacts with first + family names of held-out words, half in each script, and
    the target last."""
    pairs = read_sample(SAMPLE)
    rng = random.Random(5)
    found = []
    for number in range(count - 1):
        first, family = rng.sample(pairs, 2)
        name = f"{first.arabic} {family.arabic}" if number % 2 else f"{first.latin} {family.latin}".title()
        found.append({"display_name": name, "platform": "facebook", "account_id": str(number)})
    return [*found, {"display_name": TIKRITI, "platform": "facebook", "account_id": "target"}]


def check(client: FlaskClient, display_name: str, **extra: Any) -> dict[str, Any]:
    body = {"platform": "facebook", "profile": {"display_name": display_name, "account_id": "999"}, **extra}
    response = client.post("/v1/check", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def finding(report: dict[str, Any], code: str) -> dict[str, Any] | None:
    return next((f for f in report["findings"] if f["code"] == code), None)


def test_a_clone_among_300_contacts_is_named_in_every_language(client: FlaskClient) -> None:
    for locale in ("ar", "en", "fr"):
        report = check(client, TIKRITI_ARABIC, contacts=contacts(300), locale=locale)
        found = finding(report, "impersonation.contact")
        assert found is not None
        assert found["evidence"]["contact"] == TIKRITI
        assert found["evidence"]["compared_as"] == "cross"
        assert found["evidence"]["aligned_parts"][0][:2] == ["أيمن", "AYMAN"]
        assert len(found["evidence"]["aligned_parts"]) == 5
        assert TIKRITI in found["message"]


def test_a_brother_and_a_namesake_among_300_contacts_are_not_flagged(client: FlaskClient) -> None:
    sent = contacts(300)
    assert finding(check(client, BROTHER, contacts=sent), "impersonation.contact") is None
    assert finding(check(client, "أيمن خالد الدوري", contacts=sent), "impersonation.contact") is None


def test_protected_people_are_matched_the_same_way(client: FlaskClient, redis_client: redis.Redis) -> None:
    trainer = {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, "ngo-trainer")}
    body = {"display_names": [TIKRITI], "accounts": [{"platform": "x", "account_id": "42"}]}
    assert client.post("/v1/protected", json=body, headers=trainer).status_code == 201
    clone = client.post("/v1/check", json={"platform": "x", "profile": {"display_name": TIKRITI_ARABIC}}).get_json()
    assert finding(clone, "impersonation.protected_person") is not None
    brother = client.post("/v1/check", json={"platform": "x", "profile": {"display_name": BROTHER}}).get_json()
    assert finding(brother, "impersonation.protected_person") is None
