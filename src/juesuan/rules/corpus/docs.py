"""A corpus rule in docs/rules.md: like a catalog rule, each example a set of documents."""

from __future__ import annotations

from typing import Callable

from ..engine import Example
from .base import CorpusExample, CorpusRule

STORE_NOTE = (
    "跨文档规则：需要库中的其他文档（同一部门的上年决算、同年度的其他版本、所属部门的汇总决算、同年度的部门预算），"
    "在 `juesuan ingest` 入库后和 `juesuan check FILE --db URL` 时运行，发现与该文档的检查一起保存。"
)


def _example(eid: str, e: CorpusExample, one: Callable[[str, Example], str]) -> list[str]:
    lines = [one(eid, e.document).replace(f"- **{eid}**：", f"- **{eid}**：检查的文档：", 1)]
    if e.stored:
        for k, s in enumerate(e.stored, start=1):
            lines.append("  " + one(f"{eid}.{k}", s).replace(f"- **{eid}.{k}**：", f"- 库中文档 {k}：", 1))
    else:
        lines.append("  - 库中没有其他文档")
    if e.note:
        lines.append(f"  - （{e.note}）")
    return lines


def corpus_rule_markdown(r: CorpusRule, one: Callable[[str, Example], str]) -> str:
    from ..docs import rule_section

    return rule_section(r, lambda i, e: _example(i, e, one), note=STORE_NOTE)
