"""A labelled stream through the real API gives what ``flask evaluate --stream`` reports for it.

Every check comes from its own address behind one trusted proxy (``HARIS_PROXY_COUNT=1``,
``X-Forwarded-For``), as issue 20's stream is judged, with the default per-client campaign cap:
nothing in the API path (the cap, the proxy, the limiter store, the avatar) may silently keep a
check out of the aggregate. The app's aggregate is given the replay's clock and seeded noise, so
the two must agree check by check — risk, level and every finding — and the AUC the CLI prints
must be the AUC of the API's answers.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from flask import Flask

from bench.campaign_stream import NOW, StreamSpec, examples, request_lines
from heuristics import evaluation as ev
from heuristics.campaigns import estimate
from heuristics.evaluation.stream import REPLAY_CLOCK, replay, stream_order
from heuristics.images import fingerprint_bytes
from heuristics.rules import load_default_rules
from tests.api.test_banks import photo_bytes

SEED = 5
FRACTION = 0.8
SPEC = StreamSpec(genuine=70, fakes=50, batch_min=8, batch_max=30, spread_hours=12, new_share=0.3)


def labelled_stream(path: Path) -> list[ev.Example]:
    """A small generated stream; a dozen of its newest fakes also share one photo (sent as
    ``avatar_hash``: a photo shared by accounts a year old or more is not flagged)."""
    items = examples(SPEC, SEED)
    photo = fingerprint_bytes(photo_bytes("chelsea"))
    created = {i: estimate(item.profile, item.platform) for i, item in enumerate(items) if item.fake}
    newest = sorted(created, key=lambda i: -created[i].time.timestamp())[:12]  # type: ignore[union-attr]
    for i in newest:
        items[i] = replace(items[i], avatar=photo)
    lines = []
    for item, line in zip(items, request_lines(items), strict=True):
        body = json.loads(line)
        if item.avatar is not None:
            body["avatar_hash"] = item.avatar.hex
        lines.append(json.dumps(body, ensure_ascii=False))
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return ev.load_dataset(path)


def through_the_api(app: Flask, items: list[ev.Example], path: Path) -> list[dict[str, Any]]:
    """Each check of the replay's order, posted from its own address behind the proxy."""
    bodies = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    client = app.test_client()
    answers = []
    for n, index in enumerate(stream_order(len(items), FRACTION, SEED)):
        body = {key: value for key, value in bodies[index].items() if key not in {"label", "now"}}
        address = f"10.{n // 65_536}.{n // 256 % 256}.{n % 256}"
        response = client.post("/v1/check", json=body, headers={"X-Forwarded-For": address})
        assert response.status_code == 200, response.get_json()
        answers.append(response.get_json())
    return answers


def test_the_api_answers_a_stream_as_evaluate_stream_scores_it(make_app: Any, tmp_path: Path) -> None:
    path = tmp_path / "stream.jsonl"
    items = labelled_stream(path)
    assert {item.now for item in items} == {NOW}
    app = make_app(HARIS_PROXY_COUNT=1)
    state = app.extensions["haris"]
    state.clock = lambda: NOW
    # The replay's aggregate clock and seeded noise (heuristics.evaluation.stream.replay).
    state.campaigns.clock = lambda: REPLAY_CLOCK
    state.campaigns.rng = np.random.default_rng(SEED + 1_000_003)

    answers = through_the_api(app, items, path)
    expected = replay(items, load_default_rules(), FRACTION, SEED)
    assert len(answers) == len(expected.scored) > 80
    for answer, scored in zip(answers, expected.scored, strict=True):
        report = scored.report
        assert (answer["risk"], answer["level"]) == (report.risk, report.level.value), scored.example.ref
        found = [(f["code"], f["points"], f["evidence"]) for f in answer["findings"]]
        assert found == [(f.code, f.points, json.loads(json.dumps(f.evidence))) for f in report.findings]
    codes = {f["code"] for answer in answers for f in answer["findings"]}
    # The stream exercises what the judged one does: bursts seen across clients, and the photo.
    assert {"campaign.creation_burst", "campaign.shared_photo"} <= codes

    rules = load_default_rules()
    logits = [rules.bias + sum(f["points"] for f in answer["findings"]) for answer in answers]
    labels = [scored.example.fake for scored in expected.scored]
    result = app.test_cli_runner().invoke(
        args=["evaluate", "--stream", str(path), "--seed", str(SEED), "--fraction", str(FRACTION), "--worst", "0"]
    )
    assert result.exit_code == 0, result.output
    printed = float(re.search(r"^ROC-AUC ([0-9.]+)", result.output, re.M).group(1))  # type: ignore[union-attr]
    assert math.isclose(printed, round(ev.roc_auc(logits, labels), 4))
    assert printed > 0.8
