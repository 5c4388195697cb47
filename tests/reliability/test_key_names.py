"""Key names: families written together share a cluster slot, and keys written by a server
before hash tags are renamed on start-up with their values and TTLs."""

from __future__ import annotations

from typing import Any

import redis
from redis.crc import key_slot

from server.storage.banks import _entries_key, _stamp_key, _version_key
from server.storage.migrate import SCHEMA, SCHEMA_KEY, migrate


def slot(key: str) -> int:
    return key_slot(key.encode())


def test_keys_that_travel_together_share_a_slot() -> None:
    from datetime import date

    from server.storage import apikeys, banks, campaigns, cases, extractor_health, protected, reports, rules, users

    families = {
        "rules": [rules.RULES_TEXT_KEY, rules.RULES_VERSION_KEY, rules.RULES_STAMP_KEY],
        "protected": [
            protected._RECORD + "0123456789abcdef",
            protected._KEYPOINTS + "0123456789abcdef",
            protected._IDS,
            protected._VERSION,
            protected._STAMP,
        ],
        "banks": [
            banks._BANKS,
            _entries_key("ngo-1"),
            _version_key("ngo-1"),
            _stamp_key("ngo-1"),
            _version_key("other"),
        ],
        "reports": [
            reports._REPORT + "ab",
            reports._PENDING,
            reports._SEQUENCE,
            reports._BY_ACCOUNT + "x",
            reports._DECIDED,
        ],
        # A key and its owner's index are written and deleted in one transaction.
        "apikeys": [apikeys.KEY_PREFIX + "ab" * 32, apikeys.OWNER_PREFIX + "amal"],
        "users": [users.USER_PREFIX + "amal", users.SESSION_PREFIX + "s1", users.USER_SESSIONS_PREFIX + "amal"],
        "cases": [cases._RECORD + "c1", cases._file_key("c1", "01"), cases._summary_key("c1"), cases._INDEX],
        # The console reads a fortnight of days in one pipeline.
        "extractors": [extractor_health.day_key(date(2026, 3, day)) for day in (1, 14, 31)],
        # A check reads two epochs' tables in one pipeline (in the limiter store).
        "campaign": [campaigns.PREFIX + "key:1363", campaigns.PREFIX + "1363", campaigns.PREFIX + "1364"],
    }
    for family, keys in families.items():
        assert len({slot(key) for key in keys}) == 1, family


def test_old_key_names_are_renamed_once_with_values_and_ttls(redis_client: redis.Redis, make_app: Any) -> None:
    redis_client.set("haris:report:0123456789abcdef", b'{"id": "0123456789abcdef"}', ex=3600)
    redis_client.zadd("haris:reports:pending", {"0123456789abcdef": 1})
    redis_client.set("haris:protected:fedcba9876543210", b"{}")
    redis_client.sadd("haris:protected:ids", "fedcba9876543210")
    redis_client.hset("haris:protected:keypoints:fedcba9876543210", "ab", "cd")
    redis_client.hset("haris:bank:ngo-1:entries", "a", "{}")
    redis_client.sadd("haris:banks", "ngo-1")
    redis_client.hset("haris:user:amal", "role", "trainer")
    redis_client.hset("haris:user-sessions:amal", "x", "y")
    redis_client.set("haris:rules:version", 3)
    make_app()
    assert redis_client.get(SCHEMA_KEY) == SCHEMA
    assert redis_client.get("haris:{reports}:report:0123456789abcdef") == b'{"id": "0123456789abcdef"}'
    assert 0 < redis_client.ttl("haris:{reports}:report:0123456789abcdef") <= 3600
    assert redis_client.zscore("haris:{reports}:pending", "0123456789abcdef") == 1
    assert redis_client.exists("haris:{protected}:person:fedcba9876543210", "haris:{protected}:ids") == 2
    assert redis_client.hget("haris:{protected}:keypoints:fedcba9876543210", "ab") == b"cd"
    assert redis_client.hget("haris:{banks}:bank:ngo-1:entries", "a") == b"{}"
    assert redis_client.smembers("haris:{banks}:names") == {b"ngo-1"}
    assert redis_client.hget("haris:{users}:user:amal", "role") == b"trainer"
    assert redis_client.exists("haris:{users}:user-sessions:amal")
    assert redis_client.get("haris:{rules}:version") == b"3"
    left = [key for key in redis_client.keys("haris:*") if b"{" not in key and key != SCHEMA_KEY.encode()]
    assert left == []
    assert migrate(redis_client) == 0  # once recorded, a start costs one GET
