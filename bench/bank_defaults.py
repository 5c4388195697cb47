"""What a check pays for the rule that a platform default is never known bad: a known-bad match
of an avatar that the defaults bank confirms as a default is dropped (``best_match`` in
server/lookups/banks.py), at the cost of one confirmation against that bank, only in a check
whose avatar already matched a bank entry.

    .venv/bin/python bench/bank_defaults.py [--bank 1500] [--defaults 50,500] [--checks 20] [--repeats 5]

The bank and the defaults bank are drawn hard look-alike portraits (bench/portraits.py, fixed
seeds), stored as banks store photos (fingerprint and keypoints): the worst case for the defaults
bank, whose real entries are silhouettes, logos and a few stock photos that few avatars come near.
The checks are JPEG (q85) copies of banked portraits: each matches its entry, so each pays the
defaults confirmation. CPU per check of ``best_match`` (the fresh fingerprint's own cost taken
off), medians of ``--repeats`` runs, median and worst over checks, without a defaults bank and
with one. Compare within a run, not across machines.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._cpu import median_cpu_ms
from bench.portraits import drawn_portraits, encode, stored_forms
from heuristics.banks import DEFAULTS_BANK, BankEntry, BankIndex, BankLabel
from heuristics.images import fingerprint_bytes
from server.lookups.banks import best_match


def index(bank: str, pictures: list[bytes]) -> BankIndex:
    label = BankLabel.OTHER if bank == DEFAULTS_BANK else BankLabel.ENTRAPMENT
    return BankIndex([BankEntry(f"{bank}-{n}", bank, label, stored_forms(data)[2]) for n, data in enumerate(pictures)])


def per_check_ms(indexes: dict[str, BankIndex], checks: list[bytes], repeats: int) -> list[float]:
    costs = []
    for data in checks:
        whole = median_cpu_ms(lambda data=data: best_match(indexes, fingerprint_bytes(data), False), repeats)
        costs.append(max(0.0, whole - median_cpu_ms(lambda data=data: fingerprint_bytes(data), repeats)))
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bank", type=int, default=1500)
    parser.add_argument("--defaults", default="50,500")
    parser.add_argument("--checks", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(size) for size in args.defaults.split(",")]
    images = drawn_portraits(args.bank + max(sizes))
    pictures = [encode(image, "PNG") for image in images]
    banked, others = pictures[: args.bank], pictures[args.bank :]
    shared = index("shared", banked)
    step = max(1, args.bank // args.checks)
    checks = [encode(image, "JPEG", 85) for image in images[: args.bank : step][: args.checks]]
    assert all(best_match({"shared": shared}, fingerprint_bytes(data), False) for data in checks)
    base = per_check_ms({"shared": shared}, checks, args.repeats)
    print(f"bank of {args.bank:,} look-alike portraits, {len(checks)} checks of copies of banked ones (each matches):")
    print(f"  best_match without a defaults bank: median {statistics.median(base):.2f} ms, worst {max(base):.2f} ms")
    for size in sizes:
        indexes = {"shared": shared, DEFAULTS_BANK: index(DEFAULTS_BANK, others[:size])}
        with_defaults = per_check_ms(indexes, checks, args.repeats)
        extra = [after - before for before, after in zip(base, with_defaults, strict=True)]
        print(
            f"  with a defaults bank of {size:,} look-alike portraits:"
            f" median {statistics.median(with_defaults):.2f} ms, worst {max(with_defaults):.2f} ms"
            f" (extra per check: median {statistics.median(extra):.2f} ms, worst {max(extra):.2f} ms)"
        )


if __name__ == "__main__":
    main()
