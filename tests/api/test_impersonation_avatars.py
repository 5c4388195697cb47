"""Avatar evidence in impersonation: a friend's or protected person's photo on another account."""

from __future__ import annotations

import json
import random
from typing import Any

from flask.testing import FlaskClient

from heuristics.images import REFERENCE_COUNT, AvatarFingerprint
from tests.api.test_banks import b64, cropped_mirrored_copy, photo_bytes

BOOTSTRAP = {"Authorization": "Bearer test-bootstrap-key"}


def finding(report: dict[str, Any], code: str) -> dict[str, Any] | None:
    return next((f for f in report["findings"] if f["code"] == code), None)


def contact_hash(client: FlaskClient, photo: str) -> str:
    """What the extension keeps for a trusted contact: the fingerprint a check returned."""
    report = client.post("/v1/check", json={"platform": "facebook", "avatar": b64(photo_bytes(photo))}).get_json()
    assert report["avatar_hash"]
    return report["avatar_hash"]


def saved_friend(client: FlaskClient) -> dict[str, str]:
    """Mohamed Saleh's account 100, kept as a trusted contact with his photo's fingerprint."""
    return {
        "display_name": "Mohamed Saleh",
        "platform": "facebook",
        "account_id": "100",
        "avatar_hash": contact_hash(client, "astronaut"),
    }


def random_fingerprint(rng: random.Random) -> str:
    """A version 2 fingerprint (the form a protected person's photo hash must have) of no real
    picture: random hashes in the library's own shape, as cheap to make as a bare 64-bit hash."""
    probes = (rng.getrandbits(64), rng.getrandbits(64))
    references = tuple(rng.getrandbits(64) for _ in range(REFERENCE_COUNT))
    return AvatarFingerprint(probes, references, details=(rng.getrandbits(256),)).hex


def test_name_and_photo_of_a_contact_give_full_strength(client: FlaskClient) -> None:
    friend = saved_friend(client)
    clone = {
        "platform": "facebook",
        "profile": {"display_name": "محمد صالح", "account_id": "999"},
        "avatar": b64(cropped_mirrored_copy("astronaut")),
        "contacts": [friend],
    }
    found = finding(client.post("/v1/check", json=clone).get_json(), "impersonation.contact")
    assert found is not None and "avatar_distance" in found["evidence"]
    assert found["points"] == 5.5  # name_strength 0.8 + avatar_boost 0.2 → full points


def test_a_contacts_photo_under_another_name_fires_on_the_photo_alone(client: FlaskClient) -> None:
    friend = saved_friend(client)
    clone = {
        "platform": "facebook",
        "profile": {"display_name": "Sami K", "account_id": "999"},
        "avatar": b64(cropped_mirrored_copy("astronaut")),
        "contacts": [friend],
        "locale": "en",
    }
    found = finding(client.post("/v1/check", json=clone).get_json(), "impersonation.contact")
    assert found is not None and found["evidence"]["name_similarity"] == 0.0
    assert "Mohamed Saleh" in found["message"]


def test_the_contacts_own_account_and_other_photos_do_not_fire(client: FlaskClient) -> None:
    friend = saved_friend(client)
    own = {
        "platform": "facebook",
        "profile": {"display_name": "Mohamed Saleh", "account_id": "100"},
        "avatar": b64(photo_bytes("astronaut")),
        "contacts": [friend],
    }
    assert finding(client.post("/v1/check", json=own).get_json(), "impersonation.contact") is None
    other = {
        "platform": "facebook",
        "profile": {"display_name": "Sami K", "account_id": "999"},
        "avatar": b64(photo_bytes("coffee")),
        "contacts": [friend],
    }
    assert finding(client.post("/v1/check", json=other).get_json(), "impersonation.contact") is None


def test_protected_person_registered_with_a_photo_is_matched_on_the_photo(client: FlaskClient) -> None:
    created = client.post(
        "/v1/protected",
        headers=BOOTSTRAP,
        json={
            "display_names": ["Hala Ahed"],
            "accounts": [{"platform": "x", "account_id": "42"}],
            "avatars": [b64(photo_bytes("chelsea"))],
        },
    )
    assert created.status_code == 201
    stored = client.get(f"/v1/protected/{created.get_json()['id']}", headers=BOOTSTRAP).get_json()
    assert len(stored["avatar_hashes"]) == 1 and not stored.get("avatars")  # the photo itself is not kept
    clone = {
        "platform": "x",
        "profile": {"display_name": "Free Voice", "account_id": "7"},
        "avatar": b64(cropped_mirrored_copy("chelsea")),
    }
    found = finding(client.post("/v1/check", json=clone).get_json(), "impersonation.protected_person")
    assert found is not None and "avatar_distance" in found["evidence"]
    genuine = {
        "platform": "x",
        "profile": {"display_name": "Hala Ahed", "account_id": "42"},
        "avatar": b64(photo_bytes("chelsea")),
    }
    assert finding(client.post("/v1/check", json=genuine).get_json(), "impersonation.protected_person") is None


def test_among_many_protected_people_the_photo_finds_the_right_one(client: FlaskClient) -> None:
    rng = random.Random(11)
    for number in range(150):  # people with unrelated photos (random fingerprints)
        person = {"display_names": [f"Person {number}"], "avatar_hashes": [random_fingerprint(rng)]}
        assert client.post("/v1/protected", headers=BOOTSTRAP, json=person).status_code == 201
    hala = {"display_names": ["Hala Ahed"], "accounts": [{"platform": "x", "account_id": "42"}]}
    for name, account in (("Hala Ahed", "42"), ("Nour Saad", "43")):
        # Two people registered with the same picture (a shared photo): each one's own account
        # still flags the other's.
        body = {**hala, "display_names": [name], "accounts": [{"platform": "x", "account_id": account}]}
        body["avatars"] = [b64(photo_bytes("chelsea"))]
        assert client.post("/v1/protected", headers=BOOTSTRAP, json=body).status_code == 201

    def photo_finding(account_id: str) -> dict[str, Any] | None:
        clone = {
            "platform": "x",
            "profile": {"display_name": "Free Voice", "account_id": account_id},
            "avatar": b64(cropped_mirrored_copy("chelsea")),
        }
        return finding(
            client.post("/v1/check", json=clone, headers=BOOTSTRAP).get_json(), "impersonation.protected_person"
        )

    stranger = photo_finding("7")
    assert stranger is not None and stranger["evidence"]["protected_person"] in {"Hala Ahed", "Nour Saad"}
    own = photo_finding("42")
    assert own is not None and own["evidence"]["protected_person"] == "Nour Saad"


def test_a_registered_photo_keeps_keypoints_until_it_leaves_the_record(client: FlaskClient, redis_client: Any) -> None:
    """Photos sent as bytes keep their keypoints (geometric confirmation) beside the record, and
    they go with the person."""
    body = {"display_names": ["Hala Ahed"], "avatars": [b64(photo_bytes("chelsea")), b64(photo_bytes("coffee"))]}
    person_id = client.post("/v1/protected", headers=BOOTSTRAP, json=body).get_json()["id"]
    stored = client.get(f"/v1/protected/{person_id}", headers=BOOTSTRAP).get_json()
    kept = redis_client.hgetall(f"haris:{{protected}}:keypoints:{person_id}")
    assert sorted(k.decode() for k in kept) == sorted(stored["avatar_hashes"])
    assert "keypoints" not in json.dumps(stored)  # the API shows fingerprints only
    assert client.delete(f"/v1/protected/{person_id}", headers=BOOTSTRAP).status_code == 204
    assert not redis_client.exists(f"haris:{{protected}}:keypoints:{person_id}")
