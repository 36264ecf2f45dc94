"""Which standard table is this? By title first, then by its note, then by its columns.

Never by number: 公开07表 is 三公 in one province and 政府性基金 in another.
"""

from __future__ import annotations

import re

from ..model import Grid
from ..money import is_amount

_SPACES = re.compile(r"\s+")
_CODE = re.compile(r"^\d{3}(\d{2}){0,2}$")


def _norm(s: str) -> str:
    return _SPACES.sub("", s).replace("“", "").replace("”", "").replace('"', "")


# a budget table: its title ends in 预算表 / 预算总表, possibly with （功能科目）-like qualifiers;
# final-accounts titles name 决算 ("政府性基金预算财政拨款收入支出决算表")
_BUDGET_TITLE = re.compile(r"预算(?:总表|表)(?:[（(][^）)]{1,12}[）)])?$")


def is_budget_title(title: str) -> bool:
    """Whether a printed title names a budget (预算) table rather than a final-accounts one."""
    t = _norm(title)
    if "决算" in t:
        return False
    if _BUDGET_TITLE.search(t):
        return True
    from ..refdata.families import budget_titles

    return any(b in t for b in budget_titles())


def identify_title(title: str) -> str | None:
    """Table id for a printed title, or None when it names no standard table.

    Budget tables (收支预算总表, 一般公共预算支出预算表 …) are not final-accounts tables: they get no
    id here, whatever their parallel structure (budgets are read by kind, see extract.kind)."""
    t = _norm(title)
    if "绩效" in t or "自评" in t or "说明" in t:
        return None
    if is_budget_title(t):
        return None
    if "三公" in t:
        return "three_public"
    if "相关信息统计" in t:
        return "disclosure_stats"
    if "国有资本经营" in t and "表" in t:
        return "soe_capital"
    if "政府性基金" in t and "表" in t:
        return "gov_fund"
    if "一般公共预算" in t and "基本支出" in t:
        return "gpb_basic"
    if "项目支出" in t and "决算表" in t and ("一般公共预算" in t or "财政拨款" in t):
        return "gpb_project"  # central departments: 一般公共预算财政拨款项目支出决算表
    if "一般公共预算" in t and "支出" in t and "表" in t:
        return "gpb_expenditure"
    if "财政拨款" in t and ("收入支出" in t or "收支" in t) and "总表" in t:
        return "fiscal_summary"
    if "财政拨款支出决算表" in t and "收入" not in t:
        return "fiscal_expenditure"  # 高等学校财政拨款支出决算表: all 财政拨款, not split by fund
    if ("收入支出" in t or "收支" in t) and "总表" in t:
        return "income_expense_summary"
    if "收入决算表" in t or t.endswith("收入表"):
        return "income"
    if "支出决算表" in t or t.endswith("支出表"):
        return "expenditure"
    return None


def identify_note(notes: list[str]) -> str | None:
    """Table id from the standard 注：本表反映… sentence."""
    for note in notes:
        n = _norm(note)
        if "本表反映" not in n:
            continue
        if "三公" in n:
            return "three_public"
        if "政府采购" in n or "机关运行经费" in n:
            return "disclosure_stats"
        if "总收支" in n:
            return "fiscal_summary" if "财政拨款" in n else "income_expense_summary"
        if "基本支出" in n and "一般公共预算" in n:
            return "gpb_basic"
        if "政府性基金" in n:
            return "gov_fund"
        if "国有资本经营" in n:
            return "soe_capital"
        if "一般公共预算财政拨款支出" in n:
            return "gpb_expenditure"
        if "各项收入" in n or "取得的" in n:
            return "income"
        if "各项支出" in n:
            return "expenditure"
    return None


def _amount_columns(grid: Grid) -> int:
    """The typical number of cells after a code and a name in coded rows."""
    counts: dict[int, int] = {}
    for row in grid.rows:
        texts = row.texts
        if texts and _CODE.match(texts[0].replace(" ", "")):
            n = len(texts) - 2
            counts[n] = counts.get(n, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else 0


def identify_structure(grid: Grid) -> str | None:
    """Last resort: the column structure of a grid whose title and note were both lost."""
    texts = [r.texts for r in grid.rows]
    if not texts:
        return None
    width = max(len(t) for t in texts)
    joined = "".join("".join(t) for t in texts)
    if any(w in joined for w in ("绩效", "自评", "项目名称", "项目(政策)名称", "项目（政策）名称")):
        return None  # a self-evaluation table, read by extract.perf
    if "人员经费" in joined and "公用经费" in joined and re.search(r"(^|\D)30[12]\d{0,3}(\D|$)", joined):
        return "gpb_basic"
    two_sided = sum(
        1 for t in texts if len(t) >= 6 and t[1].isdigit() and len(t) > 4 and t[4].isdigit()
    )
    if two_sided >= max(3, len(texts) // 2):
        return "fiscal_summary" if width >= 9 else "income_expense_summary"
    n = _amount_columns(grid)
    if n == 7:
        return "income"
    if n == 6:
        # expenditure (total, basic, project, …) vs gov_fund (opening, income, …): in the
        # expenditure table the total column equals the sum of the others on coded rows
        return "expenditure"
    if n == 3:
        return "gpb_expenditure"
    if width in (6, 12) and all(all(is_amount(c) or not c for c in t) for t in texts[-1:]):
        return "three_public"
    return None
