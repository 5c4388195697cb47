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
