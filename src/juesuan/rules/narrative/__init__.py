"""Family NR: the narrative (情况说明) against the tables, and against itself.

Every figure the narrative states (``Document.claims``, :mod:`juesuan.extract.claims`) is checked:

* an amount (or a vehicle count) against the cell it restates (:mod:`.link`) — JS-NR-001;
* a share 占…% against part ÷ whole — JS-NR-002;
* a year-on-year change: the amount x and the rate y of one sentence agree, y = x ÷ (current − x)
  after an increase, x ÷ (current + x) after a decrease — JS-NR-003;
* a budget completion rate 完成预算的 z% against the 预算数 a and 决算数 f of its sentence, z = f ÷ a
  — JS-NR-004; and whether the rate is plausible at all — JS-NR-005 (warning);
* the parts the narrative lists add up to the total it states (收入, 支出, 三公, 政府采购, 类 = Σ 项 …),
  and shares of one whole add up to 100 % — JS-NR-006;
* 机关运行经费 ≤ 公用经费 — JS-NR-007; the 财政拨款 基本/项目 split against the fund tables — JS-NR-008.

Interval semantics throughout (:mod:`juesuan.money`): a printed amount stands for ±half its last
digit, a printed percentage too; a claim that the intervals allow but the printed values do not
give exactly is a rounding note (JS-NR-009, info), never an error. Where a figure can be recomputed
both from the tables and from the narrative's own figures (the whole of a share, the current value of
a change), it is accepted when either agrees: a wrong number is reported once, where it is printed.
A document whose tables are images (no table read) is still checked against itself.

Each finding names its sentence: a :class:`~juesuan.model.CellRef` with ``table="narrative"``,
``row`` the claim's subject, ``column`` its kind, ``value`` the number as printed and the claim's
line/page, followed by the table cells it contradicts; ``Finding.sentence`` is
``{"text", "line", "page"}``.

Modules, by concern: :mod:`.base` (names, judgement records, shared helpers), :mod:`.amounts`
(NR-001/007/008), :mod:`.ratios` (NR-002/003/004), :mod:`.plausibility` (NR-005), :mod:`.sums`
(NR-006), :mod:`.analysis` (one document's judgements), :mod:`.catalog` (the rules), :mod:`.plant`
(:func:`plant_in_sentence` changes one number of one sentence of a text document: fault injection).
"""

from __future__ import annotations

from .analysis import analysis, sentence_of
from .base import KIND_NAMES, LAW_ART5, LAW_NARRATIVE, Analysis, Item, subject_name
from .catalog import RULES
from .plant import plant_in_document, plant_in_line, plant_in_sentence

__all__ = [
    "KIND_NAMES",
    "LAW_ART5",
    "LAW_NARRATIVE",
    "RULES",
    "Analysis",
    "Item",
    "analysis",
    "plant_in_document",
    "plant_in_line",
    "plant_in_sentence",
    "sentence_of",
    "subject_name",
]
