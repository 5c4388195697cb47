"""``flask --app server evaluate``: how good the rules are on labelled profiles, and a proposal.

The numbers come from :mod:`heuristics.evaluation`; this module loads the files, picks the rules,
guards the output file and prints the report. With ``--fit OUT`` it also proposes new points
(sign-bounded logistic regression over the signals' strengths) and writes them to a new rules
file. See docs/evaluation.md.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from heuristics import evaluation as ev
from heuristics import rules as rules_package
from heuristics.rules import Rules, parse_rules
from heuristics.rules.rewrite import rewrite_rules_text
from server.cli.files import StoreCommand
from server.cli.rules import active_rules, load_rules_file

PROGRESS_FROM = 200  # examples; below this the run is instant and a bar is noise


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


def comparison_text(first: tuple[str, ev.Evaluation], second: tuple[str, ev.Evaluation]) -> list[str]:
    (la, a), (lb, b) = first, second
    lines = [
        f"== comparison: {lb} minus {la}",
        f"ROC-AUC {b.roc_auc - a.roc_auc:+.4f}   PR-AUC {b.pr_auc - a.pr_auc:+.4f}",
    ]
    for ca, cb in zip(a.cutoffs, b.cutoffs, strict=True):
        lines.append(
            f"{ca.name}: precision {100 * (cb.precision - ca.precision):+.1f} pts, "
            f"recall {100 * (cb.recall - ca.recall):+.1f} pts, F1 {cb.f1 - ca.f1:+.3f}"
        )
    return lines


def fit_text(fit: ev.FitResult, rules: Rules, out: str, version: str) -> list[str]:
    """The proposal. Only the refitted procedure's AUC is called cross-validated: the current
    points are scored as they are, which is in-sample whenever they were fitted on this data."""
    lines = [
        f"== fit ({fit.folds}-fold cross-validation, seed {fit.seed}, L2 {fit.l2:g}, points keep their sign)",
        f"proposal, refitted on each training fold (cross-validated) ROC-AUC {fit.cv_auc:.4f}",
        f"current points as they are, same test folds (not refitted: in-sample if fitted on this data) "
        f"ROC-AUC {fit.current_auc:.4f}",
        f"bias {rules.bias:g} → {fit.bias:.2f}",
    ]
    lines += [f"  {code:30} {rules.rules[code].points:6.2f} → {fit.points[code]:6.2f}" for code in fit.fitted]
    if fit.kept:
        lines.append("kept (fire too rarely in this data to fit): " + ", ".join(fit.kept))
    lines.append(f"wrote {out} (version {version}); check it with: flask --app server rules check {out}")
    return lines


def stream_text(
    examples: Sequence[ev.Example], rules: Rules, fraction: float, seed: int, holdout: float, worst: int
) -> list[str]:
    """The stream report (docs/campaigns.md): the whole stream, the held-out part scored in it,
    and the bare baseline (earlier-checked accounts created within a day) on the same checks."""
    from heuristics.evaluation.stream import holdout_split, replay

    run = replay(examples, rules, fraction, seed)
    result = ev.evaluate(run.scored, rules, worst)
    labels = [s.example.fake for s in run.scored]
    lines = [
        f"stream: {len(run.scored)} of {len(examples)} profiles checked (fraction {fraction:g}, seed {seed})",
        *evaluation_text(result, "stream, every check"),
        f"baseline (earlier-checked accounts created within a day) ROC-AUC {_num(ev.roc_auc(run.baseline, labels))}",
    ]
    if holdout > 0:
        _, held = holdout_split(examples, holdout, seed)
        held_refs = {examples[i].ref for i in held}
        part = [s for s in run.scored if s.example.ref in held_refs]
        base = [b for s, b in zip(run.scored, run.baseline, strict=True) if s.example.ref in held_refs]
        lines += ["", *evaluation_text(ev.evaluate(part, rules, worst), f"held-out {holdout:g} of the stream")]
        lines.append(f"baseline on the held-out part ROC-AUC {_num(ev.roc_auc(base, [s.example.fake for s in part]))}")
    return lines


def _load_examples(data: Sequence[str], dataset_format: str) -> list[ev.Example]:
    try:
        examples = [e for path in data for e in ev.load_dataset(path, dataset_format)]
    except ev.DatasetError as error:
        raise click.ClickException(str(error)) from None
    if len({e.fake for e in examples}) < 2:
        raise click.ClickException("the data holds only one class; give fakes and genuine profiles")
    return examples


def _evaluate(
    examples: Sequence[ev.Example], rules: Rules, label: str, show_progress: bool, worst: int
) -> ev.Evaluation:
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


def _fit_and_write(
    examples: Sequence[ev.Example], rules: Rules, out: Path, protected: Sequence[Path], **options: Any
) -> tuple[ev.FitResult, str]:
    _guard_output(out, protected)
    try:
        fit = ev.fit_rules(examples, rules, **options)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    version = (rules.version + "-fit")[:64]
    text = rewrite_rules_text(rules.source, fit.bias, fit.points, version)
    parse_rules(text)  # the proposal must itself be a valid rules file
    out.write_text(text, encoding="utf-8")
    return fit, version


@click.command("evaluate", cls=StoreCommand)
@with_appcontext
@click.argument("data", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False), help="Rules to evaluate (default: active).")
@click.option("--compare", "compare_file", type=click.Path(dir_okay=False), help="Second rules file to compare.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--dataset-format", type=click.Choice(ev.FORMATS), default="auto", show_default=True)
@click.option("--fit", "fit_out", type=click.Path(dir_okay=False), help="Write proposed points to this NEW file.")
@click.option("--l2", type=click.FloatRange(min=1e-6), default=1.0, show_default=True, help="Fit: L2 penalty.")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True, help="Fit: CV folds.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Fit: how folds are drawn.")
@click.option("--worst", type=click.IntRange(0, 100), default=5, show_default=True)
@click.option("--stream", is_flag=True, help="Replay DATA in a random order through a fresh campaign aggregate.")
@click.option("--fraction", type=click.FloatRange(0.01, 1.0), default=1.0, show_default=True,
              help="Stream: share of the profiles ever checked.")  # fmt: skip
@click.option("--holdout", type=click.FloatRange(0.0, 0.9), default=0.0, show_default=True,
              help="Stream: also report this held-out share (stratified, seeded by --seed) alone.")  # fmt: skip
def evaluate_command(
    data: tuple[str, ...],
    rules_file: str | None,
    compare_file: str | None,
    fmt: str,
    dataset_format: str,
    fit_out: str | None,
    l2: float,
    folds: int,
    seed: int,
    worst: int,
    stream: bool,
    fraction: float,
    holdout: float,
) -> None:
    """Score labelled profiles in DATA (one or more files) and report how good the rules are.

    DATA: JSONL of check requests with "label": "fake"|"genuine", an InstaFake JSONL, or
    Cresci 2015 CSVs (label from the file name: …fake… / …genuine…).
    """
    examples = _load_examples(data, dataset_format)
    rules = load_rules_file(rules_file) if rules_file else active_rules()
    if stream:
        click.echo("\n".join(stream_text(examples, rules, fraction, seed, holdout, worst)))
        return
    runs = [(rules_file or "active rules", rules)]
    if compare_file:
        runs.append((compare_file, load_rules_file(compare_file)))
    results = [(label, _evaluate(examples, r, label, fmt == "text", worst)) for label, r in runs]
    fit = version = None
    if fit_out:
        protected = [Path(p) for p in (rules_file, current_app.config.get("HARIS_RULES_FILE")) if p]
        protected.append(Path(rules_package.__file__).parent / "default.toml")
        fit, version = _fit_and_write(examples, rules, Path(fit_out), protected, l2=l2, folds=folds, seed=seed)
    if fmt == "json":
        payload: dict[str, Any] = {"data": list(data), "results": [r.to_dict() for _, r in results]}
        if fit is not None:
            payload["fit"] = {**fit.to_dict(), "written_to": fit_out}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    lines: list[str] = []
    for label, result in results:
        lines += [*evaluation_text(result, label), ""]
    if len(results) == 2:
        lines += [*comparison_text(results[0], results[1]), ""]
    if fit is not None and fit_out and version:
        lines += fit_text(fit, rules, fit_out, version)
    click.echo("\n".join(lines))
