"""Which elements of the impersonated person's identity the suspect account copies.

Platform policies are phrased in these terms (X: "at least two elements of another identity, such
as the name, image, or false claims of affiliation"), so a notice says which ones the case shows
and on what evidence. Only what Haris can establish is claimed: the name (compared as the name
signals compare names, across scripts), the photo (a fingerprint match recorded at opening, or an
uploaded avatar of each side), and a look-alike username. An affiliation claim is for the trainer
to describe in the notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from heuristics.images import MATCH_THRESHOLD, AvatarFingerprint
from heuristics.names import similarity
from server.escalation.model import Case, EvidenceKind

__all__ = ["Element", "copied_elements"]

# The impersonation signals' default cut-off (heuristics/rules/default.toml, min_similarity).
NAME_SIMILARITY = 0.92
HANDLE_SIMILARITY = 0.85


@dataclass(frozen=True)
class Element:
    """One copied identity element and what shows it (a short, language-neutral fact)."""

    name: str  # "name" | "photo" | "username"
    evidence: str


def copied_elements(case: Case) -> list[Element]:
    found: list[Element] = []
    name = _name_element(case)
    if name:
        found.append(name)
    photo = _photo_element(case)
    if photo:
        found.append(photo)
    username = _username_element(case)
    if username:
        found.append(username)
    return found


def _name_element(case: Case) -> Element | None:
    for code in ("impersonation.protected_person", "impersonation.contact"):
        finding = case.finding(code)
        if finding and finding.evidence.get("name_similarity") is not None:
            return Element("name", f"{code}: name_similarity={finding.evidence['name_similarity']}")
    if case.suspect.display_name:
        score = similarity(case.suspect.display_name, case.impersonated.display_name).score
        if score >= NAME_SIMILARITY:
            return Element("name", f"name_similarity={round(score, 3)}")
    return None


def _photo_element(case: Case) -> Element | None:
    for code in ("impersonation.protected_person", "impersonation.contact"):
        finding = case.finding(code)
        if finding and finding.evidence.get("avatar_distance") is not None:
            return Element("photo", f"{code}: avatar_distance={finding.evidence['avatar_distance']}")
    suspect = case.avatar_fingerprint()
    originals = [e.fingerprint for e in case.evidence if e.kind is EvidenceKind.AVATAR and e.fingerprint]
    if suspect and originals:
        try:
            mine = AvatarFingerprint.from_hex(suspect)
            distances = [mine.distance(AvatarFingerprint.from_hex(other)) for other in originals if other != suspect]
        except ValueError:
            return None
        if distances and min(distances) <= MATCH_THRESHOLD:
            return Element("photo", f"avatar_distance={min(distances)}")
    return None


def _username_element(case: Case) -> Element | None:
    finding = case.finding("name.lookalike_characters")
    if finding:
        return Element("username", "name.lookalike_characters")
    mine = case.suspect.account_handle
    theirs = case.impersonated.account_handle
    if not mine or not theirs or mine.lower() == theirs.lower():
        return None
    score = similarity(mine, theirs).score
    if score >= HANDLE_SIMILARITY:
        return Element("username", f"handle_similarity={round(score, 3)}")
    return None
