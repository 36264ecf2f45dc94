"""What the store's queries return: plain dataclasses with ``to_dict()`` for JSON (Decimals as strings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from ..model import CellRef, Finding, format_decimal


def dec_str(value: Decimal | None) -> str | None:
    return None if value is None else format_decimal(value)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(slots=True)
class IngestOutcome:
    """What ingesting one file did. ``status`` is "ingested" (new) or "exists" (same sha256 stored)."""

    status: Literal["ingested", "exists"]
    document_id: int
    sha256: str
    file_name: str | None = None
    department: str | None = None
    year: int | None = None
    facts: int = 0
    findings: int | None = None  # None: not checked (rule engine unavailable or it failed)
    rules_version: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def created(self) -> bool:
        return self.status == "ingested"

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "document_id": self.document_id,
            "sha256": self.sha256,
            "file_name": self.file_name,
            "department": self.department,
            "year": self.year,
            "facts": self.facts,
            "findings": self.findings,
            "rules_version": self.rules_version,
            "warnings": list(self.warnings),
        }


@dataclass(slots=True)
class StoredDocument:
    id: int
    sha256: str
    file_name: str | None
    format: str
    pages: int | None
    department_id: int | None
    department: str | None
    region: str | None
    level: str | None
    year: int | None
    unit: str
    ingested_at: datetime
    parser_version: str
    fact_count: int
    rules_version: str | None = None  # of the latest check; None when never checked
    errors: int | None = None
    warnings: int | None = None
    infos: int | None = None
    kind: str | None = None  # final | budget (Document.kind); None: stored before kinds were kept
    scope: str | None = None  # department | unit
    family: str | None = None  # template family (refdata/data/families.json)
    status: str | None = None  # review status: new | in_review | returned | approved

    @property
    def checked(self) -> bool:
        return self.rules_version is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sha256": self.sha256,
            "file_name": self.file_name,
            "format": self.format,
            "pages": self.pages,
            "department_id": self.department_id,
            "department": self.department,
            "region": self.region,
            "level": self.level,
            "year": self.year,
            "kind": self.kind,
            "scope": self.scope,
            "family": self.family,
            "status": self.status,
            "unit": self.unit,
            "ingested_at": _iso(self.ingested_at),
            "parser_version": self.parser_version,
            "fact_count": self.fact_count,
            "rules_version": self.rules_version,
            "counts": None
            if self.rules_version is None
            else {"error": self.errors, "warning": self.warnings, "info": self.infos},
        }


@dataclass(slots=True)
class StoredFact:
    document_id: int
    table: str
    row: str
    column: str
    value: Decimal
    raw: str
    label: str = ""
    project: str = ""
    level: str | None = None
    line: int | None = None
    page: int | None = None
    ref: str | None = None

    @property
    def value_str(self) -> str:
        return format_decimal(self.value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "value": self.value_str,
            "raw": self.raw,
            "label": self.label,
            "project": self.project,
            "level": self.level,
            "line": self.line,
            "page": self.page,
            "ref": self.ref,
        }


_CELL_FIELDS = tuple(CellRef.__dataclass_fields__)


def cell_to_json(c: CellRef) -> dict[str, Any]:
    """Every field of the cell (table, row, column, value, page, line, label, project, ref…)."""
    return {name: getattr(c, name) for name in _CELL_FIELDS}


def cell_from_json(d: dict[str, Any]) -> CellRef:
    kwargs: dict[str, Any] = {name: d[name] for name in _CELL_FIELDS if name in d}
    for name in ("table", "row", "column", "value"):
        kwargs[name] = str(kwargs.get(name) or "")
    if "label" in _CELL_FIELDS:
        kwargs["label"] = str(kwargs.get("label") or "")
    return CellRef(**kwargs)


@dataclass(slots=True)
class StoredFinding:
    id: int
    document_id: int
    rules_version: str
    rule: str
    severity: str
    family: str
    title: str
    message: str
    tables: list[str]
    cells: list[CellRef]
    expected: str | None
    printed: str | None
    difference: str | None
    extra: dict[str, Any] = field(default_factory=dict)  # Finding fields beyond these (e.g. sentence)

    def to_finding(self) -> Finding:
        known = Finding.__dataclass_fields__
        return Finding(
            rule=self.rule,
            severity=self.severity,  # type: ignore[arg-type]
            title=self.title,
            message=self.message,
            tables=list(self.tables),
            cells=list(self.cells),
            expected=self.expected,
            printed=self.printed,
            difference=self.difference,
            family=self.family,
            **{k: v for k, v in self.extra.items() if k in known},
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "document_id": self.document_id,
            "rules_version": self.rules_version,
            "rule": self.rule,
            "severity": self.severity,
            "family": self.family,
            "title": self.title,
            "message": self.message,
            "tables": list(self.tables),
            "cells": [cell_to_json(c) for c in self.cells],
            "expected": self.expected,
            "printed": self.printed,
            "difference": self.difference,
            "extra": dict(self.extra),
        }


# Finding fields with a column of their own; any other field goes to findings.extra (JSON).
FINDING_COLUMNS = frozenset(
    {"rule", "severity", "title", "message", "tables", "cells", "expected", "printed", "difference", "family"}
)


def finding_extra(f: Finding) -> dict[str, Any] | None:
    """The finding's fields that have no column (e.g. ``sentence``), JSON-ready; None if none set."""
    from .perfjson import to_json

    out = {}
    for name in Finding.__dataclass_fields__:
        if name in FINDING_COLUMNS:
            continue
        value = getattr(f, name, None)
        if value not in (None, "", [], {}):
            out[name] = to_json(value)
    return out or None


@dataclass(slots=True)
class DepartmentInfo:
    id: int
    name: str
    region: str | None
    level: str | None
    years: list[int]
    documents: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "region": self.region,
            "level": self.level,
            "years": list(self.years),
            "documents": self.documents,
        }


THREE_PUBLIC_ITEMS: tuple[str, ...] = (
    "total",
    "overseas",
    "vehicle",
    "vehicle_purchase",
    "vehicle_operation",
    "reception",
)


@dataclass(slots=True)
class FunctionAmount:
    code: str  # 类 code, e.g. "208"
    name: str
    amount: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "amount": dec_str(self.amount)}


@dataclass(slots=True)
class Figures:
    """The headline figures of one document (a department's year), for comparison."""

    document_id: int
    department_id: int | None
    department: str | None
    region: str | None
    level: str | None
    year: int | None
    income_total: Decimal | None = None
    expense_total: Decimal | None = None
    basic: Decimal | None = None
    project: Decimal | None = None
    three_public: dict[str, Decimal | None] = field(default_factory=dict)  # 决算数
    three_public_budget: dict[str, Decimal | None] = field(default_factory=dict)  # 预算数
    running_cost: Decimal | None = None  # 机关运行经费
    running_cost_source: str | None = None  # "disclosure_stats" | "narrative"
    by_function: list[FunctionAmount] = field(default_factory=list)
    by_function_source: str | None = None  # the table the classes were read from

    def metric(self, key: str) -> Decimal | None:
        """A figure by key: income_total, expense_total, basic, project, running_cost, 3p.<item>."""
        if key.startswith("3p."):
            return self.three_public.get(key[3:])
        if key.startswith("fn."):
            return next((f.amount for f in self.by_function if f.code == key[3:]), None)
        return getattr(self, key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "department_id": self.department_id,
            "department": self.department,
            "region": self.region,
            "level": self.level,
            "year": self.year,
            "income_total": dec_str(self.income_total),
            "expense_total": dec_str(self.expense_total),
            "basic": dec_str(self.basic),
            "project": dec_str(self.project),
            "three_public": {k: dec_str(v) for k, v in self.three_public.items()},
            "three_public_budget": {k: dec_str(v) for k, v in self.three_public_budget.items()},
            "running_cost": dec_str(self.running_cost),
            "running_cost_source": self.running_cost_source,
            "by_function": [f.to_dict() for f in self.by_function],
            "by_function_source": self.by_function_source,
        }


@dataclass(slots=True)
class Comparison:
    year: int | None
    rows: list[Figures]
    missing: list[str]  # requested departments with no document for the year

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "departments": [r.to_dict() for r in self.rows],
            "missing": list(self.missing),
        }
