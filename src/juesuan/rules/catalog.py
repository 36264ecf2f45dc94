"""The rule catalog, and running it over a document."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from ..model import CheckResult, Document
from . import arithmetic, completeness, cross, hierarchy, kinds, narrative, perf, prose, rounding, summary, wording
from . import budget, reading
from .engine import Key, Rule, identity_cells as _identity_cells, run

# Rules that hold whatever the document is (决算, 预算 or not told): arithmetic inside a row
# (合计 = 基本 + 项目 is true of a budget line too), the classification hierarchy (类 = Σ款),
# rounding, printed code names against the reference classifications, placeholders left in the
# text. Every other rule reads final-accounts meanings (决算数, 年初预算, the 决算 summary's
# 结转 lines, 九张表 completeness) and applies to final accounts only (Rule.kinds default).
KIND_NEUTRAL_FAMILIES = ("AR", "HI", "RD")
KIND_NEUTRAL_RULES = ("JS-CP-004", "JS-NP-008")


def _kinds(rule: Rule) -> Rule:
    if rule.family in KIND_NEUTRAL_FAMILIES or rule.id in KIND_NEUTRAL_RULES:
        return replace(rule, kinds=kinds.ALL_KINDS)
    return rule


CATALOG: list[Rule] = [
    _kinds(r)
    for r in [
        *arithmetic.RULES,
        *hierarchy.RULES,
        *summary.RULES,
        *cross.RULES,
        *completeness.RULES,
        rounding.RULE,
        reading.RULE,
        *perf.RULES,
        *narrative.RULES,
        *prose.RULES,
        *wording.RULES,
        *kinds.RULES,
        *budget.RULES,
    ]
]
_ROUNDING = _kinds(rounding.RULE)

_BY_ID = {r.id: r for r in CATALOG}
assert len(_BY_ID) == len(CATALOG), "duplicate rule id"


def get_rule(rule_id: str) -> Rule:
    """The rule with this id (KeyError if there is none)."""
    return _BY_ID[rule_id]


def applies(rule: Rule, doc: Document) -> bool:
    """Whether ``rule`` applies to a document of ``doc.kind``. A document whose kind was not told
    is judged as final accounts (what its tables were recognised as)."""
    kind = doc.kind
    return kind in rule.kinds or (kind == "unknown" and "final" in rule.kinds)


def check(doc: Document, rules: Iterable[Rule] | None = None) -> CheckResult:
    """Run every rule (or only ``rules``) that applies to the document's kind; findings sorted by
    severity, then table, then row."""
    chosen = [r for r in (CATALOG if rules is None else rules) if applies(r, doc)]
    return CheckResult(doc, run(doc, chosen, _ROUNDING))


def identity_cells(doc: Document) -> set[Key]:
    """The printed cells ``(table, row, column)`` that take part in at least one checked equality
    (the cells where a planted wrong value must give an error)."""
    return _identity_cells(doc, [r for r in CATALOG if applies(r, doc)])
