"""A case's reasons as plain English lines, for the machine-readable exports (the MISP
annotation, the STIX note): the reason codes with Haris's evidence, the copied identity elements,
the suspect photo's fingerprint, the DISARM techniques and the shareable notes.

These lines are read by a person in a partner's MISP or STIX tool, and the evidence quotes
profile fields that came from a report: each line is :func:`one_line`'d as the notice's are (a
U+202E written ``<U+202E>``, a line break a space), so a quoted display name cannot reorder the
annotation or add lines of its own. The structured fields (an account's ``displayed-name``, say)
keep the exact value: it is the evidence.
"""

from __future__ import annotations

import json

from server.escalation.disarm import techniques_for
from server.escalation.identity import copied_elements
from server.escalation.model import Case
from server.escalation.tickets import one_line, text_for


def reason_lines(case: Case) -> list[str]:
    lines = [f"Haris case {case.id}: {case.kind} on {case.platform.value}."]
    if case.check is not None:
        lines.append(f"Risk {case.check.risk}/100 ({case.check.level}), rules {case.check.rules_version}.")
    lines.append("Reasons:")
    for code in case.reasons:
        finding = case.finding(code)
        facts = json.dumps(finding.evidence, ensure_ascii=False, sort_keys=True) if finding else "{}"
        lines.append(f"- {code}: {text_for('reason.' + code, 'en')} {facts}")
    elements = copied_elements(case)
    if elements:
        lines.append("Identity elements copied: " + ", ".join(f"{e.name} ({e.evidence})" for e in elements))
    fingerprint = case.avatar_fingerprint()
    if fingerprint:
        lines.append(f"Suspect photo fingerprint (Haris avatar fingerprint v1, perceptual): {fingerprint}")
    lines.append("DISARM: " + ", ".join(f"{t.id} {t.name}" for t in techniques_for(case)))
    for note in case.public_notes():
        # A trainer's note may run over several lines: each stays under its "Note:".
        text = [line for line in note.text.splitlines() if line.strip()]
        lines.extend(f"Note: {line}" if n == 0 else f"  {line}" for n, line in enumerate(text))
    return [one_line(line) for line in lines]
