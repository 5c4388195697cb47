"""``flask --app server rules check|publish`` and ``flask --app server evaluate`` on the shipped data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask

from heuristics.rules import default_rules_text, load_rules

ROOT = Path(__file__).resolve().parents[2]
INSTAFAKE = str(ROOT / "tests" / "data" / "instafake-dev.jsonl")
DEFAULT_RULES = ROOT / "heuristics" / "rules" / "default.toml"


def test_rules_check_prints_weights_and_the_difference(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "changed.toml"
    text = default_rules_text()
    text = text.replace("max_posts = 10", "max_posts = 20").replace('version = "', 'version = "x', 1)
    path.write_text(text, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["rules", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{path}: valid" in result.output
    assert "activity.few_posts" in result.output and "max_posts=20" in result.output
    assert "activity.few_posts.max_posts: 10 → 20" in result.output
    unchanged = app.test_cli_runner().invoke(args=["rules", "check", str(DEFAULT_RULES)])
    assert unchanged.exit_code == 0 and "no change" in unchanged.output


def test_rules_check_names_the_bad_key(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(default_rules_text().replace("max_posts = 10", "max_posts = 'ten'"), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["rules", "check", str(path)])
    assert result.exit_code == 1
    assert "signals.activity.few_posts.max_posts" in result.output
    missing = app.test_cli_runner().invoke(args=["rules", "check", str(tmp_path / "none.toml")])
    assert missing.exit_code == 1 and "none.toml" in missing.output


def test_rules_publish_reaches_the_api(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "next.toml"
    path.write_text(default_rules_text().replace('version = "', 'version = "next-', 1), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["rules", "publish", str(path)])
    assert result.exit_code == 0, result.output
    version = load_rules(path).version
    assert app.test_client().get("/v1/rules").get_json()["version"] == version
    again = app.test_cli_runner().invoke(args=["rules", "publish", str(path)])
    assert again.exit_code == 1 and "already in force" in again.output


def test_evaluate_text_report_on_the_shipped_data(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["evaluate", INSTAFAKE])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "835 profiles (140 fake, 695 genuine)" in out
    assert "ROC-AUC 0.99" in out
    for heading in ("medium or above", "high or above", "lift", "calibration", "worst false positives"):
        assert heading in out
    assert "instafake-dev.jsonl:" in out  # mistakes are named by line, with their findings


def test_evaluate_json_and_compare(app: Flask, tmp_path: Path) -> None:
    weaker = tmp_path / "weaker.toml"
    weaker.write_text(
        default_rules_text().replace('version = "', 'version = "weaker-', 1).replace("points = 4.66", "points = 0.1"),
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["evaluate", INSTAFAKE, "--compare", str(weaker), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    active, other = report["results"]
    assert active["roc_auc"] >= 0.985 > other["roc_auc"]
    assert other["rules_version"].startswith("weaker-")
    assert {"cutoffs", "calibration", "signals", "worst_false_positives", "worst_false_negatives"} <= set(active)
    text = app.test_cli_runner().invoke(args=["evaluate", INSTAFAKE, "--compare", str(weaker)])
    assert "== comparison" in text.output and "ROC-AUC -" in text.output


def test_evaluate_fit_writes_a_new_valid_file_and_never_overwrites(app: Flask, tmp_path: Path) -> None:
    out = tmp_path / "proposed.toml"
    result = app.test_cli_runner().invoke(args=["evaluate", INSTAFAKE, "--fit", str(out), "--folds", "3"])
    assert result.exit_code == 0, result.output
    # Only the refitted proposal is called cross-validated; the current points are not refitted.
    [cross_validated] = [line for line in result.output.splitlines() if "cross-validated" in line]
    assert cross_validated.startswith("proposal, refitted on each training fold")
    assert "current points as they are, same test folds (not refitted" in result.output
    proposed = load_rules(out)
    assert proposed.version.endswith("-fit")
    assert proposed.rules["activity.follow_ratio"].points > 0
    again = app.test_cli_runner().invoke(args=["evaluate", INSTAFAKE, "--fit", str(out)])
    assert again.exit_code == 1 and "already exists" in again.output
    default = DEFAULT_RULES
    before = default.read_text(encoding="utf-8")
    refused = app.test_cli_runner().invoke(args=["evaluate", INSTAFAKE, "--fit", str(default)])
    assert refused.exit_code == 1 and "refusing" in refused.output
    assert default.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"platform": "x", "label": "fake"}\n', "only one class"),
        ('{"platform": "x", "label": "perhaps"}\n', "label"),
    ],
)
def test_evaluate_refuses_unusable_data(app: Flask, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text(content, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["evaluate", str(path)])
    assert result.exit_code == 1 and message in result.output
