"""Budget rules (部门预算 / 单位预算, issue 15): families BG (预算表) and BN (预算说明).

A budget (``Document.kind == "budget"``) prints tables parallel to the final accounts' under their
own ids (``budget_*``, docs/facts-additions.md "Budget tables"); these rules read only those ids and
apply only to budgets (``Rule.kinds``):

* :mod:`.tables` — identities inside one table: 合计 = 基本 + 项目 (+ 预留, 结转), 类 = Σ款 = Σ项,
  合计 = Σ类, 合计 = 人员经费 + 公用经费, the two-sided summaries (income = Σ sources, expense = Σ
  classes = Σ 支出用途, income total = expense total), 三公, 政府采购, 绩效目标 (JS-BG-001…016);
* :mod:`.cross` — identities between tables (JS-BG-020…025);
* :mod:`.completeness` — required tables per family, 编制说明 topics (JS-BG-030/031, JS-BN-008);
* :mod:`.narrative` (with :mod:`.narrative_checks`) — the 编制说明's figures against the tables and
  against themselves: amounts, restated plans, growth rates recomputed, directions, the comparison
  year, parts summing, 绩效目标 coverage (JS-BN-001…007).
"""

from __future__ import annotations

from . import completeness, cross, narrative, tables

RULES = [*tables.RULES, *cross.RULES, *completeness.RULES, *narrative.RULES]

__all__ = ["RULES"]
