"""PDF geometry, part 4: the rows of an unruled table (columns from :mod:`.pdf_columns` or given),
wrapped names and vertically centred cells joined, rows never crossing a rule."""

from __future__ import annotations

from bisect import bisect_right

from .pdf_columns import infer_columns, table_pieces
from .pdf_lines import _ENUM, BOT, CY, EM, TOP, X0, X1, TableRow, cell_text, is_amount, is_value, line_text, rbox, split_gaps

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
    col_left = {k: min((c[X0] for r in body_rows if k in r for c in r[k]), default=edges[k]) for k in range(nc)}
    # between horizontal rules, a band with at most one line of amounts is one row
    band_of = None
    if barriers:
        ys = sorted(barriers)
        band_of = [bisect_right(ys, sum(c[CY] for c in chars) / len(chars)) for chars in lines_chars]
        amount_lines: dict[int, int] = {}
        for b, chars in zip(band_of, lines_chars):
            if any(p[2] and is_value(line_text(p[3])) for p in table_pieces(chars, min_gap_em)):
                amount_lines[b] = amount_lines.get(b, 0) + 1
    # the gap between two rows of amounts (surely two rows): a line as far below a row is a row
    # of its own, not the wrapped rest of a name (set at the leading of the text, closer)
    valued = [
        i for i, chars in enumerate(lines_chars)
        if i >= n_head and any(p[2] and is_value(line_text(p[3])) for p in table_pieces(chars, min_gap_em))
    ]
    gaps = sorted(
        min(c[TOP] for c in lines_chars[j]) - max(c[BOT] for c in lines_chars[i])
        for i, j in zip(valued, valued[1:])
        if j == i + 1
    )
    row_gap = gaps[len(gaps) // 2] if gaps else None
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
            or (i >= n_head and _continues(merged[-1], r, text_cols, col_right, col_left, row_gap))
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


def _continues(
    prev: dict[int, list],
    cur: dict[int, list],
    text_cols: set,
    col_right: dict,
    col_left: dict | None = None,
    row_gap: float | None = None,
) -> bool:
    """Is printed line ``cur`` the wrapped continuation of row ``prev``? (``row_gap``: the usual
    gap between two rows of the table, when known.)"""
    shared = set(prev) & set(cur)
    if not shared or not shared <= text_cols:
        return False
    _pt, prev_bot, _pe = _row_span(prev)
    cur_top, _cb, em = _row_span(cur)
    if cur_top - prev_bot > 1.0 * em:
        return False
    if row_gap is not None and row_gap >= 0.5 * em and cur_top - prev_bot >= 0.8 * row_gap:
        return False

    def values(r: dict[int, list], cols) -> bool:  # type: ignore[no-untyped-def]
        return any(is_value(line_text(sorted(r[k], key=lambda c: c[X0]))) for k in cols)

    # the amounts of a row stand on its first line when any does (top-aligned cells): a line
    # that brings amounts of its own, under a row that has some, is a row of its own
    if values(cur, set(cur) - shared) and values(prev, set(prev) - shared):
        return False
    for k in shared:
        t = line_text(sorted(cur[k], key=lambda c: c[X0]))
        if _ENUM.match(t):
            return False
        # a wrapped line of a left-aligned cell starts where the cell's text starts; a line
        # well to the right of it is centred (a title), not the rest of a name
        x0 = min(c[X0] for c in cur[k])
        if x0 > min(c[X0] for c in prev[k]) + 1.5 * em:
            return False
        if col_left is not None and x0 > col_left[k] + 3.0 * em:
            return False  # centred in its cell (a column title), not wrapped text
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
