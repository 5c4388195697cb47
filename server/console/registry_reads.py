"""A report page's and the report queue's reads of the protected-people registry, counted against
the trainer's ``HARIS_PROTECTED_MATCH_LIMIT`` as her own checks' are.

Anyone may file a report (``POST /v1/reports``, no key), so a stolen trainer session that files
reports of candidate accounts and opens their pages reads the registry — "this account is a
protected person's own", "this profile is taken for her" — as fast as the anonymous report limits
allow, where the console's check page stops it at ``HARIS_PROTECTED_MATCH_LIMIT`` people an hour
(``tests/console/test_report_registry_allowance.py``). Each request here:

- asks once, before any read, whether the trainer's allowance has room (:meth:`RegistryReads.start`);
- if it has, shows everything, audits each person named once per request (``protected.matched``)
  and counts those not yet named to her this hour (``server.services.protected.count_matches``):
  a page shown twice, or a queue listing forty reports of one defender, names one person. The
  queue reads the allowance again after each report that named someone new, so it stops at the
  report that spends it (a page passes the limit by that report's people at most);
- if it has not (or the limiter cannot say), reads nothing of the registry: the check runs as an
  anonymous one past its registry limit does, and the page says on every report that the
  protected-person match is withheld — on every one, whether or not there would have been a match,
  so that the notice is no oracle. The refusal is audited once a request (``protected.match_refused``).

Withholding her "own account" warning lets no takedown through: a case or a bank entry of a
protected person's own account is refused by the services whatever the page showed
(``server.services.identity.refuse_protected_account``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from heuristics.services import PROTECTED
from server.console.report_view import account_warnings
from server.schemas import CheckRequest, CheckResponse
from server.services import Actor, protected
from server.services.check import run_check
from server.state import app_state
from server.web.errors import APIError
from server.web.limits import limits

WITHHELD = {"kind": "registry_withheld"}


@dataclass
class RegistryReads:
    """The registry reads of one console request (a report's page, a page of the queue)."""

    actor: Actor
    open: bool
    named: list[str] = field(default_factory=list)
    refusal_recorded: bool = False

    @classmethod
    def start(cls, actor: Actor) -> RegistryReads:
        """Open when the trainer's allowance has room; else withheld (:meth:`_has_room`)."""
        reads = cls(actor, open=True)
        reads.open = reads._has_room()
        return reads

    def _has_room(self) -> bool:
        """Whether the trainer's allowance has room: not when it is spent, nor when the limiter
        store cannot say (fails closed: her reads must be counted) — withheld then, never a
        refused page."""
        try:
            standing = limits().protected_matches_of(self.actor.name).standing()
        except APIError:  # 503 limiter_unavailable: nothing read, the page still shown
            return False
        return standing is None or not standing.used_up

    def _withheld(self) -> None:
        """A read withheld: audited once a request (``protected.match_refused``, no person,
        nothing of the report), as a refused check is."""
        if not self.refusal_recorded:
            self.refusal_recorded = True
            app_state().stores.audit.record(self.actor.name, "protected.match_refused", "registry")

    def _name(self, people: Iterable[str]) -> bool:
        """Audit (``protected.matched``, her id) and count each person first named in this
        request; whether anyone was. Counted at once, so that the queue stops reading the registry
        at the report that spends the allowance (it is passed by one report's people at most)."""
        fresh = [person for person in dict.fromkeys(people) if person not in self.named]
        if not fresh:
            return False
        self.named.extend(fresh)
        protected.record_and_count_named(fresh, self.actor)
        return True

    def check(self, body: CheckRequest, locale: str) -> CheckResponse:
        """What the reporter sent, checked for the trainer to read (adds nothing to the campaign
        aggregate or the reuse counts: ``vouched=False``). Withheld, the registry answers nothing
        (as for an anonymous client past ``HARIS_REGISTRY_LIMIT``) and is never asked."""
        if not self.open:
            self._withheld()
            return run_check(body, None, locale, privileged=False, registry_open=lambda: False, vouched=False)
        result = run_check(body, None, locale, privileged=True, vouched=False)
        self._name(protected.people_named(result.findings))
        return result

    def warnings(self, report: dict[str, Any]) -> list[dict[str, Any]]:
        """:func:`~server.console.report_view.account_warnings` for one report; withheld, its
        registry part is replaced by the ``registry_withheld`` notice."""
        registry = app_state().lookups.get(PROTECTED) if self.open else None
        found = account_warnings(report, registry)
        if not self.open:
            self._withheld()
            return [dict(WITHHELD), *found]
        self._name(person for warning in found for person in warning.get("people", ()))
        return found

    def warnings_of(self, reports: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        """Each report's warnings, by report id, in order; after a report that named someone new,
        the allowance is read again, and once spent the rest are withheld."""
        found: dict[str, list[dict[str, Any]]] = {}
        for report in reports:
            before = len(self.named)
            found[str(report.get("id"))] = self.warnings(report)
            if self.open and len(self.named) > before:
                self.open = self._has_room()
        return found
