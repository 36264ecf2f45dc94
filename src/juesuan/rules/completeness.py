"""Family CP (table part of completeness): the standard tables are there, function codes reach
项 level, and printed code–name pairs agree with the reference classifications."""

from __future__ import annotations

import re
from typing import Iterator

from ..model import STANDARD_TABLES, CellRef
from ..refdata.families import DEFAULT_FAMILY, get_family, required_tables
from .cross import LAW_ART6
from .engine import Context, Issue, Rule, ex
from .hierarchy import CODED_TABLES
from .names import table_name

LAW_143_EMPTY = "《地方预决算公开操作规程》（财预〔2016〕143号）：没有数据的表格应当列示空表并说明。"

ALL_TABLES = STANDARD_TABLES
_UNIVERSITY = ("income_expense_summary", "income", "expenditure", "fiscal_expenditure")


def _toc_tables(ctx: Context) -> set[str]:
    from ..extract.identify import identify_title  # the one place titles are recognised

    return {t for entry in ctx.doc.toc if (t := identify_title(entry))}


# Document.unreadable entries name their table first: "gov_fund（标题，第3页）：reason"
_UNREAD_ENTRY = re.compile(r"^([a-z_]+)（(.*?)）[:：]\s*(.*)$", re.S)


def unread_tables(ctx: Context) -> dict[str, tuple[str, str]]:
    """Tables printed but not read: table id -> (where, why). From ``TableInfo.unread`` and from
    ``Document.unreadable``."""
    out: dict[str, tuple[str, str]] = {}
    for info in ctx.doc.tables:
        if info.unread:
            out.setdefault(info.id, (f"{info.title or table_name(info.id)}，{info.prov.describe()}", info.unread))
    for entry in ctx.doc.unreadable:
        m = _UNREAD_ENTRY.match(entry)
        if m:
            out.setdefault(m.group(1), (m.group(2), m.group(3)))
    return out


def _family_name(ctx: Context) -> str:
    try:
        return get_family(ctx.doc.family or DEFAULT_FAMILY).name
    except KeyError:
        return get_family(DEFAULT_FAMILY).name


def _missing(ctx: Context, in_toc: bool) -> Iterator[Issue]:
    toc = _toc_tables(ctx)
    unread = unread_tables(ctx)  # printed but not read: reported by JS-CP-005, never as missing
    required = required_tables(ctx.doc.family)
    for table in required:
        if not ctx.present(table) and table not in unread and (table in toc) == in_toc:
            yield Issue(
                {"table_name": table_name(table), "family": _family_name(ctx), "count": str(len(required))},
                [table],
            )


def _unread(ctx: Context) -> Iterator[Issue]:
    for table, (where, why) in unread_tables(ctx).items():
        yield Issue({"table_name": table_name(table), "where": where, "reason": why}, [table])


def _missing_listed(ctx: Context) -> Iterator[Issue]:
    yield from _missing(ctx, in_toc=True)


def _missing_unlisted(ctx: Context) -> Iterator[Issue]:
    yield from _missing(ctx, in_toc=False)


def _to_item_level(ctx: Context) -> Iterator[Issue]:
    table = "gpb_expenditure"
    if not ctx.has_data(table):
        return
    rows = ctx.coded_rows(table)
    items = [r for r in rows if len(r) == 7]
    for code in rows:
        if len(code) not in (3, 5) or any(r.startswith(code) for r in items):
            continue
        cells = [ctx.index[k] for c in ("total", "basic", "project") if (k := (table, code, c)) in ctx.index]
        if all(f.value == 0 for f in cells):
            continue  # nothing spent under it: nothing to disclose
        amount = next((f.raw for f in cells if f.column == "total"), cells[0].raw)
        level = "类" if len(code) == 3 else "款"
        yield Issue(
            {"table_name": ctx.table_title(table), "row_label": ctx.label(table, code), "level": level,
             "amount": amount},
            [table],
            [CellRef.of(f) for f in cells],
            row=code,
        )


def _load_refdata():  # -> module | None; patched in tests
    try:
        from .. import refdata
    except ImportError:  # pragma: no cover - refdata ships with the package
        return None
    return refdata


def _code_tables(ctx: Context):  # -> dict[str, CodeTable]
    refdata = _load_refdata()
    if refdata is None:
        return {}
    year = ctx.doc.year or 2024
    try:
        function, economic = refdata.function_codes(year), refdata.economic_codes(year)
    except (LookupError, ValueError):
        return {}
    return {**{t: function for t in CODED_TABLES}, "gpb_basic": economic}


def _code_names(ctx: Context) -> Iterator[Issue]:
    for table, codes in _code_tables(ctx).items():
        if not ctx.has_data(table):
            continue
        for code in ctx.coded_rows(table):
            ref = codes.get(code)
            printed = ctx.printed_name(table, code)
            # find_by_name ignores spacing and full/half width, and lets a name cut short by
            # extraction match by prefix; the code must be among the codes carrying the name
            if ref is None or not printed or code in {c.code for c in codes.find_by_name(printed, prefix=code)}:
                continue
            same_class = [c.code for c in codes.find_by_name(printed, prefix=code[:3]) if c.code != code]
            hint = f"；该名称对应编码 {'、'.join(same_class[:3])}" if same_class else ""
            cells = [CellRef.of(f) for k, f in ctx.index.items() if k[0] == table and k[1] == code]
            yield Issue(
                {"table_name": ctx.table_title(table), "code": code, "printed_name": printed,
                 "ref_name": ref.name, "year": str(codes.year), "hint": hint},
                [table],
                cells[:1],
                row=code,
            )


RULES = [
    Rule(
        id="JS-CP-001",
        title="目录列示但正文缺失的决算表",
        severity="error",
        family="CP",
        legal_basis=LAW_143_EMPTY,
        message="{table_name}在目录中列示，但正文中未找到该表",
        doc=(
            "目录中列示的标准决算表应在正文中出现。目录列出而正文缺失，通常是漏印、被截断或转换时丢失，"
            "应补充公开。"
        ),
        check=_missing_listed,
        passing=(ex(tables=ALL_TABLES, toc=("收入决算表",)),),
        failing=(ex(tables=("income_expense_summary",), toc=("收入决算表",)),),
    ),
    Rule(
        id="JS-CP-002",
        title="缺少标准决算表",
        severity="error",
        family="CP",
        legal_basis=LAW_143_EMPTY,
        message="未找到{table_name}，目录中也未列示；{family}的{count}张决算表均应公开，无数据的表应以空表公开并说明",
        doc=(
            "应公开的表取决于文件所属的模板族（refdata/data/families.json，见 docs/families.md）：地方部门决算"
            "公开九张标准决算表（收入支出决算总表、收入决算表、支出决算表、财政拨款收入支出决算总表、"
            "一般公共预算财政拨款支出决算表、一般公共预算财政拨款基本支出决算表、政府性基金预算财政拨款收入"
            "支出决算表、国有资本经营预算财政拨款支出决算表、财政拨款“三公”经费支出决算表），中央部门另加"
            "一般公共预算财政拨款项目支出决算表，高等学校公开四张表（收支决算总表、收入决算表、支出决算表、"
            "财政拨款支出决算表）。无数据的表以空表公开即视为已公开；已印刷但未能读取的表由 JS-CP-005 报告，"
            "不算缺失；既不在正文也不在目录中的表报告为缺失。"
        ),
        check=_missing_unlisted,
        passing=(
            ex(tables=ALL_TABLES[:6] + ALL_TABLES[8:], empty=("gov_fund", "soe_capital")),
            ex(tables=_UNIVERSITY, meta={"family": "university_four"}),
        ),
        failing=(
            ex(tables=ALL_TABLES[:8]),
            ex(tables=_UNIVERSITY[:3], meta={"family": "university_four"}),
        ),
    ),
    Rule(
        id="JS-CP-003",
        title="功能分类未公开到项",
        severity="warning",
        family="CP",
        legal_basis=LAW_ART6,
        message="{table_name}「{row_label}」（{level}级，{amount} 万元）未列示所属项级科目，支出功能分类未公开到项",
        doc=(
            "一般公共预算财政拨款支出决算表应按支出功能分类公开到项：有金额的类级或款级科目下应列示其项级"
            "科目。金额为零的类、款不报告；只列项级科目的表无需检查。"
        ),
        check=_to_item_level,
        passing=(
            ex("gpb_expenditure/208/total=5.00", "gpb_expenditure/20801/total=5.00",
               "gpb_expenditure/2080101/total=5.00", "gpb_expenditure/20808/total=0.00"),
        ),
        failing=(ex("gpb_expenditure/208/total=5.00", "gpb_expenditure/20801/total=5.00"),),
    ),
    Rule(
        id="JS-CP-004",
        title="科目编码与名称不符",
        severity="warning",
        family="CP",
        legal_basis=LAW_ART6,
        message="{table_name}编码 {code} 印刷名称为「{printed_name}」，{year}年科目表中该编码为「{ref_name}」{hint}",
        doc=(
            "功能分类表（收入、支出、一般公共预算、政府性基金、国有资本经营预算）和基本支出经济分类表中印刷的"
            "科目编码与名称应与当年政府收支分类科目一致（忽略空白和全角半角差别；转换截断的名称按前缀比较）。"
            "名称对应另一编码，多为编码错位或名称错填。科目表中没有的编码不检查。"
        ),
        check=_code_names,
        passing=(
            ex("gpb_expenditure/2080101/total=5.00", "gpb_basic/30217/amount=1.00",
               labels={"gpb_expenditure/2080101": "行政运行", "gpb_basic/30217": "公务接待费"}),
        ),
        failing=(
            ex("gpb_expenditure/2080101/total=5.00", labels={"gpb_expenditure/2080101": "行政单位离退休"}),
            ex("gpb_basic/30217/amount=1.00", labels={"gpb_basic/30217": "公务用车运行维护费"}),
        ),
    ),
    Rule(
        id="JS-CP-005",
        title="决算表已印刷但未能读取",
        severity="warning",
        family="CP",
        legal_basis=LAW_143_EMPTY,
        message="{table_name}已印刷（{where}），但未能读取：{reason}；该表未核对，请人工复核",
        doc=(
            "文件中印有该表（按标题、注释或列结构识别），但表格未能可靠读取（表头无法识别、未读出任何数值等）。"
            "这样的表不报告为缺失（JS-CP-001、JS-CP-002），也不参与核对；原因随提示给出。"
        ),
        check=_unread,
        passing=(ex(tables=ALL_TABLES),),
        failing=(
            ex(tables=ALL_TABLES[:6] + ALL_TABLES[7:],
               meta={"unreadable": ("gov_fund（政府性基金预算财政拨款收入支出决算表，第3页）：未读出任何数值",)}),
        ),
    ),
]
