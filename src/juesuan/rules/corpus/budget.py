"""JS-CO-004 / JS-CO-005: a final-accounts document's 年初预算数 against the department's stored
budget of the same year.

A department publishes its budget (部门预算) in spring and its final accounts (部门决算) of the
same year the next summer; the final accounts restate the budget as 预算数 / 年初预算数. Where the
same department (printed name, scope) has a stored budget of that year (``kind == "budget"``):

* JS-CO-004: the 三公 table's ``budget`` column (each of 合计, 因公出国(境)费, 公务用车购置及运行费
  and its two parts, 公务接待费) against the budget's 三公 table (``budget_three_public``,
  ``budget``); the 一般公共预算财政拨款支出 table has no budget column;
* JS-CO-005: the narrative's 年初预算 amounts (…年初预算为 X 万元) of the 三公 items and of the
  一般公共预算财政拨款支出 (its total or a function code) against the budget's
  ``budget_three_public`` / ``budget_gpb_expenditure`` cell; a completion rate (完成年初预算的 z%)
  against final ÷ the budget's figure.

A final budget can be adjusted during the year (调整预算), and regions differ in whether 预算数
means 年初 or 调整后: a warning, never an error, and no finding where either side is not printed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from ...model import CellRef, Document
from ...money import compare, compare_ratio, fmt
from ..engine import Issue, ex
from ..link import Linker, outline
from .base import CorpusRule, Peers, amounts, cex, latest, other_cell, precise, same_series
from .units import cell_title

LAW = (
    "《地方预决算公开操作规程》（财预〔2016〕143号）第四条：预决算公开应当坚持真实、准确、完整、及时；"
    "部门决算应与批复的部门预算口径一致。"
)

THREE_PUBLIC_ROWS = ("total", "overseas", "vehicle", "vehicle_purchase", "vehicle_operation", "reception")


def budget_key(key: tuple[str, str, str]) -> tuple[str, str, str] | None:
    """The budget's cell for a final-accounts cell (None when the budget prints no such thing)."""
    table, row, column = key
    if table == "three_public" and row in THREE_PUBLIC_ROWS:
        return ("budget_three_public", row, "budget")
    if table == "gpb_expenditure" and column in ("total", "basic", "project"):
        return ("budget_gpb_expenditure", row, column)
    return None


def _budget_of(doc: Document, peers: Peers):  # type: ignore[no-untyped-def]
    if doc.year is None or doc.kind == "budget":
        return None, None
    peer = latest(same_series(doc, peers, year=doc.year, kind="budget"))
    if peer is None:
        return None, None
    return peer, amounts(peers.load(peer))


def _table(doc: Document, peers: Peers) -> Iterator[Issue]:
    peer, budget = _budget_of(doc, peers)
    if peer is None:
        return
    now = amounts(doc)
    for row in THREE_PUBLIC_ROWS:
        key = ("three_public", row, "budget")
        bkey = budget_key(("three_public", row, "final"))
        if key not in now or bkey is None or bkey not in budget:
            continue
        printed, stated = precise(now[key].value), precise(budget[bkey].value)
        result = compare(printed, [(1, stated)])
        if result.ok:
            continue
        yield Issue(
            {
                "cell": cell_title(key), "printed": fmt(printed), "budget": fmt(stated),
                "budget_file": peer.file_name or f"#{peer.id}", "difference": fmt(printed - stated),
            },
            ["three_public"],
            [CellRef.of(now[key]), other_cell(budget[bkey], peer)],
            row=row, expected=fmt(stated), printed=fmt(printed), difference=fmt(printed - stated),
        )  # fmt: skip


def _narrative(doc: Document, peers: Peers) -> Iterator[Issue]:
    peer, budget = _budget_of(doc, peers)
    if peer is None or not doc.claims:
        return
    now = amounts(doc)
    ol = outline(doc)
    linker = Linker(doc)
    for c in doc.claims:
        if c.kind == "amount" and c.subject.endswith("@budget"):
            subject, rate = c.subject[: -len("@budget")], False
        elif c.kind == "completion_pct" and "@" not in c.subject and not c.subject.startswith("raw:"):
            subject, rate = c.subject, True
        else:
            continue
        _, section, _ = ol.state(ol.index_of(c.prov))
        keys = linker.subject_cells(subject, section)
        if not keys or len(keys) != 1:
            continue
        bkey = budget_key(keys[0])
        if bkey is None or bkey not in budget:
            continue
        stated = precise(budget[bkey].value)
        sentence = {"text": c.text, "line": c.prov.line, "page": c.prov.page, "number": c.raw}
        if rate:
            if keys[0] not in now:
                continue
            final = precise(now[keys[0]].value)
            result = compare_ratio(c.value, final, stated)
            if result is None or result.ok:
                continue
            what = (f"完成年初预算 {fmt(c.value)}%，按本年决算 {fmt(final)} ÷ 库中预算 {fmt(stated)} "
                    f"计算应为 {fmt(result.expected)}%")  # fmt: skip
            expected, printed = fmt(result.expected), fmt(c.value)
        else:
            value = c.value_wan
            if value is None:
                continue
            result = compare(value, [(1, stated)])
            if result.ok:
                continue
            what = f"年初预算 {fmt(value)}，库中预算为 {fmt(stated)}"
            expected, printed = fmt(stated), fmt(value)
        yield Issue(
            {"subject": subject.replace(".", "·"), "what": what, "budget_file": peer.file_name or f"#{peer.id}"},
            [keys[0][0]],
            [other_cell(budget[bkey], peer)] + ([CellRef.of(now[keys[0]])] if keys[0] in now else []),
            row=keys[0][1], expected=expected, printed=printed,
            difference=fmt(Decimal(printed) - Decimal(expected)), sentence=sentence,
        )  # fmt: skip


_FINAL = {"department": "示例部门", "year": 2024}
_BUDGET = {"department": "示例部门", "year": 2024, "kind": "budget"}
_TEXT = (
    "三、“三公”经费支出决算情况说明",
    "2024年度“三公”经费财政拨款支出年初预算为10.00万元，支出决算为8.00万元，完成年初预算的80.00%。",
)

TABLE_RULE = CorpusRule(
    id="JS-CO-004",
    title="“三公”经费表的预算数与库中部门预算不符",
    severity="warning",
    legal_basis=LAW,
    message="{cell} {printed}，库中同年度部门预算（{budget_file}）为 {budget}，相差 {difference}",
    doc=(
        "决算“三公”经费表的预算数（合计、因公出国（境）费、公务用车购置及运行费及其两项、公务接待费）与库中同一部门同年度部门预算的"
        "“三公”经费预算表（budget_three_public 的本年预算数）比较。各地“预算数”有年初与调整后之分，年中可调整预算，故为警告；任一方未印出时不比较。"
    ),
    check=_table,
    passing=(
        cex(
            ex("three_public/total/budget=10.00", "three_public/total/final=8.00", meta=_FINAL),
            ex("budget_three_public/total/budget=10.00", meta=_BUDGET),
        ),
        cex(
            ex("three_public/total/budget=10.00", "three_public/total/final=8.00", meta=_FINAL),
            ex("budget_three_public/total/budget=12.00", meta={**_BUDGET, "year": 2023}),
            note="库中只有上一年度的预算：不比较",
        ),
    ),
    failing=(
        cex(
            ex("three_public/total/budget=10.00", "three_public/total/final=8.00", meta=_FINAL),
            ex("budget_three_public/total/budget=12.00", meta=_BUDGET),
        ),
    ),
)

NARRATIVE_RULE = CorpusRule(
    id="JS-CO-005",
    title="情况说明的年初预算数与库中部门预算不符",
    severity="warning",
    legal_basis=LAW,
    message="情况说明「{subject}」{what}（{budget_file}）",
    doc=(
        "情况说明中“三公”经费各项、一般公共预算财政拨款支出（合计或功能科目）的“年初预算为 X 万元”与库中同一部门同年度部门预算的对应单元格比较；"
        "“完成年初预算的 z%”与本年决算数 ÷ 库中预算数比较（区间语义）。警告；库中没有同年度预算或预算未印出该项时不比较。"
    ),
    check=_narrative,
    passing=(
        cex(
            ex("three_public/total/budget=10.00", "three_public/total/final=8.00", text=_TEXT, meta=_FINAL),
            ex("budget_three_public/total/budget=10.00", meta=_BUDGET),
        ),
    ),
    failing=(
        cex(
            ex("three_public/total/budget=10.00", "three_public/total/final=8.00", text=_TEXT, meta=_FINAL),
            ex("budget_three_public/total/budget=16.00", meta=_BUDGET),
            note="年初预算数和完成率都与库中预算不符",
        ),
    ),
)

# one text documents both (the module's)


RULES = (TABLE_RULE, NARRATIVE_RULE)
