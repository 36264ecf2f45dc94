"""PDF geometry, part 2: ruling lines → table grids (merged cells) → rows; stacks of horizontal
rules without vertical ones (三线表). Coordinates as in :mod:`.pdf_lines`."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from .pdf_lines import _NOT_ROW, CY, X0, X1, Box, TableRow, cell_text, is_amount, line_text, rbox

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


