"""Render facts as a converter-text document, in the corpus style and with its quirks.

Used by the property-based tests: generate facts → render → parse → the same facts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from juesuan.extract.tables import CODED_COLUMNS
from juesuan.refdata import economic_codes, function_codes

Key = tuple[str, str, str]

TITLES = {
    "income": ("收入决算表", "注：本表反映部门本年度取得的各项收入情况。"),
    "expenditure": ("支出决算表", "注：本表反映部门本年度各项支出情况。"),
    "gpb_expenditure": ("一般公共预算财政拨款支出决算表", "注：本表反映部门本年度一般公共预算财政拨款支出情况。"),
    "soe_capital": ("国有资本经营预算财政拨款支出决算表", "注：本表反映部门本年度国有资本经营预算财政拨款支出情况。"),
    "gov_fund": ("政府性基金预算财政拨款收入支出决算表", "注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。"),
    "gpb_basic": ("一般公共预算财政拨款基本支出决算明细表", "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。"),
    "three_public": ("财政拨款“三公”经费支出决算表", "注：本表反映部门本年度财政拨款“三公”经费支出预决算情况。"),
    "income_expense_summary": ("收入支出决算总表", "注：本表反映部门本年度的总收支和年末结转结余情况。"),
    "fiscal_summary": ("财政拨款收入支出决算总表", "注：本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款的总收支和年末结转结余情况。"),
    "disclosure_stats": ("部门决算公开相关信息统计表", "注：本表反映部门本年度政府采购、机关运行经费和国有资产占用情况。"),
}

HEADERS = {
    "income": ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"],
    "expenditure": ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"],
    "gpb_expenditure": ["小计", "基本支出", "项目支出"],
    "soe_capital": ["合计", "基本支出", "项目支出"],
    "gov_fund": ["年初结转和结余", "本年收入", "小计", "基本支出", "项目支出", "年末结转和结余"],
}


@dataclass
class Doc:
    lines: list[str] = field(default_factory=list)
    facts: dict[Key, Decimal] = field(default_factory=dict)


def fmt_amount(rnd: random.Random, value: Decimal) -> str:
    """A printed amount in one of the corpus's styles."""
    style = rnd.random()
    if style < 0.25:
        return format(value, ",.2f")
    if style < 0.32 and abs(value) >= 1:
        whole, frac = format(value, ".2f").split(".")
        return f"{whole}. {frac}"
    return format(value, ".2f")


def cell(rnd: random.Random, doc: Doc, key: Key, *, dash: bool = False) -> str:
    """Blank (no fact), a zero, or an amount; records the expected fact."""
    r = rnd.random()
    if r < 0.3:
        return ""
    if r < 0.4:
        if dash:
            doc.facts[key] = Decimal(0)
            return rnd.choice(["——", "-"])
        doc.facts[key] = Decimal("0.00")
        return "0.00"
    value = Decimal(rnd.randint(1, 5_000_000)).scaleb(-2)
    doc.facts[key] = value
    return fmt_amount(rnd, value)


def preamble(rnd: random.Random, doc: Doc, table: str, number: int) -> None:
    title, _ = TITLES[table]
    if rnd.random() < 0.2:
        title = f"<b>{title}</b>"
    if rnd.random() < 0.2:
        title = f"## {title}"
    if rnd.random() < 0.15:
        title = f"某某市某某局2024年度{title}"
    doc.lines += ["", title, "", f"公开{number:02d}表" if rnd.random() < 0.7 else f"公开 {number:02d} 表"]
    meta = ["部门：某某市某某局", "2024年度", "金额单位：万元"]
    if rnd.random() < 0.2:  # spreadsheet-style exports pad these lines with tabs
        doc.lines[-1] = "\t\t\t\t" + doc.lines[-1]
        meta = [m + "\t\t\t" for m in meta]
    doc.lines += meta
    if rnd.random() < 0.3:
        doc.lines.append("仅供内部审核")


def note(doc: Doc, table: str) -> None:
    doc.lines += [TITLES[table][1], ""]


def coded_table(rnd: random.Random, doc: Doc, table: str, number: int) -> None:
    fc = function_codes(2024)
    items = [c for c in fc if len(c.code) == 7 and c.code[:3] in ("201", "205", "208", "210", "221")]
    chosen = sorted(rnd.sample(items, rnd.randint(1, 8)), key=lambda c: c.code)
    only_items = rnd.random() < 0.3
    codes: list[str] = []
    for c in chosen:
        for code in ([] if only_items else [c.code[:3], c.code[:5]]) + [c.code]:
            if code not in codes:
                codes.append(code)
    split = rnd.random() < 0.25 and not only_items
    merged = not split and rnd.random() < 0.15  # "2080101 行政运行" in one cell
    preamble(rnd, doc, table, number)
    cols = CODED_COLUMNS[table]
    if merged:
        doc.lines.append("\t".join(["科目编码及名称"] + HEADERS[table]))
        doc.lines.append("\t".join(["合计"] + [cell(rnd, doc, (table, "total", col)) for col in cols]))
        for code in codes:
            name = fc.name(code) or ""
            doc.lines.append("\t".join([f"{code} {name}"] + [cell(rnd, doc, (table, code, col)) for col in cols]))
        note(doc, table)
        return
    if split:
        doc.lines.append("\t".join(["项目", "", "", ""] + HEADERS[table]))
        doc.lines.append("\t".join(["类", "款", "项", "科目名称"] + [""] * len(cols)))
    else:
        doc.lines.append("\t".join(["项目", ""] + HEADERS[table]))
        doc.lines.append("\t".join(["科目代码", "科目名称"] + [""] * len(cols)))
    doc.lines.append("\t".join(["栏次", ""] + [str(i + 1) for i in range(len(cols))] if not split else ["栏次", "", "", ""] + [str(i + 1) for i in range(len(cols))]))
    lead = ["合计", "", "", ""] if split else ["合计", ""]
    doc.lines.append("\t".join(lead + [cell(rnd, doc, (table, "total", col)) for col in cols]))
    header = doc.lines[-4:-1]  # column titles and 栏次, repeated after a page break
    page_break = rnd.randrange(len(codes)) if len(codes) > 2 and rnd.random() < 0.25 else -1
    for i, code in enumerate(codes):
        if i == page_break:  # the table continues on the next page under a repeated header
            doc.lines += ["", rnd.choice(["续表", "- 3 -", "仅供内部审核"]), *header]
        name = fc.name(code) or ""
        if split:
            parts = [code[:3], code[3:5], code[5:7]]
            head = parts + [name]
        else:
            printed = code if rnd.random() < 0.85 else " ".join([code[:3], code[3:5], code[5:7]]).strip()
            head = [printed, name]
        doc.lines.append("\t".join(head + [cell(rnd, doc, (table, code, col)) for col in cols]))
    note(doc, table)


def gpb_basic(rnd: random.Random, doc: Doc, number: int) -> None:
    ec = economic_codes(2024)
    groups = rnd.choice([3, 4])
    truncate = rnd.random() < 0.3
    classes = ["301", "303"], ["302"], ["307", "310", "399"], ["309", "311", "312", "313"]
    columns: list[list[str]] = []
    for g in range(groups):
        col: list[str] = []
        for cls in classes[g]:
            col.append(cls)
            kids = [c.code for c in ec.children(cls)]
            col += sorted(rnd.sample(kids, min(len(kids), rnd.randint(1, 6))))
        columns.append(col)
    preamble(rnd, doc, "gpb_basic", number)
    doc.lines.append("\t".join(["人员经费", "", ""] + ["公用经费", "", ""] + [""] * 3 * (groups - 2)))
    doc.lines.append("\t".join(["科目代码", "科目名称", "决算数"] * groups))
    for i in range(max(len(c) for c in columns)):
        parts: list[str] = []
        for col in columns:
            if i < len(col):
                code = col[i]
                shown = code[:4] if truncate and len(code) == 5 else code
                parts += [shown, ec.name(code) or "", cell(rnd, doc, ("gpb_basic", code, "amount"), dash=True)]
            else:
                parts += ["", "", ""]
        doc.lines.append("\t".join(parts))
    total = ["人员经费合计", "", cell(rnd, doc, ("gpb_basic", "personnel_total", "amount"))]
    total += ["公用经费合计"] + [""] * (3 * groups - 5) + [cell(rnd, doc, ("gpb_basic", "public_total", "amount"))]
    doc.lines.append("\t".join(total))
    note(doc, "gpb_basic")


def three_public(rnd: random.Random, doc: Doc, number: int) -> None:
    keys = ["total", "overseas", "vehicle", "vehicle_purchase", "vehicle_operation", "reception"]
    preamble(rnd, doc, "three_public", number)
    style = rnd.random()
    if style < 0.2:  # Shanghai: one row, 预算数/决算数 interleaved per item
        doc.lines.append("\t".join(["合计", "", "因公出国（境）费", "", "公务用车购置及运行费", "", "", "", "", "", "公务接待费", ""]))
        doc.lines.append("\t".join(["预算数", "决算数"] * 6))
        values: list[str] = []
        for k in keys:
            values += [cell(rnd, doc, ("three_public", k, "budget")), cell(rnd, doc, ("three_public", k, "final"))]
        doc.lines.append("\t".join(values))
    elif style < 0.6:
        labels = ["合计", "1、因公出国（境）费", "2、公务用车购置及运行费", "其中：（1）公务用车购置费", "（2）公务用车运行维护费", "3、公务接待费"]
        doc.lines.append("项目\t预算数\t决算数")
        for key, label in zip(keys, labels):
            doc.lines.append("\t".join([label, cell(rnd, doc, ("three_public", key, "budget")), cell(rnd, doc, ("three_public", key, "final"))]))
    else:
        doc.lines.append("\t".join(["预算数", "", "", "", "", "", "决算数", "", "", "", "", ""]))
        doc.lines.append("\t".join(["合计", "因公出国 (境) 费", "公务用车购置及运行维护费", "", "", "公务接待费"] * 2))
        doc.lines.append("\t".join(["", "", "小计", "公务用车购置费", "公务用车运行维护费", ""] * 2))
        doc.lines.append("\t".join(str(i) for i in range(1, 13)))
        values = [cell(rnd, doc, ("three_public", k, "budget")) for k in keys]
        values += [cell(rnd, doc, ("three_public", k, "final")) for k in keys]
        doc.lines.append("\t".join(values))
    note(doc, "three_public")


from juesuan.author.layouts import INCOME_LINES, _ordinal, summary_tail  # noqa: E402  (the summary's income lines as printed)


def summary(rnd: random.Random, doc: Doc, number: int, fiscal: bool = False) -> None:
    """收入支出决算总表, or (fiscal) 财政拨款收入支出决算总表; with or without 行次 columns."""
    fc = function_codes(2024)
    classes = [c for c in fc if len(c.code) == 3 and c.code <= "234"][:26]
    t = "fiscal_summary" if fiscal else "income_expense_summary"
    preamble(rnd, doc, t, number)
    numbered = rnd.random() < 0.7
    right_cols = ("total", "gpb", "gov_fund", "soe_capital") if fiscal else ("amount",)
    right_head = ["合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"] if fiscal else ["金额"]
    if numbered:
        doc.lines += ["收入\t\t\t支出" + "\t" * (len(right_cols) + 1), "\t".join(["项目", "行次", "金额", "项目", "行次"] + right_head)]
    else:
        doc.lines += ["收入\t\t支出" + "\t" * len(right_cols), "\t".join(["项目", "金额", "项目"] + right_head)]

    def side(label: str, no: int, key: str | None, cols: tuple[str, ...]) -> list[str]:
        values = [cell(rnd, doc, (t, key, c)) if key else "" for c in cols]
        return [label, str(no)] + values if numbered else [label] + values

    income = INCOME_LINES[:3] if fiscal else INCOME_LINES
    for i, cls in enumerate(classes):
        label, key = income[i] if i < len(income) else ("", None)
        if fiscal and key:
            label = label.replace("收入", "")
        left = side(label, i + 1, key, ("amount",))
        right = side(f"{_ordinal(i + 1)}、{cls.name}", 32 + i, f"expense.{cls.code}", right_cols)
        doc.lines.append("\t".join(left + right))
    tail = summary_tail(fiscal)
    for j, (ll, lk, rl, rk) in enumerate(tail):
        left = side(ll, 27 + j, lk, ("amount",))
        right = side(rl, 58 + j, rk or None, right_cols)
        doc.lines.append("\t".join(left + right))
    note(doc, t)


# the statistics table's lines as the national template prints them (shared with the author)
from juesuan.author.layouts import STATS_LINES  # noqa: E402


def disclosure_stats(rnd: random.Random, doc: Doc, number: int) -> None:
    t = "disclosure_stats"
    preamble(rnd, doc, t, number)
    no = 0
    for label, key in STATS_LINES:
        if key is None:
            doc.lines += [f"{label}\t\t", "项目\t行次\t统计数"]
            continue
        no += 1
        if key.startswith("vehicles.") or key == "equipment_over_1m":
            r = rnd.random()
            value = "" if r < 0.3 else str(rnd.randint(0, 40))
            if value:
                doc.facts[(t, key, "value")] = Decimal(value)
        else:
            value = cell(rnd, doc, (t, key, "value"))
        doc.lines.append(f"{label}\t{no}\t{value}")
    note(doc, t)


def document(seed: int) -> Doc:
    rnd = random.Random(seed)
    doc = Doc(lines=["某某市某某局", "2024年度部门决算", ""])
    makers = [
        lambda n: summary(rnd, doc, n),
        lambda n: summary(rnd, doc, n, fiscal=True),
        lambda n: disclosure_stats(rnd, doc, n),
        *[(lambda t: (lambda n: coded_table(rnd, doc, t, n)))(t) for t in CODED_COLUMNS],
        lambda n: gpb_basic(rnd, doc, n),
        lambda n: three_public(rnd, doc, n),
    ]
    chosen = rnd.sample(makers, rnd.randint(1, len(makers)))
    for number, make in enumerate(chosen, start=1):
        make(number)
        if rnd.random() < 0.3:
            doc.lines.append("仅供内部审核")
    return doc
