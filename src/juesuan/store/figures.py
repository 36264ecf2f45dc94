"""Code levels, roll-ups and the headline figures of a document, computed exactly in Python."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Mapping

from .records import THREE_PUBLIC_ITEMS, Figures, FunctionAmount

ZERO = Decimal(0)

# 类 / 款 / 项 → number of digits of a classification code at that level.
LEVEL_DIGITS: dict[str, int] = {"类": 3, "款": 5, "项": 7}
_LEVEL_ALIASES: dict[str, str] = {
    "类": "类", "款": "款", "项": "项",
    "class": "类", "section": "款", "item": "项",
    "lei": "类", "kuan": "款", "xiang": "项",
    "1": "类", "2": "款", "3": "项",
}  # fmt: skip

# Tables whose rows are keyed by a classification code (facts.md).
CODED_TABLES = frozenset(
    {"income", "expenditure", "gpb_expenditure", "gov_fund", "soe_capital", "gpb_basic"}
)

# Tables read for the spending by function class, in order of preference, and their column.
FUNCTION_SOURCES: tuple[tuple[str, str], ...] = (
    ("expenditure", "total"),
    ("gpb_expenditure", "total"),
)

COMPARE_TABLES: tuple[str, ...] = (
    "income_expense_summary",
    "income",
    "expenditure",
    "gpb_expenditure",
    "three_public",
    "disclosure_stats",
)

Key = tuple[str, str, str]  # (table, row, column)


def normalize_level(level: str | None) -> str | None:
    """类/款/项 (also class/section/item); ValueError for anything else."""
    if level is None or level == "":
        return None
    out = _LEVEL_ALIASES.get(level.strip().lower())
    if out is None:
        raise ValueError(f"unknown code level {level!r}: use 类, 款 or 项")
    return out


def row_level(table: str, row: str) -> str | None:
    """The code level of a row key: ``208`` 类, ``20801`` 款, ``2080101`` 项, ``expense.208`` 类."""
    code = row[len("expense.") :] if row.startswith("expense.") else row
    if not code.isdigit():
        return None
    if row.startswith("expense.") or table in CODED_TABLES:
        return {3: "类", 5: "款", 7: "项"}.get(len(code))
    return None


def rollup(values: Mapping[str, Decimal], level: str) -> dict[str, Decimal]:
    """Amounts by code at ``level``, from rows printed at any level.

    A code printed at the level is taken as printed; otherwise it is the sum of its children at
    the next level, each of them again as printed or summed from below (documents that print only
    项 rows still give 类 totals, and nothing is counted twice).
    """
    digits = LEVEL_DIGITS[normalize_level(level) or "类"]
    codes = [c for c in values if c.isdigit()]

    def value(prefix: str) -> Decimal:
        if prefix in values:
            return values[prefix]
        width = len(prefix) + 2
        children = sorted({c[:width] for c in codes if len(c) >= width and c.startswith(prefix)})
        return sum((value(ch) for ch in children), ZERO)

    groups = sorted({c[:digits] for c in codes if len(c) >= digits})
    return {g: value(g) for g in groups}


def function_name(code: str, year: int | None, labels: Mapping[str, str]) -> str:
    """The classification's name for a code (the same across documents), else the printed label."""
    try:
        from ..refdata import function_codes

        name = function_codes(year or 2024).name(code)
    except Exception:  # pragma: no cover - reference data is optional here
        name = None
    return name or labels.get(code) or code


def _first(*values: Decimal | None) -> Decimal | None:
    """The first value that was printed (a printed 0 counts; ``or`` would skip it)."""
    return next((v for v in values if v is not None), None)


def _sum_present(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, ZERO) if present else None


def compute_figures(
    base: Figures,
    facts: Mapping[Key, Decimal],
    labels: Mapping[tuple[str, str], str],
    claims: Iterable[tuple[str, str, Decimal, str]] = (),
) -> Figures:
    """Fill ``base`` from a document's facts ``{(table, row, column): value}``.

    ``claims`` are narrative figures ``(subject, kind, value, unit)``, a fallback for 机关运行经费.
    """
    f = facts.get
    ies = "income_expense_summary"
    base.income_total = _first(f((ies, "income.total", "amount")), f(("income", "total", "total")))
    base.expense_total = _first(
        f((ies, "expense.total", "amount")),
        f(("expenditure", "total", "total")),
        f(("gpb_expenditure", "total", "total")),
    )
    for source in ("expenditure", "gpb_expenditure"):
        basic, project = f((source, "total", "basic")), f((source, "total", "project"))
        if basic is not None or project is not None:
            base.basic, base.project = basic, project
            break

    for column, out in (("final", base.three_public), ("budget", base.three_public_budget)):
        items = {k: f(("three_public", k, column)) for k in THREE_PUBLIC_ITEMS}
        if items["vehicle"] is None:
            items["vehicle"] = _sum_present([items["vehicle_purchase"], items["vehicle_operation"]])
        if items["total"] is None:
            items["total"] = _sum_present([items["overseas"], items["vehicle"], items["reception"]])
        out.update(items)

    admin = _sum_present(
        [
            f(("disclosure_stats", "running_cost.admin", "value")),
            f(("disclosure_stats", "running_cost.civil_servant_mgmt", "value")),
        ]
    )
    if admin is not None:
        base.running_cost, base.running_cost_source = admin, "disclosure_stats"
    else:
        for subject, kind, value, unit in claims:
            if "机关运行经费" in subject and kind == "amount" and unit in ("万元", "元", "亿元"):
                scale = {"万元": Decimal(1), "元": Decimal("0.0001"), "亿元": Decimal(10000)}[unit]
                base.running_cost, base.running_cost_source = value * scale, "narrative"
                break

    # Spending by 类: from the table that covers the most (a table partly lost in extraction
    # must not hide classes another table prints); ties go to the order of FUNCTION_SOURCES.
    candidates: list[tuple[str, dict[str, Decimal], dict[str, str]]] = []
    for table, column in FUNCTION_SOURCES:
        values = {row: v for (t, row, col), v in facts.items() if t == table and col == column}
        classes = rollup(values, "类")
        if classes:
            tl = {row: lab for (t, row), lab in labels.items() if t == table}
            candidates.append((table, classes, tl))
    summary = {
        row[len("expense.") :]: v
        for (t, row, col), v in facts.items()
        if t == ies and col == "amount" and row_level(t, row) == "类"
    }
    if summary:
        tl = {row[len("expense.") :]: lab for (t, row), lab in labels.items() if t == ies}
        candidates.append((ies, dict(sorted(summary.items())), tl))
    if candidates:
        best = max(range(len(candidates)), key=lambda i: (sum(candidates[i][1].values(), ZERO), -i))
        table, classes, tl = candidates[best]
        base.by_function = [
            FunctionAmount(code, function_name(code, base.year, tl), amount)
            for code, amount in classes.items()
        ]
        base.by_function_source = table
    return base
