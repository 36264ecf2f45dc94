"""The subject vocabulary of narrative claims (情况说明) and how printed names map onto it.

A claim's ``subject`` is one canonical string:

* summary lines: ``收入总计`` ``本年收入合计`` ``财政拨款收入`` ``一般公共预算财政拨款收入``
  ``政府性基金预算财政拨款收入`` ``国有资本经营预算财政拨款收入`` ``上级补助收入`` ``事业收入``
  ``经营收入`` ``附属单位上缴收入`` ``其他收入`` ``使用非财政拨款结余`` ``年初结转和结余`` ·
  ``支出总计`` ``本年支出合计`` ``基本支出`` ``项目支出`` ``上缴上级支出`` ``经营支出``
  ``对附属单位补助支出`` ``结余分配`` ``年末结转和结余``;
* fund scopes: ``财政拨款.收入总计`` ``财政拨款.支出总计`` ``财政拨款支出`` ``财政拨款.基本支出``
  ``财政拨款.项目支出`` · ``一般公共预算财政拨款支出`` ``一般公共预算财政拨款.基本支出``
  ``一般公共预算财政拨款.项目支出`` · ``政府性基金预算财政拨款支出``
  ``国有资本经营预算财政拨款支出`` (a bare 基本支出/项目支出/收入总计/支出总计 printed in a
  sentence about a fund takes that fund's scope);
* 支出功能分类: ``func:<code>`` (``func:208``, ``func:20801``, ``func:2080101``);
* 经济分类 (gpb_basic): ``人员经费`` ``公用经费`` and the item names of the reference table
  (``工资福利支出`` ``基本工资`` ``办公费`` …); an item quoted as part of a larger amount that
  is not the department's 基本支出 is prefixed by it: ``func:2080109/办公费``,
  ``基本支出/商品和服务支出``;
* 三公: ``三公.合计`` ``三公.因公出国（境）费`` ``三公.公务用车购置及运行维护费``
  ``三公.公务用车购置费`` ``三公.公务用车运行维护费`` ``三公.公务接待费``
  ``三公.公务接待费.国内`` ``三公.公务接待费.外事``; counts ``三公.团组`` ``三公.人次``
  ``三公.购置车辆数`` ``三公.保有量`` ``三公.接待批次`` ``三公.接待人次`` (with ``.国内`` /
  ``.外事`` when the sentence says which);
* ``机关运行经费``; 政府采购: ``政府采购.总额`` ``.货物`` ``.工程`` ``.服务`` ``.中小企业``
  ``.小微企业`` ``.货物.中小企业`` ``.工程.中小企业`` ``.服务.中小企业``;
* 国有资产: ``车辆.合计`` ``车辆.<kind>`` (see :data:`VEHICLE_KINDS`), ``设备.单价100万元以上``;
* 绩效: ``绩效.整体支出`` ``绩效.自评项目数`` ``绩效.自评项目资金`` ``绩效.自评覆盖率``
  ``绩效.得分``; a self-evaluated project ``项目:<name>`` and its score ``项目:<name>/得分``;
* anything else: ``raw:<the printed words>`` (not linkable to a table).

Qualifiers are appended to the subject: ``@budget`` (the amount is a 年初预算 / 预算数),
``@budget_full`` (全年预算, i.e. adjusted), ``@vs_budget`` (a 持平/一致 statement comparing the
final amount with the budget rather than with last year).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterable

from ..refdata import CodeTable, economic_codes, function_codes

__all__ = [
    "Entry",
    "Mention",
    "VEHICLE_KINDS",
    "SUBJECTS",
    "find_mentions",
    "resolve_whole",
    "SCOPABLE",
    "GPB_BASIC_FAMILY",
    "is_economic",
    "resolve_function",
]

# --------------------------------------------------------------------------- text normal form
# Narrative text is matched in a normal form: full-width digits and signs folded, ASCII
# parentheses/colons/semicolons turned full-width, quotes and markdown asterisks dropped and
# whitespace removed (see claims._normalise).  All literals below are written in that form.

VEHICLE_KINDS: dict[str, tuple[str, ...]] = {
    "副部(省)级及以上领导用车": (
        "副部（省）级及以上领导用车",
        "副部级及以上领导用车",
        "副省级及以上领导用车",
        "副省级以上领导干部用车",
        "副部级以上领导干部用车",
        "部级领导干部用车",
        "省级领导干部用车",
        "部级领导用车",
        "省级领导用车",
    ),
    "主要负责人用车": ("主要负责人用车", "主要领导干部用车", "主要领导用车"),
    "机要通信用车": ("机要通信用车", "机要通讯用车"),
    "应急保障用车": ("应急保障用车", "应急保障车"),
    "执法执勤用车": ("执法执勤用车",),
    "特种专业技术用车": ("特种专业技术用车",),
    "离退休干部服务用车": ("离退休干部服务用车", "离退休干部用车"),
    "其他用车": ("其他用车",),
}

# Subjects whose fund scope is taken from the sentence (财政拨款…, 一般公共预算财政拨款…).
SCOPABLE = frozenset(
    {"收入总计", "支出总计", "基本支出", "项目支出", "年初结转和结余", "年末结转和结余"}
)
# Heads under which an economic item is the department's gpb_basic item (no prefix).
GPB_BASIC_FAMILY = frozenset(
    {"人员经费", "公用经费", "一般公共预算财政拨款.基本支出", "财政拨款.基本支出"}
)


@dataclass(frozen=True, slots=True)
class Entry:
    subjects: tuple[str, ...]
    cls: str = "subject"  # subject | econ | func | sangong | perf | project | score | equipment
    scope: str | None = None  # the fund scope this mention sets for the rest of its sentence
    sections: frozenset[str] | None = None  # only in these sections
    boundary: bool = False  # must not be glued to a preceding word
    not_after: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    entry: Entry


def _e(*subjects: str, **kw) -> Entry:
    return Entry(tuple(subjects), **kw)


_SG = frozenset({"three_public"})
_PROC = frozenset({"procurement"})
_ASSETS = frozenset({"assets"})
_PERF = frozenset({"performance"})

# literal (normal form) -> entries, the first whose section fits wins
_LITERALS: dict[str, list[Entry]] = {}


def _add(entry: Entry, *literals: str) -> None:
    for lit in literals:
        _LITERALS.setdefault(lit, []).append(entry)


# ---- summary lines (all funds)
_add(_e("收入总计"), "收入总计", "收入总额")
_add(_e("支出总计"), "支出总计", "支出总额")
_add(_e("收入总计", "支出总计"), "收、支总计", "收支总计", "收入支出总计", "收入、支出总计", "收、支总额", "收支总额")
_add(_e("本年收入合计"), "本年收入合计", "收入合计", "本年收入")
_add(_e("本年支出合计"), "本年支出合计", "支出合计", "本年支出")
_add(_e("财政拨款收入"), "财政拨款收入")
_add(_e("一般公共预算财政拨款收入"), "一般公共预算财政拨款收入", "一般公共预算财政拨款")
_add(_e("政府性基金预算财政拨款收入"), "政府性基金预算财政拨款收入", "政府性基金预算财政拨款")
_add(_e("国有资本经营预算财政拨款收入"), "国有资本经营预算财政拨款收入", "国有资本经营预算财政拨款")
_add(_e("上级补助收入"), "上级补助收入")
_add(_e("事业收入"), "事业收入")
_add(_e("经营收入", not_after=("资本",)), "经营收入")
_add(_e("附属单位上缴收入"), "附属单位上缴收入")
_add(_e("其他收入"), "其他收入")
_add(
    _e("使用非财政拨款结余"),
    "使用非财政拨款结余（含专用结余）",
    "使用非财政拨款结余",
    "使用非财政拨款结余和专用结余",
)
_add(_e("年初结转和结余"), "年初结转和结余", "上年结转和结余", "年初结转结余", "上年结转结余", "年初结余")
_add(_e("年末结转和结余"), "年末结转和结余", "年末结转结余", "结转和结余", "结转结余")
_add(_e("基本支出", not_after=("预算", "基金", "资金", "营")), "基本支出")
_add(_e("项目支出", not_after=("预算", "基金", "资金", "营")), "项目支出")
_add(_e("上缴上级支出"), "上缴上级支出")
_add(_e("经营支出", not_after=("资本",)), "经营支出")
_add(_e("对附属单位补助支出"), "对附属单位补助支出")
_add(_e("结余分配"), "结余分配")

# ---- fund scopes
_F = "财政拨款"
_G = "一般公共预算财政拨款"
_add(_e("财政拨款.收入总计", scope=_F), "财政拨款收入总计")
_add(_e("财政拨款.支出总计", scope=_F), "财政拨款支出总计")
_add(
    _e("财政拨款.收入总计", "财政拨款.支出总计", scope=_F),
    "财政拨款收、支总计",
    "财政拨款收支总计",
    "财政拨款收入支出总计",
    "财政拨款收入、支出总计",
)
_add(_e("财政拨款支出", scope=_F), "财政拨款支出", "财政拨款决算支出", "财政拨款本年支出合计")
_add(_e("财政拨款.基本支出", scope=_F), "财政拨款基本支出")
_add(_e("财政拨款.项目支出", scope=_F), "财政拨款项目支出")
_add(_e("财政拨款.年初结转和结余", scope=_F), "年初财政拨款结转和结余", "财政拨款年初结转和结余")
_add(_e("财政拨款.年末结转和结余", scope=_F), "年末财政拨款结转和结余", "财政拨款年末结转和结余")
_add(
    _e("一般公共预算财政拨款支出", scope=_G),
    "一般公共预算财政拨款支出",
    "一般公共预算财政拨款决算支出",
    "一般公共预算支出",
)
_add(_e("一般公共预算财政拨款.基本支出", scope=_G), "一般公共预算财政拨款基本支出")
_add(_e("一般公共预算财政拨款.项目支出", scope=_G), "一般公共预算财政拨款项目支出")
_add(
    _e("政府性基金预算财政拨款支出", scope="政府性基金预算财政拨款"),
    "政府性基金预算财政拨款支出",
    "政府性基金预算财政拨款决算支出",
)
_add(
    _e("国有资本经营预算财政拨款支出", scope="国有资本经营预算财政拨款"),
    "国有资本经营预算财政拨款支出",
    "国有资本经营预算财政拨款决算支出",
)

# ---- 三公 (quotes are dropped by the normal form)
_add(
    _e("三公.合计", cls="sangong"),
    "三公经费",
    "三公经费支出",
    "三公经费财政拨款支出",
    "三公经费决算",
)
_add(
    _e("三公.因公出国（境）费", cls="sangong"),
    "因公出国（境）费",
    "因公出国（境）费支出",
    "因公出国（境）经费",
    "出国（境）费",
)
_add(_e("三公.因公出国（境）费", cls="sangong", sections=_SG), "因公出国（境）费用")
_add(
    _e("三公.公务用车购置及运行维护费", cls="sangong"),
    "公务用车购置及运行维护费",
    "公务用车购置及运行费",
    "公务用车购置及运行维护支出",
    "公务用车购置及运行支出",
    "公务用车购置和运行维护费",
    "公务用车购置及运维费",
)
_add(
    _e("三公.公务用车购置费", cls="sangong", sections=_SG),
    "公务用车购置费",
    "公务用车购置支出",
    "公务用车购置",
    "车辆购置费",
)
_add(
    _e("三公.公务用车运行维护费", cls="sangong", sections=_SG),
    "公务用车运行维护费",
    "公务用车运行维护支出",
    "公务用车运行费",
    "公务用车运行支出",
    "车辆运行维护费",
)
_add(
    _e("三公.公务接待费", cls="sangong", sections=_SG),
    "公务接待费",
    "公务接待支出",
    "公务接待",
)
_add(
    _e("三公.公务接待费.国内", cls="sangong"),
    "国内公务接待费",
    "国内公务接待支出",
    "国内公务接待",
    "国内接待费",
    "国内接待支出",
)
_add(
    _e("三公.公务接待费.外事", cls="sangong"),
    "外事接待费",
    "外事接待支出",
    "外事接待",
    "外宾接待费",
    "外宾接待支出",
    "国（境）外接待费",
    "国（境）外公务接待费",
    "国（境）外接待支出",
)

# ---- 机关运行经费, 政府采购
_add(_e("机关运行经费"), "机关运行经费", "机关运行经费支出")
_add(
    _e("政府采购.总额"),
    "政府采购支出总额",
    "政府采购总额",
    "政府采购金额",
    "政府采购支出",
    "政府采购合同金额",
)
for _k in ("货物", "工程", "服务"):
    _add(_e(f"政府采购.{_k}"), f"政府采购{_k}支出", f"{_k}采购金额", f"{_k}采购支出", f"{_k}类采购")
    _add(_e(f"政府采购.{_k}", sections=_PROC), f"{_k}支出", f"{_k}采购")
    _add(
        _e(f"政府采购.{_k}.中小企业"),
        f"{_k}采购授予中小企业合同金额",
        f"{_k}采购授予中小企业",
    )
_add(
    _e("政府采购.中小企业"),
    "授予中小企业合同金额",
    "中小企业合同金额",
    "中小企业采购支出总额",
    "中小企业采购金额",
    "授予中小企业",
)
_add(_e("政府采购.小微企业"), "授予小微企业合同金额", "小微企业合同金额", "授予小微企业")

# ---- 国有资产
_add(_e("车辆.合计"), "车辆总数", "共有车辆", "车辆合计", "实有车辆")
_add(_e("车辆.合计", sections=_ASSETS), "车辆")
for _canon, _names in VEHICLE_KINDS.items():
    _add(_e(f"车辆.{_canon}"), *_names)

# ---- 人员经费 / 公用经费
_add(_e("人员经费"), "人员经费", "人员经费支出")
_add(_e("公用经费"), "公用经费", "日常公用经费", "公用经费支出")

# ---- 绩效
_add(_e("绩效.整体支出", cls="perf"), "整体支出")
_add(_e("绩效.自评覆盖率", cls="perf"), "自评覆盖率", "绩效自评覆盖率")
_add(_e("绩效.自评项目资金", cls="project", sections=_PERF), "项目资金", "决算资金")
_add(_e("绩效.自评项目资金", cls="project", sections=_PERF, boundary=True), "资金")
_add(_e("绩效.得分", cls="score"), "自评得分", "得分")

_EXCLUDED_CLASS_NAMES = {"其他支出", "预备费"}


@functools.cache
def _economic_literals() -> None:
    """Add the 经济分类 names (lazily: they come from refdata)."""
    table = economic_codes(2024)
    seen: set[str] = set()
    for code in table:
        name = code.name
        if name in seen or name in ("其他支出", "医疗费"):
            continue
        seen.add(name)
        _add(_e(name, cls="econ", boundary=True), name)
    aliases = {
        "维修（护）费": ("维修费", "维护费", "维修(护)费"),
        "其他交通费用": ("其他交通费",),
        "因公出国（境）费用": (),
        "对个人和家庭的补助": ("对个人和家庭补助", "对个人和家庭的补助支出"),
        "商品和服务支出": ("商品服务支出",),
        "税金及附加费用": ("税金及附加",),
        "物业管理费": ("物业费",),
        "医疗费补助": (),
    }
    for canon, names in aliases.items():
        for n in names:
            _add(_e(canon, cls="econ", boundary=True), n)


@functools.cache
def _class_literals(year: int) -> tuple[tuple[str, str], ...]:
    table = _function_table(year)
    return tuple(
        (c.name, c.code)
        for c in table
        if c.level == "类" and c.name not in _EXCLUDED_CLASS_NAMES
    )


@functools.cache
def _function_table(year: int) -> CodeTable:
    try:
        return function_codes(year)
    except ValueError:  # earlier than any table on file
        return function_codes(2024)


@functools.cache
def _literal_regex(year: int) -> tuple[re.Pattern[str], dict[str, list[Entry]]]:
    _economic_literals()
    table = dict(_LITERALS)
    for name, code in _class_literals(year):
        table.setdefault(name, []).insert(0, _e(f"func:{code}", cls="func", boundary=True))
    return re.compile(_trie_regex(table)), table


def _trie_regex(words: Iterable[str]) -> str:
    """One regex matching any of ``words``, longest first, factored by common prefixes."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    return build(trie)


# --------------------------------------------------------------------------- 功能分类 names/codes

_CJK = r"[\u4e00-\u9fff]"
_FUNC_TAIL = re.compile(
    rf"(?P<l2>支出)?(?:(?P<k>{_CJK}{{2,40}}?)（款）)?(?:(?P<x>{_CJK}{{2,40}}?)（项）)?"
)
_HAS_CODE = re.compile(r"\d（[类款项]）")
_FUNC_CODES = re.compile(
    r"(?P<c1>\d{3})（类）(?:(?P<c2>\d{2})（款）(?:(?P<c3>\d{2})（项）)?)?"
    r"|(?<!\d)(?P<full>\d{7}|\d{5})(?=（项）|（款）)"
)
_EQUIPMENT = re.compile(
    r"单(?:价|位价值|台价值|价在)(?:为|在)?100万元?(?:（含）)?(?:及)?以上(?:的)?(?:通用|专用)?(?:设备|资产)(?:（不含车辆）)?"
)
_BOUNDARY_OK = set("的是为于及和与中括含：、，。；共计对即（）.")

_BOUNDARY_WORDS = ("其中", "包括", "主要是", "用于")


@functools.lru_cache(maxsize=4096)
def _resolve_class(year: int, name: str) -> str | None:
    table = _function_table(year)
    classes = {n: c for n, c in _class_literals(year)}
    classes.update({c.name: c.code for c in table if c.level == "类"})
    for i in range(0, max(1, len(name) - 1)):
        cand = name[i:]
        if cand in classes:
            return classes[cand]
        if cand + "支出" in classes:
            return classes[cand + "支出"]
    return None


def _child(table: CodeTable, parent: str, name: str, level: str) -> str | None:
    kids = [c for c in table.children(parent) if c.level == level]
    for c in kids:
        if c.name == name:
            return c.code
    if len(name) >= 4:
        ends = [c for c in kids if c.name.endswith(name) or name.endswith(c.name)]
        if len(ends) == 1:
            return ends[0].code
        starts = [c for c in kids if c.name.startswith(name)]
        if len(starts) == 1:
            return starts[0].code
    return None


@functools.lru_cache(maxsize=4096)
def resolve_function(year: int, lei: str, kuan: str | None, xiang: str | None) -> str | None:
    """``func:<code>`` for a 类/款/项 name path (names as printed), or None."""
    table = _function_table(year)
    code = _resolve_class(year, lei)
    if code is None:
        return None
    if kuan:
        k = _child(table, code, kuan, "款")
        if k is None:
            if xiang:  # 款 unreadable: look for the 项 anywhere under the 类
                for kc in table.children(code):
                    x = _child(table, kc.code, xiang, "项")
                    if x:
                        return f"func:{x}"
            return f"func:{code}"
        code = k
        if xiang:
            x = _child(table, code, xiang, "项")
            if x:
                code = x
    return f"func:{code}"


@functools.cache
def _func_entry(subject: str) -> Entry:
    return _e(subject, cls="func")


_EQUIPMENT_ENTRY = _e("设备.单价100万元以上", cls="equipment")


def _func_mentions(s: str, year: int) -> list[Mention]:
    out: list[Mention] = []
    if "（类）" not in s and "（款）" not in s and "（项）" not in s:
        return out
    for m in _FUNC_CODES.finditer(s) if _HAS_CODE.search(s) else ():
        if m.group("full"):
            code = m.group("full")
        else:
            code = m.group("c1") + (m.group("c2") or "") + (m.group("c3") or "")
        # a name printed before the code belongs to the mention
        start = m.start()
        while start > 0 and "\u4e00" <= s[start - 1] <= "\u9fff" and m.start() - start < 20:
            start -= 1
        out.append(Mention(start, m.end(), _func_entry(f"func:{code}")))
    pos = s.find("（类）")
    while pos >= 0:
        start = pos
        while start > 0 and pos - start < 30 and "\u4e00" <= s[start - 1] <= "\u9fff":
            start -= 1
        tail = _FUNC_TAIL.match(s, pos + 3)
        nxt = s.find("（类）", pos + 3)
        if pos - start >= 2 and not any(x.start <= start < x.end for x in out):
            subj = resolve_function(year, s[start:pos], tail.group("k"), tail.group("x"))
            if subj is not None:
                out.append(Mention(start, tail.end(), _func_entry(subj)))
        pos = nxt
    return out


def _boundary_ok(s: str, start: int) -> bool:
    if start == 0:
        return True
    prev = s[start - 1]
    if not ("\u4e00" <= prev <= "\u9fff") or prev in _BOUNDARY_OK:
        return True
    return any(s.endswith(w, 0, start) for w in _BOUNDARY_WORDS)


def find_mentions(s: str, section: str, year: int = 2024) -> list[Mention]:
    """Subject mentions in a normalised sentence, in order, not overlapping."""
    special = _func_mentions(s, year)
    for m in _EQUIPMENT.finditer(s) if "100万" in s else ():
        special.append(Mention(m.start(), m.end(), _EQUIPMENT_ENTRY))
    special.sort(key=lambda m: m.start)
    rx, table = _literal_regex(year)
    out = list(special)
    for m in rx.finditer(s):
        a, b = m.span()
        if any(x.start < b and a < x.end for x in special):
            continue
        entry = _pick(table[m.group()], section)
        if entry is None:
            continue
        if entry.boundary and not _boundary_ok(s, a):
            continue
        if entry.not_after and any(s.endswith(w, 0, a) for w in entry.not_after):
            continue
        if entry.cls == "func" and s.endswith("其他", 0, a):
            continue
        out.append(Mention(a, b, entry))
    out.sort(key=lambda m: m.start)
    return out


def _pick(entries: list[Entry], section: str) -> Entry | None:
    for e in entries:
        if e.sections is None or section in e.sections:
            return e
    return None


@functools.cache
def _economic_names() -> frozenset[str]:
    return frozenset(c.name for c in economic_codes(2024)) | {"对个人和家庭的补助"}


def is_economic(subject: str) -> bool:
    """True for a 经济分类 item name (``办公费``), also when prefixed (``func:2080109/办公费``)."""
    return subject.rsplit("/", 1)[-1] in _economic_names()


def resolve_whole(text: str, section: str, year: int = 2024) -> str | None:
    """Canonical subject of the whole named after 占 (``占收入总计的`` → 收入总计)."""
    if not text:
        return None
    ms = find_mentions(text, section, year)
    if ms:
        return ms[0].entry.subjects[0]
    return "raw:" + text


SUBJECTS: tuple[str, ...] = tuple(
    sorted({s for entries in _LITERALS.values() for e in entries for s in e.subjects})
)
