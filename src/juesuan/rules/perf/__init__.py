"""Family PF: the performance self-evaluation tables (绩效自评表) add up.

The facts of tables ``perf_project`` / ``perf_department`` (``Fact.project`` names the
self-evaluation; :mod:`juesuan.extract.perf`) are checked table by table:

* 执行率 = 全年执行数 ÷ 预算数 on every funds and task row, the 预算数 being the one the table's note
  names (``PerfTable.rate_basis``), else the one the notes of the document's other tables name, else
  全年预算数 (年初预算数 accepted too when nothing says which);
* 执行率得分 = 分值 × min(执行率, 100%) where the table's note states that rule, or where most other
  tables of the document follow it (分值 10 when not printed); otherwise not checked;
* 资金总额 = Σ 资金来源 and 资金结转结余 = 预算数 − 执行数 on the funds rows;
* every indicator's 得分 ≤ 分值; 得分 = 分值 × 完成程度 where the table prints 完成程度 and most other
  indicators of the document are scored that way;
* 指标自评得分小计 = Σ 指标得分; 总分 = 指标得分 + 资金管理得分 + 任务得分 + 执行率得分 − 减分项;
* 分值 add up to the printed 总分值, else to 100; the grade matches the total (90–100 优, 80–90 良,
  60–80 中, below 60 差).

Values are judged by :func:`juesuan.money.compare` (interval semantics: amounts carry their printed
rounding, scores ±0.005). Beyond that, a mismatch by no more than one unit of the printed last
decimal (0.01 at most) is explained by the value having been truncated (or rounded from unrounded
inputs): it is reported under the rounding rule of the family (info), never as an error. A table
whose 分值 do not add up has lost (or repeated) rows — usually in conversion: a difference of the sum
of the indicator scores that those rows can explain (between zero and the missing 分值) is a warning,
not an error.

The values are read from ``Document.facts`` (so that fault injection by :func:`~juesuan.rules.mutate`
with ``project=`` is seen); the table's notes, grade and title from ``Document.perf``. A document
built from examples has no ``PerfTable``: the note and grade are then read from the printed row names
(``funds.total`` for the note, ``total`` for the grade: ``总分（等级：优）``).

Modules: :mod:`.base` (names, numbers, rule ids), :mod:`.tables` (a table as the rules read it),
:mod:`.analysis` (the judgements), :mod:`.catalog` (the rules), :mod:`.plant` (fault injection).
"""

from __future__ import annotations

from ...extract.perf import PERF_TABLES, grade_of
from ...vocab import PERF_COLUMN_NAMES, PERF_TABLE_NAMES
from .analysis import _Doc
from .base import (
    GRADE_THRESHOLDS,
    indicator_name,
    perf_column_name,
    perf_row_name,
    perf_table_name,
)
from .catalog import RULES
from .plant import PLANT_COLUMNS, caught, perf_cells

__all__ = [
    "GRADE_THRESHOLDS",
    "PERF_COLUMN_NAMES",
    "PERF_TABLES",
    "PERF_TABLE_NAMES",
    "PLANT_COLUMNS",
    "RULES",
    "caught",
    "grade_of",
    "indicator_name",
    "perf_cells",
    "perf_column_name",
    "perf_row_name",
    "perf_table_name",
]
