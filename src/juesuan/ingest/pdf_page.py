"""One page of a PDF laid out: ruled grids, rule stacks, unruled tables and free text lines; page
furniture (running headers/footers, page numbers, watermarks) dropped; a table continued from the
previous page keeps its columns. Shared by the text layer and OCR (:mod:`.ocr`)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..layout.pdf_columns import find_text_tables, infer_columns, table_pieces
from ..layout.pdf_grids import find_grids, find_rule_stacks, grid_rows, merge_segments, split_rule_stack
from ..layout.pdf_lines import EM, X0, X1, Line, TableRow, cluster_rows, in_box, is_value, make_line, split_gaps
from ..layout.pdf_rows import text_table_rows

WATERMARKS = ("仅供内部审核", "内部审核稿", "征求意见稿", "内部资料", "样稿", "草稿")


# --------------------------------------------------------------------------- page model


@dataclass(slots=True)
class _Page:
    no: int
    width: float
    height: float
    tables: list[list[TableRow]] = field(default_factory=list)  # ruled tables' rows
    stacks: list[tuple[list[list], list[float]]] = field(default_factory=list)  # rows ruled only
    free: list[list] = field(default_factory=list)  # printed lines (chars) outside tables
    unusable: bool = False


@dataclass(slots=True)
class _Item:
    """A row or a text line on a page, in reading order."""

    kind: str  # "row" | "text"
    page: int
    top: float
    table: int = -1  # id of the table segment the row belongs to
    row: TableRow | None = None
    line: Line | None = None



def layout_page(pg: _Page, chars: list, hs: list, vs: list) -> _Page:
    """Fill a page from its characters and ruling lines (display space, points): ruled grids,
    rule stacks and free lines. Shared by the text layer and OCR (:mod:`.ocr`)."""
    width = pg.width
    hs_m = merge_segments(hs)
    grids = find_grids(hs_m, merge_segments(vs))
    if grids:
        rest = []
        inside: list[list] = [[] for _ in grids]
        # (in_box inlined: the chars of a page × its grids)
        boxes = [(k, b[0] - 1.0, b[1] - 1.0, b[2] + 1.0, b[3] + 1.0) for k, b in enumerate(g.box for g in grids)]
        for c in chars:
            cx = (c[0] + c[2]) * 0.5
            cy = c[4]
            for k, x0, y0, x1, y1 in boxes:
                if x0 <= cx <= x1 and y0 <= cy <= y1:
                    inside[k].append(c)
                    break
            else:
                rest.append(c)
        for g, cs in zip(grids, inside):
            rows = grid_rows(g, cs, pg.no)
            if rows:
                pg.tables.append(rows)
        chars = rest
    # rows ruled but columns not: columns from text alignment, rows never cross a rule
    stacks = []
    for stack in find_rule_stacks(hs_m, [g.box for g in grids], width):
        ys, (x0, x1) = stack[:-2], stack[-2:]
        inside = [c for c in chars if in_box(c, (x0, min(ys), x1, max(ys)))]
        lines = [sorted(group, key=lambda c: c[X0]) for group in cluster_rows(inside)]
        stacks += [(part, x0, x1) for part in split_rule_stack(ys, lines)]
    for ys, x0, x1 in stacks:
        box = (x0, min(ys), x1, max(ys))
        inside = [c for c in chars if in_box(c, box)]
        lines = [sorted(group, key=lambda c: c[X0]) for group in cluster_rows(inside)]
        if sum(1 for ln in lines if any(is_value(p) for p in _piece_texts(ln))) < 2:
            continue
        pg.stacks.append((lines, ys))
        chars = [c for c in chars if not in_box(c, box)]
    pg.free = [sorted(group, key=lambda c: c[X0]) for group in cluster_rows(chars)]
    return pg


def _piece_texts(chars: list) -> list[str]:
    return [make_line(list(g)).text for g in split_gaps(chars, 1.5)]


# --------------------------------------------------------------------------- whole document

_PAGE_NO = re.compile(
    r"^[-—–－~\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*(共\s*)?\d{1,4}\s*页?)?(\s*共\s*\d{1,4}\s*页)?[-—–－~\s]*$"
    r"|^(page|Page|PAGE)\s*\d{1,4}(\s*(of|/)\s*\d{1,4})?$"
    r"|^[-—–－]\s*[ivxlcIVXLC]{1,6}\s*[-—–－]$"
)
def _norm_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.replace(" ", ""))


def _mark_headers_footers(pages: list[_Page]) -> None:
    """Drop repeated margin lines (page headers/footers) and lone page numbers."""
    zone_lines: list[tuple[_Page, int, str, str]] = []
    for pg in pages:
        top_zone = 0.1 * pg.height
        bot_zone = 0.9 * pg.height
        for k, chars in enumerate(pg.free):
            top = min(c[1] for c in chars)
            bot = max(c[3] for c in chars)
            if bot <= top_zone:
                zone = "top"
            elif top >= bot_zone:
                zone = "bottom"
            else:
                continue
            text = make_line(list(chars)).text
            zone_lines.append((pg, k, zone, text))
    counts = Counter()
    for pg, _k, zone, text in zone_lines:
        counts[(zone, _norm_key(text))] += 1
    # count each key once per page
    seen_pages: dict[tuple[str, str], set[int]] = {}
    for pg, _k, zone, text in zone_lines:
        seen_pages.setdefault((zone, _norm_key(text)), set()).add(pg.no)
    n_pages = len(pages)
    drop: dict[int, set[int]] = {}
    for pg, k, zone, text in zone_lines:
        key = (zone, _norm_key(text))
        repeated = len(seen_pages[key]) >= max(3, 0.25 * n_pages) and len(text) <= 80
        if repeated or _PAGE_NO.match(text) or text in WATERMARKS:
            drop.setdefault(pg.no, set()).add(k)
    for pg in pages:
        if pg.no in drop:
            pg.free = [chars for k, chars in enumerate(pg.free) if k not in drop[pg.no]]


@dataclass(slots=True)
class _Carry:
    """The last table of the previous page, when it ended that page (for continuations)."""

    seps: list[float] | None = None
    x0: float = 0.0
    x1: float = 0.0
    head: tuple[str, ...] = ()  # its column titles (the lines above its first amount)


def _head_texts(lines: list[list]) -> tuple[str, ...]:
    """The texts of a table's title lines: the lines above the first with an amount (≤ 5)."""
    out = []
    for ln in lines[:5]:
        if any(is_value(p) for p in _piece_texts(ln)):
            break
        out.append(make_line(list(ln)).text)
    return tuple(out)


def _aligned_rows(
    lines: list[list], page: int, carry: _Carry | None, barriers=()
) -> tuple[list[TableRow], list[float]]:
    """Rows of a table without vertical rules; a continuation reuses the previous page's columns
    when they fit (so that a column empty on this page is still there)."""
    own = infer_columns(lines)
    seps = own
    if carry is not None and carry.seps is not None:
        x0 = min(c[X0] for ln in lines for c in ln)
        x1 = max(c[X1] for ln in lines for c in ln)
        overlap = min(x1, carry.x1) - max(x0, carry.x0)
        # a table whose first line holds no value (it opens with column titles) and that finds a
        # different number of columns is a new table, not a continuation
        titled = not any(is_value(p) for p in _piece_texts(lines[0])) and len(own) != len(carry.seps)
        # the titles of the table on the page before, repeated: it continues, in its columns
        repeated = bool(carry.head) and _head_texts(lines)[: len(carry.head)] == carry.head
        if (
            (not titled or repeated)
            and overlap > 0.8 * max(x1 - x0, 1.0)
            and (len(carry.seps) >= len(own) or repeated)
            and _fits(lines, carry.seps)
        ):
            seps = carry.seps
    return text_table_rows(lines, page, barriers=barriers, seps=seps), seps


def _continued_lines(free: list[list], carry: _Carry | None) -> int:
    """How many lines at the top of a page are the rest of the unruled table that ended the
    page before: lines with amounts, split into pieces that fit its columns and lie within its
    width (a single row continued has no second row to be found by)."""
    if carry is None or carry.seps is None or not free:
        return 0
    n = 0
    for ln in free[:3]:
        texts = _piece_texts(ln)
        x0, x1 = ln[0][X0], max(c[X1] for c in ln)
        if len(texts) < 2 or not any(is_value(t) for t in texts):
            break
        if x0 < carry.x0 - 6.0 or x1 > carry.x1 + 6.0 or not _fits([ln], carry.seps):
            break
        n += 1
    return n


def _fits(lines: list[list], seps: list[float]) -> bool:
    """No two pieces of one printed line fall into the same column (column titles, placed by
    their middle and free to span columns, aside)."""
    from bisect import bisect_right

    n_head = len(_head_texts(lines))
    for ln in lines[n_head if n_head < len(lines) else 0 :]:
        seen = set()
        for x0, x1, amt, piece in table_pieces(ln):
            k = bisect_right(seps, x1 - 0.25 * piece[-1][EM] if amt else x0 + 0.25 * piece[0][EM])
            if k in seen:
                return False
            seen.add(k)
    return True


def _page_items(
    pg: _Page, next_table_id: int, carry: _Carry | None
) -> tuple[list[_Item], int, _Carry | None]:
    items: list[_Item] = []
    for rows in pg.tables:
        for r in rows:
            items.append(_Item("row", pg.no, r.box[1], next_table_id, row=r))
        next_table_id += 1
    free = pg.free
    aligned: list[tuple[list[list], list[float]]] = list(pg.stacks)
    used = set()
    runs = find_text_tables(free)
    tail = _continued_lines(free, carry) if not pg.tables and not pg.stacks else 0
    if tail and (not runs or runs[0][0] >= tail):
        runs.insert(0, (0, tail))  # the last row(s) of the table on the page before
    for a, b in runs:
        aligned.append((free[a:b], []))
        used.update(range(a, b))
    aligned.sort(key=lambda t: min(c[1] for ln in t[0] for c in ln))
    seps_of: dict[int, tuple[list[float], float, float, tuple[str, ...]]] = {}
    for k, (lines, barriers) in enumerate(aligned):
        first = k == 0 and not pg.tables
        rows, seps = _aligned_rows(lines, pg.no, carry if first else None, barriers)
        if (len(rows) < 2 and not (first and tail and len(lines) == tail)) or len(rows[0].cells) < 2:
            if not barriers:  # give the lines back to the text
                for j, ln in enumerate(free):
                    if ln in lines:
                        used.discard(j)
            continue
        for r in rows:
            items.append(_Item("row", pg.no, r.box[1], next_table_id, row=r))
        head = _head_texts(lines)
        if not head and first and carry is not None:
            head = carry.head  # a continuation without titles: the titles of where it began
        seps_of[next_table_id] = (
            seps,
            min(c[X0] for ln in lines for c in ln),
            max(c[X1] for ln in lines for c in ln),
            head,
        )
        next_table_id += 1
    for k, chars in enumerate(free):
        if k in used:
            continue
        for piece in split_gaps(chars, 3.0):
            ln = make_line(piece, pg.no)
            if not ln.text or ln.text in WATERMARKS:
                continue
            items.append(_Item("text", pg.no, ln.top, line=ln))
    # reading order: by top; rows of one table stay together in their order
    items.sort(key=lambda it: (it.top, it.line.x0 if it.line else 0.0))
    new_carry = None
    if items and items[-1].kind == "row":
        last = items[-1].table
        if last in seps_of:
            sp, x0, x1, head = seps_of[last]
            new_carry = _Carry(sp, x0, x1, head)
        else:
            new_carry = _Carry(None)
    return items, next_table_id, new_carry


