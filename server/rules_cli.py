"""Maintainer commands: ``flask --app server rules check|publish`` and ``flask --app server evaluate``.

``evaluate`` runs the engine over labelled profiles and prints how good the rules are; with
``--fit OUT`` it also proposes new points (regularised logistic regression over the signals'
strengths, cross-validated) and writes them to a new rules file. See docs/evaluation.md.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
import redis
from flask import Flask

from heuristics import evaluate as ev
from heuristics import rules as rules_package
from heuristics.rules import Rules, RulesError, parse_rules
from server.state import checked_rules, haris, publish_rules

PROGRESS_FROM = 200  # examples; below this the run is instant and a bar is noise


def _load_rules_file(path: str) -> Rules:
    """A rules file checked as a publication would be (``server.state.checked_rules``)."""
    try:
        return checked_rules(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise click.ClickException(f"{path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not UTF-8 text") from None
    except RulesError as error:
        raise click.ClickException(f"{path}: {error.key}: {error.message}") from None


def _active_rules() -> Rules:
    """The rules in force: the version published in Redis, else the configured file or defaults."""
    return haris().rules.sync()


# ---------------------------------------------------------------------------------------------
# rules check: effective weights and the difference from the active rules


def _params(rules: Rules, code: str) -> dict[str, Any]:
    return rules.rules[code].params.model_dump()


def effective_table(rules: Rules) -> list[str]:
    lines = [
        f"rules version {rules.version}: bias {rules.bias:g}, levels medium ≥ {rules.medium:g}, high ≥ {rules.high:g}"
    ]
    lines.append(f"{'signal':30} {'on':3} {'points':>7}  params (defaults filled in)")
    for code, rule in sorted(rules.rules.items()):
        params = ", ".join(f"{k}={v}" for k, v in _params(rules, code).items())
        lines.append(f"{code:30} {'yes' if rule.enabled else 'no':3} {rule.points:7.2f}  {params}".rstrip())
    return lines


def rules_diff(active: Rules, new: Rules) -> list[str]:
    """Human-readable changes from ``active`` to ``new`` (empty when they score identically)."""
    changes = []
    if active.version != new.version:
        changes.append(f"version: {active.version} → {new.version}")
    if active.bias != new.bias:
        changes.append(f"bias: {active.bias:g} → {new.bias:g}")
    for level in ("medium", "high"):
        if getattr(active, level) != getattr(new, level):
            changes.append(f"levels.{level}: {getattr(active, level):g} → {getattr(new, level):g}")
    for code in sorted(set(active.rules) | set(new.rules)):
        old, now = active.rules.get(code), new.rules.get(code)
        if old is None:
            changes.append(f"{code}: added ({now.points:g} points)")  # type: ignore[union-attr]
            continue
        if now is None:
            changes.append(f"{code}: removed (was {old.points:g} points; it will not run)")
            continue
        if old.enabled != now.enabled:
            changes.append(f"{code}: {'enabled' if now.enabled else 'disabled'}")
        if old.points != now.points:
            changes.append(f"{code}.points: {old.points:g} → {now.points:g}")
        before, after = _params(active, code), _params(new, code)
        for key in sorted(before):
            if before[key] != after[key]:
                changes.append(f"{code}.{key}: {before[key]} → {after[key]}")
    return changes


# ---------------------------------------------------------------------------------------------
# evaluate: text report


def _pct(value: float | None) -> str:
    return "  n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{100 * value:5.1f}%"


def _num(value: float | None, digits: int = 4) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def evaluation_text(result: ev.Evaluation, label: str) -> list[str]:
    lines = [
        f"== {label}: rules {result.rules_version} on {result.count} profiles "
        f"({result.fakes} fake, {result.count - result.fakes} genuine)",
        f"ROC-AUC {_num(result.roc_auc)}   PR-AUC (average precision) {_num(result.pr_auc)}",
        "",
        "flagged at   cut-off  precision  recall     F1   false-pos rate   TP   FP   FN   TN",
    ]
    for c in result.cutoffs:
        lines.append(
            f"{c.name + ' or above':12} {c.cutoff:7g}  {_pct(c.precision):>9}  {_pct(c.recall):>6}  {_num(c.f1, 3):>5}"
            f"   {_pct(c.false_positive_rate):>14}  {c.true_pos:4} {c.false_pos:4} {c.false_neg:4} {c.true_neg:4}"
        )
    lines += ["", f"{'signal':30} {'fires on fakes':>14} {'on genuine':>10} {'lift':>7} {'mean pts fake':>13}"]
    for s in sorted(result.signals, key=lambda s: -s.fake_rate):
        lift = "never" if s.fake_rate == 0 and s.genuine_rate == 0 else ("∞" if math.isinf(s.lift) else f"{s.lift:.1f}")
        lines.append(
            f"{s.code:30} {_pct(s.fake_rate):>14} {_pct(s.genuine_rate):>10} {lift:>7} {s.mean_points_fake:13.2f}"
        )
    lines += ["", "calibration  risk     profiles  mean risk  observed fakes"]
    for b in result.calibration:
        if b.count:
            lines.append(
                f"             {b.low:3.0f}–{b.high:<3.0f}  {b.count:8}  {b.mean_risk:9.1f}  {_pct(b.fake_rate):>14}"
            )
    for title, mistakes in (
        ("worst false positives (genuine, rated riskiest)", result.false_positives),
        ("worst false negatives (fake, rated safest)", result.false_negatives),
    ):
        lines += ["", title]
        for m in mistakes:
            reasons = ", ".join(
                f"{f.code} {f.points:+g} {json.dumps(f.evidence, ensure_ascii=False)}" for f in m.findings
            )
            lines.append(f"  {m.ref:34} risk {m.risk:3}  {reasons or '(no findings)'}")
    if result.unavailable:
        lines += ["", "unavailable signals (services missing): " + ", ".join(sorted(result.unavailable))]
    return lines


def _run(examples: Sequence[ev.Example], rules: Rules, label: str, show_progress: bool, worst: int) -> ev.Evaluation:
    if not show_progress or len(examples) < PROGRESS_FROM:
        return ev.evaluate(ev.run(examples, rules), rules, worst)
    # On stderr, so stdout stays the report (click hides the bar when stderr is not a terminal).
    with click.progressbar(length=len(examples), label=f"scoring with {label}", file=sys.stderr) as bar:
        return ev.evaluate(ev.run(examples, rules, bar.update), rules, worst)


def _guard_output(out: Path, protected: Sequence[Path]) -> None:
    target = out.resolve()
    for path in protected:
        if target == path.resolve():
            raise click.ClickException(f"{out}: refusing to overwrite the rules in use; write to a new file")
    if out.exists():
        raise click.ClickException(f"{out}: already exists; choose a new file name")


def register_rules_cli(app: Flask) -> None:
    @app.cli.group("rules")
    def rules_group() -> None:
        """Validate and publish rules files."""

    @rules_group.command("check")
    @click.argument("file", type=click.Path(dir_okay=False))
    def check(file: str) -> None:
        """Validate FILE; print its effective weights and how it differs from the active rules."""
        new = _load_rules_file(file)
        click.echo(f"{file}: valid")
        for line in effective_table(new):
            click.echo(line)
        active = _active_rules()
        changes = rules_diff(active, new)
        click.echo("")
        click.echo(f"compared with the active rules ({active.version}): " + ("no change" if not changes else "changes"))
        for line in changes:
            click.echo(f"  {line}")

    @rules_group.command("publish")
    @click.argument("file", type=click.Path(dir_okay=False))
    def publish(file: str) -> None:
        """Validate FILE and make it the active rules of every worker (as POST /v1/admin/rules)."""
        new = _load_rules_file(file)
        active = _active_rules()
        if new.version == active.version:
            raise click.ClickException(f"version {new.version!r} is already in force; give the file a new version")
        try:
            rules, generation = publish_rules(haris().redis.client, new.source)
        except (redis.RedisError, OSError) as error:
            raise click.ClickException(f"cannot publish: {type(error).__name__}") from None
        haris().rules.replace(rules, generation)
        click.echo(f"published {rules.version} (was {active.version}; generation {generation})")

    @app.cli.command("evaluate")
    @click.argument("data", nargs=-1, required=True, type=click.Path(dir_okay=False))
    @click.option("--rules", "rules_file", type=click.Path(dir_okay=False), help="Rules to evaluate (default: active).")
    @click.option("--compare", "compare_file", type=click.Path(dir_okay=False), help="Second rules file to compare.")
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    @click.option("--dataset-format", type=click.Choice(ev.FORMATS), default="auto", show_default=True)
    @click.option("--fit", "fit_out", type=click.Path(dir_okay=False), help="Write proposed points to this NEW file.")
    @click.option("--l2", type=click.FloatRange(min=1e-6), default=1.0, show_default=True, help="Fit: L2 penalty.")
    @click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True, help="Fit: CV folds.")
    @click.option("--worst", type=click.IntRange(0, 100), default=5, show_default=True)
    def evaluate_command(
        data: tuple[str, ...],
        rules_file: str | None,
        compare_file: str | None,
        fmt: str,
        dataset_format: str,
        fit_out: str | None,
        l2: float,
        folds: int,
        worst: int,
    ) -> None:
        """Score labelled profiles in DATA (one or more files) and report how good the rules are.

        DATA: JSONL of check requests with "label": "fake"|"genuine", an InstaFake JSONL, or
        Cresci 2015 CSVs (label from the file name: …fake… / …genuine…).
        """
        try:
            examples = [e for path in data for e in ev.load_dataset(path, dataset_format)]
        except ev.DatasetError as error:
            raise click.ClickException(str(error)) from None
        if len({e.fake for e in examples}) < 2:
            raise click.ClickException("the data holds only one class; give fakes and genuine profiles")
        rules = _load_rules_file(rules_file) if rules_file else _active_rules()
        runs = [(rules_file or "active rules", rules)]
        if compare_file:
            runs.append((compare_file, _load_rules_file(compare_file)))
        interactive = fmt == "text"
        results = [(label, _run(examples, r, label, interactive, worst)) for label, r in runs]
        fit = None
        if fit_out:
            protected = [Path(p) for p in (rules_file, app.config.get("HARIS_RULES_FILE")) if p]
            protected.append(Path(rules_package.__file__).parent / "default.toml")
            _guard_output(Path(fit_out), protected)
            try:
                fit = ev.fit_rules(examples, rules, l2=l2, folds=folds)
            except ValueError as error:
                raise click.ClickException(str(error)) from None
            version = (rules.version + "-fit")[:64]
            text = ev.rewrite_rules_text(rules.source, fit.bias, fit.points, version)
            parse_rules(text)  # the proposal must itself be a valid rules file
            Path(fit_out).write_text(text, encoding="utf-8")
        if fmt == "json":
            payload: dict[str, Any] = {"data": list(data), "results": [r.to_dict() for _, r in results]}
            if fit is not None:
                payload["fit"] = {**fit.to_dict(), "written_to": fit_out}
            click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for label, result in results:
            for line in evaluation_text(result, label):
                click.echo(line)
            click.echo("")
        if len(results) == 2:
            (la, a), (lb, b) = results
            click.echo(f"== comparison: {lb} minus {la}")
            click.echo(f"ROC-AUC {b.roc_auc - a.roc_auc:+.4f}   PR-AUC {b.pr_auc - a.pr_auc:+.4f}")
            for ca, cb in zip(a.cutoffs, b.cutoffs, strict=True):
                click.echo(
                    f"{ca.name}: precision {100 * (cb.precision - ca.precision):+.1f} pts, "
                    f"recall {100 * (cb.recall - ca.recall):+.1f} pts, F1 {cb.f1 - ca.f1:+.3f}"
                )
            click.echo("")
        if fit is not None:
            click.echo(f"== fit ({fit.folds}-fold cross-validation, L2 {fit.l2:g}, points keep their sign)")
            click.echo(
                f"cross-validated ROC-AUC: current points {fit.cv_auc_before:.4f} → fitted {fit.cv_auc_after:.4f}"
            )
            click.echo(f"bias {rules.bias:g} → {fit.bias:.2f}")
            for code in fit.fitted:
                click.echo(f"  {code:30} {rules.rules[code].points:6.2f} → {fit.points[code]:6.2f}")
            if fit.kept:
                click.echo("kept (fire too rarely in this data to fit): " + ", ".join(fit.kept))
            click.echo(f"wrote {fit_out} (version {version}); check it with: flask --app server rules check {fit_out}")
