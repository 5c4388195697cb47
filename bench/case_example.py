"""Print an excerpt of every export of one example case (docs/escalation.md shows this output,
as the figure ``escalation-case-example``: ``make figures`` rewrites it, ``make test`` checks it).

    .venv/bin/python bench/case_example.py

The case is tests/escalation/samples.py's (fixed clock, fixed files), so the output is the same
on every run and every machine.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heuristics.profile import Platform
from server.escalation import archive, misp, stix, tickets
from tests.escalation.samples import sample_case


def example_exports() -> str:
    """The excerpt, as text."""
    lines: list[str] = []
    case, files = sample_case(Platform.X, "amal", "key:helpline-laptop", "Her sister alerted us.")
    lines.append("== ticket (x, en), sections 3 and 4 ==")
    ticket = tickets.build_ticket(case, Platform.X, "en", case.notifier)
    lines += ticket.sections["reasons"] + [""] + ticket.sections["policy"]
    event = misp.event_json(case, files)["Event"]
    lines += ["", "== MISP: objects and tags =="]
    for obj in event["Object"]:
        lines.append(f"{obj['name']}: {', '.join(sorted({a['object_relation'] for a in obj['Attribute']}))}")
    lines.append("tags: " + ", ".join(tag["name"] for tag in event["Tag"]))
    bundle = stix.bundle_json(case)
    lines += ["", "== STIX: object types =="]
    lines.append(", ".join(sorted({obj["type"] for obj in bundle["objects"]})))
    pattern = next(obj for obj in bundle["objects"] if obj["type"] == "attack-pattern")
    lines.append(json.dumps(pattern["external_references"][0]))
    for redacted in (False, True):
        data = archive.build_archive(case, files, redacted=redacted)
        lines += ["", f"== {'redacted copy' if redacted else 'archive'}: entries, then the collection log =="]
        with zipfile.ZipFile(io.BytesIO(data)) as opened:
            for info in opened.infolist():
                lines.append(f"{info.file_size:8d}  {info.filename}")
            lines += opened.read("collection_log.csv").decode().rstrip().split("\n")
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "case.zip"
            path.write_bytes(data)
            result = archive.verify(path)
            verdict = "OK" if result.ok else result.problems
            lines.append(f"verify: {verdict} {result.files} files, manifest {result.manifest_sha256}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(example_exports() + "\n")
