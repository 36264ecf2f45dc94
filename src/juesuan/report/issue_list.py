"""The 问题清单 (issue list) a reviewer hands back: one row per finding, in Chinese only.

Shared by the workbook (:mod:`.xlsx`) and the annotated PDF's summary page (:mod:`.annotate`):
every value is what a department reads — the severity's, table's, row's and column's printed or
Chinese names, never a contract key (``income.gpb``) or an English word (``error``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping

from juesuan.model import CellRef, CheckResult, Finding
from juesuan.rules.fingerprint import fingerprint
from juesuan.vocab import row_name

from .common import (
    NARRATIVE,
    cell_row_label,
    cell_table_name,
    column_name,
    ordered_findings,
    row_labels,
    severity_name,
    table_name,
    to_decimal,
)

ISSUE_SHEET = "问题清单"
ISSUE_HEADER: tuple[str, ...] = (
    "序号",
    "严重程度",
    "规则",
    "表",
    "行",
    "列",
    "页码",
    "原文",
    "期望值",
    "列示值",
    "差额",
    "说明",
    "处理意见",
    "部门回复",
)
# What a reviewer may write in 处理意见 (the review statuses of issue 13), offered as a list.
DECISIONS: tuple[str, ...] = ("待核", "确认问题", "非问题", "已整改")

# A contract key or an English word: never shown to a department (row keys such as
# ``income.gpb`` / ``func:201`` / ``三公.合计@budget`` and bare column keys).
_KEY = re.compile(r"[A-Za-z_]+[.:@][A-Za-z0-9_.:@]+|@[a-z]+|^[a-z_]+$")


def _readable(text: str, fallback: str = "") -> str:
    """``text`` unless it shows a key; then ``fallback`` (the caller's Chinese name)."""
    return fallback if _KEY.search(text or "") else text


@dataclass(slots=True)
class IssueRow:
    """One finding as the issue list shows it."""

    number: int
    finding: Finding
    fingerprint: str
    severity: str  # 错误 / 警告 / 提示
    rule: str
    tables: str
    rows: str
    columns: str
    pages: list[int] = field(default_factory=list)
    text: str = ""  # 原文: the sentence, or the cells as printed
    expected: Decimal | str | None = None
    printed: Decimal | str | None = None
    difference: Decimal | str | None = None
    message: str = ""
    decision: str = ""  # 处理意见: the review decision (status name, then the comment)
    reply: str = ""  # 部门回复

    @property
    def page_text(self) -> str:
        return "、".join(str(p) for p in self.pages)


def _number_or_text(text: str | None) -> Decimal | str | None:
    if text is None or text == "":
        return None
    d = to_decimal(text.rstrip("%"))
    return d if d is not None and not text.endswith("%") else text


def _row(cell: CellRef, labels: dict[tuple[str, str], str]) -> str:
    """The row's printed name, after its 科目编码 when it has one (never a row key)."""
    label = _readable(cell_row_label(cell, labels), _readable(row_name(cell.table, cell.row), ""))
    if cell.row.isdigit() and not label.startswith(cell.row):
        return f"{cell.row} {label}".strip()
    return label or "（未命名）"


def _pages(f: Finding) -> list[int]:
    pages = [c.page for c in f.cells if c.page is not None]
    if f.sentence and f.sentence.get("page") is not None:
        pages.insert(0, int(f.sentence["page"]))
    return sorted(dict.fromkeys(pages))


def _original(f: Finding) -> str:
    if f.sentence and f.sentence.get("text"):
        return str(f.sentence["text"])
    return "\n".join(c.value if c.value != "" else "（空）" for c in f.cells if c.table != NARRATIVE)


def decision_text(status_name: str, comment: str | None) -> str:
    """处理意见 as the hand-back shows it: "确认问题：请更正合计数", or the status name alone."""
    comment = (comment or "").strip()
    return f"{status_name}：{comment}" if comment else status_name


def issue_rows(
    result: CheckResult, findings: list[Finding] | None = None, reviews: Mapping[str, Any] | None = None
) -> list[IssueRow]:
    """The findings in report order (errors first), numbered from 1 as every report numbers them.

    ``reviews``: fingerprint → the finding's review (anything with ``status_name``, ``comment``
    and ``reply``, such as :meth:`juesuan.store.Store.review_map`'s entries) fills 处理意见 and
    部门回复; without it (the command line) both are left for the reviewer and the department."""
    labels = row_labels(result.document)
    findings = ordered_findings(result) if findings is None else findings
    out = []
    for n, f in enumerate(findings, start=1):
        cells = f.cells
        fp = fingerprint(f)
        review = reviews.get(fp) if reviews else None
        tables = [_readable(cell_table_name(c), "表格") for c in cells] or [_readable(table_name(t), "表格") for t in f.tables]
        out.append(
            IssueRow(
                number=n,
                finding=f,
                fingerprint=fp,
                severity=severity_name(f.severity),
                rule=f.rule,
                # one table named once; several, one line per cell (beside its 行 and 列)
                tables="\n".join(dict.fromkeys(tables) if len(set(tables)) == 1 else tables),
                rows="\n".join(_row(c, labels) for c in cells),
                columns="\n".join(_readable(column_name(c.table, c.column), "数值") for c in cells),
                pages=_pages(f),
                text=_original(f),
                expected=_number_or_text(f.expected),
                printed=_number_or_text(f.printed),
                difference=_number_or_text(f.difference),
                message=f.message,
                decision="" if review is None else decision_text(str(review.status_name), review.comment),
                reply="" if review is None else (review.reply or ""),
            )
        )
    return out


__all__ = ["DECISIONS", "decision_text", "ISSUE_HEADER", "ISSUE_SHEET", "IssueRow", "issue_rows"]
