"""Header rows → leaf columns → column keys (facts contract), never positions.

A printed header may span several rows: group headers merged over their sub-columns (事业收入
{金额, 其中：教育收费}, 本年支出 {合计, 基本支出, 项目支出 {小计, 其中：…}}), text wrapped over two
rows, 栏次 lines. Each column gets its *path*: the header texts above it from top to bottom, a
merged (blank) cell taking the text of the group it belongs to. A path is then named by the table's
vocabulary, leaf first:

- a leaf that names a contract column gives that key (基本支出 → ``basic``);
- a generic leaf (金额, 小计, 合计, 决算数 …) takes its group's key (事业收入/金额 → ``operating``,
  项目支出/小计 → ``project``), or the table's total when the group names none;
- a "其中：X" leaf is a part of its group, never the group itself: ``extra.其中：X``;
- anything else printed is kept as ``extra.<header text>`` (docs/facts-additions.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Block
from .builder import is_column_numbers

_SPACES = re.compile(r"\s+")

# words → column key, per table (first match wins, so order matters)
COLUMN_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "income": (
        ("财政拨款", "fiscal"),
        ("上级补助", "upper_subsidy"),
        ("事业单位经营", "business"),
        ("事业收入", "operating"),
        ("经营收入", "business"),
        ("附属单位", "affiliate_remit"),
        ("其他收入", "other"),
        ("合计", "total"),
        ("总计", "total"),
        ("小计", "total"),
    ),
    "expenditure": (
        ("基本支出", "basic"),
        ("项目支出", "project"),
        ("上缴上级", "remit_upper"),
        ("经营支出", "business"),
        ("附属单位", "affiliate_subsidy"),
        ("合计", "total"),
        ("总计", "total"),
        ("小计", "total"),
    ),
    "gpb_expenditure": (("基本支出", "basic"), ("项目支出", "project"), ("小计", "total"), ("合计", "total")),
    "fiscal_expenditure": (("基本支出", "basic"), ("项目支出", "project"), ("小计", "total"), ("合计", "total")),
    "soe_capital": (
        # some regions print it as a 收入支出 table shaped like gov_fund (added columns)
        ("年初", "opening_balance"),
        ("年末", "closing_balance"),
        ("本年收入", "income"),
        ("基本支出", "basic"),
        ("项目支出", "project"),
        ("小计", "total"),
        ("合计", "total"),
    ),
    "gov_fund": (
        ("年初", "opening_balance"),
        ("年末", "closing_balance"),
        ("本年收入", "income"),
        ("基本支出", "expense_basic"),
        ("项目支出", "expense_project"),
        ("本年支出", "expense_total"),
        ("小计", "expense_total"),
        ("合计", "expense_total"),
    ),
}

# the key a table's generic "合计/小计" leaf means when its group names nothing
TOTAL_KEYS = {"gov_fund": "expense_total"}


@dataclass(frozen=True)
class ColumnVocab:
    """A table's column vocabulary when it is not a final-accounts table (budgets,
    ``extract.budget_labels``): header words → keys (first match wins), the key of a generic
    合计/金额 leaf, the contract's column order (the positional fallback) and the row identities
    (total, parts) that let ``extract.scoring`` choose between readings."""

    words: tuple[tuple[str, str], ...]
    total: str = "total"
    order: tuple[str, ...] = ()
    row_parts: tuple[tuple[str, tuple[str, ...]], ...] = ()

# leaves that say only "the amount" and take their meaning from the group above them
_GENERIC = ("金额", "小计", "合计", "计", "决算数", "预算数", "数额", "本年数", "决算", "预算", "总计")
# label columns (code, name) and line numbers: not amount columns
_LABEL_WORDS = ("科目编码", "科目代码", "科目名称", "功能分类", "经济分类", "编码", "代码", "名称")
_LINE_NO = ("行次", "栏次")


def norm(text: str) -> str:
    return _SPACES.sub("", text).replace("(", "（").replace(")", "）").replace(":", "：")


def is_part(text: str) -> bool:
    """A "其中：…" header or label: a part of the line or column above it."""
    return norm(text).startswith("其中")


def header_rows(head: list[Block]) -> list[list[str]]:
    """The header rows' texts, without 栏次 lines (their numbers name no column)."""
    out = []
    for row in head:
        texts = [norm(c.text) for c in row.cells]
        if texts and texts[0].startswith("栏次"):
            continue
        if is_column_numbers(texts):
            continue
        out.append(texts)
    return out


def leaf_paths(rows: list[list[str]], width: int) -> list[tuple[str, ...]]:
    """Each column's header path, top to bottom.

    A blank header cell belongs to the group printed to its left in the same row (a merged cell)
    when it lies inside the same parent group and its column has a header of its own below; a
    text repeated down a column (a merged cell printed in every row, or a wrapped text) is kept once.
    """
    paths: list[list[str]] = [[] for _ in range(width)]
    for r, texts in enumerate(rows):
        texts = texts + [""] * (width - len(texts))
        below = [any(j < len(rows[k]) and rows[k][j] for k in range(r + 1, len(rows))) for j in range(width)]
        owner = ""
        owner_parent: tuple[str, ...] | None = None
        for j in range(width):
            t = texts[j]
            parent = tuple(paths[j])
            if t:
                owner, owner_parent = t, parent
            elif owner and owner_parent == parent and below[j]:
                t = owner
            else:
                owner, owner_parent = "", None
            if t and (not paths[j] or paths[j][-1] != t):
                paths[j].append(t)
    return [tuple(p) for p in paths]


def is_label_path(path: tuple[str, ...]) -> bool:
    leaf = path[-1] if path else ""
    return any(w in leaf for w in _LABEL_WORDS) or leaf in ("项目", "类", "款", "项", "科目")


def is_line_no_path(path: tuple[str, ...]) -> bool:
    return bool(path) and any(w in path[-1] for w in _LINE_NO)


def _match(table: str, text: str, vocab: ColumnVocab | None = None) -> str | None:
    words = vocab.words if vocab is not None else COLUMN_WORDS[table]
    return next((k for w, k in words if w in text), None)


def extra_key(path: tuple[str, ...]) -> str:
    """``extra.<header text>`` for a printed column the contract does not name."""
    leaf = path[-1] if path else ""
    return f"extra.{leaf}" if leaf else "extra.?"


def path_key(table: str, path: tuple[str, ...], vocab: ColumnVocab | None = None) -> tuple[str | None, int]:
    """(key, strength) of one column path: strength 3 a leaf naming the key, 2 a generic leaf
    under a group naming it, 1 a wrapped/unnamed leaf whose group names it, 0 an extra column."""
    if not path:
        return None, 0
    leaf = path[-1]
    if is_line_no_path(path):
        return None, 0
    if is_part(leaf):
        return extra_key(path), 0
    total = vocab.total if vocab is not None else TOTAL_KEYS.get(table, "total")
    generic = leaf in _GENERIC or leaf.endswith("合计") and _match(table, leaf, vocab) == total
    if not generic:
        key = _match(table, leaf, vocab)
        if key:
            return key, 3
    for parent in reversed(path[:-1]):
        if is_part(parent):
            return extra_key(path), 0
        key = _match(table, parent, vocab)
        if key and key != total:
            return key, 2 if generic else 1
    if generic:
        key = _match(table, leaf, vocab)
        if key is None and leaf in ("金额", "决算数", "预算数", "数额", "本年数", "决算", "预算"):
            key = total  # a single amount column
        if key:
            return key, 2
    # a text wrapped over two rows: 附属单位上缴 / 收入
    joined = "".join(path[-2:])
    key = _match(table, joined, vocab) if len(path) >= 2 else None
    if key:
        return key, 1
    return extra_key(path), 0


def column_keys(table: str, paths: list[tuple[str, ...]], vocab: ColumnVocab | None = None) -> list[str | None]:
    """Keys for amount columns' paths; a key claimed twice goes to the strongest claim, the
    others (parts of the same group) become ``extra.*``; None for 行次 and unnamed columns."""
    named = [path_key(table, p, vocab) for p in paths]
    out: list[str | None] = [k for k, _ in named]
    by_key: dict[str, list[int]] = {}
    for i, (k, _) in enumerate(named):
        if k and not k.startswith("extra."):
            by_key.setdefault(k, []).append(i)
    for k, idx in by_key.items():
        if len(idx) < 2:
            continue
        best = max(named[i][1] for i in idx)
        winners = [i for i in idx if named[i][1] == best]
        keep = winners[0] if len(winners) == 1 else None
        for i in idx:
            if i != keep:
                out[i] = extra_key(paths[i])
    # two extra columns with the same leaf: qualify them by their group
    seen: dict[str, int] = {}
    for i, k in enumerate(out):
        if k and k.startswith("extra."):
            seen[k] = seen.get(k, 0) + 1
    for i, k in enumerate(out):
        if k and k.startswith("extra.") and seen[k] > 1 and len(paths[i]) >= 2:
            out[i] = "extra." + "/".join(paths[i][-2:])
    return out
