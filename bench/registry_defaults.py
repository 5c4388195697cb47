"""What a check pays for the rule that a platform default names no protected person: the
registry's photo match asks, of every checked picture that reaches it, whether the defaults bank
confirms it as a default (``ProtectedLookup.photo_matches`` in server/lookups/protected.py, one
``platform_default`` of server/lookups/banks.py), whoever is registered.

    .venv/bin/python bench/registry_defaults.py [--defaults 50,500] [--checks 20] [--repeats 5]

The checks are JPEG (q85) portraits that are in no bank (an ordinary check: the confirmation
finds nothing), drawn from the same look-alike families as the defaults bank (bench/portraits.py,
fixed seeds), so many are its candidates: the worst case. A defaults bank of real defaults
(silhouettes, logos, a few stock photos) has few candidates for any portrait; the silhouette row
is such a bank. CPU per check of the confirmation alone (its fingerprint made beforehand),
medians of ``--repeats`` runs, median and worst over checks. Compare within a run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image

from bench._cpu import median_cpu_ms
from bench.portraits import drawn_portraits, encode, stored_forms
from heuristics.banks import DEFAULTS_BANK, BankEntry, BankIndex, BankLabel
from heuristics.images import fingerprint_bytes
from server.lookups.banks import platform_default


def defaults_index(pictures: list[bytes]) -> BankIndex:
    return BankIndex(
        [BankEntry(f"d-{n}", DEFAULTS_BANK, BankLabel.OTHER, stored_forms(data)[2]) for n, data in enumerate(pictures)]
    )


def silhouettes(count: int) -> list[bytes]:
    """Flat default avatars: a grey head and shoulders on a plain colour, one shade each."""
    found = []
    for n in range(count):
        image = Image.new("RGB", (120, 120), (200 - 3 * n, 205 - 2 * n, 210 - n))
        image.paste((140, 140, 150), (40, 20, 80, 60))
        image.paste((140, 140, 150), (25, 70, 95, 120))
        found.append(encode(image, "PNG"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--defaults", default="50,500")
    parser.add_argument("--checks", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(size) for size in args.defaults.split(",")]
    images = drawn_portraits(max(sizes) + args.checks)
    checked = [fingerprint_bytes(encode(image, "JPEG", 85)) for image in images[: args.checks]]
    others = [encode(image, "PNG") for image in images[args.checks :]]
    banks = [(f"{size:,} look-alike portraits", defaults_index(others[:size])) for size in sizes]
    banks.append(("10 silhouettes", defaults_index(silhouettes(10))))
    print(f"{len(checked)} checks of portraits in no bank; the defaults confirmation alone, CPU per check:")
    for name, index in banks:
        indexes = {DEFAULTS_BANK: index}
        assert not any(platform_default(indexes, query) for query in checked)
        costs = [median_cpu_ms(lambda q=query, i=indexes: platform_default(i, q), args.repeats) for query in checked]
        median, worst = statistics.median(costs), max(costs)
        print(f"  defaults bank of {name:<28} median {median:.2f} ms, worst {worst:.2f} ms")


if __name__ == "__main__":
    main()
