"""The aggregate's keyed positions (``CampaignAggregate._index`` prepares the HMAC of each epoch
key once and copies it) equal the plain HMAC-SHA256 of the docs, for every key it has used."""

from __future__ import annotations

import hashlib
import hmac

from heuristics.campaigns import CampaignAggregate, MemoryCellStore


def reference_position(key: bytes, label: str, size: int) -> int:
    digest = hmac.new(key, label.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % size


def test_positions_are_the_documented_hmac_across_epochs() -> None:
    now = [0.0]
    aggregate = CampaignAggregate(MemoryCellStore(), clock=lambda: now[0])
    cells, bits = aggregate.settings.cells, aggregate.settings.seen_bits
    labels = ["instagram|hour|493920", "a_0000", "bio|2|1.2.3.4", "سارة", "x" * 300, "\udcff surrogate"]
    for epoch_seconds in (0.0, 15 * 86_400.0, 30 * 86_400.0, 60 * 86_400.0):
        now[0] = epoch_seconds
        for _, key in aggregate._epochs():
            for label in labels:
                counter = 1 + reference_position(key, "photo|" + label, cells)
                assert aggregate.counter_offset(key, "photo", label) == counter
                seen = 8 * (1 + cells) + reference_position(key, "seen|" + label, bits)
                assert aggregate.seen_offset(key, label) == seen
    # Only the keys of the epochs a check can still read stay prepared.
    assert len(aggregate._hmacs) <= 2


def test_positions_under_keys_of_any_length_are_the_documented_hmac() -> None:
    """An epoch key comes from the store (first writer wins): the padding follows RFC 2104 for a
    key shorter than, as long as, and longer than SHA-256's 64-byte block."""
    aggregate = CampaignAggregate(MemoryCellStore(), clock=lambda: 0.0)
    for key in (b"", b"k", bytes(range(32)), bytes(range(64)), bytes(range(65)), bytes(200)):
        aggregate._keys = {0: (key, 0.0)}
        for label in ("hour|x", "seen|instagram:1", ""):
            assert aggregate._index(key, label, 1 << 20) == reference_position(key, label, 1 << 20)
