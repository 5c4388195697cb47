"""The redacted share copy: markers planted in trainer identities and private notes are in no
byte of it (every entry decompressed), profile photos leave only as fingerprints."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from heuristics.profile import Platform
from server.escalation import archive
from server.escalation.model import TAKEDOWN_PLATFORMS, HistoryEntry, PlatformStatus
from tests.escalation.samples import PRIVATE, TRAINER, TRAINER_KEY, sample_case
from tests.privacy.harness import encodings

MARKERS = [TRAINER, TRAINER_KEY, PRIVATE]


@pytest.mark.parametrize("platform", TAKEDOWN_PLATFORMS)
def test_no_marker_in_any_byte_of_the_redacted_copy(platform: Platform, tmp_path: Path) -> None:
    case, files = sample_case(platform)
    # Trainer identities everywhere a case records one.
    case.statuses["facebook"] = PlatformStatus(
        reported_on="2026-05-30", updated_at=1, updated_by=TRAINER_KEY, updated_by_role="maintainer"
    )
    case.history.append(HistoryEntry(at=2, by=TRAINER_KEY, by_role="trainer", action="case.status_set"))
    full = archive.build_archive(case, files)
    redacted = archive.build_archive(case, files, redacted=True)
    # The planting is real: the full archive has every marker.
    full_bytes = b"".join(
        zipfile.ZipFile(io.BytesIO(full)).read(n) for n in zipfile.ZipFile(io.BytesIO(full)).namelist()
    )
    assert all(marker.encode() in full_bytes for marker in MARKERS)

    with zipfile.ZipFile(io.BytesIO(redacted)) as opened:
        names = opened.namelist()
        blobs = [name.encode() for name in names] + [opened.read(name) for name in names]
    blobs.append(redacted)
    for marker in MARKERS:
        for form in encodings(marker):
            assert not any(form in blob or form.lower() in blob.lower() for blob in blobs), marker

    # Same layout; only the shared screenshot travels, the profile photo only as its fingerprint.
    assert set(names) == {"manifest.json", "case.json", "collection_log.csv", "evidence/02-584738941691.png"}
    record = json.loads(zipfile.ZipFile(io.BytesIO(redacted)).read("case.json"))
    avatar = next(item for item in record["evidence"] if item["kind"] == "avatar")
    assert avatar["fingerprint"] and files["01"] not in blobs[-1]
    assert record.get("notifier") is None and record.get("report_id") is None
    assert [note["text"] for note in record["notes"]] == ["Asks her colleagues to meet in person."]
    (tmp_path / "redacted.zip").write_bytes(redacted)
    assert archive.verify(tmp_path / "redacted.zip").ok
