"""JS-CO-002: one department-year's figures across stored versions (a resubmission).

The version stored last before the document (same department, year, kind and scope) is
compared with it: for every narrative amount that restates one table cell (the narrative linker,
:mod:`juesuan.rules.link`) in both versions, a cell whose printed value changed while the sentence
restating it kept its number (the tables were corrected, the narrative was not), or a sentence
whose number changed while the cell kept its value (the narrative was edited, the tables not),
is reported once per cell when the two now disagree. Conservative: a warning, and nothing when
the change made them agree (a correction), when the versions print the same values, or when a
cell or its sentence is missing from either version.
"""

from __future__ import annotations

from typing import Iterator

from ...model import CellRef, Document
from ..engine import Issue, ex
from ..link import link
from ...money import compare
from .base import CorpusRule, Peers, amounts, cex, kind_of, latest, other_cell, precise, same_series

LAW = "《地方预决算公开操作规程》（财预〔2016〕143号）第四条：预决算公开应当坚持真实、准确、完整、及时。"


def _restated(doc: Document) -> dict[tuple[str, tuple], tuple[int, object]]:
    """(subject, cell) → (claim index, claim) for amounts restating exactly one cell."""
    out: dict[tuple[str, tuple], tuple[int, object]] = {}
    linking = link(doc, copy=False)
    for i, keys in linking.terms.items():
        c = doc.claims[i]
        if c.kind != "amount" or len(keys) != 1:
            continue
        out.setdefault((c.subject, keys[0]), (i, c))
    return out


def _check(doc: Document, peers: Peers) -> Iterator[Issue]:
    if doc.year is None or not doc.claims:
        return
    earlier = [
        p for p in same_series(doc, peers, year=doc.year, kind=kind_of(doc))
        if peers.current_id is None or p.id < peers.current_id
    ]  # fmt: skip
    other = latest(earlier)  # the version this one replaces: the last stored before it
    if other is None:
        return
    before = peers.load(other)
    now_cells, old_cells = amounts(doc), amounts(before)
    now_claims, old_claims = _restated(doc), _restated(before)
    reported: set[tuple] = set()
    for (subject, key), (_, c) in now_claims.items():
        got = old_claims.get((subject, key))
        if got is None or key not in now_cells or key not in old_cells or key in reported:
            continue
        oc = got[1]
        cell_changed = now_cells[key].value != old_cells[key].value
        claim_changed = c.value != oc.value or c.unit != oc.unit  # type: ignore[attr-defined]
        if cell_changed == claim_changed:
            continue
        wan = c.value_wan
        if wan is None or compare(precise(now_cells[key].value), [(1, wan)]).ok:
            continue  # the change made the two agree: a correction
        reported.add(key)
        what = (
            f"表中数由 {old_cells[key].raw} 改为 {now_cells[key].raw}，情况说明仍为 {c.raw}{c.unit}"
            if cell_changed
            else f"情况说明由 {oc.raw}{oc.unit} 改为 {c.raw}{c.unit}，表中数仍为 {now_cells[key].raw}"  # type: ignore[attr-defined]
        )
        yield Issue(
            {
                "subject": subject.replace(".", "·"),
                "what": what,
                "other_file": other.file_name or f"#{other.id}",
            },
            [key[0]],
            [CellRef.of(now_cells[key]), other_cell(old_cells[key], other)],
            row=key[1],
            sentence={"text": c.text, "line": c.prov.line, "page": c.prov.page, "number": c.raw},
        )


_V = {"department": "示例部门", "year": 2024}
_SAY = ("2024年度收入总计120.00万元。",)

RULE = CorpusRule(
    id="JS-CO-002",
    title="重新报送的版本中表格与情况说明只改了一方",
    severity="warning",
    legal_basis=LAW,
    message="与库中同一部门同年度的上一版本（{other_file}）相比，「{subject}」{what}",
    doc=(
        "同一部门、同一年度、同一类型（决算/预算）在库中有此前入库的版本（本文件是重新报送）时，与其中最近的一个比较："
        "情况说明复述某一表格单元格的金额，若表中数改了而情况说明的数字没改，或情况说明改了而表中数没改，且改后两者不一致，"
        "每个单元格报告一次警告。改后两者一致（更正）、两版数值相同、任一版本缺少该单元格或该句时不报告。"
    ),
    check=_check,
    passing=(
        cex(
            ex("income_expense_summary/income.grand_total/amount=120.00", text=_SAY, meta=_V),
            ex("income_expense_summary/income.grand_total/amount=110.00",
               text=("2024年度收入总计110.00万元。",), meta=_V),
            note="表格和情况说明一起改正",
        ),
        cex(
            ex("income_expense_summary/income.grand_total/amount=120.00", text=_SAY, meta=_V),
            ex("income_expense_summary/income.grand_total/amount=110.00", text=_SAY, meta=_V),
            note="只改表格，改后与情况说明一致：是更正",
        ),
        cex(
            ex("income_expense_summary/income.grand_total/amount=120.00", text=_SAY, meta=_V),
            ex("income_expense_summary/income.grand_total/amount=120.00", text=_SAY, meta=_V),
        ),
    ),
    failing=(
        cex(
            ex("income_expense_summary/income.grand_total/amount=120.00",
               text=("2024年度收入总计110.00万元。",), meta=_V),
            ex("income_expense_summary/income.grand_total/amount=110.00",
               text=("2024年度收入总计110.00万元。",), meta=_V),
            note="表格改了，情况说明没改",
        ),
        cex(
            ex("income_expense_summary/income.grand_total/amount=120.00",
               text=("2024年度收入总计125.00万元。",), meta=_V),
            ex("income_expense_summary/income.grand_total/amount=120.00", text=_SAY, meta=_V),
            note="情况说明改了，表格没改",
        ),
    ),
)

RULES = (RULE,)
