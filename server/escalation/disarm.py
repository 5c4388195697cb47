"""Haris's reason codes → DISARM techniques (the Red Framework's ids and names, as published in
github.com/DISARMFoundation/DISARMframeworks ``generated_pages/techniques``; read there for each
id below).

Every case has an impersonated person, so every case is T0143.003 Impersonated Persona; the rest
follows from the reasons, the identity elements the suspect copies, and the case's kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.escalation.identity import copied_elements
from server.escalation.model import Case

DISARM_PAGES = "https://github.com/DISARMFoundation/DISARMframeworks/blob/main/generated_pages/techniques/"


@dataclass(frozen=True)
class Technique:
    id: str
    name: str
    tactic: str  # the DISARM tactic stage it belongs to

    @property
    def url(self) -> str:
        return f"{DISARM_PAGES}{self.id}.md"


TECHNIQUES = {
    technique.id: technique
    for technique in (
        Technique("T0143.003", "Impersonated Persona", "TA16"),
        Technique("T0145.001", "Copy Account Imagery", "TA15"),
        Technique("T0146.005", "Lookalike Account ID", "TA15"),
        Technique("T0150.008", "Bulk Created Asset", "TA15"),
        Technique("T0150.001", "Newly Created Asset", "TA15"),
        Technique("T0097.109", "Romantic Suitor Persona", "TA16"),
    )
}
TACTICS = {"TA15": "Establish Assets", "TA16": "Establish Legitimacy"}

# Finding code → techniques it is evidence of.
BY_FINDING = {
    "impersonation.protected_person": ("T0143.003",),
    "impersonation.contact": ("T0143.003",),
    "avatar.known_bad": ("T0145.001",),
    "avatar.reused": ("T0145.001",),
    "campaign.shared_photo": ("T0145.001", "T0150.008"),
    "campaign.creation_burst": ("T0150.008",),
    "campaign.template_name": ("T0150.008",),
    "campaign.template_bio": ("T0150.008",),
    "name.lookalike_characters": ("T0146.005",),
    "name.deceptive_characters": ("T0146.005",),
    "handle.digits": ("T0150.008",),
    "handle.random": ("T0150.008",),
    "account.new": ("T0150.001",),
}
# Identity element copied → technique.
BY_ELEMENT = {"name": "T0143.003", "photo": "T0145.001", "username": "T0146.005"}
# What the account is used for (the case's kind) → technique.
BY_KIND = {"impersonation": (), "entrapment": ("T0097.109",), "campaign": ("T0150.008",)}


def techniques_for(case: Case) -> list[Technique]:
    """The case's techniques, each once, in id order (stable exports)."""
    ids = {"T0143.003"}
    for code in case.reasons:
        ids.update(BY_FINDING.get(code, ()))
    ids.update(BY_ELEMENT[element.name] for element in copied_elements(case))
    ids.update(BY_KIND.get(case.kind, ()))
    return [TECHNIQUES[technique_id] for technique_id in sorted(ids)]
