"""The 情况说明 (and 其他重要事项), written from the facts in the sentence patterns the claims
reader knows (``extract/claims.py``, domain.md "Narrative conventions"), so that ``juesuan
check`` links every figure to its cell. Placeholders (＿＿) only where a person must give a
reason; a change sentence only when a prior year's facts are given.
"""

from __future__ import annotations

from decimal import Decimal

from ..refdata import economic_codes, function_codes
from .factset import FactSet
from .figures import Change, pct, rate, shares, wan
from .parts import Heading, Para, Part

PH = "＿＿"
ZERO = Decimal(0)

INCOME_PARTS = [
    ("上级补助收入", "income.upper_subsidy"),
    ("事业收入", "income.operating"),
    ("经营收入", "income.business"),
    ("附属单位上缴收入", "income.affiliate_remit"),
    ("其他收入", "income.other"),
    ("使用非财政拨款结余", "income.use_non_fiscal_balance"),
    ("年初结转和结余", "income.opening_balance"),
]
EXPENSE_PARTS = [
    ("基本支出", "basic"),
    ("项目支出", "project"),
    ("上缴上级支出", "remit_upper"),
    ("经营支出", "business"),
    ("对附属单位补助支出", "affiliate_subsidy"),
]
THREE_PUBLIC_ITEMS = [("因公出国（境）费", "overseas"), ("公务接待费", "reception"), ("公务用车购置及运行维护费", "vehicle")]


class Writer:
    def __init__(self, fs: FactSet, year: int, prior: FactSet | None):
        self.fs, self.year, self.prior = fs, year, prior
        self.parts: list[Part] = []

    def h(self, text: str, level: int) -> None:
        self.parts.append(Heading(text, level))

    def p(self, text: str) -> None:
        self.parts.append(Para(text))

    def change(self, subject: str, table: str, row: str, column: str) -> str:
        """The 与上年相比 sentence for one cell ("" without a prior year, or when it lacks the cell)."""
        if self.prior is None or self.prior.get(table, row, column) is None:
            return ""
        return Change(self.fs.zero(table, row, column), self.prior.zero(table, row, column)).sentence(subject)

    # ------------------------------------------------------------------ 一、收入支出总体
    def overall(self) -> None:
        fs, t = self.fs, "income_expense_summary"
        if t not in fs.tables():
            return
        self.h("一、收入支出决算总体情况说明", 2)
        grand = fs.zero(t, "income.grand_total", "amount")
        fiscal = sum((fs.zero(t, f"income.{k}", "amount") for k in ("gpb", "gov_fund", "soe_capital")), ZERO)
        values = [fiscal] + [fs.zero(t, k, "amount") for _, k in INCOME_PARTS]
        sh = shares(values, grand)
        self.p(f"（一）收入总计{wan(grand)}万元，包括：")
        self.p(f"1.财政拨款收入{wan(fiscal)}万元，占收入总计的{pct(sh[0])}%。其中：一般公共预算财政拨款收入"
               f"{wan(fs.zero(t, 'income.gpb', 'amount'))}万元，政府性基金预算财政拨款收入"
               f"{wan(fs.zero(t, 'income.gov_fund', 'amount'))}万元，国有资本经营预算财政拨款收入"
               f"{wan(fs.zero(t, 'income.soe_capital', 'amount'))}万元。")
        n = 1
        for (name, key), value, share in zip(INCOME_PARTS, values[1:], sh[1:]):
            if fs.get(t, key, "amount") is not None:  # a line not given is not stated
                n += 1
                self.p(f"{n}.{name}{wan(value)}万元，占收入总计的{pct(share)}%。")
        c = self.change("今年收入总计", t, "income.grand_total", "amount")
        if c:
            self.p(c)
        e = "expenditure"
        total = fs.get(e, "total", "total")
        if total is None:
            total = fs.zero(t, "expense.total", "amount")
        vals = [fs.zero(e, "total", k) for _, k in EXPENSE_PARTS]
        sh = shares(vals, total)
        given = [(name, v, s_) for (name, k), v, s_ in zip(EXPENSE_PARTS, vals, sh) if fs.get(e, "total", k) is not None]
        self.p(f"（二）本年支出合计{wan(total)}万元" + ("，包括：" if given else "。"))
        for n, (name, value, share) in enumerate(given, start=1):
            self.p(f"{n}.{name}{wan(value)}万元，占本年支出合计的{pct(share)}%。")
        c = self.change("今年本年支出合计", t, "expense.total", "amount")
        if c:
            self.p(c)
        self.p(f"（三）年末结转和结余{wan(fs.zero(t, 'expense.closing_balance', 'amount'))}万元。")

    # ------------------------------------------------------------------ 二、财政拨款支出
    def fiscal(self) -> None:
        fs = self.fs
        self.h("二、财政拨款支出决算情况说明", 2)
        total = fs.zero("fiscal_summary", "expense.total", "total")
        basic = fs.zero("gpb_expenditure", "total", "basic") + fs.zero("gov_fund", "total", "expense_basic") \
            + fs.zero("soe_capital", "total", "basic")
        project = fs.zero("gpb_expenditure", "total", "project") + fs.zero("gov_fund", "total", "expense_project") \
            + fs.zero("soe_capital", "total", "project")
        self.p("（一）总体情况。")
        line = f"{self.year}年度财政拨款支出{wan(total)}万元，其中：基本支出{wan(basic)}万元，项目支出{wan(project)}万元。"
        self.p(line + self.change("财政拨款支出", "fiscal_summary", "expense.total", "total"))
        funds = [("（二）一般公共预算财政拨款支出情况。", "一般公共预算财政拨款支出", "gpb_expenditure", "total"),
                 ("（三）政府性基金预算财政拨款支出情况。", "政府性基金预算财政拨款支出", "gov_fund", "expense_total"),
                 ("（四）国有资本经营预算财政拨款支出情况。", "国有资本经营预算财政拨款支出", "soe_capital", "total")]
        for heading, name, table, column in funds:
            self.p(heading)
            self.fund(name, table, column)

    def fund(self, name: str, table: str, column: str) -> None:
        fs = self.fs
        if table not in fs.tables() or not fs.zero(table, "total", column):
            self.p(f"本部门{self.year}年度无{name}。")
            return
        total = fs.zero(table, "total", column)
        self.p(f"{self.year}年度{name}{wan(total)}万元。" + self.change(name, table, "total", column)
               + "按支出功能分类科目分，包括：")
        fc = function_codes(self.year)
        codes = sorted(r for r in fs.rows(table) if r.isdigit() and fs.get(table, r, column) is not None)
        classes = [c for c in codes if len(c) == 3] or sorted({c[:3] for c in codes})
        for n, cls in enumerate(classes, start=1):
            cname = fc.name(cls) or fs.labels.get((table, cls), cls)
            self.p(f"{n}.{cname}{wan(fs.zero(table, cls, column))}万元，具体包括：")
            items = [c for c in codes if len(c) == 7 and c.startswith(cls)]
            for m, item in enumerate(items, start=1):
                chain = "".join(f"{fc.name(c) or c}（{lvl}）" for c, lvl in ((cls, "类"), (item[:5], "款"), (item, "项")))
                if "（" in chain.replace("（类）", "").replace("（款）", "").replace("（项）", ""):
                    chain = f"{fc.name(cls) or cls}{cls}（类）{item[3:5]}（款）{item[5:]}（项）"  # names with brackets
                self.p(f"（{m}）{chain}{wan(fs.zero(table, item, column))}万元。")

    # ------------------------------------------------------------------ 三、三公
    def three_public(self) -> None:
        fs, t = self.fs, "three_public"
        self.h("三、财政拨款“三公”经费支出决算情况说明", 2)
        if t not in fs.tables():
            self.p(f"本部门{self.year}年度无财政拨款“三公”经费支出。")
            return
        total, budget = fs.zero(t, "total", "final"), fs.zero(t, "total", "budget")
        line = f"{self.year}年度财政拨款安排的“三公”经费支出{wan(total)}万元。其中："
        line += "，".join(f"{n}{wan(fs.zero(t, k, 'final'))}万元" for n, k in THREE_PUBLIC_ITEMS) + "。"
        self.p(line + self.change("“三公”经费支出", t, "total", "final"))
        vals = [fs.zero(t, k, "final") for _, k in THREE_PUBLIC_ITEMS]
        sh = shares(vals, total)
        for n, ((name, key), value, share) in enumerate(zip(THREE_PUBLIC_ITEMS, vals, sh), start=1):
            line = f"{n}.{name}{wan(value)}万元，占“三公”经费支出的{pct(share)}%"
            line += self.completion(value, fs.zero(t, key, "budget")) + "。"
            if key == "overseas" and value:
                line += f"全年因公出国（境）团组{PH}个，累计{PH}人次。"
            if key == "reception" and value:
                line += f"国内公务接待{PH}批次、{PH}人次。"
            if key == "vehicle":
                line += (f"其中：公务用车购置费{wan(fs.zero(t, 'vehicle_purchase', 'final'))}万元，"
                         f"公务用车运行维护费{wan(fs.zero(t, 'vehicle_operation', 'final'))}万元。")
                if value:
                    line += f"购置公务用车{PH}辆，年末公务用车保有量{PH}辆。"
            self.p(line + self.change(name, t, key, "final"))
        done = self.completion(total, budget)
        if done:
            self.p(f"{self.year}年度“三公”经费支出{wan(total)}万元{done}。")

    def completion(self, final: Decimal, budget: Decimal) -> str:
        """，完成预算的 z%（and a reason placeholder when final and budget differ）."""
        r = rate(final, budget)
        if r is None:
            return ""
        text = f"，完成预算的{pct(r)}%"
        return text + ("，决算数与预算数存在差异的主要原因：＿＿" if final != budget else "")

    # ------------------------------------------------------------------ 四、基本支出
    def basic(self) -> None:
        fs, t = self.fs, "gpb_basic"
        self.h("四、一般公共预算财政拨款基本支出决算情况说明", 2)
        personnel, public = fs.zero(t, "personnel_total", "amount"), fs.zero(t, "public_total", "amount")
        ec = economic_codes(self.year)
        codes = [r for r in fs.rows(t) if len(r) == 5 and r.isdigit() and fs.zero(t, r, "amount")]
        pnames = [ec.name(c) or fs.labels.get((t, c), c) for c in sorted(codes) if c[:3] in ("301", "303")]
        unames = [ec.name(c) or fs.labels.get((t, c), c) for c in sorted(codes) if c[:3] not in ("301", "303")]
        total = fs.get("gpb_expenditure", "total", "basic")
        total = personnel + public if total is None else total
        line = f"{self.year}年度一般公共预算财政拨款基本支出{wan(total)}万元，其中：人员经费{wan(personnel)}万元"
        line += ("，主要包括：" + "、".join(pnames)) if pnames else ""
        line += f"；公用经费{wan(public)}万元" + (("，主要包括：" + "、".join(unames)) if unames else "") + "。"
        self.p(line)

    # ------------------------------------------------------------------ 五、其他重要事项
    def other(self) -> None:
        fs, t = self.fs, "disclosure_stats"
        self.h("五、其他重要事项的情况说明", 2)
        if t not in fs.tables():
            self.p("（一）机关运行经费支出情况。＿＿")
            self.p("（二）政府采购支出情况。＿＿")
            self.p("（三）国有资产占用情况。＿＿")
        else:
            run = fs.zero(t, "running_cost.admin", "value") + fs.zero(t, "running_cost.civil_servant_mgmt", "value")
            self.p("（一）机关运行经费支出情况。")
            self.p(f"{self.year}年机关运行经费支出{wan(run)}万元。")
            self.p("（二）政府采购支出情况。")
            self.p(f"{self.year}年政府采购支出总额{wan(fs.zero(t, 'procurement.total', 'value'))}万元，其中：政府采购货物支出"
                   f"{wan(fs.zero(t, 'procurement.goods', 'value'))}万元，政府采购工程支出"
                   f"{wan(fs.zero(t, 'procurement.works', 'value'))}万元，政府采购服务支出"
                   f"{wan(fs.zero(t, 'procurement.services', 'value'))}万元。"
                   + (f"授予中小企业合同金额{PH}万元。" if fs.zero(t, 'procurement.total', 'value') else ""))
            self.p("（三）国有资产占用情况。")
            n = int(fs.zero(t, "vehicles.total", "value"))
            eq = int(fs.zero(t, "equipment_over_1m", "value"))
            self.p(f"截至{self.year}年12月31日，共有车辆{n}辆；单价100万元（含）以上设备（不含车辆）{eq}台（套）。")
        self.p("（四）预算绩效情况。＿＿")


def narrative(fs: FactSet, year: int, prior: FactSet | None = None, tables: tuple[str, ...] = ()) -> list[Part]:
    """The 情况说明 part's headings and paragraphs."""
    w = Writer(fs, year, prior)
    w.overall()
    if "fiscal_summary" in tables or "gpb_expenditure" in tables:
        w.fiscal()
    if "three_public" in tables:
        w.three_public()
    if "gpb_basic" in tables:
        w.basic()
    if "three_public" in tables:
        w.other()
    return w.parts
