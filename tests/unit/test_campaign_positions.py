"""The aggregate's keyed positions (``heuristics.campaigns.aggregate.position``) are the keyed
BLAKE2b of docs/campaigns.md, for every key it has used and every label; and they are pinned:
the tables under ``server.storage.campaigns.PREFIX`` were placed this way, so a change of
placement must come with a new prefix (and new answers here)."""

from __future__ import annotations

import hashlib

import pytest

from heuristics.campaigns import CampaignAggregate, MemoryCellStore
from heuristics.campaigns.aggregate import position


def reference_position(key: bytes, label: str, size: int) -> int:
    """docs/campaigns.md: BLAKE2b of the label keyed with the epoch key, 8 bytes, mod size."""
    digest = hashlib.blake2b(label.encode("utf-8", "surrogatepass"), key=key, digest_size=8).digest()
    return int.from_bytes(digest, "big") % size


def test_positions_are_the_documented_keyed_blake2b_across_epochs() -> None:
    now = [0.0]
    aggregate = CampaignAggregate(MemoryCellStore(), clock=lambda: now[0])
    cells, bits = aggregate.settings.cells, aggregate.settings.seen_bits
    labels = ["instagram|hour|493920", "a_0000", "bio|2|1.2.3.4", "سارة", "x" * 300, "\udcff surrogate"]
    keys = set()
    for epoch_seconds in (0.0, 15 * 86_400.0, 30 * 86_400.0, 60 * 86_400.0):
        now[0] = epoch_seconds
        for _, key in aggregate._epochs():
            keys.add(key)
            for label in labels:
                counter = 1 + reference_position(key, "photo|" + label, cells)
                assert aggregate.counter_offset(key, "photo", label) == counter
                seen = 8 * (1 + cells) + reference_position(key, "seen|" + label, bits)
                assert aggregate.seen_offset(key, label) == seen
    assert len(keys) == 6  # epochs -1 to 4: one random key each


@pytest.mark.parametrize(
    ("label", "size", "expected"),
    [
        ("hour|instagram|hour|493920", 1 << 20, 259_604),
        ("seen|instagram:9001", 1 << 21, 139_952),
        ("photo|سارة", 1 << 20, 935_637),
    ],
)
def test_positions_are_pinned(label: str, size: int, expected: int) -> None:
    assert position(bytes(range(32)), label, size) == expected


def test_a_key_longer_than_blake2b_takes_is_hashed_first_and_still_separates_keys() -> None:
    """An epoch key comes from the store (first writer wins, 32 bytes); one past BLAKE2b's 64
    bytes is not refused (a check must not fail on it) but hashed to 64 bytes first."""
    long_key = bytes(range(100))
    hashed = hashlib.blake2b(long_key).digest()
    for label in ("hour|x", "seen|instagram:1", ""):
        assert position(long_key, label, 1 << 20) == reference_position(hashed, label, 1 << 20)
    placed = {key: [position(key, f"hour|{n}", 1 << 20) for n in range(8)] for key in (b"", bytes(64), long_key)}
    assert len({tuple(found) for found in placed.values()}) == 3


def test_trait_keys_are_pinned_with_the_prefix() -> None:
    """What an account writes is pinned as its positions are: an account counted by an old worker
    has its seen bit set, so a new worker would never add keys it reads another way. A trait
    read differently for the same account needs a new ``PREFIX`` too (and new answers here)."""
    from heuristics.campaigns.traits import traits
    from heuristics.images import AvatarFingerprint
    from heuristics.profile import Platform, Profile
    from server.storage.campaigns import PREFIX

    profile = Profile(account_id="1449385420443062272", handle="m4ria.7734",
                      bio="Proud teacher from Beirut | Love my country, my family and poetry ✨")  # fmt: skip
    photo = AvatarFingerprint.from_hex(  # tests/data/photos/chelsea.jpg
        "020293b15fe6465121175ef40ab33b5474c24fb15fe6465121175eaa19e4477b78b095e37fcc0401a797acb155e44761"
        "3716aeb154e647793512a7b454e6477d1152a7e37fed4c002b171cb15de44e6921179eb155e64779251396b454e6477d"
        "3550c6e37fed4c40283715b11fe44e78693316b119e646796d115eb45ce6477d2d105ae37fe54c50682317a11be46e5a"
        "68b353b119f6665a6d3158b01cf6665b6d3158b11de44e792d135638901b31ed776246499f78cc1e72ad64bae641bdc2"
        "15c5b871e8b9f722e71eb0"
    )
    found = {f.name: f.write for f in traits(profile, Platform.X, photo).families}
    assert PREFIX == "haris:{campaign}:v3:"
    assert found["name"] == ("x|name|a_0000|2702",)
    assert found["bio"] == (
        "bio|0|19802545.113863422.85363397.7741392",
        "bio|1|10168759.61421322.18282780.39095875",
        "bio|2|10493136.7473746.44909576.62183025",
        "bio|3|177446019.74843105.131478229.25548004",
    )
    assert found["photo"] == (
        "photo|0|b15f", "photo|1|e646", "photo|2|5121", "photo|3|175e",
        "photo|0|f40a", "photo|1|b33b", "photo|2|5474", "photo|3|c24f",
    )  # fmt: skip
