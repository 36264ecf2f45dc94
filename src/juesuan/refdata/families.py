"""Template families of disclosures, as data (``data/families.json``, documented in
docs/families.md): which tables a family must publish, the titles they are printed under, and
the markers that tell one family from another.

    >>> fam = get_family("university_four")
    >>> fam.required
    ('income_expense_summary', 'income', 'expenditure', 'fiscal_expenditure')
    >>> detect_family("final", tables={"income", "fiscal_expenditure"}, titles=["高等学校收入决算表"]).id
    'university_four'

A family is chosen by score, never by a document's name or region: marker words in the printed
table titles, marker tables found, the department name's ending (大学, 学院), marker words in the
text. Ties go to the family marked ``default`` of the document's kind.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Iterable

__all__ = [
    "DEFAULT_FAMILY",
    "Family",
    "budget_title_variants",
    "budget_titles",
    "detect_family",
    "families",
    "get_family",
    "required_tables",
]


DEFAULT_FAMILY = "local_nine"  # the family of a final-accounts document nothing else marks


@dataclass(frozen=True)
class Family:
    id: str
    name: str
    kind: str  # "final" | "budget"
    required: tuple[str, ...]  # table ids the family must publish
    optional: tuple[str, ...]  # table ids some members add
    titles: dict[str, tuple[str, ...]]  # table id -> printed title variants
    budget_titles: tuple[str, ...]  # budget families: every title variant of their tables
    marker_titles: tuple[str, ...]
    marker_tables: tuple[str, ...]
    department_suffixes: tuple[str, ...]
    marker_text: tuple[str, ...]
    default: bool = False
    # the 情况说明 parts the family must contain (JS-NP-001 topic keys); empty: every topic
    narrative_topics: tuple[str, ...] = ()


@functools.cache
def families() -> tuple[Family, ...]:
    """Every family in ``data/families.json``, in file order."""
    raw = json.loads(resources.files(__package__).joinpath("data/families.json").read_text("utf-8"))
    out = []
    for f in raw["families"]:
        m = f.get("markers", {})
        out.append(
            Family(
                id=f["id"],
                name=f["name"],
                kind=f["kind"],
                required=tuple(f.get("required", ())),
                optional=tuple(f.get("optional", ())),
                titles={k: tuple(v) for k, v in f.get("titles", {}).items()},
                budget_titles=tuple(
                    dict.fromkeys(
                        [*f.get("budget_titles", ()), *(t for v in f.get("titles", {}).values() for t in v)]
                    )
                )
                if f["kind"] == "budget"
                else tuple(f.get("budget_titles", ())),
                marker_titles=tuple(m.get("titles", ())),
                marker_tables=tuple(m.get("tables", ())),
                department_suffixes=tuple(m.get("department_suffixes", ())),
                marker_text=tuple(m.get("text", ())),
                default=bool(f.get("default", False)),
                narrative_topics=tuple(f.get("narrative_topics", ())),
            )
        )
    return tuple(out)


def get_family(family_id: str) -> Family:
    """The family with this id (KeyError if there is none)."""
    for f in families():
        if f.id == family_id:
            return f
    raise KeyError(family_id)


_FUND_NAMES = ("一般公共预算", "政府性基金预算", "国有资本经营预算")


@functools.cache
def budget_titles() -> tuple[str, ...]:
    """Every budget table title the families know that names itself a budget (预算 beyond a fund
    name, or 绩效目标), longest first: 部门收支总表 alone does not tell a budget from accounts."""
    def says_budget(t: str) -> bool:
        for fund in _FUND_NAMES:
            t = t.replace(fund, "")
        return "预算" in t or "绩效目标" in t

    seen = {t for f in families() for t in f.budget_titles if says_budget(t)}
    return tuple(sorted(seen, key=len, reverse=True))


@functools.cache
def budget_title_variants() -> tuple[tuple[str, str], ...]:
    """(printed title variant, budget table id) of every budget family, longest variant first
    (spaces and quotes removed), so that 一般公共预算基本支出预算表 wins over 支出预算表."""
    seen: dict[str, str] = {}
    for f in families():
        if f.kind != "budget":
            continue
        for tid, variants in f.titles.items():
            for v in variants:
                seen.setdefault(_norm_title(v), tid)
    return tuple(sorted(seen.items(), key=lambda kv: len(kv[0]), reverse=True))


def _norm_title(s: str) -> str:
    return "".join(s.split()).replace("“", "").replace("”", "").replace('"', "")


def _score(fam: Family, tables: set[str], titles: list[str], department: str, text: list[str]) -> float:
    score = 0.0
    score += 3 * sum(1 for m in fam.marker_titles if any(m in t for t in titles))
    score += 3 * sum(1 for t in fam.marker_tables if t in tables)
    if department and any(department.endswith(s) for s in fam.department_suffixes):
        score += 2
    score += min(1, sum(1 for m in fam.marker_text if any(m in line for line in text)))
    if fam.required:  # how much of the family's set the document prints, and what it prints beyond
        score += len(tables & set(fam.required)) / len(fam.required)
        score -= 0.25 * len(tables - set(fam.required) - set(fam.optional))
    return score + (0.5 if fam.default else 0.0)


def detect_family(
    kind: str,
    *,
    tables: Iterable[str] = (),
    titles: Iterable[str] = (),
    department: str | None = None,
    text: Iterable[str] = (),
) -> Family | None:
    """The family of ``kind`` ("unknown" is judged as "final") whose markers and tables best
    match; None when the kind has no family."""
    want = "final" if kind == "unknown" else kind
    candidates = [f for f in families() if f.kind == want]
    if not candidates:
        return None
    tset, tlist = set(tables) - {""}, [_norm(t) for t in titles]
    tx = [t for line in text if len(t := _norm(line)) <= _HEADING_MAX]  # headings, not sentences
    dep = _norm(department or "")
    scored = [(_score(f, tset, tlist, dep, tx), -i, f) for i, f in enumerate(candidates)]
    return max(scored, key=lambda s: (s[0], s[1]))[2]


def required_tables(family_id: str | None) -> tuple[str, ...]:
    """The tables a document of this family must publish (the local nine when not told)."""
    if family_id is not None:
        try:
            return get_family(family_id).required
        except KeyError:
            pass
    return get_family(DEFAULT_FAMILY).required


_HEADING_MAX = 40


def _norm(s: str) -> str:
    return "".join(s.split())
