"""Geometry for the PDF reader: characters → lines, ruling lines → table grids → rows.

Pure Python on plain tuples, independent of the PDF engine, so that it can be tested with
hand-made coordinates. All coordinates are PDF points in *display* space with a top-left
origin: ``x`` grows to the right, ``y`` grows downwards.

A character is a tuple ``(x0, top, x1, bottom, cy, em, ch)``: its horizontal extent (advance
box), its glyph box top/bottom, the vertical centre of the glyph box, the font size (em) and the
character itself; an eighth item ``True`` marks a character printed after a space character
(a space narrower than a quarter em, which the gap alone would not show).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from operator import itemgetter

X0, TOP, X1, BOT, CY, EM, CH, SP = range(8)
_x0, _top, _x1, _bot, _cy, _em = (itemgetter(k) for k in (X0, TOP, X1, BOT, CY, EM))  # sort/min keys

Char = tuple  # (x0, top, x1, bottom, cy, em, ch)
Box = tuple[float, float, float, float]

# --------------------------------------------------------------------------- text helpers


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF  # radicals, CJK punctuation, kana, unified ideographs
        or 0xF900 <= o <= 0xFAFF
        or 0xFE30 <= o <= 0xFE4F
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0x20000 <= o <= 0x3FFFF
        or o in (0x201C, 0x201D, 0x2018, 0x2019, 0x2014, 0x2026, 0x00B7)  # “ ” ‘ ’ — … ·
    )


_SPACES = re.compile(r"\s+")


def tidy(text: str) -> str:
    """Collapse runs of spaces; drop spaces between two CJK characters (letter-spaced text)."""
    if " " not in text and text.isprintable():  # no whitespace at all (the common cell)
        return text
    text = _SPACES.sub(" ", text).strip()
    if " " not in text:
        return text
    out = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch == " " and 0 < i < n - 1 and is_cjk(text[i - 1]) and is_cjk(text[i + 1]):
            continue
        out.append(ch)
    return "".join(out)


def join_wrapped(parts: list[str]) -> str:
    """Join the lines of one wrapped cell or paragraph: CJK wraps join without a space."""
    out = ""
    for p in parts:
        if not p:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and p[0].isascii() and p[0].isalpha():
            out += " " + p
        else:
            out += p
    return out


_AMOUNT = re.compile(r"^[-−–—(（]?\d[\d,，]*(\.\s?\d+)?[)）%]?$|^[-—–−]+$|^——$")


def is_amount(text: str) -> bool:
    t = text.replace(" ", "")
    return bool(t) and bool(_AMOUNT.match(t))


def is_value(text: str) -> bool:
    """An amount or a code, not a small integer such as a 栏次/行次 number."""
    t = text.replace(" ", "")
    if not is_amount(t):
        return False
    return "." in t or "," in t or sum(ch.isdigit() for ch in t) >= 3 or not any(ch.isdigit() for ch in t)


def union_box(boxes) -> Box:
    x0 = y0 = float("inf")
    x1 = y1 = float("-inf")
    for b in boxes:
        if b[0] < x0:
            x0 = b[0]
        if b[1] < y0:
            y0 = b[1]
        if b[2] > x1:
            x1 = b[2]
        if b[3] > y1:
            y1 = b[3]
    return (x0, y0, x1, y1)


def rbox(b: Box) -> Box:
    return (round(b[0], 1), round(b[1], 1), round(b[2], 1), round(b[3], 1))


# --------------------------------------------------------------------------- lines


@dataclass(slots=True)
class Line:
    """One printed line (or a piece of one, split at a wide gap)."""

    chars: list  # sorted by x
    x0: float
    top: float
    x1: float
    bottom: float
    em: float
    text: str = ""
    page: int = 0
    drop: bool = False  # header/footer/page number

    @property
    def box(self) -> Box:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def _dedupe(chars: list) -> list:
    """Drop over-printed duplicates (fake bold: the same glyph drawn twice, slightly offset)."""
    p = chars[0]
    out = [p]
    for k in range(1, len(chars)):
        c = chars[k]
        # (CH=6, X0=0, EM=5, CY=4)
        if c[6] == p[6] and abs(c[0] - p[0]) < 0.15 * c[5] and abs(c[4] - p[4]) < 0.3 * c[5]:
            continue
        out.append(c)
        p = c
    return out


def line_text(chars: list) -> str:
    """Text of x-sorted chars on one line; a space where the gap is wider than a quarter em."""
    if not chars:
        return ""
    # (hot loop: tuple items by literal index, X0=0, X1=2, EM=5, CH=6, SP=7)
    first = chars[0]
    parts = [first[6]]
    prev_x1 = first[2]
    prev_em = first[5]
    spaced = False
    for k in range(1, len(chars)):
        c = chars[k]
        em = c[5]
        m = em if em > prev_em else prev_em
        gap = c[0] - prev_x1
        if gap > 0.25 * m or (len(c) > 7 and gap > -0.1 * m):
            parts.append(" ")
            spaced = True
        parts.append(c[6])
        prev_x1 = c[2]
        prev_em = em
    text = "".join(parts)
    return tidy(text) if spaced or "  " in text or text[:1] == " " else text


def make_line(chars: list, page: int = 0) -> Line:
    chars.sort(key=_x0)
    chars = _dedupe(chars)
    ems = sorted(map(_em, chars))
    return Line(
        chars=chars,
        x0=chars[0][X0],
        top=min(chars, key=_top)[TOP],
        x1=max(chars, key=_x1)[X1],
        bottom=max(chars, key=_bot)[BOT],
        em=ems[len(ems) // 2],
        text=line_text(chars),
        page=page,
    )


def cluster_rows(chars: list) -> list[list]:
    """Group chars into text lines by the vertical centre of their glyph boxes."""
    if len(chars) <= 1:
        return [list(chars)] if chars else []
    chars = sorted(chars, key=_cy)
    groups: list[list] = []
    first = chars[0]
    cur = [first]
    cur_cy = first[4]  # CY
    cur_em = first[5]  # EM
    for k in range(1, len(chars)):
        c = chars[k]
        cy, em = c[4], c[5]
        tol = 0.45 * (em if em < cur_em else cur_em) if em < 2 * cur_em else 0.45 * cur_em
        if cy - cur_cy <= (tol if tol > 1.0 else 1.0):
            cur.append(c)
            # running mean keeps long lines from drifting
            cur_cy += (cy - cur_cy) / len(cur)
            if em > cur_em:
                cur_em = em
        else:
            groups.append(cur)
            cur = [c]
            cur_cy = cy
            cur_em = em
    groups.append(cur)
    return groups


def split_gaps(chars: list, gap_em: float) -> list[list]:
    """Split x-sorted chars where the horizontal gap exceeds ``gap_em`` em."""
    first = chars[0]
    cur = [first]
    pieces = [cur]
    prev_x1 = first[2]  # X1
    prev_em = first[5]  # EM
    for k in range(1, len(chars)):
        c = chars[k]
        em = c[5]
        if c[0] - prev_x1 > gap_em * (em if em > prev_em else prev_em):
            cur = [c]
            pieces.append(cur)
        else:
            cur.append(c)
        prev_x1 = c[2]
        prev_em = em
    return pieces


def build_lines(chars: list, page: int = 0, gap_em: float = 3.0) -> list[Line]:
    """Chars → lines, top to bottom; a line is split into pieces at gaps wider than gap_em."""
    lines = []
    for group in cluster_rows(chars):
        group.sort(key=lambda c: c[X0])
        group = _dedupe(group)
        for piece in split_gaps(group, gap_em):
            lines.append(make_line(piece, page))
    lines.sort(key=lambda ln: (round(ln.cy / 2), ln.x0))
    return lines


def cell_text(chars: list) -> tuple[str, Box]:
    """Text of the chars inside one table cell: its lines joined (wrapped names become one)."""
    lo_cy, hi_cy = _cy(min(chars, key=_cy)), _cy(max(chars, key=_cy))
    least_em = min(chars, key=_em)[5]
    if hi_cy - lo_cy <= max(0.45 * least_em, 1.0):  # one line (what cluster_rows would find)
        text = tidy(line_text(_dedupe(sorted(chars, key=_x0))))
    else:
        parts = []
        for group in cluster_rows(chars):
            group.sort(key=_x0)
            parts.append(line_text(_dedupe(group)))
        text = tidy(join_wrapped(parts))
    box = (
        min(chars, key=_x0)[0],
        min(chars, key=_top)[1],
        max(chars, key=_x1)[2],
        max(chars, key=_bot)[3],
    )
    return text, box




# --------------------------------------------------------------------------- ruling lines


def merge_segments(segs: list[tuple[float, float, float]], tol: float = 2.0, gap: float = 2.5):
    """Merge collinear segments ``(pos, a, b)`` (a < b) lying on about the same position."""
    if not segs:
        return []
    segs = sorted(segs)
    groups: list[list] = [[segs[0]]]
    for s in segs[1:]:
        if s[0] - groups[-1][-1][0] <= tol:
            groups[-1].append(s)
        else:
            groups.append([s])
    out = []
    for g in groups:
        pos = sum(s[0] for s in g) / len(g)
        ivs = sorted((s[1], s[2]) for s in g)
        a, b = ivs[0]
        for c, d in ivs[1:]:
            if c <= b + gap:
                if d > b:
                    b = d
            else:
                out.append((pos, a, b))
                a, b = c, d
        out.append((pos, a, b))
    return out


@dataclass(slots=True)
class Grid:
    """A ruled table region: column edges ``xs``, row edges ``ys`` and merged-cell anchors."""

    xs: list[float]
    ys: list[float]
    anchor: list[list[tuple[int, int]]] = field(default_factory=list)  # [row][col] -> (r, c)

    @property
    def box(self) -> Box:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])


def _cluster_positions(values: list[float], tol: float) -> list[float]:
    values = sorted(values)
    out: list[list[float]] = []
    for v in values:
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _covers(ivs: list[tuple[float, float]], a: float, b: float, frac: float = 0.5) -> bool:
    need = frac * (b - a)
    got = 0.0
    for c, d in ivs:
        lo, hi = max(a, c), min(b, d)
        if hi > lo:
            got += hi - lo
    return got >= need


def find_grids(hs: list, vs: list, tol: float = 2.5) -> list[Grid]:
    """Group merged ruling lines into tables and compute each table's cell structure.

    ``hs``: horizontal lines ``(y, x0, x1)``; ``vs``: vertical lines ``(x, y0, y1)``.
    """
    hs = [h for h in hs if h[2] - h[1] >= 3]
    vs = [v for v in vs if v[2] - v[1] >= 3]
    if not hs or not vs:
        return []
    # connected components of touching lines (union-find over H ∪ V)
    n_h = len(hs)
    parent = list(range(n_h + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # crossings: for each horizontal line, the vertical lines within its x range (bisect)
    order = sorted(range(len(vs)), key=lambda j: vs[j][0])
    v_xs = [vs[j][0] for j in order]
    for i, (y, a, b) in enumerate(hs):
        lo = bisect_left(v_xs, a - tol)
        hi = bisect_right(v_xs, b + tol)
        for j in order[lo:hi]:
            _x, y0, y1 = vs[j]
            if y0 - tol <= y <= y1 + tol:
                ri, rj = find(i), find(n_h + j)
                if ri != rj:
                    parent[ri] = rj
    comps: dict[int, tuple[list, list]] = {}
    for i, h in enumerate(hs):
        comps.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        comps.setdefault(find(n_h + j), ([], []))[1].append(v)

    grids = []
    for ch, cv in comps.values():
        if len(cv) < 2 or len(ch) < 1:
            continue
        v_xs = [v[0] for v in cv]
        # tables open at the sides: rules running past the outer vertical lines add an edge
        h_lo = min(h[1] for h in ch)
        h_hi = max(h[2] for h in ch)
        if h_lo < min(v_xs) - 6:
            v_xs.append(h_lo)
        if h_hi > max(v_xs) + 6:
            v_xs.append(h_hi)
        xs = _cluster_positions(v_xs, 3.0)
        ys = _cluster_positions([h[0] for h in ch] + [min(v[1] for v in cv), max(v[2] for v in cv)], 3.0)
        if len(xs) < 3 or len(ys) < 2:  # a single framed box is not a table
            continue
        if xs[-1] - xs[0] < 20 or ys[-1] - ys[0] < 6:
            continue
        grids.append(_grid_structure(xs, ys, ch, cv))
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def _grid_structure(xs: list[float], ys: list[float], ch: list, cv: list) -> Grid:
    nr, nc = len(ys) - 1, len(xs) - 1
    # the ruling intervals at each row edge and column edge
    h_at: list[list[tuple[float, float]]] = [[] for _ in ys]
    for y, a, b in ch:
        k = min(range(len(ys)), key=lambda i: abs(ys[i] - y))
        if abs(ys[k] - y) <= 3.0:
            h_at[k].append((a, b))
    v_at: list[list[tuple[float, float]]] = [[] for _ in xs]
    for x, a, b in cv:
        k = min(range(len(xs)), key=lambda i: abs(xs[i] - x))
        if abs(xs[k] - x) <= 3.0:
            v_at[k].append((a, b))
    parent = list(range(nr * nc))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            if ri < rj:
                parent[rj] = ri
            else:
                parent[ri] = rj

    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not _covers(v_at[c + 1], ys[r], ys[r + 1]):
                union(r * nc + c, r * nc + c + 1)
            if r + 1 < nr and not _covers(h_at[r + 1], xs[c], xs[c + 1]):
                union(r * nc + c, (r + 1) * nc + c)
    # anchor of a merged cell: its top-left grid cell (smallest index is top-most, then left-most;
    # but a merged region may be L-shaped, so take min row then min col explicitly)
    best: dict[int, tuple[int, int]] = {}
    for r in range(nr):
        for c in range(nc):
            root = find(r * nc + c)
            if root not in best or (r, c) < best[root]:
                best[root] = (r, c)
    anchor = [[best[find(r * nc + c)] for c in range(nc)] for r in range(nr)]
    return Grid(xs=xs, ys=ys, anchor=anchor)


@dataclass(slots=True)
class TableRow:
    cells: list[tuple[str, Box]]
    box: Box
    page: int = 0


def grid_rows(grid: Grid, chars: list, page: int = 0) -> list[TableRow]:
    """Assign chars to the grid's (merged) cells and emit one row per grid row with text."""
    xs, ys = grid.xs, grid.ys
    nr, nc = len(ys) - 1, len(xs) - 1
    buckets: dict[tuple[int, int], list] = {}
    anchor = grid.anchor
    for c in chars:
        col = bisect_right(xs, (c[X0] + c[X1]) * 0.5) - 1
        if col < 0:
            col = 0
        elif col >= nc:
            col = nc - 1
        row = bisect_right(ys, c[CY]) - 1
        if row < 0:
            row = 0
        elif row >= nr:
            row = nr - 1
        key = anchor[row][col]
        got = buckets.get(key)
        if got is None:
            buckets[key] = [c]
        else:
            got.append(c)
    texts: dict[tuple[int, int], tuple[str, Box]] = {}
    for key, cs in buckets.items():
        t, b = cell_text(cs)
        if t:
            texts[key] = (t, b)
    # drop sliver columns (double rules, misaligned rules) that never hold text
    keep = [
        c
        for c in range(nc)
        if xs[c + 1] - xs[c] >= 4.0 or any((r, c) in texts for r in range(nr))
    ]
    rows = []
    for r in range(nr):
        if not any((r, c) in texts for c in range(nc)):
            continue
        cells = []
        for c in keep:
            got = texts.get((r, c))
            if got is not None:
                cells.append((got[0], rbox(got[1])))
            else:
                cells.append(("", rbox((xs[c], ys[r], xs[c + 1], ys[r + 1]))))
        rows.extend(_split_code_heads(TableRow(cells, rbox((xs[0], ys[r], xs[-1], ys[r + 1])), page)))
    return rows


_CODE_HEADS = {"类", "款", "项"}


def _split_code_heads(row: TableRow) -> list[TableRow]:
    """Templates print the 类/款/项 sub-header in the band of the 合计 row: make it its own row."""
    texts = [t for t, _b in row.cells]
    heads = [k for k, t in enumerate(texts) if t in _CODE_HEADS]
    if len(heads) < 2 or not any(is_amount(t) or t.replace(" ", "") in ("合计", "总计") for t in texts):
        return [row]
    head = [(t, b) if k in heads else ("", b) for k, (t, b) in enumerate(row.cells)]
    rest = [("", b) if k in heads else (t, b) for k, (t, b) in enumerate(row.cells)]
    return [TableRow(head, row.box, row.page), TableRow(rest, row.box, row.page)]


def in_box(c: Char, box: Box, pad: float = 1.0) -> bool:
    cx = (c[X0] + c[X1]) / 2
    return box[0] - pad <= cx <= box[2] + pad and box[1] - pad <= c[CY] <= box[3] + pad


# --------------------------------------------------------------------------- unruled tables

_ENUM = re.compile(
    r"^\s*([一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|第[一二三四五六七八九十\d]+[部章条节]"
    r"|\d{3,}|合\s*计|总\s*计|小\s*计|本年|年初|年末|其中)"
)
# lines around a table that are never part of it
_NOT_ROW = re.compile(r"^(金额)?单位[:：]|^注[:：]|^说明[:：]|^部门名称|^部门[:：]|^编制单位|^公开\d+表|表$")


def _pieces_info(chars: list, min_gap_em: float) -> list[tuple[float, float, str]]:
    return [(g[0][X0], max(c[X1] for c in g), line_text(g)) for g in split_gaps(chars, min_gap_em)]


_LEADERS = re.compile(r"[.．…·。_\-—]{4,}")


def _is_tabular(pieces: list[tuple[float, float, str]]) -> bool:
    """A line that looks like a table row: pieces separated by wide gaps, with an amount.

    Table-of-contents lines (title, dot leaders, page number) are not."""
    if len(pieces) < 2 or any(_LEADERS.search(p[2]) for p in pieces):
        return False
    amounts = sum(1 for p in pieces if is_amount(p[2]))
    return amounts >= 1 or len(pieces) >= 3


class _Lazy(dict):
    """``lazy[k]``: ``make(k)``, computed the first time it is asked for."""

    def __init__(self, make) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.make = make

    def __missing__(self, k: int):  # type: ignore[no-untyped-def]
        got = self[k] = self.make(k)
        return got


def find_text_tables(lines_chars: list[list], min_gap_em: float = 1.5) -> list[tuple[int, int]]:
    """Runs of printed lines (index ranges, end exclusive) that form an unruled table.

    ``lines_chars``: x-sorted chars of each printed line (full width, not split), top to bottom.
    A run starts from lines that are clearly tabular (pieces separated by gaps ≥ ``min_gap_em``,
    one of them an amount, or three pieces), at most three lines apart; it then takes in the
    lines around and between them whose every piece starts or ends where a column of those
    lines starts or ends (rows with empty values, one-sided rows of two-sided tables).
    """
    n = len(lines_chars)
    if n < 2:
        return []
    # pieces (x0, x1, text) of each line, and its text, read only where needed: most lines are
    # prose, one piece, never tabular, and never looked at again
    gaps = [split_gaps(chars, min_gap_em) for chars in lines_chars]
    info = _Lazy(lambda k: [(g[0][X0], max(map(_x1, g)), line_text(g)) for g in gaps[k]])
    texts = _Lazy(lambda k: " ".join(p[2] for p in info[k]))
    strong = [len(gaps[k]) >= 2 and _is_tabular(info[k]) and not _NOT_ROW.search(texts[k]) for k in range(n)]
    tops = [min(chars, key=_top)[TOP] for chars in lines_chars]
    bots = [max(chars, key=_bot)[BOT] for chars in lines_chars]
    ems = [max(chars, key=_em)[EM] for chars in lines_chars]

    def close(i: int, j: int) -> bool:  # line j right below line i
        return tops[j] - bots[i] <= 2.5 * max(ems[i], ems[j])

    runs: list[tuple[int, int]] = []
    i = 0
    while i < n:
        if not strong[i]:
            i += 1
            continue
        # seed: strong lines at most three lines apart, without a wide vertical gap
        j = i
        last = i
        while j + 1 < n and close(j, j + 1) and j + 1 - last <= 3:
            j += 1
            if strong[j]:
                last = j
        seed = [k for k in range(i, last + 1) if strong[k]]
        if len(seed) < 2:
            i = last + 1
            continue
        em = max(ems[k] for k in seed)
        starts = [p[0] for k in seed for p in info[k]]
        ends = [p[1] for k in seed for p in info[k]]
        lo = min(starts) - em
        hi = max(ends) + em

        cols = [(p[0], p[1]) for k in seed for p in info[k]]

        def centred(k: int) -> bool:
            """A header line of centred column titles: pieces (cut at gaps of an em) each centred
            over a different column of the seed lines; two or more, or one short wrapped end."""
            pieces = _pieces_info(lines_chars[k], 1.0)
            if len(pieces) < 2 and not (pieces and len(pieces[0][2]) <= 3):
                return False
            hit = set()
            for x0, x1, _t in pieces:
                mid = (x0 + x1) / 2
                got = [j for j, (s, e) in enumerate(cols) if s - em <= mid <= e + em]
                if not got or x0 < lo or x1 > hi:
                    return False
                hit.add(min(got, key=lambda j: abs((cols[j][0] + cols[j][1]) / 2 - mid)))
            return len(hit) == len(pieces)

        def aligned(k: int) -> bool:
            if strong[k]:
                return True
            if _NOT_ROW.search(texts[k]) or not info[k]:
                return False
            for x0, x1, _t in info[k]:
                if x0 < lo or x1 > hi:
                    return centred(k)
                if not any(abs(x0 - s) <= em for s in starts) and not any(abs(x1 - e) <= em for e in ends):
                    return centred(k)
            return True

        a, b = i, last + 1
        while a > 0 and close(a - 1, a) and aligned(a - 1):
            a -= 1
        while b < n and close(b - 1, b) and aligned(b):
            b += 1
        if runs and a < runs[-1][1]:
            a = runs[-1][1]
        runs.append((a, b))
        i = b
    return runs


def table_pieces(chars: list, min_gap_em: float = 1.0) -> list[tuple[float, float, bool, list]]:
    """A printed line of a table cut into cell-sized pieces ``(x0, x1, is_amount, chars)``.

    Words (gaps wider than a quarter em) join into one piece unless the gap is wide
    (``min_gap_em``) or one of the two words is an amount: amounts always stand alone, so that a
    long name running close to the amount beside it still gives two pieces.
    """
    words: list[list] = [[chars[0]]]
    for p, c in zip(chars, chars[1:]):
        if c[X0] - p[X1] > 0.25 * max(c[EM], p[EM]):
            words.append([c])
        else:
            words[-1].append(c)
    out: list[tuple[float, float, bool, list]] = []
    for w in words:
        amt = is_amount("".join(c[CH] for c in w))
        if out:
            x0, x1, p_amt, pcs = out[-1]
            gap = w[0][X0] - x1
            if not amt and not p_amt and gap < min_gap_em * w[0][EM]:
                out[-1] = (x0, max(c[X1] for c in w), False, pcs + w)
                continue
        out.append((w[0][X0], max(c[X1] for c in w), amt, list(w)))
    return out


def infer_columns(lines_chars: list[list], min_gap_em: float = 1.0) -> list[float]:
    """Column separators of a table without vertical rules.

    Text is left-aligned in its cell and amounts right-aligned: the body lines' text pieces are
    clustered by their left edge and amount pieces by their right edge; each cluster is a
    column, and separators go between neighbouring columns' extents. Columns sharing a left edge
    are one (codes and names both left-aligned); a column of short numbers centred in the cell of
    the column on its left joins it. Header pieces clear of every column add columns that hold no
    value in the body, unless centred over the cell of a column on their left.
    """
    pieces = [table_pieces(chars, min_gap_em) for chars in lines_chars]
    body = [ps for ps in pieces if any(p[2] and is_value(line_text(p[3])) for p in ps)] or pieces
    em = max(c[EM] for chars in lines_chars for c in chars)
    def short(p) -> bool:  # a number of at most three digits: 行次, 栏次 or a 类 code, often centred
        t = line_text(p[3]).replace(" ", "")
        return t.isdigit() and len(t) <= 3

    anchors: list[tuple[float, bool, float, float, bool]] = sorted(
        ((p[1] if p[2] else p[0]), p[2], p[0], p[1], short(p)) for ps in body for p in ps
    )
    cols: list[list] = []  # [anchor, is_amount, min x0, max x1, n, only short numbers]
    for a, amt, x0, x1, sh in anchors:
        for col in cols:
            if col[1] == amt and abs(col[0] - a) <= (0.75 if amt else 2.0) * em:
                col[2] = min(col[2], x0)
                col[3] = max(col[3], x1)
                col[4] += 1
                col[5] = col[5] and sh
                break
        else:
            cols.append([a, amt, x0, x1, 1, sh])
    # columns whose extents overlap are one column (e.g. names both left- and right-aligned)
    cols.sort(key=lambda c: c[2])
    merged: list[list] = []
    for col in cols:
        last = merged[-1] if merged else None
        # columns starting at the same left edge are one left-aligned column: codes (amount-like
        # but left-aligned, 206 / 20699 / 2069999 ending at different places) and names (合计)
        if last is not None and abs(col[2] - last[2]) <= 0.5 * em:
            last[3] = max(last[3], col[3])
            last[4] += col[4]
            continue
        if (
            last is not None
            and col[2] < last[3] - 0.5 * em
            # an amount column next to a name column stays apart, unless it is a lone number
            # printed inside the name column's extent (a 栏次 digit under a header)
            and (not (col[1] and not last[1]) or (col[4] == 1 and col[3] <= last[3] + 0.5 * em))
        ):
            last[3] = max(last[3], col[3])
            last[4] += col[4]
        else:
            merged.append(list(col))
    # short numbers centred in the cell of the column on their left (类 codes 206 centred in the
    # code column, from its left edge to where the next column starts) belong to that column
    k = 1
    while k + 1 < len(merged):
        left, col, right = merged[k - 1], merged[k], merged[k + 1]
        if col[5] and abs((col[2] + col[3]) / 2 - (left[2] + right[2]) / 2) <= em:
            left[3] = max(left[3], col[3])
            left[4] += col[4]
            del merged[k]
        else:
            k += 1
    cols = merged
    if len(body) < len(pieces):
        for ps in pieces:
            if ps in body:
                continue
            for x0, x1, _amt, _cs in ps:
                clear = 1.5 * em
                if any(x0 - clear < c[3] and c[2] < x1 + clear for c in cols):
                    continue
                # a title centred over a wide left-aligned column (from its left edge to where
                # the next column starts) names that column: no new column
                mid = (x0 + x1) / 2
                left = [c for c in cols if c[3] <= x0]
                right = [c[2] for c in cols if c[2] >= x1]
                if left and right and abs(mid - (max(c[2] for c in left) + min(right)) / 2) <= em:
                    continue
                cols.append([x0, False, x0, x1, 0])
        cols.sort(key=lambda c: c[2])
    seps = []
    for a, b in zip(cols, cols[1:]):
        if a[3] <= b[2]:
            seps.append((a[3] + b[2]) / 2)
        elif b[1]:  # text running up to a right-aligned amount: cut just before the widest amount
            seps.append(b[2] - 0.1 * em)
        else:
            seps.append(b[0] - 0.25 * em)
    return seps


def find_rule_stacks(hs: list, boxes: list, width: float) -> list[list[float]]:
    """Horizontal rules without vertical ones (rows ruled, columns not; 三线表): groups of three
    or more rules of the same extent, outside the ruled grids. Returns each group's y positions
    followed by its x extent: ``[y0, y1, …, x0, x1]``."""
    def in_grid(h) -> bool:
        mid = (h[1] + h[2]) / 2
        return any(b[0] - 2 <= mid <= b[2] + 2 and b[1] - 2 <= h[0] <= b[3] + 2 for b in boxes)

    free = sorted((h for h in hs if not in_grid(h)), key=lambda h: h[0])
    tol = 0.015 * width
    groups: list[list] = []
    for h in free:
        if h[2] - h[1] < 0.2 * width:
            continue
        for g in groups:
            if abs(g[0][1] - h[1]) <= tol and abs(g[0][2] - h[2]) <= tol:
                g.append(h)
                break
        else:
            groups.append([h])
    out = []
    for g in groups:
        if len(g) >= 3:
            out.append([h[0] for h in g] + [min(h[1] for h in g), max(h[2] for h in g)])
    return out


def split_rule_stack(ys: list[float], lines_chars: list[list]) -> list[list[float]]:
    """Cut a stack of rules (y positions) where the band between two rules holds a line that is
    never part of a table (a note, the next table's title, its unit line): tables of the same
    width one above the other (三线表) give one stack of rules, but each is a table of its own."""
    ys = sorted(ys)
    out: list[list[float]] = [[ys[0]]]
    for a, b in zip(ys, ys[1:]):
        band = [ln for ln in lines_chars if a < sum(c[CY] for c in ln) / len(ln) < b]
        if any(_NOT_ROW.search(line_text(ln)) for ln in band):
            out.append([b])
        else:
            out[-1].append(b)
    return [g for g in out if len(g) >= 2]


def text_table_rows(
    lines_chars: list[list],
    page: int = 0,
    min_gap_em: float = 1.0,
    barriers: list[float] | tuple = (),
    seps: list[float] | None = None,
) -> list[TableRow]:
    """Rebuild the rows of a table without vertical rules.

    Columns come from the gaps in the x-coverage of its body lines (or ``seps``). Every printed
    line starts a row, except a line that sits within half an em of the row above (a cell
    printed a little higher or lower), or that only continues a wrapped name of the row above.
    Rows never merge across a horizontal rule at one of the ``barriers`` (y positions).
    """
    if seps is None:
        seps = infer_columns(lines_chars, min_gap_em)
    nc = len(seps) + 1
    x_left = min(c[X0] for chars in lines_chars for c in chars)
    x_right = max(c[X1] for chars in lines_chars for c in chars)
    edges = [x_left] + list(seps) + [x_right]

    # header lines: the lines above the first line with an amount (column titles)
    n_head = 0
    for chars in lines_chars:
        if any(p[2] and is_value(line_text(p[3])) for p in table_pieces(chars, min_gap_em)):
            break
        n_head += 1
    if n_head == len(lines_chars):
        n_head = 0
    prov_rows = []
    for i, chars in enumerate(lines_chars):
        by_col: dict[int, list] = {}
        if i < n_head:
            # column titles are centred over their column (and wrap inside it): each word (cut
            # at a gap of a quarter em) goes to the column under its middle
            for word in split_gaps(chars, 0.25):
                x = (word[0][X0] + max(c[X1] for c in word)) / 2
                k = min(bisect_right(seps, x), nc - 1)
                by_col.setdefault(k, []).extend(word)
            prov_rows.append(by_col)
            continue
        # a piece of text stays in one cell: text by where it starts, amounts by where they end
        for x0, x1, amt, piece in table_pieces(chars, min_gap_em):
            x = x1 - 0.25 * piece[-1][EM] if amt else x0 + 0.25 * piece[0][EM]
            k = min(bisect_right(seps, x), nc - 1)
            by_col.setdefault(k, []).extend(piece)
        prov_rows.append(by_col)
    text_cols = set()
    for k in range(nc):
        vals = [line_text(sorted(r[k], key=lambda c: c[X0])) for r in prov_rows if k in r]
        if vals and sum(1 for v in vals if not is_amount(v)) > len(vals) / 2:
            text_cols.add(k)
    col_right = {
        k: max((c[X1] for r in prov_rows if k in r for c in r[k]), default=edges[k + 1])
        for k in range(nc)
    }
    body_rows = [r for r in prov_rows if any(k not in text_cols for k in r)] or prov_rows
    col_right = {
        k: max((c[X1] for r in body_rows if k in r for c in r[k]), default=col_right[k]) for k in range(nc)
    }
    # between horizontal rules, a band with at most one line of amounts is one row
    band_of = None
    if barriers:
        ys = sorted(barriers)
        band_of = [bisect_right(ys, sum(c[CY] for c in chars) / len(chars)) for chars in lines_chars]
        amount_lines: dict[int, int] = {}
        for b, chars in zip(band_of, lines_chars):
            if any(p[2] and is_value(line_text(p[3])) for p in table_pieces(chars, min_gap_em)):
                amount_lines[b] = amount_lines.get(b, 0) + 1
    merged: list[dict[int, list]] = []
    for i, r in enumerate(prov_rows):
        if (
            merged
            and band_of is not None
            and band_of[i] == band_of[i - 1]
            and amount_lines.get(band_of[i], 0) <= 1
            # a band without amounts between two rules may hold several rows of column titles
            # (three-line tables): only their wrapped lines join
            and (amount_lines.get(band_of[i], 0) == 1 or _wrapped_title(merged[-1], r))
        ):
            for k, cs in r.items():
                merged[-1].setdefault(k, []).extend(cs)
        elif merged and not _barrier_between(merged[-1], r, barriers) and (
            _same_row(merged[-1], r, text_cols)
            or _continues(merged[-1], r, text_cols, col_right)
            or (i < n_head and _wrapped_title(merged[-1], r))
        ):
            for k, cs in r.items():
                merged[-1].setdefault(k, []).extend(cs)
        else:
            merged.append({k: list(cs) for k, cs in r.items()})
    rows = []
    for r in merged:
        cells = []
        top = min(c[TOP] for cs in r.values() for c in cs)
        bot = max(c[BOT] for cs in r.values() for c in cs)
        for k in range(nc):
            if k in r:
                t, b = cell_text(r[k])
                cells.append((t, rbox(b)))
            else:
                cells.append(("", rbox((edges[k], top, edges[k + 1], bot))))
        rows.append(TableRow(cells, rbox((x_left, top, x_right, bot)), page))
    return rows


def _row_span(r: dict[int, list]) -> tuple[float, float, float]:
    top = min(c[TOP] for cs in r.values() for c in cs)
    bot = max(c[BOT] for cs in r.values() for c in cs)
    em = max(c[EM] for cs in r.values() for c in cs)
    return top, bot, em


def _barrier_between(prev: dict[int, list], cur: dict[int, list], barriers) -> bool:
    if not barriers:
        return False
    p_cy = max(c[CY] for cs in prev.values() for c in cs)
    c_cy = min(c[CY] for cs in cur.values() for c in cs)
    return any(p_cy < y < c_cy for y in barriers)


def _same_row(prev: dict[int, list], cur: dict[int, list], text_cols: set) -> bool:
    """``cur`` is printed within half an em of the last line of ``prev`` (vertically centred
    cells of one row), and fills only cells that are empty in ``prev`` or hold text."""
    p_last = max(c[CY] for cs in prev.values() for c in cs)
    c_cy = min(c[CY] for cs in cur.values() for c in cs)
    em = max(c[EM] for cs in cur.values() for c in cs)
    if c_cy - p_last > 0.75 * em:
        return False
    return all(k not in prev or k in text_cols for k in cur)


def _continues(prev: dict[int, list], cur: dict[int, list], text_cols: set, col_right: dict) -> bool:
    """Is printed line ``cur`` the wrapped continuation of row ``prev``?"""
    shared = set(prev) & set(cur)
    if not shared or not shared <= text_cols:
        return False
    _pt, prev_bot, _pe = _row_span(prev)
    cur_top, _cb, em = _row_span(cur)
    if cur_top - prev_bot > 1.0 * em:
        return False
    for k in shared:
        t = line_text(sorted(cur[k], key=lambda c: c[X0]))
        if _ENUM.match(t):
            return False
        # the previous line of that cell must be full: it wrapped because it ran out of room
        last = max(c[CY] for c in prev[k])
        last_line = [c for c in prev[k] if abs(c[CY] - last) < 0.5 * c[EM]]
        if max(c[X1] for c in last_line) < col_right[k] - 2.0 * em:
            return False
    return True


def _wrapped_title(prev: dict[int, list], cur: dict[int, list]) -> bool:
    """Header line ``cur`` continues the titles of header row ``prev``: it follows at the line
    pitch of wrapped text (less than half an em between the glyph boxes), where a new header
    row would leave the cell padding between them."""
    _pt, prev_bot, _pe = _row_span(prev)
    cur_top, _cb, em = _row_span(cur)
    return cur_top - prev_bot < 0.5 * em
