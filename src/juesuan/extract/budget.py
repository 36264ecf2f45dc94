"""Budget tables (部门预算 / 单位预算) → facts under the budget table ids (docs/facts-additions.md,
"Budget tables").

Which table a grid is: by its title — the families' title variants (``refdata.families``) and the
words a title is made of (三公, 政府采购, 基本支出 …, never its number: 公开07表 is anything) — then
by its 注 line, then, for a grid whose title was lost, by its structure. Reading reuses the final
accounts' readers with the budget vocabularies of ``extract.budget_labels``: coded tables
(``extract.coded``), the 三公 table (``extract.three_public``); the summaries and lists have their
own readers (``extract.budget_summary``, ``extract.budget_lists``).
"""

from __future__ import annotations

import re

from ..model import Grid
from . import labels as L
from .budget_labels import CODED_VOCAB, three_public_columns
from .budget_lists import read_one_row, read_performance, read_procurement
from .budget_summary import read_budget_summary, read_income_list
from .builder import Extracted
from .coded import _split_code, read_coded
from .three_public import read_three_public

__all__ = ["identify_budget", "identify_budget_note", "identify_budget_title", "read_budget"]

_SPACES = re.compile(r"\s+")
# a table title ends in 表, possibly with a （功能科目）-like qualifier
_TABLE_END = re.compile(r"表(?:[（(][^）)]{1,12}[）)])?$")


def _norm(s: str) -> str:
    return _SPACES.sub("", s).replace("“", "").replace("”", "").replace('"', "").replace("(", "（").replace(")", "）")


def _by_words(t: str) -> str | None:
    """The budget table a title's words name (most specific words first); "" for a table the
    words rule out, None when they say nothing."""
    if "绩效目标" in t:
        return "budget_performance"
    if "三公" in t:
        return "budget_three_public"
    if "政府采购" in t:
        return "budget_procurement"
    if "机关运行经费" in t:
        return "budget_running_cost"
    if "国有资本经营" in t:
        return "budget_soe_capital"
    if "政府性基金" in t:
        return "budget_gov_fund"
    if "基本支出" in t:
        return "budget_fiscal_basic" if "财政拨款" in t and "一般公共预算" not in t else "budget_gpb_basic"
    if "项目支出" in t:
        return ""  # a project list (项目支出预算表): no budget id of the contract, never a look-alike
    both = "收支" in t or "收入支出" in t
    if "财政拨款" in t and both:
        return "budget_fiscal_summary"
    if both and "总表" in t:
        return "budget_summary"
    if "一般公共预算" in t and "支出" in t:
        return "budget_gpb_expenditure"
    if "财政拨款" in t and "支出" in t:
        return "budget_fiscal_expenditure"
    if "收入" in t:
        return "budget_income"
    if "支出" in t:
        return "budget_expenditure"
    return None


def identify_budget_title(title: str) -> str | None:
    """Budget table id for a printed title (None for a final-accounts title, a self-evaluation, or
    a line that names no table)."""
    from ..refdata.families import budget_title_variants

    t = _norm(title)
    if not t or "决算" in t or "自评" in t or "说明" in t or not _TABLE_END.search(t):
        return None
    words = _by_words(t)
    if words == "":
        return None
    variant = next((tid for v, tid in budget_title_variants() if _norm(v) in t), None)
    if variant and (words is None or words == variant):
        return variant
    return words or variant


def identify_budget_note(notes: list[str]) -> str | None:
    """Budget table id from a note about the table (注：本表反映… / 注：本部门无…预算)."""
    for note in notes:
        n = _norm(note)
        if "本表" not in n and "本部门" not in n and "本单位" not in n:
            continue
        for word, tid in (
            ("三公", "budget_three_public"),
            ("政府采购", "budget_procurement"),
            ("机关运行经费", "budget_running_cost"),
            ("政府性基金", "budget_gov_fund"),
            ("国有资本经营", "budget_soe_capital"),
            ("绩效目标", "budget_performance"),
        ):
            if word in n:
                return tid
    return None


def identify_budget_structure(grid: Grid) -> str | None:
    """Last resort for a grid whose title and note were lost: its header words and row labels."""
    texts = [[c.text.strip() for c in r.cells] for r in grid.head + grid.rows]
    joined = "".join("".join(t) for t in texts)
    if "人员经费" in joined and "公用经费" in joined:
        return "budget_gpb_basic"
    if "因公出国" in joined and "公务接待" in joined:
        return "budget_three_public"
    labels = [L.norm_label(t[0]) for t in texts if t]
    if sum(1 for s in labels if s.startswith(("货物", "工程", "服务"))) >= 2:
        return "budget_procurement"
    if any("收入" in s for s in labels) and any("支出" in "".join(t[1:]) for t in texts):
        return "budget_summary"
    return None


def identify_budget(grid: Grid) -> str | None:
    """Which budget table a grid is: title, then note, then (fragments) structure."""
    if grid.title:
        tid = identify_budget_title(grid.title)
        if tid:
            return tid
        if "自评" in grid.title:
            return None
    return identify_budget_note(grid.notes) or (identify_budget_structure(grid) if grid.fragment else None)


_DECIMAL = re.compile(r"^-?[\d,]+\.\d+$")  # an amount (100.00), never a code (201, 2010101)


def _coded_rows(grid: Grid) -> int:
    return sum(
        1
        for r in grid.head + grid.rows
        if r.cells
        and not _DECIMAL.match(r.cells[0].text.strip())
        and (_split_code(r.cells, 1) or _split_code(r.cells, 3))
    )


def read_budget(tid: str, grid: Grid, year: int | None) -> Extracted:
    """Facts of one budget table."""
    if tid in ("budget_summary", "budget_fiscal_summary"):
        return read_budget_summary(tid, grid, year)
    if tid == "budget_three_public":
        return read_three_public(tid, grid, three_public_columns(year))
    if tid == "budget_procurement":
        return read_procurement(tid, grid)
    if tid == "budget_performance":
        return read_performance(tid, grid)
    if tid in ("budget_gpb_basic", "budget_fiscal_basic") and _side_by_side(grid):
        return _read_basic_groups(tid, grid, year)
    if tid in CODED_VOCAB:
        if _coded_rows(grid) or tid not in ("budget_income", "budget_expenditure"):
            out = read_coded(tid, grid, CODED_VOCAB[tid])
            if out.facts or tid not in ("budget_income", "budget_expenditure"):
                return out
        if tid == "budget_income":  # a list of income lines (收入总计, 一般公共预算资金 …)
            out = read_income_list(tid, grid, year)
            if out.facts:
                return out
        return read_one_row(tid, grid, CODED_VOCAB[tid])  # 合计 | 基本支出 | … over one row
    raise ValueError(f"no reader for {tid}")  # pragma: no cover


def _side_by_side(grid: Grid) -> bool:
    """A 基本支出 table printed as side-by-side (code, name, amount) groups: 人员经费 | 公用经费."""
    for row in grid.head + grid.rows[:4]:
        t = [c.text.replace(" ", "") for c in row.cells]
        if sum(1 for x in t if "编码" in x or "代码" in x) >= 2:
            return True
    return False


def _read_basic_groups(tid: str, grid: Grid, year: int | None) -> Extracted:
    """The final accounts' gpb_basic reader (``extract.basic``): each code's one amount is its
    ``total``; the 人员经费合计 / 公用经费合计 lines are ``personnel_total`` / ``public_total``."""
    from dataclasses import replace

    from .basic import read_gpb_basic

    out = read_gpb_basic(tid, grid, year)
    out.facts = [replace(f, column="total") for f in out.facts]
    out.columns = ["total"]
    out.layout = "groups"
    return out
