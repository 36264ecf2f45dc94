"""The findings contract as JSON.

Amounts are decimal strings without separators (``"1242.08"``); a cell's printed text is apart, in
``raw``. The document is named by its file name only. ``schema_version`` says which layout this is.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from juesuan.model import UNIT_FACTORS, CellRef, CheckResult, Finding, TableInfo, format_decimal
from juesuan.rules.fingerprint import fingerprint
from juesuan.money import parse_amount
from juesuan.safe_output import file_name

from .common import (
    cell_row_label,
    column_name,
    missing_standard_tables,
    ordered_findings,
    row_labels,
    severity_name,
    table_name,
)
from .perf import perf_summary


# 2: cell "value" is the amount without separators and "raw" the printed text (1: the printed text)
SCHEMA_VERSION = "2"


def plain_amount(text: str | None) -> str | None:
    """A printed amount as a decimal string without separators; other text as it is."""
    if text is None:
        return None
    try:
        value = parse_amount(text)
    except (ValueError, ArithmeticError):
        return text
    return "" if value is None else format_decimal(value)


def _table(t: TableInfo) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": table_name(t.id),
        "title": t.title,
        "number": t.number,
        "unit": t.unit,
        "page": t.prov.page,
        "line": t.prov.line,
        "empty": t.empty,
        "fragment": t.fragment,
        "layout": t.layout,
        "notes": list(t.notes),
    }


def _cell(c: CellRef, labels: dict[tuple[str, str], str]) -> dict[str, Any]:
    return {
        "table": c.table,
        "row": c.row,
        "column": c.column,
        "value": _wan(c),
        "raw": c.value,
        **({"unit": c.unit} if c.unit else {}),
        "page": c.page,
        "line": c.line,
        "ref": c.ref,
        "label": cell_row_label(c, labels),
        "column_name": column_name(c.table, c.column),
        **({"project": c.project} if c.project else {}),
    }


def _wan(c: CellRef) -> str | None:
    """A cell's value in 万元 (the facts contract's unit), whatever unit its table printed."""
    shown = plain_amount(c.value)
    if not c.unit or not shown:
        return shown
    try:
        return format_decimal(Decimal(shown) * UNIT_FACTORS[c.unit])
    except ArithmeticError:  # not a number (the value is then as printed)
        return shown


def _finding(f: Finding, labels: dict[tuple[str, str], str]) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "fingerprint": fingerprint(f),
        "severity": f.severity,
        "severity_name": severity_name(f.severity),
        "family": f.family,
        "title": f.title,
        "message": f.message,
        "tables": list(f.tables),
        "cells": [_cell(c, labels) for c in f.cells],
        "expected": plain_amount(f.expected),
        "printed": plain_amount(f.printed),
        "difference": plain_amount(f.difference),
        **_sentence(f),
    }


def _sentence(f: Finding) -> dict[str, Any]:
    """``sentence``: the narrative sentence a finding is about (families NR/NP), when there is one."""
    s = getattr(f, "sentence", None)
    if not s:
        return {}
    out = {"text": s.get("text"), "line": s.get("line"), "page": s.get("page")}
    if s.get("number"):
        out["number"] = s["number"]
    return {"sentence": out}


def to_json_dict(result: CheckResult) -> dict[str, Any]:
    """The findings contract: ``document``, ``findings`` (errors first), ``summary``."""
    doc = result.document
    labels = row_labels(doc)
    findings = ordered_findings(result)
    return {
        "schema_version": SCHEMA_VERSION,
        "document": {
            "department": doc.department,
            "year": doc.year,
            "kind": doc.kind,
            "scope": doc.scope,
            "family": doc.family,
            "template": doc.template,
            "source": file_name(doc.source),
            "format": doc.format,
            "unit": doc.unit,
            "pages": doc.pages,
            "tables": [_table(t) for t in doc.tables],
            "unreadable": list(doc.unreadable),
            "warnings": list(doc.warnings),
            **({"perf": perf_summary(result)} if doc.perf else {}),
        },
        "findings": [_finding(f, labels) for f in findings],
        "summary": {
            "errors": result.count("error"),
            "warnings": result.count("warning"),
            "info": result.count("info"),
            "findings": len(findings),
            "tables_found": [t.id for t in doc.tables],
            "tables_missing": missing_standard_tables(doc),
            "facts": len(doc.facts),
        },
    }


def render_json(result: CheckResult) -> str:
    return json.dumps(to_json_dict(result), ensure_ascii=False, indent=2) + "\n"
