"""Maintainer commands: ``flask --app server rules check|publish``.

``check`` validates a rules file and shows how it differs from the rules in force, and the tag
of their publication; ``publish`` makes it the rules of every worker. ``publish --if-match TAG``
(the tag ``check`` printed, or the ETag of ``GET /v1/rules``) publishes only if those rules are
still in force, so a file made from them does not undo a publication made meanwhile.
``flask --app server evaluate`` is in :mod:`server.cli.evaluate`.
"""

from __future__ import annotations

import click
import redis

from heuristics.rules import Rules, RulesError
from heuristics.rules.changes import rules_changes
from server.api.admin import MAX_RULES_BYTES
from server.cli.files import StoreGroup, read_bounded, shown
from server.services import CLI_ACTOR
from server.services.rules import (
    RulesMovedOn,
    SameVersion,
    VersionReused,
    checked_rules,
    publish,
    rules_tag,
    version_from_tag,
)
from server.state import app_state


def load_rules_file(path: str) -> Rules:
    """A rules file checked as a publication would be (``server.services.rules.checked_rules``)."""
    data = read_bounded(path, MAX_RULES_BYTES)  # the API's bound: a rules file is a few kilobytes
    try:
        return checked_rules(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not UTF-8 text") from None
    except RulesError as error:
        raise click.ClickException(f"{shown(path)}: {shown(error.key)}: {shown(error.message)}") from None


def active_rules() -> Rules:
    """The rules in force: the version published in Redis, else the configured file or defaults."""
    return app_state().rules.sync()


# ---------------------------------------------------------------------------------------------
# rules check: effective weights and the difference from the active rules


def effective_table(rules: Rules) -> list[str]:
    lines = [
        f"rules version {rules.version}: bias {rules.bias:g}, levels medium ≥ {rules.medium:g}, high ≥ {rules.high:g}"
    ]
    lines.append(f"{'signal':30} {'on':3} {'points':>7}  params (defaults filled in)")
    for code, rule in sorted(rules.rules.items()):
        params = ", ".join(f"{k}={v}" for k, v in rule.params.model_dump().items())
        lines.append(f"{code:30} {'yes' if rule.enabled else 'no':3} {rule.points:7.2f}  {params}".rstrip())
    return lines


@click.group("rules", cls=StoreGroup)
def rules_group() -> None:
    """Validate and publish rules files."""


@rules_group.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
def check(file: str) -> None:
    """Validate FILE; print its effective weights and how it differs from the active rules."""
    new = load_rules_file(file)
    click.echo(f"{file}: valid")
    for line in effective_table(new):
        click.echo(line)
    active = active_rules()
    changes = rules_changes(active, new)
    click.echo("")
    click.echo(f"compared with the active rules ({active.version}): " + ("no change" if not changes else "changes"))
    for line in changes:
        click.echo(f"  {line}")
    tag = rules_tag(app_state().rules.version)
    click.echo(f"active rules' tag: {tag} (rules publish --if-match {tag} FILE publishes only over these)")


@rules_group.command("publish")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--if-match",
    "if_match",
    metavar="TAG",
    help="Publish only if the rules in force are still those of TAG (from `rules check` or the ETag of GET /v1/rules).",
)
def publish_command(file: str, if_match: str | None) -> None:
    """Validate FILE and make it the active rules of every worker (as POST /v1/admin/rules)."""
    made_from = None
    if if_match is not None:
        named = version_from_tag(if_match.strip().strip('"'))  # the ETag as shown, quotes or not
        if named is None:
            raise click.BadParameter("not a tag `rules check` or GET /v1/rules gives", param_hint="--if-match")
        made_from = {named}
    new = load_rules_file(file)
    active_rules()  # the version in force, read from Redis now
    try:
        rules, active, generation = publish(app_state(), new.source, CLI_ACTOR, made_from=made_from)
    except RulesMovedOn as moved:
        named_version = f"version {moved.rules_version!r}, " if moved.rules_version else ""
        raise click.ClickException(
            f"other rules were published since {if_match}: {named_version}generation {moved.generation},"
            f" tag {moved.tag}; nothing was published (check the file against them again)"
        ) from None
    except SameVersion:
        raise click.ClickException(
            f"version {new.version!r} is already in force; give the file a new version"
        ) from None
    except VersionReused as reused:
        raise click.ClickException(f"{reused}; give the file a new version") from None
    except (redis.RedisError, OSError) as error:
        raise click.ClickException(f"cannot publish: {type(error).__name__}") from None
    click.echo(f"published {rules.version} (was {active.version}; generation {generation})")
