"""Plant a wrong value into a copy of a converter-text document, at a fact's printed cell.

A cell is named by keys (``expenditure / total / basic``) or as the document prints it
(``支出决算表 / 合计 / 基本支出``); :func:`resolve_cell` turns either into the facts contract's keys
and, when a name matches nothing, lists the valid ones.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from .ingest.text import decode
from .model import TABLE_NAMES_ZH, Document, Fact, format_decimal
from .vocab import PERF_COLUMN_NAMES, PERF_TABLE_NAMES, column_header, column_name, row_name

_LISTED = 30  # at most this many valid keys in a message


class CellNameError(ValueError):
    """A table, row or column name that the document does not have (the message lists valid ones)."""


_SPACE = re.compile(r"[\s\u3000]+")


def _norm(text: str | None) -> str:
    """A name for comparing: no spaces, no quotes, no trailing colon, ASCII parentheses."""
    s = _SPACE.sub("", text or "")
    s = s.replace("（", "(").replace("）", ")").replace("“", "").replace("”", "").replace('"', "")
    return s.rstrip(":：")


def _table_names(doc: Document, table: str) -> set[str]:
    names = {TABLE_NAMES_ZH.get(table, ""), PERF_TABLE_NAMES.get(table, "")}
    names |= {t.title or "" for t in doc.tables if t.id == table}
    return {_norm(n) for n in names if n}


def _choices(items: list[tuple[str, str]]) -> str:
    shown = [f"{key}（{name}）" if name and name != key else key for key, name in items[:_LISTED]]
    more = f" 等 {len(items)} 个" if len(items) > _LISTED else ""
    return "、".join(shown) + more


def _pick(wanted: str, what: str, keys: list[str], names: dict[str, set[str]], where: str) -> str:
    """``wanted`` as a key, or the one key one of whose names it is."""
    if wanted in keys:
        return wanted
    w = _norm(wanted)
    hits = [k for k in keys if w and w in names.get(k, set())]
    if not hits:  # a printed title with a year or number around the name: 2024年度支出决算表
        hits = [k for k in keys if w and any(n and (n in w or w in n) and len(n) >= 4 for n in names.get(k, set()))]
    if len(hits) == 1:
        return hits[0]
    listing = [(k, next(iter(sorted(names.get(k, set()), key=len)), "")) for k in (hits or keys)]
    if hits:
        raise CellNameError(f"{where}{what}「{wanted}」不唯一，请用编号之一：{_choices(listing)}")
    raise CellNameError(f"{where}没有{what}「{wanted}」；可用：{_choices(listing) or '（无）'}")


def resolve_cell(doc: Document, table: str, row: str, column: str) -> tuple[str, str, str]:
    """The keys of the cell named by ``table``/``row``/``column`` (keys or printed names)."""
    tables = list(dict.fromkeys([t.id for t in doc.tables] + [f.table for f in doc.facts]))
    t = _pick(table, "表", tables, {k: _table_names(doc, k) for k in tables}, "文档中")
    facts = [f for f in doc.facts if f.table == t]
    rows = list(dict.fromkeys(f.row for f in facts))
    info = next((x for x in doc.tables if x.id == t), None)
    row_names: dict[str, set[str]] = {r: {_norm(row_name(t, r))} for r in rows}
    for f in facts:
        if f.label:
            row_names[f.row].add(_norm(f.label))
            code = f.label.split()[0] if f.label.split() else ""
            if code != f.label:
                row_names[f.row].add(_norm(f.label[len(code):]))
    if info is not None:
        for r, label in info.row_labels.items():
            if r in row_names and label:
                row_names[r].add(_norm(label))
    where = f"{TABLE_NAMES_ZH.get(t) or PERF_TABLE_NAMES.get(t) or t}（{t}）中"
    wanted_row = row.split()[0] if row.split() and row.split()[0] in rows else row
    r = _pick(wanted_row, "行", rows, {k: {n for n in v if n} for k, v in row_names.items()}, where)
    columns = list(dict.fromkeys(f.column for f in facts if f.row == r)) or list(
        dict.fromkeys(f.column for f in facts)
    )
    col_names = {
        c: {_norm(n) for n in (column_header(t, c), column_name(t, c), PERF_COLUMN_NAMES.get(c, "")) if n}
        for c in columns
    }
    c = _pick(column, "列", columns, col_names, f"{where}行 {r} ")
    return t, r, c


def find_fact(doc: Document, table: str, row: str, column: str) -> Fact:
    key = resolve_cell(doc, table, row, column)
    fact = doc.index().get(key)
    if fact is None:  # pragma: no cover - resolve_cell only returns keys of facts
        raise CellNameError(f"{'/'.join(key)}: 文档中没有这个单元格")
    return fact


def plant(
    path: Path, doc: Document, table: str, row: str, column: str, value: Decimal
) -> tuple[str, str]:
    """The document's text with one cell replaced, and where (``第N行``)."""
    fact = find_fact(doc, table, row, column)
    if fact.prov.line is None:
        raise ValueError("只能修改文本导出文件（需要行号）")
    lines = decode(path.read_bytes(), path.name).splitlines(keepends=True)
    idx = fact.prov.line - 1
    cells = lines[idx].rstrip("\r\n").split("\t")
    hits = [i for i, c in enumerate(cells) if c.strip() == fact.raw]
    if not hits:
        raise ValueError(f"第{fact.prov.line}行找不到单元格 {fact.raw!r}")
    ending = lines[idx][len(lines[idx].rstrip("\r\n")) :]
    # the k-th occurrence: several cells on a row may print the same value
    same = [f for f in doc.facts if f.prov.line == fact.prov.line and f.raw == fact.raw]
    k = min(same.index(fact), len(hits) - 1) if fact in same else 0
    cells[hits[k]] = format_decimal(value)
    lines[idx] = "\t".join(cells) + ending
    return "".join(lines), f"第{fact.prov.line}行"
