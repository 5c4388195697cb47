"""Protected people through the API: trainer endpoints, the registry in Redis, and the findings a
check then returns; and impersonation of the contacts sent with a check."""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

import pytest
import redis
from flask.testing import FlaskClient

from heuristics.images import fingerprint_bytes
from server.roles import Role
from server.schemas import ProtectedCreate
from server.storage.apikeys import create_api_key
from server.storage.protected import ProtectedStore
from tests.api.test_banks import b64, photo_bytes
from tests.api.test_openapi import response_schema, validator_for

# A photo fingerprint as this server makes them (version 2), of a photo no check here sends.
HALA_PHOTO = fingerprint_bytes(photo_bytes("brick")).hex

HALA = {
    "display_names": ["Hala Ahed", "هالة عاهد"],
    "accounts": [{"platform": "x", "account_id": "42"}, {"platform": "instagram", "handle": "hala.ahed"}],
    "avatar_hashes": [HALA_PHOTO],
    "note": "lawyer, cloned in 2025",
}


@pytest.fixture
def trainer(redis_client: redis.Redis) -> dict[str, str]:
    return {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, "ngo-trainer")}


def register(client: FlaskClient, headers: dict[str, str], body: dict[str, Any] = HALA) -> str:
    response = client.post("/v1/protected", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def check(
    client: FlaskClient,
    profile: dict[str, Any],
    platform: str = "x",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body = {"platform": platform, "profile": profile, **extra}
    response = client.post("/v1/check", json=body, headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def codes(report: dict[str, Any]) -> list[str]:
    return [f["code"] for f in report["findings"]]


# --- roles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/v1/protected"),
        ("get", "/v1/protected"),
        ("get", "/v1/protected/0123456789abcdef"),
        ("delete", "/v1/protected/0123456789abcdef"),
    ],
)
def test_every_route_needs_a_key(client: FlaskClient, method: str, path: str) -> None:
    response = getattr(client, method)(path, json=HALA)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert getattr(client, method)(path, json=HALA, headers={"Authorization": "Bearer hk_nope"}).status_code == 401


def test_trainer_and_maintainer_keys_may_register(client: FlaskClient, trainer: dict[str, str]) -> None:
    register(client, trainer)
    register(client, {"Authorization": "Bearer test-bootstrap-key"})
    assert len(client.get("/v1/protected", headers=trainer).get_json()["people"]) == 2


# --- the registry ----------------------------------------------------------------------------


def test_register_list_get_delete(client: FlaskClient, trainer: dict[str, str], redis_client: redis.Redis) -> None:
    person_id = register(client, trainer)
    listed = client.get("/v1/protected", headers=trainer).get_json()["people"]
    assert [p["id"] for p in listed] == [person_id]
    one = client.get(f"/v1/protected/{person_id}", headers=trainer).get_json()
    assert one["display_names"] == HALA["display_names"]
    assert one["accounts"][1] == {"platform": "instagram", "account_id": None, "handle": "hala.ahed"}
    assert one["avatar_hashes"] == [HALA_PHOTO] and one["never_confirm"] == []
    assert one["created_by"] == "ngo-trainer"
    # Deliberately registered: kept without expiry until a trainer deletes it.
    assert redis_client.ttl(f"haris:{{protected}}:person:{person_id}") == -1
    assert client.delete(f"/v1/protected/{person_id}", headers=trainer).status_code == 204
    assert client.get(f"/v1/protected/{person_id}", headers=trainer).status_code == 404
    again = client.delete(f"/v1/protected/{person_id}", headers=trainer)
    assert again.status_code == 404 and again.get_json()["error"]["code"] == "not_found"
    assert redis_client.keys("haris:{protected}:person:[0-9a-f]*") == []


def test_odd_ids_are_404_not_errors(client: FlaskClient, trainer: dict[str, str]) -> None:
    for odd in ("x", "..", "*", "0123456789ABCDEF", "%00"):
        assert client.get(f"/v1/protected/{odd}", headers=trainer).status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({}, 400, "invalid_schema", "display_names"),
        ({"display_names": []}, 422, "invalid_value", "display_names"),
        ({"display_names": ["🙂 1234"]}, 422, "invalid_value", "display_names"),
        ({"display_names": ["Hala"], "avatar_hashes": ["xyz"]}, 422, "invalid_value", "avatar_hashes.0"),
        ({"display_names": ["Hala"], "accounts": [{"platform": "x"}]}, 422, "invalid_value", "accounts.0"),
        (
            {"display_names": ["Hala"], "accounts": [{"platform": "myspace", "handle": "h"}]},
            422,
            "invalid_value",
            "accounts.0.platform",
        ),
        ({"display_names": ["Hala"], "avatars": ["aGVsbG8="]}, 415, "image_format_not_allowed", "avatars.0"),
        ({"display_names": ["x" * 201]}, 422, "invalid_value", "display_names.0"),
    ],
)
def test_bad_registrations_get_stable_codes(
    client: FlaskClient, trainer: dict[str, str], body: dict[str, Any], status: int, code: str, field: str
) -> None:
    response = client.post("/v1/protected", json=body, headers=trainer)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["field"] == field


def legacy_forms(photo: str) -> dict[str, str]:
    """A real photo's hashes in the forms that parse but never confirm a match."""
    made = fingerprint_bytes(photo_bytes(photo))
    return {
        "bare phash": f"{made.primary:016x}",
        "version 1": "01" + "01" + f"{made.primary:016x}" * 2,
        "version 1, several photos merged": "01"
        + "04"
        + "".join(f"{h:016x}" for h in (*made.probes, *made.references)),
    }


def test_a_photo_hash_that_never_confirms_is_refused(client: FlaskClient, trainer: dict[str, str]) -> None:
    """A bare 64-bit phash or a version 1 fingerprint parses but never confirms a match: the
    impersonation signal counts a photo only when it is confirmed, so such a hash gave the person
    no photo protection while her record showed a photo hash. Refused with a stable code naming
    the field; the form this server makes (version 2) is registered and protects her photo."""
    made = fingerprint_bytes(photo_bytes("rocket"))
    for shape, value in legacy_forms("rocket").items():
        body = {"display_names": ["Hala Ahed"], "avatar_hashes": [HALA_PHOTO, value]}
        refused = client.post("/v1/protected", json=body, headers=trainer)
        assert refused.status_code == 422, shape
        assert refused.get_json()["error"]["code"] == "legacy_fingerprint", shape
        assert refused.get_json()["error"]["field"] == "avatar_hashes.1", shape
    # Hex that is no fingerprint at all was stored and silently skipped by the registry's index.
    unparsable = client.post(
        "/v1/protected", json={"display_names": ["Hala"], "avatar_hashes": ["abcd"]}, headers=trainer
    )
    assert unparsable.status_code == 422
    assert (unparsable.get_json()["error"]["code"], unparsable.get_json()["error"]["field"]) == (
        "invalid_value",
        "avatar_hashes.0",
    )
    assert client.get("/v1/protected", headers=trainer).get_json()["people"] == []

    accounts = [{"platform": "x", "account_id": "42"}]
    body = {"display_names": ["Hala Ahed"], "accounts": accounts, "avatar_hashes": [made.hex.upper()]}
    person_id = register(client, trainer, body)
    stored = client.get(f"/v1/protected/{person_id}", headers=trainer).get_json()
    assert (stored["avatar_hashes"], stored["never_confirm"]) == ([made.hex], [])
    # Her photo on an account that is none of hers, under another name, is flagged by the photo.
    report = check(client, {"display_name": "Free Voice", "account_id": "7"}, avatar=b64(photo_bytes("rocket")))
    [found] = [f for f in report["findings"] if f["code"] == "impersonation.protected_person"]
    assert "avatar_distance" in found["evidence"]


def test_the_listing_names_stored_hashes_that_never_confirm(
    client: FlaskClient, trainer: dict[str, str], redis_client: redis.Redis
) -> None:
    """A person registered before such hashes were refused keeps them; the API says which of her
    photo hashes give her no photo protection, so a trainer knows to register the photo again."""
    legacy = legacy_forms("rocket")["bare phash"]
    body = ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[legacy, HALA_PHOTO])
    person_id = ProtectedStore(redis_client).add(body, created_by="older-server")
    [listed] = client.get("/v1/protected", headers=trainer).get_json()["people"]
    assert (listed["avatar_hashes"], listed["never_confirm"]) == ([legacy, HALA_PHOTO], [legacy])
    one = client.get(f"/v1/protected/{person_id}", headers=trainer).get_json()
    assert one["never_confirm"] == [legacy]
    # The stored record is what a trainer said, not what the listing works out from it.
    assert "never_confirm" not in (redis_client.get(f"haris:{{protected}}:person:{person_id}") or b"").decode()


def test_the_listing_names_accounts_known_by_their_username_only(
    client: FlaskClient, trainer: dict[str, str], redis_client: redis.Redis
) -> None:
    """On X, Instagram, Telegram and Facebook a released username can be registered by anyone,
    who is then taken for her account: ``accounts_without_id`` names such accounts by index. An
    account known by its id, or by both, is not named; nor one on ``other``."""
    accounts = [
        {"platform": "x", "account_id": "42", "handle": "hala_ahed"},
        {"platform": "instagram", "handle": "hala.ahed"},
        {"platform": "facebook", "account_id": "100012345"},
        {"platform": "telegram", "handle": "hala_ahed"},
        {"platform": "other", "handle": "hala.blog"},
    ]
    person_id = register(client, trainer, {**HALA, "accounts": accounts})
    [listed] = client.get("/v1/protected", headers=trainer).get_json()["people"]
    assert listed["accounts_without_id"] == [1, 3]
    assert client.get(f"/v1/protected/{person_id}", headers=trainer).get_json()["accounts_without_id"] == [1, 3]
    # Worked out on each read, never stored.
    assert "accounts_without_id" not in (redis_client.get(f"haris:{{protected}}:person:{person_id}") or b"").decode()
    document = client.get("/openapi.json").get_json()
    field = document["components"]["schemas"]["ProtectedPersonOut"]["properties"]["accounts_without_id"]
    assert field["items"]["type"] == "integer" and "handle only" in field["description"]


def test_not_json_is_415(client: FlaskClient, trainer: dict[str, str]) -> None:
    response = client.post("/v1/protected", data="display_names=Hala", headers=trainer)
    assert response.status_code == 415


def test_responses_match_the_openapi_document(client: FlaskClient, trainer: dict[str, str]) -> None:
    document = client.get("/openapi.json").get_json()
    created = client.post("/v1/protected", json=HALA, headers=trainer)
    validator_for(document, response_schema(document, "/v1/protected", "post", 201)).validate(created.get_json())
    person_id = created.get_json()["id"]
    listed = client.get("/v1/protected", headers=trainer)
    validator_for(document, response_schema(document, "/v1/protected", "get", 200)).validate(listed.get_json())
    one = client.get(f"/v1/protected/{person_id}", headers=trainer)
    path = "/v1/protected/{person_id}"
    validator_for(document, response_schema(document, path, "get", 200)).validate(one.get_json())
    missing = client.get("/v1/protected/0000000000000000", headers=trainer)
    validator_for(document, response_schema(document, path, "get", 404)).validate(missing.get_json())


# --- checks against the registry -------------------------------------------------------------


def test_a_clone_of_a_protected_person_is_flagged_end_to_end(client: FlaskClient, trainer: dict[str, str]) -> None:
    assert "impersonation.protected_person" not in codes(check(client, {"display_name": "هالة عاهد"}))
    person_id = register(client, trainer)
    clone = {"display_name": "هالة عاهد", "account_id": "777", "handle": "hala_ahed_2"}
    report = check(client, clone, locale="ar")
    finding = report["findings"][0]
    assert finding["code"] == "impersonation.protected_person"
    assert finding["evidence"]["name_similarity"] >= 0.92
    assert finding["points"] == pytest.approx(4.8)  # 6.0 points × 0.8 for a name match alone
    assert report["level"] in ("medium", "high")
    # A trainer's key sees who she is; the anonymous answer above did not.
    trained = check(client, clone, locale="ar", headers=trainer)["findings"][0]
    assert trained["evidence"]["protected_id"] == person_id and trained["evidence"]["protected_person"] == "هالة عاهد"
    assert "protected_id" not in finding["evidence"] and "protected_person" not in finding["evidence"]
    # Her own accounts are not flagged, whatever the name.
    assert "impersonation.protected_person" not in codes(
        check(client, {"display_name": "Hala Ahed", "account_id": "42"})
    )
    own_instagram = check(client, {"display_name": "Hala Ahed", "handle": "Hala.Ahed"}, platform="instagram")
    assert "impersonation.protected_person" not in codes(own_instagram)
    # Unrelated names are not flagged; after deletion the clone is not either.
    assert "impersonation.protected_person" not in codes(check(client, {"display_name": "Huda Amer"}))
    client.delete(f"/v1/protected/{person_id}", headers=trainer)
    assert "impersonation.protected_person" not in codes(check(client, {"display_name": "هالة عاهد"}))


def test_anonymous_answers_never_say_who_is_protected(client: FlaskClient, trainer: dict[str, str]) -> None:
    """Finding 2: neither a name nor a photo tells an anonymous caller who is registered: no name,
    no id, no normalised form of her registered name, in the evidence or the message."""
    register(client, trainer, {**HALA, "display_names": ["Hala Ahed", "هالة عاهد"]})
    for locale in ("ar", "en", "fr"):
        report = check(client, {"display_name": "hala ahed", "account_id": "9"}, locale=locale)
        [finding] = [f for f in report["findings"] if f["code"] == "impersonation.protected_person"]
        assert set(finding["evidence"]) <= {"name_similarity", "avatar_distance"}
        for revealing in ("Hala Ahed", "هالة عاهد", "ahed", "lawyer"):
            assert revealing.lower() not in finding["message"].lower()
            assert revealing.lower() not in json.dumps(finding["evidence"], ensure_ascii=False).lower()


def test_checks_that_hit_the_registry_have_a_tighter_limit(make_app: Any, trainer: dict[str, str]) -> None:
    """Finding 2's structural residual (whether an account is hers) is narrowed: past
    HARIS_REGISTRY_LIMIT an address gets answers as if nobody were registered."""
    client = make_app(HARIS_REGISTRY_LIMIT="3/hour").test_client()
    register(client, trainer)
    clone = {"display_name": "Hala Ahed", "account_id": "5555555555"}
    found = [codes(check(client, clone)) for _ in range(5)]
    assert ["impersonation.protected_person" in found_codes for found_codes in found] == [True] * 3 + [False] * 2
    # Nothing in the answer says a signal was held back.
    assert check(client, clone)["unavailable"] == []
    # Checks that match nobody do not use the allowance; other addresses and trainers keep theirs.
    assert "impersonation.protected_person" in codes(check(client, clone, headers=trainer))
    other = client.post("/v1/check", json={"platform": "x", "profile": clone}, environ_base={"REMOTE_ADDR": "10.4.4.4"})
    assert "impersonation.protected_person" in codes(other.get_json())


def test_an_ipv6_48_shares_one_registry_allowance_across_its_64s(make_app: Any, trainer: dict[str, str]) -> None:
    """A /48 (a tunnel broker hands one out free) is 65,536 /64 clients, each with its own
    HARIS_REGISTRY_LIMIT: past HARIS_REGISTRY_NETWORK_LIMIT the /48's matches are answered as
    misses, whichever /64 sends them. Another /48, and IPv4 clients, keep their answers."""
    client = make_app(HARIS_REGISTRY_LIMIT="2/hour", HARIS_REGISTRY_NETWORK_LIMIT="3/hour").test_client()
    register(client, trainer)
    clone = {"display_name": "Hala Ahed", "account_id": "5555555555"}

    def matched(address: str) -> bool:
        response = client.post("/v1/check", json={"platform": "x", "profile": clone},
                               environ_base={"REMOTE_ADDR": address})  # fmt: skip
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["unavailable"] == []  # nothing says a signal was held back
        return "impersonation.protected_person" in codes(response.get_json())

    # Four /64s of one /48, one check each, then the first /64 again: three answered, then misses.
    walk = ["2001:db8:aa:1::7", "2001:db8:aa:2::7", "[2001:db8:aa:3::7]:443", "2001:db8:aa:4::7", "2001:db8:aa:1::8"]
    assert [matched(address) for address in walk] == [True, True, True, False, False]
    assert matched("2001:db8:bb:1::7")  # another /48
    # IPv4 clients are not grouped (an IPv4-mapped address is its IPv4 address): each keeps its own.
    assert [matched(f"198.51.100.{n}") for n in (1, 2, 3, 4)] == [True] * 4
    assert matched("::ffff:198.51.100.5")
    # The per-address allowance still holds inside a /48 that has room.
    assert [matched("2001:db8:cc:1::1") for _ in range(3)] == [True, True, False]


class _CountingRegistry:
    """The worker's real registry lookup, counting what a check asks it (not a stand-in: every
    call goes to it)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.calls: Counter[str] = Counter()

    def match(self, *args: Any) -> Any:
        self.calls["match"] += 1
        return self.real.match(*args)

    def photo_matches(self, *args: Any) -> Any:
        self.calls["photo_matches"] += 1
        return self.real.photo_matches(*args)

    def owns(self, *args: Any) -> Any:
        self.calls["owns"] += 1
        return self.real.owns(*args)


def _limiter_commands(client: redis.Redis) -> Counter[str]:
    stats = client.info("commandstats")
    return Counter({name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()
                    if name.removeprefix("cmdstat_") not in {"info", "config"}})  # fmt: skip


@pytest.mark.parametrize("store_kind", ["single"])  # counts one server's commands
def test_past_the_registry_limit_a_match_costs_what_a_miss_costs(
    make_app: Any, trainer: dict[str, str], limiter_client: redis.Redis
) -> None:
    """A timing oracle on the registry: past HARIS_REGISTRY_LIMIT the answer hides a match, so the
    work must hide it too. Before, a matching check was scored twice (once with the registry,
    once as if nobody were registered) and made two more limiter commands (the refused count and
    its window): a script timing its probes (~1 ms more of ~1.3 ms) read every match the limit
    was meant to hide. Now, once this worker has seen the address refused, its checks do not ask
    the registry at all, and a match and a miss make the same Redis commands."""
    app = make_app(HARIS_REGISTRY_LIMIT="2/hour")
    client = app.test_client()
    register(client, trainer)
    state = app.extensions["haris"]
    counting = state.lookups["protected"] = _CountingRegistry(state.lookups["protected"])
    clone = {"display_name": "Hala Ahed", "account_id": "5555555555"}
    stranger = {"display_name": "Huda Amer", "account_id": "5555555555"}
    answered = [codes(check(client, clone)) for _ in range(3)]
    assert ["impersonation.protected_person" in found for found in answered] == [True, True, False]
    work = {}
    for name, profile in (("clone", clone), ("stranger", stranger)):
        counting.calls.clear()
        limiter_client.config_resetstat()
        assert "impersonation.protected_person" not in codes(check(client, profile))
        work[name] = (dict(counting.calls), _limiter_commands(limiter_client))
    assert work["clone"] == work["stranger"]
    assert work["clone"][0] == {}  # the registry is not asked at all
    # Another address is answered from the registry as before.
    other = client.post("/v1/check", json={"platform": "x", "profile": clone}, environ_base={"REMOTE_ADDR": "10.4.4.5"})
    assert "impersonation.protected_person" in codes(other.get_json())


def test_within_the_limit_a_probe_near_her_name_costs_what_one_near_nobody_costs(
    client: FlaskClient, trainer: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A timing oracle within the limit: the registry's name index aligned in full only the names
    whose given name is close to the probe's, so a probe sharing her given name and nothing else
    (no match, nothing counted) cost about twice one sharing nothing, and a script learned which
    given names were registered. The registry's index does constant work now: the same
    alignments and the same batches of scored pairs, whatever the probe shares with her."""
    from heuristics.names import index as index_module

    register(client, trainer)
    work: list[tuple[str, int]] = []
    compare, scores = index_module.compare, index_module.even_unit_scores

    def counted_compare(*args: Any, **kwargs: Any) -> Any:
        work.append(("compare", 0))
        return compare(*args, **kwargs)

    def counted_scores(pairs: list, *rest: Any) -> Any:
        work.append(("scored", len(pairs)))
        return scores(pairs, *rest)

    def plain_scores(pairs: list) -> Any:
        raise AssertionError("the registry's search scored pairs the plain way")

    monkeypatch.setattr(index_module, "compare", counted_compare)
    monkeypatch.setattr(index_module, "even_unit_scores", counted_scores)
    monkeypatch.setattr(index_module, "unit_scores", plain_scores)
    probes = {
        "shares nothing": "Karim Haddad",
        "shares her given name": "Hala Haddad",
        "shares nothing, in Arabic": "كريم خوري",
        "shares her given name, in Arabic": "هالة خوري",
    }
    done = {}
    for label, name in probes.items():
        work.clear()
        assert "impersonation.protected_person" not in codes(check(client, {"display_name": name}))
        done[label] = list(work)
    assert done["shares nothing"] and done["shares nothing"] == done["shares her given name"]
    assert done["shares nothing, in Arabic"] == done["shares her given name, in Arabic"]
    lookup = client.application.extensions["haris"].lookups["protected"]
    assert lookup.copy.current().index.constant_work


def test_the_registry_limit_holds_across_the_peppers_change(make_app: Any, trainer: dict[str, str]) -> None:
    """Counted under the hour's peppered key alone, the allowance started afresh with each new
    pepper: 20 answers just before the hour and 20 more just after it, twice the limit within a
    minute. Like the campaign contributions, it is a moving window counted under this hour's key
    and the previous hour's."""
    from server.web.limits import Peppers

    app = make_app(HARIS_REGISTRY_LIMIT="2/hour")
    hours = [490_000 * 3_600 + 3_598.0]  # the pepper's clock: two seconds before an hour ends
    app.extensions["haris_limits"].peppers = Peppers(
        app.extensions["haris"].redis.limiter.client, clock=lambda: hours[0]
    )
    client = app.test_client()
    register(client, trainer)
    clone = {"display_name": "Hala Ahed", "account_id": "5555555555"}
    answered = []
    for _ in range(4):
        answered.append("impersonation.protected_person" in codes(check(client, clone)))
        hours[0] += 1  # the third and fourth checks are in the next hour, under a new key
    assert answered == [True, True, False, False]
    hours[0] += 2 * 3_600  # two pepper hours later: both keys are new to this client
    assert "impersonation.protected_person" in codes(check(client, clone))


def test_while_the_limiter_store_is_down_the_registry_is_unavailable_not_uncounted(
    make_app: Any, trainer: dict[str, str], tmp_path: Any
) -> None:
    """Checks fail open when the limiter store cannot count (HARIS_LIMIT_FAIL_OPEN), and so did the
    registry's allowance: while the store was down (or slowed past its timeout by a flood), a
    script's registry probes were answered uncounted, as many as it could send. Now an anonymous
    check answers without the registry then, listing its signal as unavailable, for a match and
    a miss alike."""
    register(make_app().test_client(), trainer)  # through a worker whose limiter store answers
    client = make_app(HARIS_LIMITER_URL=f"unix://{tmp_path}/no-limiter.sock").test_client()
    for profile in ({"display_name": "Hala Ahed", "account_id": "5555555555"}, {"display_name": "Huda Amer"}):
        report = check(client, profile)
        assert "impersonation.protected_person" not in codes(report)
        assert "impersonation.protected_person" in report["unavailable"]


def test_a_clone_that_took_her_released_handle_is_still_flagged(client: FlaskClient, trainer: dict[str, str]) -> None:
    """Finding 5: with both account ids known, only the ids say whether it is her account."""
    account = {"platform": "instagram", "account_id": "42", "handle": "nour.haddad"}
    register(client, trainer, {"display_names": ["Nour Haddad"], "accounts": [account]})
    squatter = {"display_name": "Nour Haddad", "account_id": "777", "handle": "nour.haddad"}
    assert "impersonation.protected_person" in codes(check(client, squatter, platform="instagram"))
    own = {"display_name": "Nour Haddad", "account_id": "42", "handle": "nour.haddad.new"}
    assert "impersonation.protected_person" not in codes(check(client, own, platform="instagram"))
    by_handle = {"display_name": "Nour Haddad", "handle": "nour.haddad"}  # no id sent: the handle decides
    assert "impersonation.protected_person" not in codes(check(client, by_handle, platform="instagram"))


def test_other_workers_reload_when_the_registry_version_changes(make_app: Any, trainer: dict[str, str]) -> None:
    writer, reader = make_app().test_client(), make_app().test_client()
    service = reader.application.extensions["haris"].lookups["protected"]
    service.check_every = 0.0  # read the version on every check (the default reads it once a second)
    assert "impersonation.protected_person" not in codes(check(reader, {"display_name": "Hala Ahed"}))
    register(writer, trainer)
    assert "impersonation.protected_person" in codes(check(reader, {"display_name": "Hala Ahed"}))


def test_registry_down_means_unavailable_not_clean(make_app: Any, tmp_path: Any) -> None:
    client = make_app(REDIS_URL=f"unix://{tmp_path}/nothing.sock").test_client()
    report = check(client, {"display_name": "Hala Ahed"})
    assert "impersonation.protected_person" in report["unavailable"]
    assert client.get("/v1/protected", headers={"Authorization": "Bearer test-bootstrap-key"}).status_code == 503


# --- contacts sent with a check --------------------------------------------------------------

CONTACTS = [
    {"display_name": "Mohamed Saleh", "platform": "facebook", "account_id": "100001"},
    {"display_name": "Amal Haddad", "platform": "facebook", "account_id": "100002"},
]


def test_an_arabic_clone_of_a_latin_contact_is_flagged(client: FlaskClient) -> None:
    report = check(client, {"display_name": "محمد صالح", "account_id": "555"}, platform="facebook", contacts=CONTACTS)
    finding = next(f for f in report["findings"] if f["code"] == "impersonation.contact")
    assert finding["evidence"]["contact"] == "Mohamed Saleh"
    assert finding["evidence"]["name_similarity"] >= 0.92
    assert finding["evidence"]["compared_as"] == "cross"
    assert "Mohamed Saleh" in finding["message"]


@pytest.mark.parametrize(
    "profile",
    [
        {"display_name": "Omar Khaled", "account_id": "555"},  # unrelated name
        {"display_name": "محمد صالح", "account_id": "100001"},  # the contact's own account
    ],
)
def test_unrelated_names_and_the_contact_itself_are_not_flagged(client: FlaskClient, profile: dict[str, Any]) -> None:
    report = check(client, profile, platform="facebook", contacts=CONTACTS)
    assert "impersonation.contact" not in codes(report)


def test_contacts_are_neither_stored_nor_logged(
    client: FlaskClient, redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    check(client, {"display_name": "محمد صالح", "account_id": "555"}, platform="facebook", contacts=CONTACTS)
    stored = b" ".join(redis_client.keys("*"))
    for key in redis_client.keys("*"):
        kind = redis_client.type(key)
        if kind == b"string":
            stored += redis_client.get(key) or b""
        elif kind == b"hash":
            stored += json.dumps({k.decode(): v.decode() for k, v in redis_client.hgetall(key).items()}).encode()
    for secret in (b"Amal Haddad", b"100002", b"Mohamed Saleh"):
        assert secret not in stored
        assert secret.decode() not in caplog.text


def test_registry_reads_the_version_at_most_once_a_second(app: Any, redis_client: redis.Redis) -> None:
    service = app.extensions["haris"].lookups["protected"]

    def gets() -> int:
        return int(redis_client.info("commandstats").get("cmdstat_get", {}).get("calls", 0))

    service.match("Hala Ahed", 0.92)  # first look: builds the (empty) index
    before = gets()
    started = time.monotonic()
    for _ in range(500):
        service.match("Hala Ahed", 0.92)
    assert gets() - before <= int(time.monotonic() - started) + 1


def test_registry_down_backs_off_instead_of_retrying_every_check(make_app: Any, tmp_path: Any) -> None:
    from heuristics.context import ServiceUnavailable

    app = make_app(REDIS_URL=f"unix://{tmp_path}/nothing.sock")
    service = app.extensions["haris"].lookups["protected"]
    for _ in range(3):
        with pytest.raises(ServiceUnavailable):
            service.match("Hala Ahed", 0.92)
    assert service.breaker.is_down  # later checks skip Redis until the back-off ends


@pytest.mark.parametrize("fail_open", [True, False])
def test_a_match_the_limiter_store_fails_to_count_is_answered_as_a_miss(
    make_app: Any, trainer: dict[str, str], limiter_client: redis.Redis, fail_open: bool
) -> None:
    """The store can fail at the registry's count after the check's own count went through: it
    died in between, or (a limiter cluster) the node holding the registry's window is down while
    the check counter's is up. Failing open, the match was answered uncounted; failing closed,
    only a match got a 503 — a miss, which counts nothing, got its 200. Either told a match apart
    from a miss, once per worker per STORAGE_RETRY_SECONDS, with nothing counted. Now such a
    match is answered as a miss is (a real Redis error: the window's key of another type)."""
    client = make_app(HARIS_REGISTRY_LIMIT="5/hour", HARIS_LIMIT_FAIL_OPEN=fail_open).test_client()
    register(client, trainer)
    clone = {"display_name": "Hala Ahed", "account_id": "5555555555"}
    assert "impersonation.protected_person" in codes(check(client, clone))  # counted: makes the window's keys
    windows = [key for key in limiter_client.scan_iter("haris:LIMITER*") if b"/registry/" in key]
    assert windows
    for key in windows:
        limiter_client.delete(key)
        limiter_client.hset(key, "not", "a window")  # WRONGTYPE for the window's next count

    response = client.post("/v1/check", json={"platform": "x", "profile": clone})
    assert response.status_code == 200, response.get_json()
    assert "impersonation.protected_person" not in codes(response.get_json())
    assert response.get_json()["unavailable"] == []  # as a miss is answered: nothing says a count failed
