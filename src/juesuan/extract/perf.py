"""Performance self-evaluation attachments (绩效自评表) → facts and :class:`PerfTable` objects.

Documents end with self-evaluation tables: one per project (项目支出绩效自评(情况)表,
预算项目(政策)绩效自评表, …) and, in some regions, for the department as a whole
(部门整体支出绩效自评(情况)表, 部门（单位）整体绩效自评表). They are read straight from the ingest
blocks: the layout stage cannot cut them apart (where the title is printed as a table row,
consecutive tables run together into one grid).

Each table is found by its title and read up to the next title or part heading (第X部分). The
converter shifts cells left and right within a row and splits long cells over several lines, so
rows are read by what their cells hold, not by column position:

* funds rows (年初预算数 / 全年预算数 / 全年执行数 / 执行率 / 分值 / 得分): numbers in header order;
* indicator rows: the numbers at the end of the row are 分值 and 得分 (then 偏差度, or 完成程度
  before them, as the header announces); before them come target and actual values, and before
  those the 一级/二级/三级 names (carried down from the rows above when blank); a row without
  those numbers continues the previous indicator (its cells join the fields in the same columns);
* score rows (总分, 总评价得分, 指标自评得分小计 … 预算执行率得分 … 减分项 … 绩效自评总得分), the grade
  (优/良/中/差), the notes (备注: the 执行率 rule) and the text parts (年度目标, 完成情况, 自评结果分析,
  结果应用建议, 审核意见 …).

Facts (an extension of facts contract v1: nothing renamed): tables ``perf_department`` and
``perf_project``; ``Fact.project`` names the table — the project (or department) name as printed,
with the 实施单位 (or a number) appended when the document prints the same name twice. Rows:

* ``funds.total``, ``funds.<source>`` (:data:`SOURCE_KEYS`), ``task.<n>`` (年度主要任务, Liaoning
  department tables) with the columns of :data:`FUNDS_COLUMNS`; amounts in 万元 (converted when the
  header says 元), ``rate`` as a percentage number; a printed ``-`` is a zero fact;
* ``budget.income`` / ``budget.expense`` (部门年初预算收入/支出金额): ``budget_initial``;
* ``mgmt.<n>`` (资金管理情况 items, Henan projects): ``weight``, ``score``;
* ``ind.<n>`` (order in the table): :data:`INDICATOR_COLUMNS` — ``target_initial`` (年初指标值),
  ``target`` and ``actual`` only when numeric (``≥80人``, ``=100%``; dates, durations and words are
  not), ``degree`` (完成程度, in percent), ``weight``, ``score``, ``deviation`` (偏差度); the label is
  ``一级/二级/三级 [operator unit]``;
* ``total`` (``weight`` when printed, ``score``), ``indicators`` and ``deduction``: ``score``.

:func:`perf_checks` returns what does not add up in one table; tolerance is decided by
:func:`juesuan.money.compare`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress
from operator import attrgetter
from typing import Any, Literal, NamedTuple

from ..model import Block, Fact
from ..money import ZERO, compare, half_unit
from .identify import identify_title

PERF_TABLES = ("perf_department", "perf_project")

# --------------------------------------------------------------------------- contract keys

# funds rows: funds.total and funds.<source>; column keys of funds / task rows
FUNDS_COLUMNS = (
    "budget_declared",  # 目标申报数 (Shanxi: 年初预算数 → 目标申报数)
    "budget_initial",  # 年初预算数 (Shanxi: 年初预算数 → 预算编制数)
    "budget_full",  # 全年预算数 / 项目预算金额 / 项目下达金额
    "executed",  # 全年执行数 / 项目执行金额
    "balance",  # 资金结(转)余
    "rate",  # 执行率, as a percentage number (98.5 for 98.5%)
    "weight",  # 分值
    "score",  # 得分
)
# funds source keys (row funds.<key>); the fiscal.* keys are parts of fiscal
SOURCE_KEYS = (
    "fiscal",  # 财政拨款 / 其中：当年财政拨款
    "fiscal.central",  # 中央财政资金 / 中央资金
    "fiscal.provincial",  # 省级财政资金 / 省级资金
    "fiscal.local",  # 市县区财政资金 / 市区财政拨款 …
    "prior_year",  # 上年结转资金
    "special_account",  # 财政专户管理资金
    "unit_funds",  # 单位资金 / 单位自筹资金
    "other",  # 其他资金
    "unclassified",  # a source whose label was lost or is unknown
)
# indicator columns (row ind.<n>): target / actual / target_initial only when numeric
INDICATOR_COLUMNS = ("target_initial", "target", "actual", "degree", "weight", "score", "deviation")

GRADES = ("优", "良", "中", "差")

# --------------------------------------------------------------------------- objects


@dataclass(slots=True)
class PerfIndicator:
    n: int  # 1-based order in the table
    level1: str
    level2: str
    level3: str
    op: str  # operator of the target (≥, ≤, =, …) as printed
    unit: str  # unit of the target / actual as printed (人, %, 万元, …)
    target_text: str
    actual_text: str
    target_initial_text: str = ""
    target: Decimal | None = None
    target_initial: Decimal | None = None
    actual: Decimal | None = None
    degree: Decimal | None = None  # 完成程度, percent
    weight: Decimal | None = None
    score: Decimal | None = None
    deviation: Decimal | None = None  # 偏差度
    line: int | None = None

    @property
    def label(self) -> str:
        names = f"{self.level1}/{self.level2}/{self.level3}"
        if self.op and self.unit:
            return f"{names} [{self.op} {self.unit}]"
        if self.op or self.unit:
            return f"{names} [{self.op or self.unit}]"
        return names


@dataclass(slots=True)
class PerfTable:
    """One self-evaluation table as printed."""

    kind: Literal["department", "project"]
    title: str
    project: str  # 项目名称 / 部门（单位）名称 as printed
    department: str  # 主管部门
    implementer: str  # 实施单位 / 预算单位
    line: int  # line of the title
    key: str = ""  # project made unique within the document (Fact.project)
    texts: dict[str, str] = field(default_factory=dict)  # 年度目标, 完成情况, 审核意见 …
    notes: list[str] = field(default_factory=list)
    rate_rule: str | None = None  # the note defining 执行率, as printed
    rate_basis: str | None = None  # "budget_full" / "budget_initial" per that note
    score_rule: str | None = None  # the note defining 执行率得分, as printed (None: not stated)
    grade: str | None = None  # 等级 (优/良/中/差) as printed
    indicators: list[PerfIndicator] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    unit: str = "万元"  # unit of the funds amounts as printed (facts are in 万元)
    readable: bool = True  # False: the converter replaced the table with a description
    warnings: list[str] = field(default_factory=list)

    @property
    def table_id(self) -> str:
        return "perf_department" if self.kind == "department" else "perf_project"

    def fact(self, row: str, column: str) -> Fact | None:
        for f in self.facts:
            if f.row == row and f.column == column:
                return f
        return None


# --------------------------------------------------------------------------- text helpers

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋％＝＜＞：（）", "0123456789.,-+%=<>:()")
_YEAR_SUFFIX = re.compile(r"\s*[（(]\s*20\d{2}\s*年度?\s*[)）]?\s*$")
_TITLE_END = re.compile(r"(绩效自评(情况)?表|支出绩效自评|支出绩效自?|整体绩效自评表)$")
_TITLE_WORD = re.compile(r"项目|部门|整体|政策")
_ORDINAL = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d+[.、])")
_PART = re.compile(r"^第[一二三四五六七八九十]+部分")
_SECTION = re.compile(r"^[一二三四五六七八九十]+、")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)%?$")
_DASH = frozenset({"-", "—", "——", "–", "－", "―", "--"})
_OPS = frozenset({"=", "==", ">=", "<=", ">", "<", "≥", "≤", "≧", "≦", "＝"})
_VALUE = re.compile(
    r"^(?P<op>>=|<=|==|[≥≤≧≦<>=~→—–\-一])?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s]{0,8})$"
)
_NOT_UNIT = re.compile(r"[年月日周内前后底季至]")
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])[ \u3000]+(?=[^\x00-\x7f])")
_DIGIT_GAP = re.compile(r"(?<=[\d.])[ ]+(?=[\d.])")
_NUM_START = frozenset("0123456789+-.０１２３４５６７８９")
_GRADE_WORDS = {"优": "优", "优秀": "优", "良": "良", "良好": "良", "中": "中", "合格": "中", "差": "差", "较差": "差"}
_QUAL = frozenset(
    "及时 保障 提升 提高 完善 促进 减轻 改善 满足 合规 每月 按时 达标 显著 明显 增加 按 保持稳定 缓解 "
    "有效促进 有效激励 显著提高 持续推进 全年 每周 规范 完整 科学 合理 真实 健全 公开 相关 落实 助推 "
    "形成 帮助 加强 确保 有力支持 效果显著 作用显著 明显增加".split()
)
_LEVEL1 = frozenset(
    "产出指标 效益指标 成本指标 满意度指标 投入管理指标 履职效能 管理效率 运行成本 社会效应 可持续性 预算执行".split()
)
_HEADER_WORDS = frozenset(
    "一级指标 二级指标 三级指标 年度指标值 实际完成值 实际值完成值 分值 得分 偏差度 年初指标值 调整后指标值 "
    "运算符号 内容 度量单位 全年完成值 完成程度 指标值 年度目标值 经费保障 制度保障 人员保障 硬件条件保障 其他 "
    "原因说明 偏差原因分析 改进措施 未完成原因分析 经费保障原因分析 制度保障原因分析 人员保障原因分析 "
    "硬件条件保障原因分析 其他原因分析 偏差原因分析及改进措施 偏差原因".split()
)
_UNIT_CHARS = frozenset("元万千人个次家台套份条项天月年%/平方米吨度亩场间组册起、()（）")
_SECTION_LABELS = frozenset(["绩效指标", "项目绩效指标"])
# rows that end the indicator list and start the text part
_TEXT_GROUPS = frozenset(
    (
        "结果应用建议",
        "主管部门审核意见",
        "财政部门审核意见",
        "主管部门总体意见",
        "财政部门总体意见",
        "项目绩效分析",
        "自评结果分析",
        "自评结果",
        "项目支出绩效分析",
        "项目绩效自评",
        "项目支出绩效自评报告",
        "项目自评效果分析",
        "下一步改进措施",
    )
)
_GOAL_LABELS = frozenset(
    (
        "年度总体目标",
        "年度目标",
        "年度目",
        "年度总体",
        "预期目标",
        "实际完成情况",
        "年初设定目标",
        "全年实际完成情况",
        "项目年度绩效目标",
        "项目年度主要绩效目标",
        "项目年度目标",
        "年初总体目标",
        "全年完成情况",
    )
)
_TASK_LABELS = frozenset(("年度主要任务", "年度主要", "年度主"))
_OPTION_HEADS = frozenset(("结果应用建议选项", "具体建议内容"))


def _join(text: str) -> str:
    """A cell as printed, with the converter's line-break spaces inside words removed."""
    text = text.strip()
    if " " in text or "\u3000" in text:
        text = _CJK_GAP.sub("", text)
    return text


def _norm(text: str) -> str:
    """Compact form of a label: no spaces (full-width brackets and colons are kept)."""
    return text.replace(" ", "") if " " in text else text


_NUM_CACHE: dict[str, tuple[Decimal, bool] | None] = {}


def _parse_num(text: str) -> tuple[Decimal, bool] | None:
    s = text.replace(" ", "").replace(",", "") if (" " in text or "," in text) else text
    if not s.isascii():
        s = s.translate(_FULLWIDTH)
    if not _NUMBER.match(s):
        return None
    if s[-1] == "%":
        return Decimal(s[:-1]), True
    return Decimal(s), False


def _num(text: str, pct: bool = True) -> Decimal | None:
    """The number a cell holds (``12.5``, ``63.44 %``, ``1,018``), or None (``%`` only if ``pct``)."""
    if not text or text[0] not in _NUM_START:
        return None
    try:
        got = _NUM_CACHE[text]
    except KeyError:
        got = _NUM_CACHE[text] = _parse_num(text) if len(_NUM_CACHE) < 20000 else None
        if got is None and len(_NUM_CACHE) >= 20000:
            got = _parse_num(text)
    if got is None or (got[1] and not pct):
        return None
    return got[0]


def _num_or_dash(text: str) -> Decimal | None:
    if text in _DASH or text.strip() in _DASH:
        return ZERO
    return _num(text)


_VALUE_CACHE: dict[str, tuple[str, Decimal | None, str]] = {}


def _value(text: str) -> tuple[str, Decimal | None, str]:
    """(operator, number, unit) of a target/actual value such as ``≥80人`` or ``=100%``."""
    got = _VALUE_CACHE.get(text)
    if got is None:
        got = _parse_value(text)
        if len(_VALUE_CACHE) < 20000:
            _VALUE_CACHE[text] = got
    return got


def _parse_value(text: str) -> tuple[str, Decimal | None, str]:
    s = text.replace(",", "")
    if not s.isascii():
        s = s.translate(_FULLWIDTH)
    s = _join(s)
    if " " in s:
        s = _DIGIT_GAP.sub("", s)
    m = _VALUE.match(s)
    if not m:
        return "", None, ""
    unit = m.group("unit")
    if unit and _NOT_UNIT.search(unit):
        return "", None, ""
    op = m.group("op") or ""
    if op == "一":
        op = "—"
    return op, Decimal(m.group("num")), unit


_LIKE_CACHE: dict[str, bool] = {}


def _value_like(text: str) -> bool:
    """A cell that reads as a target/actual value rather than an indicator name (Shanxi layout)."""
    got = _LIKE_CACHE.get(text)
    if got is None:
        got = _parse_value_like(text)
        if len(_LIKE_CACHE) < 20000:
            _LIKE_CACHE[text] = got
    return got


def _parse_value_like(text: str) -> bool:
    s = text.strip()
    if not s:
        return False
    c = s[0]
    if c in "≥≤≧≦<>=＝~→—–-":
        return True
    if c == "一":
        return len(s) <= 6
    if "0" <= c <= "9":
        return len(s) <= 12 or any(w in s for w in ("月", "季", "日"))
    if (
        len(s) <= 12
        and any(w in s for w in ("月", "季度", "周", "每年", "每天", "半年", "年底"))
        and (c in "每第按半年月下上全" or s[-1] in "前底内末份")
    ):
        return True
    if len(s) <= 6 and all(ch in _UNIT_CHARS for ch in s):
        return True
    return "预期指标" in s or s in _QUAL or len(s) <= 2


def _strip_tags(text: str) -> str:
    return _TAG.sub(" ", text).strip() if "<" in text else text


# --------------------------------------------------------------------------- titles


def _title_of(block: Block) -> str | None:
    """The title if this block is a self-evaluation table title, else None."""
    cells = block.cells
    first = cells[0].text
    if len(first) > 90:
        return None
    if block.kind == "row" and any(c.text for c in cells[1:]):
        return None
    t = first.strip()
    if _ORDINAL.match(t) or any(p in t for p in "，。；;"):
        return None
    core = _YEAR_SUFFIX.sub("", _norm(t))
    if not _TITLE_END.search(core) or not _TITLE_WORD.search(core):
        return None
    return t


def _kind(title: str) -> Literal["department", "project"]:
    t = _norm(title)
    if "整体" in t and ("部门" in t or "单位" in t):
        return "department"
    return "project"


def _name_from_title(title: str) -> str:
    core = _YEAR_SUFFIX.sub("", title.strip())
    core = re.sub(r"(项目)?支出绩效(自评?(情况)?表?)?$", "", core)
    return _join(core)


_LETTERS = re.compile(r"[A-Za-z]")
_PLACEHOLDER = re.compile(r"^(Table|Main|The|A |An )|[A-Za-z]{4,}.*[A-Za-z]{4,}")


def _is_placeholder(text: str) -> bool:
    """A converter's English description standing in for a table it could not read."""
    if not text[:1].isascii():
        return False
    return len(_LETTERS.findall(text, 0, 200)) >= 20 and bool(_PLACEHOLDER.search(text))


# --------------------------------------------------------------------------- reading


_NOTE = re.compile(r"^(备注|注|说明)\s*[:：]?|^\d\s*[.．、]\s*[“\"'‘]?(全年|执行|年初)")
_NOTE_CONT = re.compile(r"^\d\s*[.．、]")
_NAME_LABEL = re.compile(r"^(项目[(（]政策[)）]名称|项目名称|部门[(（]单位[)）]名称|部门名称|单位名称)")
_DEPT_LABEL = re.compile(r"^主管部门(及代码)?([:：]|$)")
_IMPL_LABEL = re.compile(r"^(实施单位|预算单位)")
_TOTAL_LABEL = re.compile(r"^(总分|总评价得分|总得分)")
_TOTAL_CELL = re.compile(r"^(总分|总评价得分|总得分)([0-9.]+)?(优秀|良好|优|良|中|差)?$")
_FUNDS_HEAD = ("年初预算数", "全年预算数", "全年执行数", "项目下达金额", "年执行数")
_FUNDS_TOTAL = re.compile(r"总额|合计|总计")
_YEAR_LINE = re.compile(r"^[(（]?20\d{2}年度?[)）]?$")
_SENTENCE = re.compile(r"[，。；]")
_SCORE_LABELS = {"total": "总分", "indicators": "指标自评得分小计", "deduction": "减分项"}
_AMOUNT_COLS = frozenset(("budget_declared", "budget_initial", "budget_full", "executed", "balance"))


def _funds_col(w: str) -> str | None:
    if "目标申报" in w:
        return "budget_declared"
    if "预算编制" in w or "年初预算" in w:
        return "budget_initial"
    if "全年预算" in w or "下达金额" in w or "项目预算金额" in w:
        return "budget_full"
    if "执行数" in w or "执行金额" in w:
        return "executed"
    if "结余" in w or "结转" in w or "结(" in w or w[-1:] == "余":
        return "balance"
    if "执行率" in w:
        return "rate"
    if "分值" in w:
        return "weight"
    if "得分" in w or "偏差率" in w:
        return "score"
    return None


def _source_key(label: str) -> str:
    """funds.<key> for a printed source label (财政拨款, 上年结转资金, 中央资金, 单位自筹资金 …)."""
    s = _norm(label).translate(_FULLWIDTH)
    s = re.sub(r"^资金来源:?", "", s)
    s = re.sub(r"^\(\d\)|^其中:?", "", s)
    if "上年结转" in s or "结转资金" in s:
        return "prior_year"
    if "财政专户" in s:
        return "special_account"
    if "单位资金" in s or "自筹" in s:
        return "unit_funds"
    if s.startswith("其他"):
        return "other"
    if "中央" in s:
        return "fiscal.central"
    if "省级" in s or "省财政" in s:
        return "fiscal.provincial"
    if re.search("[市县区]", s) and ("财政" in s or "资金" in s):
        return "fiscal.local"
    if "财政" in s:
        return "fiscal"
    return "unclassified"


def _is_header_word(w: str) -> bool:
    return w in _HEADER_WORDS or w in _SECTION_LABELS


def _is_goal_label(w: str) -> bool:
    return w in _GOAL_LABELS or w.startswith("年度总体目标")


def _map_values(cols: list[str], values: list[tuple[Decimal, Any]]) -> list[tuple[str, tuple[Decimal, Any]]]:
    """Assign a row's numbers to the header's columns (right-anchored when the row has extras)."""
    if not cols:
        return []
    if len(values) <= len(cols):
        return list(zip(cols, values))
    # more values than columns: columns from budget_full on are anchored to the right
    split = cols.index("budget_full") if "budget_full" in cols else len(cols)
    left, right = cols[:split], cols[split:]
    out = list(zip(left, values[: len(left)]))
    out += list(zip(right, values[len(values) - len(right) :]))
    return out


_Pending = tuple  # (row, column, value, raw, prov, label)
_GLUED = re.compile(r"(?<=[^\x00-\x7f])(\d{1,2}(?:\.\d)?)$")
_TEXT = attrgetter("text")


class _Reader:
    """Reads one table (title → next title) into a PerfTable."""

    def __init__(self, title_block: Block, title: str, blocks: list[Block]) -> None:
        self.t = PerfTable(
            kind=_kind(title),
            title=title,
            project="",
            department="",
            implementer="",
            line=title_block.prov.line or 0,
        )
        self.blocks = blocks
        self.factor = Decimal(1)
        self.funds_cols: list[str] = []
        self.task_cols: list[str] = []
        self.funds_rows: list[tuple[str, list[tuple[Decimal, Any]], int]] = []  # label, values, line
        self.tasks: list[tuple[str, list[tuple[Decimal, Any]], int]] = []
        self.family = "shanxi"
        self.levels = ["", ""]
        self.raw: list[dict[str, Any]] = []  # indicators as read
        self.pending_name = False
        self.group = ""
        self.scores: dict[tuple[str, str], tuple[Decimal, Any]] = {}  # (row, col) -> (value, cell)
        self.mgmt: list[tuple[str, Decimal | None, Decimal | None, Any, Any]] = []
        self.out: list[_Pending] = []

    # -- dispatch -----------------------------------------------------------------------------

    def read(self) -> tuple[PerfTable, list[_Pending]]:
        state = "head"
        seen_note = False
        rows = 0
        for b in self.blocks:
            if b.kind == "text":
                text = _join(b.cells[0].text) if b.cells else ""
                if not text:
                    continue
                if _NOTE.match(text) or (seen_note and _NOTE_CONT.match(text)):
                    seen_note = True
                    self.t.notes.append(text)
                    continue
                if rows == 0 and _is_placeholder(text):
                    self.t.readable = False
                    self.t.warnings.append(f"表格未能转换（第{b.prov.line}行）：{text[:60]}")
                    continue
                self._text(text)
                continue
            if seen_note:
                continue  # rows after the notes belong to a displaced page, not to this table
            rows += 1
            texts = list(map(_TEXT, b.cells))
            ne = list(compress(enumerate(texts), texts))
            if ne:
                state = self._row(state, b, ne, texts)
        self._finish(rows)
        return self.t, self.out

    def _text(self, text: str) -> None:
        n = _norm(text)
        if self.pending_name:
            self.t.project = text
            self.pending_name = False
            return
        if _NAME_LABEL.match(n):
            rest = re.sub(r"^[^:：]*[:：]", "", n) if (":" in n or "：" in n) else ""
            if rest:
                self.t.project = rest
            else:
                self.pending_name = True
            return
        if _YEAR_LINE.match(n):
            return
        if len(n) <= 8 and not _SENTENCE.search(n):
            self.group = n  # a label line (预期目标, 实际完成情况, 年度主要任务 …)
            return
        key = self.group or "说明"
        self.t.texts[key] = (self.t.texts.get(key, "") + "\n" + text).strip()

    def _row(self, state: str, b: Block, ne: list[tuple[int, str]], texts: list[str]) -> str:
        if state == "after":
            self._text_row(ne)
            return state
        first = _norm(ne[0][1])
        joined = "".join(texts).replace(" ", "")
        if state == "ind" and "三级指标" not in joined and not first.startswith("指标自评"):
            # fast path for the common case: an indicator row (or the end of the list)
            if first[0] == "总" and _TOTAL_LABEL.match(first) or (
                len(ne) > 1 and ne[1][1][:1] == "总" and _TOTAL_LABEL.match(_norm(ne[1][1]))
            ):
                self._total_row(b, ne)
                return "total"
            if first not in _TEXT_GROUPS and "绩效自评总得分" not in joined:
                self._ind_row(b, ne)
                return state
        has_num = any(t[0] in _NUM_START for _, t in ne) and any(_num(t) is not None for _, t in ne)
        # funds headers (checked first: a shifted 主管部门 label may sit on them)
        if state == "funds" and not has_num and "目标申报" in joined:
            self._funds_header([_norm(t) for _, t in ne], sub=True)
            return "funds"
        if state in ("head", "funds", "goals") and any(h in joined for h in _FUNDS_HEAD):
            if "项目下达金额" in joined:
                self.task_cols = self._columns([_norm(t) for _, t in ne])
                return "tasks"
            if not has_num:
                self._funds_header([_norm(t) for _, t in ne])
                return "funds"
        if state == "head":
            if _NAME_LABEL.match(first):
                if len(ne) > 1:
                    self.t.project = _join(ne[1][1])
                else:
                    self.pending_name = True
                return state
            if self.pending_name and len(ne) == 1:
                self.t.project = _join(ne[0][1])
                self.pending_name = False
                return state
            if _DEPT_LABEL.match(first):
                self._dept_row(ne)
                return state
            if _IMPL_LABEL.match(first):
                if len(ne) > 1:
                    self.t.implementer = _join(ne[1][1])
                return state
        if first.startswith("部门年初预算收入") or first.startswith("部门年初预算支出"):
            row = "budget.income" if "收入" in first else "budget.expense"
            for i, t in ne[1:]:
                v = _num(t)
                if v is not None:
                    self._fact(row, "budget_initial", v * self.factor, b.cells[i], _join(ne[0][1]))
                    break
            return state
        if first.startswith("项目预算金额"):  # 项目预算金额 | x | 全年执行数 | y | 执行率 | z%
            self._pairs_row(b, ne, "funds")
            return "funds_done"
        if first.startswith("指标自评得分小计") or "绩效自评总得分" in joined:
            self._pairs_row(b, ne, "scores")
            return "after"
        if _TOTAL_LABEL.match(first) or (
            state == "ind" and len(ne) > 1 and _TOTAL_LABEL.match(_norm(ne[1][1]))
        ):
            self._total_row(b, ne)
            return "total"
        if state == "total":
            if all(_norm(t) in _GRADE_WORDS or _num(t) is not None for _, t in ne):
                for i, t in ne:
                    if _norm(t) in _GRADE_WORDS:
                        self.t.grade = _join(t)
                    elif ("total", "score") not in self.scores:
                        self.scores[("total", "score")] = (_num(t), b.cells[i])
                return "total"
            if first in ("评价等级", "等级") and _norm(ne[-1][1]) in _GRADE_WORDS:
                self.t.grade = _join(ne[-1][1])
                return "total"
        if first.startswith("资金管理情况"):
            return "mgmt"
        if state not in ("total", "after") and (
            "三级指标" in joined or ("一级指标" in joined and "二级指标" in joined)
        ):
            self._ind_header(b, ne)
            return "ind"
        if first in _TEXT_GROUPS or (
            len(ne) > 1 and first in _SECTION_LABELS and _norm(ne[1][1]) in _TEXT_GROUPS
        ):
            self.group = first
            self._text_row(ne)
            return "after"
        if first.startswith("项目年度") or _is_goal_label(first):
            self._goal_row(ne)
            return "goals"
        if state == "funds":
            if has_num or any(_num_or_dash(t) is not None for _, t in ne):
                self._funds_row(b, ne, self.funds_rows)
            return state
        if state == "tasks":
            if has_num:
                self._funds_row(b, ne, self.tasks)
            return state
        if state == "mgmt":
            if has_num:
                self._mgmt_row(b, ne)
            return state
        if state == "goals":
            if first not in _SECTION_LABELS and not any(_norm(t) in _HEADER_WORDS for _, t in ne):
                self._goal_row(ne)
            return state
        if state == "ind":
            self._ind_row(b, ne)
            return state
        if state in ("total", "funds_done"):
            self._text_row(ne)
        return state

    # -- identification -------------------------------------------------------------------------

    def _dept_row(self, ne: list[tuple[int, str]]) -> None:
        vals = [_join(t) for _, t in ne[1:]]
        impl = ""
        rest: list[str] = []
        for j, v in enumerate(vals):
            nv = _norm(v)
            if _IMPL_LABEL.match(nv):
                tail = re.sub(r"^(实施单位|预算单位)[:：]?", "", nv)
                impl = tail or (vals[j + 1] if j + 1 < len(vals) else "")
                break
            rest.append(v)
        if rest:
            self.t.department = rest[0]
        if not impl and len(rest) > 1:
            impl = rest[-1]
        if impl:
            self.t.implementer = impl

    # -- funds ----------------------------------------------------------------------------------

    def _columns(self, words: list[str]) -> list[str]:
        cols: list[str] = []
        declared = any("目标申报" in w for w in words)
        for w in words:
            c = _funds_col(w)
            if c is None or c in cols:
                continue
            if c == "budget_declared":
                if "budget_initial" in cols:
                    continue
                cols.append("budget_declared")
                c = "budget_initial"
            elif c == "budget_initial" and declared and "budget_declared" not in cols:
                cols.append("budget_declared")
            if c not in cols:
                cols.append(c)
        return cols

    def _funds_header(self, words: list[str], *, sub: bool = False) -> None:
        if any("(元)" in w or "（元）" in w for w in words):
            self.factor = Decimal("0.0001")
            self.t.unit = "元"
        if not sub:
            self.funds_cols = self._columns(words)
            return
        # 目标申报数 | 预算编制数 under 年初预算数; the line may also name columns the first missed
        cols = self.funds_cols
        if "budget_initial" in cols and "budget_declared" not in cols:
            cols.insert(cols.index("budget_initial"), "budget_declared")
        for w in words:
            c = _funds_col(w)
            if c is not None and c not in cols and c not in ("budget_declared", "budget_initial"):
                cols.append(c)

    def _funds_row(self, b: Block, ne: list[tuple[int, str]], into: list) -> None:
        label = ""
        values: list[tuple[Decimal, Any]] = []
        for i, t in ne:
            v = _num_or_dash(t)
            if v is None:
                if not values and not label and _norm(t) not in _TASK_LABELS:
                    label = _join(t)
                continue
            values.append((v, b.cells[i]))
        if values:
            into.append((label, values, b.prov.line or 0))

    def _pairs_row(self, b: Block, ne: list[tuple[int, str]], what: str) -> None:
        """label | value | label | value … (Liaoning funds and score lines)."""
        label = ""
        for i, t in ne:
            text = _strip_tags(t)
            v = _num(text)
            if v is None:
                # "绩效自评总得分 99.92" (a stray HTML cell merged into the label)
                m = re.match(r"^(\D+?)\s*([0-9.]+)$", _norm(text))
                if m and what == "scores" and _num(m.group(2)) is not None:
                    label = m.group(1)
                    continue
                label = _norm(text)
                continue
            cell = b.cells[i]
            if what == "funds":
                if "预算金额" in label:
                    self._fact("funds.total", "budget_full", v * self.factor, cell, "项目预算金额")
                elif "执行数" in label:
                    self._fact("funds.total", "executed", v * self.factor, cell, "项目预算金额")
                elif "执行率" in label:
                    self._fact("funds.total", "rate", v, cell, "项目预算金额")
            else:
                key = None
                if label.startswith("指标自评得分"):
                    key = ("indicators", "score")
                elif "执行率得分" in label:
                    key = ("funds.total", "score")
                elif label.startswith("减分"):
                    key = ("deduction", "score")
                elif "总得分" in label or label.startswith("总分"):
                    key = ("total", "score")
                if key and key not in self.scores:
                    self.scores[key] = (v, cell)
            label = ""

    def _finish_funds(self) -> None:
        rows = self.funds_rows
        if not rows:
            return
        total_i = next((k for k, r in enumerate(rows) if _FUNDS_TOTAL.search(r[0])), None)
        if total_i is None:
            if len(rows) == 1:
                total_i = 0
            else:
                total_i = next((k for k, r in enumerate(rows) if not r[0]), 0)
        used: set[str] = set()
        for k, (label, values, line) in enumerate(rows):
            source = _source_key(label) if label else "unclassified"
            key = "funds.total" if k == total_i else f"funds.{source}"
            if key in used:
                self.t.warnings.append(f"第{line}行：资金来源“{label}”重复，已忽略")
                continue
            used.add(key)
            for col, (v, cell) in _map_values(self.funds_cols, values):
                self._fact(key, col, v * self.factor if col in _AMOUNT_COLS else v, cell, label)

    def _finish_tasks(self) -> None:
        for n, (label, values, _line) in enumerate(self.tasks, start=1):
            for col, (v, cell) in _map_values(self.task_cols, values):
                self._fact(f"task.{n}", col, v * self.factor if col in _AMOUNT_COLS else v, cell, label)

    # -- management items (Henan 资金管理情况) ---------------------------------------------------

    def _mgmt_row(self, b: Block, ne: list[tuple[int, str]]) -> None:
        nums = [_num(t, False) for _, t in ne]
        k0 = next((k for k, v in enumerate(nums) if v is not None), None)
        if k0 is None:
            return
        k1 = k0 + 1 if k0 + 1 < len(nums) and nums[k0 + 1] is not None else None
        label = _join(ne[0][1]) if k0 > 0 else ""
        self.mgmt.append(
            (
                label,
                nums[k0],
                nums[k1] if k1 is not None else None,
                b.cells[ne[k0][0]],
                b.cells[ne[k1][0]] if k1 is not None else None,
            )
        )

    # -- goals and texts -------------------------------------------------------------------------

    def _goal_row(self, ne: list[tuple[int, str]]) -> None:
        vals = [_join(t) for _, t in ne if not _is_goal_label(_norm(t))]
        if not vals:
            return
        texts = self.t.texts
        if "年度目标" not in texts:
            texts["年度目标"] = vals[0]
            if len(vals) > 1:
                texts["完成情况"] = " ".join(vals[1:])
        elif "完成情况" not in texts:
            texts["完成情况"] = " ".join(vals)

    def _text_row(self, ne: list[tuple[int, str]]) -> None:
        if len(ne) == 1 and len(ne[0][1]) <= 20:
            return  # an option without content (结果应用建议 …)
        cells = [_join(t) for _, t in ne]
        if _norm(cells[0]) in _TEXT_GROUPS:
            self.group = _norm(cells[0])
            cells = cells[1:]
        if cells and _norm(cells[0]) in _TEXT_GROUPS:
            cells = cells[1:]
        checked = "√" in cells
        cells = [c for c in cells if c != "√" and _norm(c) not in _OPTION_HEADS]
        if not cells:
            return
        texts = self.t.texts
        if len(cells) == 1:
            if len(cells[0]) > 20 or self.group.endswith("总体意见"):
                key = self.group or "说明"
                texts[key] = (texts.get(key, "") + "\n" + cells[0]).strip()
            elif checked and self.group:
                texts[self.group] = (texts.get(self.group, "") + "\n√" + cells[0]).strip()
            return
        key, value = cells[0], " ".join(cells[1:])
        if checked:
            value = "√" + value
        if len(cells[0]) > 30:  # no sub-label: the whole row is content
            key, value = self.group or "说明", " ".join(cells)
        texts[key] = (texts[key] + "\n" + value) if key in texts else value

    # -- indicators ------------------------------------------------------------------------------

    def _ind_header(self, b: Block, ne: list[tuple[int, str]]) -> None:
        words = [_norm(t) for _, t in ne]
        joined = "".join(words)
        if "运算符号" in joined or "完成程度" in joined:
            self.family = "liaoning"
        elif "偏差度" in joined:
            self.family = "henan"
        elif self.family not in ("liaoning", "henan"):
            self.family = "shanxi"
        if any(_num(t) is not None for _, t in ne):
            # the converter merged the header and the first indicator into one line
            rest = [(i, t) for (i, t), w in zip(ne, words) if not _is_header_word(w)]
            self._ind_row(b, rest)
            return
        # a repeated header inside the list may carry the current level names before 三级指标
        k = next((j for j, w in enumerate(words) if w == "三级指标"), None)
        if k:
            names = [_join(t) for (_, t), w in zip(ne[:k], words[:k]) if not _is_header_word(w)]
            if names:
                self._set_levels(names + ["-"])

    def _set_levels(self, names: list[str]) -> None:
        """Update the carried 一级/二级 names from the names before the 三级 name."""
        pre = names[:-1]
        if len(pre) >= 2:
            self.levels = [pre[-2], pre[-1]]
        elif len(pre) == 1:
            if pre[0] in _LEVEL1:
                self.levels = [pre[0], ""]
            else:
                self.levels = [self.levels[0], pre[0]]

    def _ind_row(self, b: Block, ne: list[tuple[int, str]]) -> None:
        cells = ne
        while cells and _norm(cells[0][1]) in _SECTION_LABELS:
            cells = cells[1:]
        liaoning = self.family == "liaoning"
        j = len(cells)
        while j > 0 and _num(cells[j - 1][1]) is None:
            j -= 1
        k = j
        while k > 0 and _num(cells[k - 1][1], liaoning) is not None:
            k -= 1
        run = cells[k:j]
        if not run:
            if not all(_norm(t) in _HEADER_WORDS for _, t in cells):
                self._continuation(cells)
            return
        pre = cells[:k]
        rec: dict[str, Any] = {"line": b.prov.line or 0, "prov": b.prov, "level3_col": None}
        fam = self.family
        if fam == "liaoning":
            if len(run) < 3:
                tail = run[-2:]
                fields = ["weight", "score"][-len(tail) :]
                names_vals = pre + run[: len(run) - len(tail)]
            else:
                tail, fields, names_vals = run[-3:], ["degree", "weight", "score"], pre + run[:-3]
            for (i, t), f in zip(tail, fields):
                rec[f] = (t, b.cells[i])
            self._liaoning_pre(rec, names_vals)
        elif fam == "henan":
            if len(run) >= 3:
                tail, extra, fields = run[-3:], run[:-3], ["weight", "score", "deviation"]
            else:
                tail, extra, fields = run, [], ["weight", "score"][: len(run)]
            for (i, t), f in zip(tail, fields):
                rec[f] = (t, b.cells[i])
            self._henan_pre(rec, pre + extra)
        else:
            glued = _GLUED.search(pre[-1][1]) if len(run) == 1 and pre else None
            if glued and not _value_like(pre[-1][1]):
                # "提升学生住宿30 | 30": the converter glued 分值 onto the text before it
                i = pre[-1][0]
                rec["weight"] = (glued.group(1), b.cells[i])
                rec["score"] = (run[0][1], b.cells[run[0][0]])
                pre = pre[:-1] + [(i, pre[-1][1][: glued.start()])]
            else:
                for (i, t), f in zip(run[:2], ("weight", "score")):
                    rec[f] = (t, b.cells[i])
            self._shanxi_pre(rec, pre)
        self.raw.append(rec)

    def _names(self, rec: dict, names: list[tuple[int, str]]) -> None:
        names = [(i, t) for i, t in names if _norm(t) not in _SECTION_LABELS]
        if not names:
            rec["levels"] = [self.levels[0], self.levels[1], ""]
            return
        texts = [_join(t) for _, t in names]
        self._set_levels(texts)
        rec["levels"] = [self.levels[0], self.levels[1], texts[-1]]
        rec["level3_col"] = names[-1][0]

    def _henan_pre(self, rec: dict, pre: list[tuple[int, str]]) -> None:
        if len(pre) >= 3 or (len(pre) == 2 and _value_like(pre[0][1])):
            rec["target"] = (pre[-2][1], pre[-2][0])
            rec["actual"] = (pre[-1][1], pre[-1][0])
            self._names(rec, pre[:-2])
        elif len(pre) == 2:
            rec["actual"] = (pre[-1][1], pre[-1][0])
            self._names(rec, pre[:-1])
        else:
            if pre:
                rec["actual"] = (pre[-1][1], pre[-1][0])
            self._names(rec, [])

    def _shanxi_pre(self, rec: dict, pre: list[tuple[int, str]]) -> None:
        n = 0
        while n < len(pre) and n < 3 and not _value_like(pre[n][1]):
            n += 1
        names, vals = pre[:n], pre[n:]
        if not names and len(vals) > 4:
            names, vals = vals[:1], vals[1:]  # a name that reads like a value
        if len(vals) == 1:
            rec["actual"] = (vals[0][1], vals[0][0])
        elif len(vals) == 2:
            rec["target"] = (vals[0][1], vals[0][0])
            rec["actual"] = (vals[1][1], vals[1][0])
        elif len(vals) >= 3:
            rec["target_initial"] = (vals[0][1], vals[0][0])
            rec["target"] = (vals[1][1], vals[1][0])
            rec["actual"] = (vals[2][1], vals[2][0])
        self._names(rec, names)

    def _liaoning_pre(self, rec: dict, pre: list[tuple[int, str]]) -> None:
        if not pre:
            self._names(rec, [])
            return
        rec["actual"] = (pre[-1][1], pre[-1][0])
        rest = pre[:-1]
        op_i = next((k for k, (_, t) in enumerate(rest) if _norm(t) in _OPS), None)
        if op_i is not None:
            rec["op"] = _norm(rest[op_i][1])
            after = rest[op_i + 1 :]
            if after:
                rec["target"] = (after[0][1], after[0][0])
            if len(after) > 1:
                rec["unit"] = _join(after[1][1])
            self._names(rec, rest[:op_i])
        elif len(rest) >= 2:
            if _num(rest[-1][1]) is not None:
                rec["target"] = (rest[-1][1], rest[-1][0])
                self._names(rec, rest[:-1])
            elif len(rest) >= 3 and _num(rest[-2][1]) is not None:
                rec["target"] = (rest[-2][1], rest[-2][0])
                rec["unit"] = _join(rest[-1][1])
                self._names(rec, rest[:-2])
            else:
                rec["target"] = (rest[-1][1], rest[-1][0])
                self._names(rec, rest[:-1])
        else:
            self._names(rec, rest)

    def _continuation(self, cells: list[tuple[int, str]]) -> None:
        """A row without scores inside the indicator list: the rest of the previous one's cells."""
        if not self.raw or not cells:
            return
        if all(_norm(t) in _SECTION_LABELS for _, t in cells):
            return
        rec = self.raw[-1]
        for i, t in cells:
            t = _join(t)
            for f in ("target", "actual", "target_initial"):
                if f in rec and rec[f][1] == i:
                    rec[f] = (rec[f][0] + t, i)
                    break
            else:
                if rec["level3_col"] == i:
                    rec["levels"][2] += t
                elif "unit" in rec and len(t) <= 3:
                    rec["unit"] += t
                else:
                    rec["levels"][2] += t

    # -- scores --------------------------------------------------------------------------------

    def _total_row(self, b: Block, ne: list[tuple[int, str]]) -> None:
        nums: list[tuple[Decimal, Any]] = []
        for i, t in ne:
            n = _norm(t)
            if n in _GRADE_WORDS:
                self.t.grade = _join(t)
                continue
            v = _num(t)
            if v is not None:
                nums.append((v, b.cells[i]))
                continue
            m = _TOTAL_CELL.match(n)
            if m:
                if m.group(2) and _num(m.group(2)) is not None:
                    nums.append((Decimal(m.group(2)), b.cells[i]))
                if m.group(3):
                    self.t.grade = m.group(3)
        if len(nums) >= 2:
            self.scores[("total", "weight")] = nums[0]
            self.scores[("total", "score")] = nums[1]
        elif nums:
            self.scores[("total", "score")] = nums[0]

    # -- output --------------------------------------------------------------------------------

    def _fact(self, row: str, column: str, value: Decimal, cell: Any, label: str) -> None:
        self.out.append((row, column, value, cell.text.strip(), cell.prov, label))

    def _finish(self, rows: int) -> None:
        t = self.t
        if not t.project:
            t.project = _name_from_title(t.title) if t.kind == "project" else ""
        elif t.kind == "project" and re.match(r"^\d{3}-", t.project):
            t.project = _name_from_title(t.title) or t.project  # the name cell shifted away
        if rows == 0 and t.readable:
            t.readable = False
            t.warnings.append("表格无内容")
        self._finish_funds()
        self._finish_tasks()
        for n, (label, w, s, wc, sc) in enumerate(self.mgmt, start=1):
            if w is not None:
                self._fact(f"mgmt.{n}", "weight", w, wc, label)
            if s is not None:
                self._fact(f"mgmt.{n}", "score", s, sc, label)
        for n, rec in enumerate(self.raw, start=1):
            self._indicator(n, rec)
        for (row, col), (v, cell) in self.scores.items():
            self._fact(row, col, v, cell, _SCORE_LABELS.get(row, "执行率得分"))
        self._rules()

    def _indicator(self, n: int, rec: dict) -> None:
        lv = rec.get("levels") or ["", "", ""]
        target_text = _join(rec["target"][0]) if "target" in rec else ""
        actual_text = _join(rec["actual"][0]) if "actual" in rec else ""
        ti_text = _join(rec["target_initial"][0]) if "target_initial" in rec else ""
        ind = PerfIndicator(
            n, lv[0], lv[1], lv[2], rec.get("op", ""), rec.get("unit", ""), target_text, actual_text, ti_text,
            line=rec["line"],
        )
        if self.family == "liaoning":
            for f, text in (("target", target_text), ("actual", actual_text)):
                v = _num(text) if text else None
                if v is not None:
                    setattr(ind, f, v)
                    if text[-1] == "%" and not ind.unit:
                        ind.unit = "%"
        else:
            for f, text in (("target", target_text), ("target_initial", ti_text), ("actual", actual_text)):
                if not text:
                    continue
                o, v, u = _value(text)
                if v is None:
                    continue
                setattr(ind, f, v)
                if f == "target":
                    ind.op = o
                if u and not ind.unit:
                    ind.unit = u
            if not ind.op and ti_text and ind.target_initial is not None:
                ind.op = _value(ti_text)[0]
        cells = {}
        for f in ("degree", "weight", "score", "deviation"):
            if f in rec:
                text, cell = rec[f]
                v = _num(text)
                if v is None:
                    continue
                if f == "degree" and "%" not in text and v <= Decimal("1.5"):
                    v = v * 100
                setattr(ind, f, v)
                cells[f] = cell
        self.t.indicators.append(ind)
        label = ind.label
        row = f"ind.{n}"
        prov = rec["prov"]
        for f, text in (("target_initial", ti_text), ("target", target_text), ("actual", actual_text)):
            v = getattr(ind, f)
            if v is not None:
                self.out.append((row, f, v, text, prov, label))
        for f in ("degree", "weight", "score", "deviation"):
            if f in cells:
                cell = cells[f]
                raw = rec[f][0] if cell.text != rec[f][0] else cell.text
                self.out.append((row, f, getattr(ind, f), raw.strip(), cell.prov, label))

    def _rules(self) -> None:
        t = self.t
        for note in t.notes:
            n = _norm(note)
            if "执行率" in n and ("相比" in n or "除以" in n or "/" in n) and "得分" not in n:
                t.rate_rule = note
                if "全年预算" in n:
                    t.rate_basis = "budget_full"
                elif "年初预算" in n:
                    t.rate_basis = "budget_initial"
            if "执行率得分" in n or ("得分" in n and "执行率" in n and "分值" in n):
                t.score_rule = note


# --------------------------------------------------------------------------- entry point


def extract_perf(blocks: list[Block]) -> tuple[list[Fact], list[PerfTable]]:
    """Every self-evaluation table in the document: its facts (in order) and the tables.

    ``blocks`` is the whole ingest output (``RawDocument.blocks``). Tables are found by their
    titles; a title with no table after it (a table-of-contents entry) is skipped, a table the
    converter replaced by a description is returned with ``readable=False`` and no facts.
    """
    starts: list[tuple[int, str]] = []
    ends: list[int] = []
    for k, b in enumerate(blocks):
        cells = b.cells
        if not cells:
            continue
        first = cells[0].text
        if "绩效" in first:
            title = _title_of(b)
            if title is not None:
                starts.append((k, title))
                continue
        if b.kind == "text" and _ends_tables(first):
            ends.append(k)
    facts: list[Fact] = []
    tables: list[PerfTable] = []
    seen: set[str] = set()
    for s, (k, title) in enumerate(starts):
        stop = starts[s + 1][0] if s + 1 < len(starts) else len(blocks)
        e = bisect_right(ends, k)
        if e < len(ends) and ends[e] < stop:
            stop = ends[e]
        body = blocks[k + 1 : stop]
        if not _has_table(body):
            continue  # a table-of-contents entry or a narrative heading
        table, pending = _Reader(blocks[k], title, body).read()
        table.key = _unique_key(table, seen)
        tid, key = table.table_id, table.key
        table.facts = [Fact(tid, r, c, v, raw, prov, label, key) for r, c, v, raw, prov, label in pending]
        facts.extend(table.facts)
        tables.append(table)
    return facts, tables


def _ends_tables(text: str) -> bool:
    """A part or section heading, or a standard table's title: no self-evaluation table goes on."""
    if not text or len(text) > 40:
        return False
    c = text[0]
    if c == "第" and _PART.match(text):
        return True
    if c in "一二三四五六七八九十" and _SECTION.match(text) and not _SENTENCE.search(text):
        return True
    return text.endswith("表") and identify_title(text) is not None


def _has_table(body: list[Block]) -> bool:
    for b in body[:10]:
        if b.kind == "row":
            return True
        if b.cells and _is_placeholder(b.cells[0].text):
            return True
    return False


def _unique_key(t: PerfTable, seen: set[str]) -> str:
    """The project name, made unique within the document (实施单位, then a number, appended)."""
    base = t.project or t.title
    key = base
    if key in seen and t.implementer:
        key = f"{base}（{t.implementer}）"
    n = 2
    while key in seen:
        key = f"{base}（{n}）"
        n += 1
    seen.add(key)
    return key


# --------------------------------------------------------------------------- arithmetic checks


class PerfIssue(NamedTuple):
    """An arithmetic inconsistency: check name, the printed cells, expected and printed values."""

    check: str
    cells: list[Fact]
    expected: Decimal | str
    printed: Decimal | str


HUNDRED = Decimal(100)
SCORE_UNIT = Decimal("0.005")  # scores are printed to 0.01 at most; integers are exact points
DEFAULT_EXEC_WEIGHT = Decimal(10)


def _facts_by_key(t: PerfTable) -> dict[tuple[str, str], Fact]:
    return {(f.row, f.column): f for f in t.facts}


def _ratio_compare(printed: Fact, num: Fact, den: Fact):
    """printed ≈ num / den × 100 with interval semantics (both amounts and the rate are rounded)."""
    n, d, r = num.value, den.value, printed.value
    hn, hd, hr = half_unit(n), half_unit(d), half_unit(r)
    if d - hd <= 0:
        return None
    lo = max(n - hn, ZERO) / (d + hd) * HUNDRED
    hi = (n + hn) / (d - hd) * HUNDRED
    mid = (lo + hi) / 2
    return compare(r, [(1, mid)], unit=(hr + (hi - lo) / 2) / 2)


def perf_checks(t: PerfTable, *, include_ok: bool = False) -> list[PerfIssue]:
    """The arithmetic of one self-evaluation table.

    Checks: ``rate`` (执行率 = 执行数 / 预算数 on every funds and task row; basis from the table's
    note, else 全年预算数), ``exec_score`` (执行率得分 = 分值 × min(执行率, 100%); ``…_default_weight``
    when 分值 is not printed and 10 is assumed), ``task_score`` (Liaoning 年度主要任务 rows),
    ``indicator_over_weight`` (得分 > 分值), ``indicator_degree`` (得分 = 分值 × 完成程度),
    ``indicators_subtotal`` (指标自评得分小计 = Σ 指标得分), ``total_score`` (总分 = Σ 指标得分 + 资金管理得分
    + 任务得分 + 执行率得分 − 减分项), ``total_weight`` (总分值 = Σ 分值), ``grade`` (等级 vs 总分).
    """
    out: list[PerfIssue] = []
    if not t.readable:
        return out
    F = _facts_by_key(t)

    def add(name: str, cells: list[Fact | None], cmp_or_ok, expected, printed) -> None:
        cs = [c for c in cells if c is not None]
        ok = cmp_or_ok if isinstance(cmp_or_ok, bool) else cmp_or_ok.ok
        if include_ok or not ok:
            out.append(PerfIssue(name, cs, expected, printed))

    # rates
    rows = sorted({f.row for f in t.facts if f.row.startswith(("funds.", "task."))})
    for row in rows:
        rate, ex = F.get((row, "rate")), F.get((row, "executed"))
        basis = t.rate_basis or "budget_full"
        den = F.get((row, basis)) or F.get((row, "budget_full")) or F.get((row, "budget_initial"))
        if rate is None or ex is None or den is None:
            continue
        c = _ratio_compare(rate, ex, den)
        if c is None:
            continue
        add("rate", [rate, ex, den], c, c.expected, rate.value)
    # execution score (funds.total) and task scores
    for row in ["funds.total"] + [r for r in rows if r.startswith("task.")]:
        rate, score = F.get((row, "rate")), F.get((row, "score"))
        if rate is None or score is None:
            continue
        w = F.get((row, "weight"))
        name = "exec_score" if row == "funds.total" else "task_score"
        if w is not None and w.value == 0 and w.raw.strip() in _DASH:
            w = None
        weight = w.value if w is not None else DEFAULT_EXEC_WEIGHT
        if w is None:
            name += "_default_weight"
        r = min(rate.value, HUNDRED)
        expected = weight * r / HUNDRED
        tol_rate = weight * half_unit(rate.value) / HUNDRED
        c = compare(score.value, [(1, expected)], unit=(half_unit(score.value) + tol_rate) / 2)
        add(name, [score, rate, w], c, expected, score.value)
    # indicators
    ind_scores: list[Fact] = []
    ind_weights: list[Fact] = []
    for ind in t.indicators:
        row = f"ind.{ind.n}"
        w, s, d = F.get((row, "weight")), F.get((row, "score")), F.get((row, "degree"))
        if s is not None:
            ind_scores.append(s)
        if w is not None:
            ind_weights.append(w)
        if w is not None and s is not None and s.value > w.value:
            add("indicator_over_weight", [s, w], False, w.value, s.value)
        if w is not None and s is not None and d is not None:
            expected = w.value * d.value / HUNDRED
            c = compare(s.value, [(1, expected)], unit=SCORE_UNIT)
            add("indicator_degree", [s, w, d], c, expected, s.value)
    sub = F.get(("indicators", "score"))
    if sub is not None and ind_scores:
        c = compare(sub.value, [(1, f.value) for f in ind_scores], unit=SCORE_UNIT)
        add("indicators_subtotal", [sub, *ind_scores], c, c.expected, sub.value)
    total = F.get(("total", "score"))
    if total is not None and (ind_scores or sub is not None):
        terms: list[tuple[int, Decimal]] = []
        cells: list[Fact | None] = [total]
        if sub is not None:
            terms.append((1, sub.value))
            cells.append(sub)
        else:
            terms += [(1, f.value) for f in ind_scores]
            cells += ind_scores
        for f in t.facts:
            if f.column == "score" and (f.row.startswith("mgmt.") or f.row.startswith("task.")):
                terms.append((1, f.value))
                cells.append(f)
        ex = _exec_score(t, F)
        if ex is not None:
            terms.append((1, ex.value))
            cells.append(ex)
        ded = F.get(("deduction", "score"))
        if ded is not None:
            terms.append((-1, ded.value))
            cells.append(ded)
        c = compare(total.value, terms, unit=SCORE_UNIT)
        add("total_score", cells, c, c.expected, total.value)
    tw = F.get(("total", "weight"))
    if tw is None and ind_weights and total is not None:
        # no 总分值 printed: the weights must add up to the 100-point scale (执行率 10 if not printed)
        terms = [(1, f.value) for f in ind_weights]
        cells = list(ind_weights)
        for f in t.facts:
            if f.column == "weight" and f.row.startswith(("mgmt.", "task.")):
                terms.append((1, f.value))
                cells.append(f)
        ew = F.get(("funds.total", "weight"))
        has_tasks = any(f.row.startswith("task.") for f in t.facts)
        if ew is not None and not (ew.value == 0 and ew.raw.strip() in _DASH):
            terms.append((1, ew.value))
            cells.append(ew)
        elif not has_tasks and _exec_score(t, F) is not None:
            terms.append((1, DEFAULT_EXEC_WEIGHT))
        c = compare(HUNDRED, terms, unit=SCORE_UNIT)
        add("weights_total", cells, c, c.expected, HUNDRED)
    if tw is not None and ind_weights:
        terms = [(1, f.value) for f in ind_weights]
        cells = [tw, *ind_weights]
        for f in t.facts:
            if f.column == "weight" and f.row.startswith(("mgmt.", "task.")):
                terms.append((1, f.value))
                cells.append(f)
        ew = F.get(("funds.total", "weight"))
        if ew is not None and not (ew.value == 0 and ew.raw.strip() in _DASH):
            terms.append((1, ew.value))
            cells.append(ew)
        c = compare(tw.value, terms, unit=SCORE_UNIT)
        add("total_weight", cells, c, c.expected, tw.value)
    if t.grade and total is not None:
        want = grade_of(total.value)
        got = _GRADE_WORDS.get(_norm(t.grade), t.grade)
        add("grade", [total], want == got, want, t.grade)
    return out


def _exec_score(t: PerfTable, F: dict[tuple[str, str], Fact]) -> Fact | None:
    """执行率得分: on the total funds row, else on the only funds row that prints one."""
    ex = F.get(("funds.total", "score"))
    if ex is not None:
        return ex
    scored = [
        f
        for f in t.facts
        if f.row.startswith("funds.") and f.column == "score" and f.raw.strip() not in _DASH
    ]
    return scored[0] if len(scored) == 1 else None


def grade_of(score: Decimal) -> str:
    """The grade a total score earns: 优 ≥ 90 > 良 ≥ 80 > 中 ≥ 60 > 差."""
    if score >= 90:
        return "优"
    if score >= 80:
        return "良"
    if score >= 60:
        return "中"
    return "差"


__all__ = [
    "FUNDS_COLUMNS",
    "GRADES",
    "INDICATOR_COLUMNS",
    "PERF_TABLES",
    "SOURCE_KEYS",
    "PerfIndicator",
    "PerfIssue",
    "PerfTable",
    "extract_perf",
    "grade_of",
    "perf_checks",
]
