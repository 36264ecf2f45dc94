"""A document's pages → blocks: rows in reading order, repeated headers dropped, rows cut by a page
break joined, paragraphs joined across lines and pages."""

from __future__ import annotations

import re

from ..layout.pdf_lines import CH, X1, Line, TableRow, is_value, join_wrapped, rbox, union_box
from ..model import Block, Cell, Provenance
from .pdf_page import _Carry, _Item, _mark_headers_footers, _Page, _page_items

_HEADING = re.compile(
    r"^\s*(第[一二三四五六七八九十\d]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]"
    r"|\d{1,2}[、.．](?!\d)|注[:：]|说明[:：]|附[件表]|[①②③④⑤⑥⑦⑧⑨⑩])"
)



def _join_paragraphs(items: list[_Item], pages: dict[int, _Page]) -> list[_Item | list[_Item]]:
    """Group consecutive text lines that belong to one paragraph (also across pages)."""
    margins: dict[int, tuple[float, float]] = {}
    lefts: dict[int, float] = {}
    rights: dict[int, float] = {}
    sure: dict[int, bool] = {}
    for no in pages:
        lines = [it.line for it in items if it.kind == "text" and it.page == no]
        # a page's text margins, from its prose lines (a page with little prose joins nothing)
        long = [ln for ln in lines if len(ln.text) >= 12]
        if len(long) >= 2:
            left = min(ln.x0 for ln in long)
            body = [ln for ln in long if ln.x0 <= left + 3.0 * ln.em] or long
            lefts[no] = left
            rights[no] = max(ln.x1 for ln in body)
            sure[no] = _right_margin(body) is not None
    # the right margin is where the longest lines end, but on a page with little prose (a table
    # page with a title and a note) it lies farther out: where lines end on the pages of that size
    # that show it (two lines or more end there)
    by_size: dict[tuple[int, int], list[float]] = {}
    for no, r in rights.items():
        if sure[no]:
            by_size.setdefault(_size_key(pages[no]), []).append(r)
    for no, left in lefts.items():
        r = rights[no]
        others = sorted(by_size.get(_size_key(pages[no]), []))
        if others:
            r = max(r, others[len(others) // 2])
        margins[no] = (left, r)
    # the body text size: titles are set larger
    sizes = sorted((it.line.em, len(it.line.text)) for it in items if it.kind == "text")
    total = sum(n for _em, n in sizes)
    body_em, acc = 0.0, 0
    for em, n in sizes:
        acc += n
        if acc * 2 >= total:
            body_em = em
            break
    out: list = []
    prev: _Item | None = None
    for it in items:
        if (
            it.kind == "text"
            and prev is not None
            and prev.kind == "text"
            and (_continues(prev, it, margins) or _title_continues(prev, it, pages, body_em))
        ):
            if isinstance(out[-1], list):
                out[-1].append(it)
            else:
                out[-1] = [out[-1], it]
        else:
            out.append(it)
        prev = it
    return out


def _size_key(pg: _Page) -> tuple[int, int]:
    return (round(pg.width), round(pg.height))


def _right_margin(lines: list[Line]) -> float | None:
    """The right end of the text: the farthest line end that another line also reaches (within
    an em); ``None`` when no two lines end together."""
    ends = sorted(((ln.x1, ln.em) for ln in lines), reverse=True)
    for (x, em), (x2, _em2) in zip(ends, ends[1:]):
        if x - x2 <= em:
            return x
    return None


_NOT_TITLE_PART = re.compile(r"单位[:：]|公开\s*\d+\s*表|^\d{1,4}$|^注[:：]")


def _title_continues(a: _Item, b: _Item, pages: dict[int, _Page], body_em: float) -> bool:
    """A centred title in type larger than the body text that wraps (cover, part headings):
    ``某某市某某区规划和自然`` / ``资源局`` / ``2024 年度部门决算``."""
    la, lb = a.line, b.line
    if la is None or lb is None or a.page != b.page:
        return False
    em = la.em
    if em < 1.25 * body_em or abs(la.em - lb.em) > 0.5:
        return False
    if la.text.endswith(("。", "；", "：", ":", ";")):
        return False
    mid = pages[a.page].width / 2
    if abs((la.x0 + la.x1) / 2 - mid) > 1.5 * em or abs((lb.x0 + lb.x1) / 2 - mid) > 1.5 * em:
        return False
    gap = lb.top - la.bottom
    if gap < -0.3 * em or gap > 1.2 * em:
        return False
    if la.text.endswith("表") or _NOT_TITLE_PART.search(la.text) or _NOT_TITLE_PART.search(lb.text):
        return False
    return True


_TABLE_TITLE = re.compile(r"(决算|预算|自评|统计|情况|明细)[^，。；：]{0,12}表\s*(\(.*\)|（.*）)?$")
_TABLE_LINE = re.compile(r"^\s*((金额)?单位[:：]|公开\s*\d+\s*表\s*$)")
_OPENING = set("（(“‘《〈【[")
_CLOSING = set("，。、；：！？）)”’》〉】],.;:!?%")


def _first_token_width(line: Line) -> float:
    """Width of what line breaking keeps together at the start of a line.

    A run of Latin/digits with the CJK character after it (``161.62万``), or an opening bracket
    with the next character, or one CJK character; plus the closing punctuation that may not
    start a line (``（项）。``).
    """
    chars = line.chars
    n = len(chars)
    i = 0
    while i < n and chars[i][CH] in _OPENING:
        i += 1
    if i < n and chars[i][CH].isascii() and chars[i][CH] not in _CLOSING:
        while i < n and chars[i][CH].isascii() and (chars[i][CH] not in _CLOSING or chars[i][CH] in ".,%"):
            i += 1
    i = min(i + 1, n)  # the next (CJK) character
    while i < n and chars[i][CH] in _CLOSING:
        i += 1
    return chars[i - 1][X1] - line.x0


def _continues(a: _Item, b: _Item, margins: dict[int, tuple[float, float]]) -> bool:
    la, lb = a.line, b.line
    if la is None or lb is None:
        return False
    ma, mb = margins.get(a.page), margins.get(b.page)
    if ma is None or mb is None:
        return False
    em = max(la.em, lb.em)
    if abs(la.em - lb.em) > 2.0:
        return False
    # line a starts near the left margin (maybe indented) and ran out of room: the first
    # unbreakable piece of line b would not have fitted after it
    if la.x0 > ma[0] + 3.0 * em:
        return False
    if la.x1 + _first_token_width(lb) < ma[1] - 0.75 * em:
        return False
    # line b starts at the left margin and is not a heading, a new item or a table's number/unit
    if lb.x0 > mb[0] + 0.8 * em or _HEADING.match(lb.text) or _TABLE_LINE.search(lb.text):
        return False
    if la.text.endswith("。") and len(lb.text) <= 40 and _TABLE_TITLE.search(lb.text):
        return False  # a sentence ends, and the next line is the title of a table
    if a.page == b.page:
        gap = lb.top - la.bottom
        if gap > 1.6 * em or gap < -0.5 * em or lb.cy <= la.cy:
            return False
    elif b.page != a.page + 1:
        return False
    return True


def _drop_repeated_headers(items: list[_Item]) -> list[_Item]:
    """Drop a table header repeated at the top of a continuation page."""
    first_rows: dict[int, list[list[str]]] = {}
    for it in items:
        if it.kind == "row":
            first_rows.setdefault(it.table, []).append([c[0] for c in it.row.cells])
    root: dict[int, int] = {}
    out: list[_Item] = []
    i = 0
    n = len(items)
    while i < n:
        it = items[i]
        if it.kind == "row" and it.table not in root:
            prev = out[-1] if out else None
            starts_page = prev is None or prev.page != it.page
            if (
                starts_page
                and prev is not None
                and prev.kind == "row"
                and prev.page == it.page - 1
                and len(prev.row.cells) == len(it.row.cells)
            ):
                r0 = root.get(prev.table, prev.table)
                root[it.table] = r0
                head = first_rows.get(r0, [])
                k = 0
                while (
                    i + k < n
                    and k < len(head)
                    and k < 8
                    and items[i + k].kind == "row"
                    and items[i + k].table == it.table
                    and [c[0] for c in items[i + k].row.cells] == head[k]
                    and not any(is_value(c[0]) for c in items[i + k].row.cells)
                ):
                    k += 1
                if k and k < len(first_rows[it.table]):
                    i += k
                    continue
            else:
                root[it.table] = it.table
        out.append(it)
        i += 1
    return out


_NEW_ITEM = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|其中|合\s*计|总\s*计|小\s*计)")
_CUT_DECIMALS = re.compile(r"\d[.．]\d$")  # an amount whose last decimal went to the next page


def _split_row_tail(above: TableRow, row: TableRow, right: dict[int, float]) -> bool:
    """Is ``row``, the first row of a continuation page, the rest of ``above``, the last row of
    the page before (word processors let a row break across pages)? ``row`` holds nothing of its
    own (no 行次, code or amount, no new item), only the ends of cells that wrapped: text under a cell whose text reached its
    column's right side (``right``: the column's widest line on either page) and no wider than
    it, or the last digit of an amount cut after its first decimal."""
    filled = [(k, t, b) for k, (t, b) in enumerate(row.cells) if t]
    if not filled:
        return False
    em = min(b[3] - b[1] for _k, _t, b in filled)
    if not any(is_value(t) for t, _b in above.cells):
        # above is a label row (项目名称 | …): only a short rest (two lines at most) continues it;
        # a long text under a label is the content the label names
        line = min((b[3] - b[1] for t, b in above.cells if t), default=em)
        if max(b[3] - b[1] for _k, _t, b in filled) > 2.6 * line:
            return False
    for k, t, box in filled:
        text_above, box_above = above.cells[k]
        if not text_above:
            return False
        if t.isdigit() and len(t) == 1:
            if not _CUT_DECIMALS.search(text_above.replace(" ", "")):
                return False
        elif any(ch.isdigit() for ch in t) or _NEW_ITEM.match(t):
            return False
        elif box_above[2] < right.get(k, box_above[2]) - 1.5 * em:
            return False  # the text above ended well short of its column's side: it did not wrap
        elif box[2] > box_above[2] + 1.5 * em:
            return False  # wider than the cell above: a cell of its own (merged across columns)
    return True


def _join_split_rows(items: list[_Item]) -> list[_Item]:
    """Join a table row cut by a page break (:func:`_split_row_tail`) back into one row."""
    rights: dict[tuple[int, int], float] = {}  # (table segment, column) → widest line's right
    for it in items:
        if it.kind == "row":
            for k, (t, b) in enumerate(it.row.cells):
                if t:
                    rights[(it.table, k)] = max(rights.get((it.table, k), b[2]), b[2])
    out: list[_Item] = []
    pages_with_rows: set[int] = set()
    for it in items:
        prev = out[-1] if out else None
        if (
            it.kind == "row"
            and it.page not in pages_with_rows  # the first row of its page
            and prev is not None
            and prev.kind == "row"
            and prev.page == it.page - 1
            and len(prev.row.cells) == len(it.row.cells)
        ):
            right = {
                k: max(rights.get((prev.table, k), 0.0), rights.get((it.table, k), 0.0))
                for k in range(len(it.row.cells))
            }
            if _split_row_tail(prev.row, it.row, right):
                cells = [
                    (join_wrapped([ta, tb]) if tb else ta, ba if ta else bb)
                    for (ta, ba), (tb, bb) in zip(prev.row.cells, it.row.cells)
                ]
                prev.row = TableRow(cells, prev.row.box, prev.row.page)
                pages_with_rows.add(it.page)
                continue
        if it.kind == "row":
            pages_with_rows.add(it.page)
        out.append(it)
    return out


def _assemble(pages: list[_Page]) -> list[Block]:
    _mark_headers_footers(pages)
    items: list[_Item] = []
    tid = 0
    carry: _Carry | None = None
    for pg in pages:
        page_items, tid, carry = _page_items(pg, tid, carry)
        items.extend(page_items)
    items = _join_split_rows(_drop_repeated_headers(items))
    grouped = _join_paragraphs(items, {pg.no: pg for pg in pages})
    blocks: list[Block] = []
    for g in grouped:
        if isinstance(g, list):
            first = g[0]
            text = join_wrapped([it.line.text for it in g])
            box = rbox(union_box([it.line.box for it in g if it.page == first.page]))
            prov = Provenance(page=first.page, bbox=box)
            blocks.append(Block("text", [Cell(text, prov)], prov))
        elif g.kind == "text":
            prov = Provenance(page=g.page, bbox=rbox(g.line.box))
            blocks.append(Block("text", [Cell(g.line.text, prov)], prov))
        else:
            r = g.row
            cells = [Cell(t, Provenance(page=r.page, bbox=b)) for t, b in r.cells]
            blocks.append(Block("row", cells, Provenance(page=r.page, bbox=r.box)))
    return blocks


