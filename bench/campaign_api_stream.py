"""A labelled stream through the real HTTP API, against ``flask evaluate --stream`` on the same one.

Issue 20's stream is judged through the API: each check from its own client address behind one
trusted proxy (``HARIS_PROXY_COUNT=1``, ``X-Forwarded-For``), with the default per-client
campaign cap. This serves the app under gunicorn (2 workers, gthread, as gunicorn.conf.py) on a
fresh embedded Redis, posts the checks one after another in the replay's order, and compares
what comes back with the in-process replay (``heuristics.evaluation.stream.replay``, what
``evaluate --stream`` runs) of the same checks at the same "now".

The server draws its own noise and keys (randomly, as in production), so single counts differ by
the noise and a few answers differ; the figures must agree. tests/api/test_campaign_stream.py
pins the server's noise to the replay's and requires every answer to be identical.

    .venv/bin/python -m bench.campaign_api_stream [--seed 0] [--fraction 1] [--data STREAM.jsonl]

Without ``--data`` the stream is bench/campaign_stream.py's realistic mix (seed ``--seed``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench._serve import bench_redis, free_port, gunicorn
from bench.campaign_stream import StreamSpec, examples
from heuristics import evaluation as ev
from heuristics.evaluation.stream import replay, stream_order
from heuristics.rules import Rules, load_default_rules

ROOT = Path(__file__).resolve().parent.parent


def request_body(example: ev.Example) -> dict[str, Any]:
    body: dict[str, Any] = {
        "platform": example.platform.value,
        "profile": example.profile.model_dump(mode="json", exclude_none=True),
    }
    if example.avatar is not None:
        body["avatar_hash"] = example.avatar.hex
    return body


def post_all(port: int, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One check after another (each sees only those before it), each from its own address."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    answers = []
    try:
        for n, body in enumerate(bodies):
            address = f"10.{n // 65_536}.{n // 256 % 256}.{n % 256}"
            headers = {"Content-Type": "application/json", "X-Forwarded-For": address}
            connection.request("POST", "/v1/check", json.dumps(body), headers)
            response = connection.getresponse()
            payload = json.loads(response.read())
            if response.status != 200:
                raise RuntimeError(f"check {n}: HTTP {response.status} {payload}")
            answers.append(payload)
    finally:
        connection.close()
    return answers


def served_answers(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="haris-stream-") as directory, bench_redis(Path(directory)) as url:
        port = free_port()
        env = dict(
            os.environ,
            REDIS_URL=url,
            HARIS_LIMITER_URL=url,
            HARIS_SECRET_KEY="bench-secret-" + "x" * 32,
            HARIS_DATA_DIR=str(Path(directory) / "data"),
            HARIS_PROXY_COUNT="1",
            HARIS_RULES_FILE="",
            HARIS_LOG_LEVEL="ERROR",
            PYTHONPATH=str(ROOT),
        )
        arguments = ["-w", "2", "-k", "gthread", "--threads", "8", "-b", f"127.0.0.1:{port}", "server:create_app()"]
        with gunicorn(arguments, env, port, ROOT, workers=2):
            return post_all(port, bodies)


def summary(label: str, scores: list[float], risks: list[int], labels: list[bool], rules: Rules) -> str:
    flagged = [fake for risk, fake in zip(risks, labels, strict=True) if risk >= rules.high]
    precision = f"{100 * sum(flagged) / len(flagged):.1f}%" if flagged else "n/a"
    recall = 100 * sum(flagged) / max(1, sum(labels))
    return (
        f"| {label} | {len(scores):,} | {ev.roc_auc(scores, labels):.4f} | {ev.roc_auc(risks, labels):.4f} "
        f"| {precision} / {recall:.1f}% |"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fraction", type=float, default=1.0)
    parser.add_argument("--data", type=Path, help="a labelled stream (JSONL of check requests)")
    args = parser.parse_args(argv)
    # The server's clock is the real one: the stream is made for today, and replayed at that "now".
    now = datetime.now(UTC).replace(microsecond=0)
    items = ev.load_dataset(args.data) if args.data else examples(StreamSpec(now=now), args.seed)
    items = [replace(item, now=now) for item in items]
    rules = load_default_rules()
    expected = replay(items, rules, args.fraction, args.seed)
    order = stream_order(len(items), args.fraction, args.seed)
    answers = served_answers([request_body(items[i]) for i in order])
    labels = [items[i].fake for i in order]
    replayed = [s.report for s in expected.scored]
    served_logits = [rules.bias + sum(f["points"] for f in answer["findings"]) for answer in answers]
    same_level = statistics.mean(a["level"] == r.level.value for a, r in zip(answers, replayed, strict=True))
    gaps = [abs(a["risk"] - r.risk) for a, r in zip(answers, replayed, strict=True)]
    print('| path | checks | ROC-AUC | ROC-AUC on the risk shown | "high" precision / recall |')
    print("|---|---|---|---|---|")
    print(summary("`evaluate --stream` (in process)", [r.logit for r in replayed], [r.risk for r in replayed],
                  labels, rules))  # fmt: skip
    print(summary("HTTP API: gunicorn, proxy 1, own address per check", served_logits,
                  [a["risk"] for a in answers], labels, rules))  # fmt: skip
    print(
        f"\nsame level {100 * same_level:.1f}% of checks; risk differs by {statistics.mean(gaps):.2f} on average, "
        f"at most {max(gaps)}; baseline (created within a day) {ev.roc_auc(expected.baseline, labels):.4f}"
    )


if __name__ == "__main__":
    main()
