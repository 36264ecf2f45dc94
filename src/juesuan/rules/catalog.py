"""The rule catalog, and running it over a document."""

from __future__ import annotations

from typing import Iterable

from ..model import CheckResult, Document
from . import arithmetic, completeness, cross, hierarchy, narrative, perf, prose, rounding, summary, wording
from .engine import Key, Rule, identity_cells as _identity_cells, run

CATALOG: list[Rule] = [
    *arithmetic.RULES,
    *hierarchy.RULES,
    *summary.RULES,
    *cross.RULES,
    *completeness.RULES,
    rounding.RULE,
    *perf.RULES,
    *narrative.RULES,
    *prose.RULES,
    *wording.RULES,
]

_BY_ID = {r.id: r for r in CATALOG}
assert len(_BY_ID) == len(CATALOG), "duplicate rule id"


def get_rule(rule_id: str) -> Rule:
    """The rule with this id (KeyError if there is none)."""
    return _BY_ID[rule_id]


def check(doc: Document, rules: Iterable[Rule] | None = None) -> CheckResult:
    """Run every rule (or only ``rules``); findings sorted by severity, then table, then row."""
    return CheckResult(doc, run(doc, CATALOG if rules is None else rules, rounding.RULE))


def identity_cells(doc: Document) -> set[Key]:
    """The printed cells ``(table, row, column)`` that take part in at least one checked equality
    (the cells where a planted wrong value must give an error)."""
    return _identity_cells(doc, CATALOG)
