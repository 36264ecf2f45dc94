"""Plant a wrong value into a copy of a converter-text document, at a fact's printed cell."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from .ingest.text import decode
from .model import Document, format_decimal


def plant(
    path: Path, doc: Document, table: str, row: str, column: str, value: Decimal
) -> tuple[str, str]:
    """The document's text with one cell replaced, and where (``第N行``)."""
    fact = doc.index().get((table, row, column))
    if fact is None:
        raise KeyError(f"{table}/{row}/{column}: 文档中没有这个单元格")
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
