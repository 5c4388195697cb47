"""Red team: bank files and rules that would shape what every client is told.

1. A flat picture (a blank or one-colour avatar, a plain gradient) has no detail: its hashes are
   nearly all zero bits, and its detail hash is zero. Banked as a fingerprint (a trainer's
   ``avatar_hash``, or a line of a partner's bank file) it "confirmed" against every other flat
   or near-flat avatar — white, grey, black, any gradient — so every genuine account with such a
   picture was told ``avatar.known_bad`` at high level. Such a fingerprint is now refused (422
   ``low_information_fingerprint``) from every door, the whole file with it; only the
   ``platform-defaults`` bank (whose matches say "no photo of its own", never "known bad") takes
   it.
2. A rules version names the rules every answer was scored with (``rules_version``). Publishing
   refused only the version in force: after "v1" then "v2", a different file named "v1" again
   was published, and answers said "v1" for rules that score otherwise — as did a file named as
   a released default version (``heuristics/rules/released.toml``) with other contents. A version
   published before (or released) now names those contents only: the same file again (a
   rollback) is published, another one is refused (422 ``invalid_rules``, field ``version``).
3. A maintainer's slip: a sign lost on the bias (``bias = 4.62``) or ``levels.medium = 0`` passed
   validation and the smoke test, and every account checked — anyone's brother, colleague,
   friend — was then warned about. A file under which a profile no signal fires on is at medium
   or above is now refused (422 ``invalid_rules``, field ``bias``).
4. An import replaced entries by id, silently: a partner who had received this server's export
   (its entry ids) could send back a file with those ids on other pictures or labels, and the
   maintainer's import overwrote the bank's entries — the bait accounts' photos quietly
   unbanked, the audit saying only "imported N". An entry whose id is taken by an entry of
   another picture or label is now refused (409 ``entry_id_taken``, the whole file), as is a file
   repeating an id (422 ``duplicate_entry_id``); the same file again still imports (no change).
"""

from __future__ import annotations

import io
import json
from typing import Any

import redis
from flask.testing import FlaskClient
from PIL import Image

from heuristics.images import fingerprint
from heuristics.rules import default_rules_text, parse_rules
from server.roles import Role
from server.storage.apikeys import create_api_key
from tests.api.test_banks import MAINTAINER, b64, photo_bytes

JSONL = {**MAINTAINER, "Content-Type": "application/x-ndjson"}


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def gradient(side: int) -> Image.Image:
    row = bytes(x * 255 // side for x in range(side))
    return Image.frombytes("L", (side, side), row * side).convert("RGB")


BLANK = Image.new("RGB", (200, 200), (255, 255, 255))
GENUINE_FLAT_AVATARS = {
    "grey": Image.new("RGB", (96, 96), (128, 128, 128)),
    "black": Image.new("RGB", (150, 150), (0, 0, 0)),
    "off-white, wide": Image.new("RGB", (400, 300), (250, 250, 250)),
    "gradient": gradient(300),
}


def entry_line(hex_value: str, entry_id: str = "e1") -> str:
    return json.dumps(
        {"id": entry_id, "fingerprint": hex_value, "label": "entrapment", "added_at": 1, "added_by": "trainer"}
    )


def known_bad(client: FlaskClient, image: Image.Image) -> bool:
    report = client.post("/v1/check", json={"platform": "x", "avatar": b64(png(image))}).get_json()
    return any(f["code"] == "avatar.known_bad" for f in report["findings"])


def test_a_partner_file_with_a_blank_pictures_hash_is_refused_whole(client: FlaskClient) -> None:
    good = fingerprint(Image.open(io.BytesIO(photo_bytes("rocket"))).convert("RGB")).hex
    body = entry_line(good, "good-1") + "\n" + entry_line(fingerprint(BLANK).hex, "blank-1") + "\n"
    refused = client.post("/v1/banks/partner/import", data=body, headers=JSONL)
    assert refused.status_code == 422, refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == "low_information_fingerprint" and error["field"] == "entry 2"
    assert client.get("/v1/banks/partner/export", headers=MAINTAINER).status_code == 404  # nothing half-imported
    for name, image in GENUINE_FLAT_AVATARS.items():
        assert not known_bad(client, image), name


def test_a_trainer_cannot_bank_a_flat_pictures_fingerprint(client: FlaskClient, redis_client: redis.Redis) -> None:
    trainer = {"Authorization": f"Bearer {create_api_key(redis_client, Role.TRAINER, 'amal')}"}
    for image in (BLANK, gradient(128)):
        body: dict[str, Any] = {"avatar_hash": fingerprint(image).hex, "label": "entrapment"}
        refused = client.post("/v1/banks/shared/entries", json=body, headers=trainer)
        assert refused.status_code == 422, refused.get_json()
        assert refused.get_json()["error"]["code"] == "low_information_fingerprint"
        photo = {"avatar": b64(png(image)), "label": "entrapment"}
        assert client.post("/v1/banks/shared/entries", json=photo, headers=trainer).status_code == 422
    for name, image in GENUINE_FLAT_AVATARS.items():
        assert not known_bad(client, image), name
    # The defaults bank takes flat pictures: a match there says "no photo of its own".
    flat = {"avatar_hash": fingerprint(BLANK).hex, "label": "other"}
    assert client.post("/v1/banks/platform-defaults/entries", json=flat, headers=MAINTAINER).status_code == 201
    # And a real photo still banks.
    photo = {"avatar": b64(photo_bytes("rocket")), "label": "entrapment"}
    assert client.post("/v1/banks/shared/entries", json=photo, headers=trainer).status_code == 201


def rules_text(version: str, few_posts: float) -> str:
    return (
        f'version = "{version}"\nbias = -3.0\n[levels]\nmedium = 40\nhigh = 70\n'
        f'[signals."activity.few_posts"]\npoints = {few_posts}\nmax_posts = 10\n'
    )


def publish(client: FlaskClient, text: str) -> Any:
    headers = {**MAINTAINER, "Content-Type": "application/toml"}
    return client.post("/v1/admin/rules", data=text.encode("utf-8"), headers=headers)


def test_a_version_published_before_names_its_first_file_only(client: FlaskClient) -> None:
    assert publish(client, rules_text("rt-1", 1.0)).status_code == 200
    assert publish(client, rules_text("rt-2", 1.0)).status_code == 200
    reused = publish(client, rules_text("rt-1", 9.0))
    assert reused.status_code == 422, reused.get_json()
    assert reused.get_json()["error"]["code"] == "invalid_rules"
    assert reused.get_json()["error"]["field"] == "version"
    checked = client.post("/v1/check", json={"platform": "x", "profile": {"posts": 0}}).get_json()
    assert checked["rules_version"] == "rt-2"
    # Rolling back to the very file published as rt-1 is what a version is for.
    assert publish(client, rules_text("rt-1", 1.0)).status_code == 200


def test_a_released_default_version_names_the_released_file_only(client: FlaskClient) -> None:
    assert publish(client, rules_text("rt-3", 1.0)).status_code == 200
    released = parse_rules(default_rules_text()).version
    forged = default_rules_text().replace("bias = -4.62", "bias = -9.0")
    assert forged != default_rules_text()
    refused = publish(client, forged)
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "version", refused.get_json()
    assert publish(client, default_rules_text()).get_json()["rules_version"] == released


def test_rules_that_would_warn_about_everyone_are_refused(client: FlaskClient) -> None:
    defaults = default_rules_text()
    in_force = client.post("/v1/check", json={"platform": "x", "profile": {}}).get_json()["rules_version"]
    for slip in (("bias = -4.62", "bias = 4.62"), ("medium = 40", "medium = 0")):
        text = defaults.replace(*slip).replace('version = "', 'version = "slip-', 1)
        assert text.count(slip[1]) == 1
        refused = publish(client, text)
        assert refused.status_code == 422, (slip, refused.get_json())
        assert refused.get_json()["error"] == {
            "code": "invalid_rules",
            "message": refused.get_json()["error"]["message"],
            "field": "bias",
        }
        assert "every account" in refused.get_json()["error"]["message"]
    checked = client.post("/v1/check", json={"platform": "x", "profile": {}}).get_json()
    assert checked["rules_version"] == in_force and checked["level"] == "low"


def test_a_partner_file_cannot_overwrite_this_banks_entries_by_id(client: FlaskClient) -> None:
    rocket = fingerprint(Image.open(io.BytesIO(photo_bytes("rocket"))).convert("RGB")).hex
    brick = fingerprint(Image.open(io.BytesIO(photo_bytes("brick"))).convert("RGB")).hex
    ours = entry_line(rocket, "ours-1") + "\n"
    assert client.post("/v1/banks/shared/import", data=ours, headers=JSONL).status_code == 200
    assert client.post("/v1/banks/shared/import", data=ours, headers=JSONL).status_code == 200  # again: no change
    exported = client.get("/v1/banks/shared/export", headers=MAINTAINER).get_data(as_text=True)
    for hostile in (entry_line(brick, "ours-1"), entry_line(rocket, "ours-1").replace("entrapment", "other")):
        refused = client.post("/v1/banks/shared/import", data=hostile + "\n", headers=JSONL)
        assert refused.status_code == 409, refused.get_json()
        assert refused.get_json()["error"]["code"] == "entry_id_taken"
        assert refused.get_json()["error"]["field"] == "entry 1"
    twice = entry_line(brick, "new-1") + "\n" + entry_line(rocket, "new-1") + "\n"
    refused = client.post("/v1/banks/shared/import", data=twice, headers=JSONL)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "duplicate_entry_id"
    assert refused.get_json()["error"]["field"] == "entry 2"
    assert client.get("/v1/banks/shared/export", headers=MAINTAINER).get_data(as_text=True) == exported


def test_a_flat_picture_is_refused_at_the_registry_and_at_a_reports_confirmation(
    client: FlaskClient, redis_client: redis.Redis
) -> None:
    """The two other doors a photo comes into a matcher by. Registered as a protected person's
    photo, a blank avatar would be "confirmed" against every flat avatar: every genuine account
    showing one taken for her impersonator. Confirmed into a bank from a report, it would mark
    them all known bad, as through the bank's own door (the tests above)."""
    trainer = {"Authorization": f"Bearer {create_api_key(redis_client, Role.TRAINER, 'amal')}"}
    person = {"display_names": ["Hala Ahed"], "accounts": [{"platform": "x", "account_id": "42"}]}
    for image in (BLANK, gradient(128)):
        for sent, field in (
            ({"avatars": [b64(png(image))]}, "avatars.0"),
            ({"avatar_hashes": [fingerprint(image).hex]}, "avatar_hashes.0"),
        ):
            refused = client.post("/v1/protected", json=person | sent, headers=trainer)
            assert refused.status_code == 422, refused.get_json()
            assert refused.get_json()["error"] == refused.get_json()["error"] | {
                "code": "low_information_fingerprint",
                "field": field,
            }
    assert client.get("/v1/protected", headers=trainer).get_json()["people"] == []
    # A real photo still registers.
    photo = {"avatars": [b64(photo_bytes("rocket"))]}
    assert client.post("/v1/protected", json=person | photo, headers=trainer).status_code == 201

    filed = client.post("/v1/reports", json={"platform": "x", "profile": {"account_id": "77"}, "reason": "entrapment"})
    report_id = filed.get_json()["id"]
    flat = {"bank": "entrapment-cases", "label": "entrapment", "avatar": b64(png(BLANK))}
    refused = client.post(f"/v1/reports/{report_id}/confirm", json=flat, headers=trainer)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "low_information_fingerprint"
    for name, image in GENUINE_FLAT_AVATARS.items():
        assert not known_bad(client, image), name
    # Still pending: confirmed with the bait's real photo, it banks.
    real = flat | {"avatar": b64(photo_bytes("coffee"))}
    assert client.post(f"/v1/reports/{report_id}/confirm", json=real, headers=trainer).status_code == 200
