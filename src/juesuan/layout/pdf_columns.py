"""PDF geometry, part 3: unruled tables — which printed lines form a table, and its columns from
text positions (text left-aligned, amounts right-aligned). Coordinates as in :mod:`.pdf_lines`."""

from __future__ import annotations

import re

from .pdf_lines import _NOT_ROW, BOT, CH, EM, TOP, X0, X1, _bot, _em, _top, _x1, is_amount, is_value, line_text, split_gaps


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
            if len(pieces) == 1 and len(pieces[0][2]) > 3:
                # one title centred over the first column (a section of a table: 一、政府采购情况),
                # clear of where the second column starts
                x0, x1, _t = pieces[0]
                left = min(starts)
                # where the second column starts: the second piece of the rows with an amount
                second = min((info[k][1][0] for k in seed if len(info[k]) > 1 and any(is_amount(q[2]) for q in info[k])), default=None)
                return second is not None and left + em < x0 and x1 < second - em
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
    # — unless the header prints a title over each of the two (类 | 款 | 项): a title centred over
    # the short numbers clear of the column on the left, and one over that column clear of them
    titles = [(p[0], p[1]) for ps in pieces if ps not in body for p in ps if not p[2]]

    def own_title(col: list, left: list) -> bool:
        mine = any(col[2] - em <= (a + b) / 2 <= col[3] + em and not (a < left[3] and b > left[2]) for a, b in titles)
        return mine and any(a < left[3] and b > left[2] and not (a < col[3] and b > col[2]) for a, b in titles)

    k = 1
    while k + 1 < len(merged):
        left, col, right = merged[k - 1], merged[k], merged[k + 1]
        if col[5] and abs((col[2] + col[3]) / 2 - (left[2] + right[2]) / 2) <= em and not own_title(col, left):
            left[3] = max(left[3], col[3])
            left[4] += col[4]
            del merged[k]
        else:
            k += 1
    cols = _merge_total_label(merged, body)
    if len(body) < len(pieces):
        # rows without an amount below the first that has one (counts, blank lines, section
        # titles): their names, left-aligned in a text column, widen it (a wide label column
        # whose title is centred over names longer than any of the amount rows')
        first = next(k for k, ps in enumerate(pieces) if ps in body)
        for ps in pieces[first + 1 :]:
            if ps in body:
                continue
            for x0, x1, amt, _cs in ps:
                if amt:
                    continue
                for j, col in enumerate(cols):
                    nxt = cols[j + 1][2] if j + 1 < len(cols) else float("inf")
                    if not col[1] and abs(x0 - col[2]) <= 0.5 * em and col[3] < x1 < nxt - em:
                        col[3] = x1
        head_lines = [ps for ps in pieces if ps not in body]
        heads = [p for ps in head_lines for p in ps]
        body_cols = [list(c) for c in cols]  # the body's columns, before titles widen them
        beside = _titles_beside(pieces, body, body_cols, em)
        for x0, x1, _amt, _cs in heads:
            clear = 1.5 * em
            if (x0, x1) in beside:  # a narrow column empty in the body (its title may wrap)
                same = [c for c in cols if c[4] == 0 and c[2] - em < x1 and x0 < c[3] + em]
                if same:
                    same[0][2], same[0][3] = min(same[0][2], x0), max(same[0][3], x1)
                else:
                    cols.append([x0, False, x0, x1, 0])
                continue
            if any(x0 - clear < c[3] and c[2] < x1 + clear for c in cols):
                continue
            # a title centred over a wide left-aligned column (from its left edge to where
            # the next column starts) names that column: no new column — unless its line has
            # another title over that column (科目代码 | 科目名称 over codes and 合计 alone)
            mid = (x0 + x1) / 2
            left = [c for c in cols if c[3] <= x0]
            right = [c[2] for c in cols if c[2] >= x1]
            near = max(left, key=lambda c: c[2]) if left else None
            line = next((ps for ps in head_lines if any(q[0] == x0 and q[1] == x1 for q in ps)), [])
            titled = near is not None and any(
                q[1] <= x0 and q[0] - clear < near[3] and q[1] > near[2] and not q[2] for q in line
            )
            if not titled and left and right and abs(mid - (max(c[2] for c in left) + min(right)) / 2) <= em:
                continue
            # … or the cell's right edge, if the title is centred in it, lies between the end of
            # that column's text and the start of the next column's (a 行次 number centred in
            # its own cell starts to the right of where that cell begins)
            if (
                not titled
                and near is not None
                and not near[1]
                and right
                and near[3] - em <= 2 * mid - near[2] <= min(right) + 0.5 * em
            ):
                continue
            named = _titled_amount_column(x0, x1, body_cols, heads, em)
            if named is not None:  # the title of a column of right-aligned amounts
                col = cols[body_cols.index(named)]
                col[2] = min(col[2], x0)
                continue
            cols.append([x0, False, x0, x1, 0])
        cols.sort(key=lambda c: c[2])
        # a title starting in the gap before a column and running into it is that column's
        # (left-aligned at its tab stop, or wider than its amounts): the column starts there
        for x0, x1, amt, _cs in heads:
            if amt:
                continue
            for a, b in zip(cols, cols[1:]):
                if a[3] <= x0 < b[2] < x1:
                    b[2] = x0
                    break
    seps = []
    for a, b in zip(cols, cols[1:]):
        if a[3] <= b[2]:
            seps.append((a[3] + b[2]) / 2)
        elif b[1]:  # text running up to a right-aligned amount: cut just before the widest amount
            seps.append(b[2] - 0.1 * em)
        else:
            seps.append(b[0] - 0.25 * em)
    if len(body) < len(pieces):
        seps = _numbered_columns(seps, [ps for ps in pieces if ps not in body])
    return seps


def _titles_beside(pieces: list[list], body: list[list], cols: list[list], em: float) -> set[tuple[float, float]]:
    """Titles of narrow columns empty in the body, printed close beside the title of the amount
    column on their left (nearer than the clearance a title usually keeps): in one header line,
    a piece starting right of where that column's amounts end, while another piece of the line
    stands over those amounts, and clear of the next column (or that column has its own title
    in the line)."""
    out = set()
    for ps in pieces:
        if ps in body:
            continue
        for x0, x1, amt, _cs in ps:
            if amt:
                continue
            left = [c for c in cols if c[2] < x0]
            if not left:
                continue
            col = max(left, key=lambda c: c[2])
            if not col[1] or x0 < col[3] + 0.25 * em:
                continue
            if not any(q[0] < col[3] and q[1] > col[2] for q in ps if q[0] != x0):
                continue
            nxt = [c for c in cols if c[2] >= x0]
            if nxt:
                n = min(nxt, key=lambda c: c[2])
                if x1 > n[2] - 0.5 * em or not any(q[0] < n[3] and q[1] > n[2] for q in ps):
                    continue
            out.add((x0, x1))
    return out


_TOTAL_LABEL = re.compile(r"^(合\s*计|总\s*计|小\s*计)$")


def _merge_total_label(cols: list[list], body: list[list]) -> list[list]:
    """A column holding nothing but a total label (合计 printed at the left of the 类 | 款 | 项
    cells it spans) next to a column of codes that is empty on that row is one column with it."""
    if len(cols) < 2:
        return cols
    first, second = cols[0], cols[1]
    if first[1] or not (second[1] and second[5]):  # a text column, then one of short codes
        return cols

    def inside(p, col: list) -> bool:  # type: ignore[no-untyped-def]
        return p[2] == col[1] and p[0] >= col[2] - 0.5 and p[1] <= col[3] + 0.5

    def lines_in(col: list) -> set[int]:
        return {k for k, ps in enumerate(body) for p in ps if inside(p, col)}

    texts = [line_text(p[3]) for ps in body for p in ps if inside(p, first)]
    if not texts or len(texts) != first[4] or not all(_TOTAL_LABEL.match(t) for t in texts):
        return cols  # (the column holds more than its total labels: codes merged into it)
    if lines_in(first) & lines_in(second):
        return cols
    second[2] = min(second[2], first[2])
    second[3] = max(second[3], first[3])
    second[4] += first[4]
    return cols[1:]


def _titled_amount_column(x0: float, x1: float, cols: list[list], heads: list, em: float) -> list | None:
    """The body column a header piece clear of every column names, when it is the title of a
    column of right-aligned amounts: the first column to its right holds amounts, and either the
    piece repeats the title printed over that column (a sub-header inside the table, aligned
    otherwise), or that column has no title of its own — the piece is its title, centred over a
    wide cell or left-aligned at a tab stop (Word tables of tab-aligned text)."""
    right = [c for c in cols if c[2] >= x1]
    if not right:
        return None
    col = min(right, key=lambda c: c[2])
    if not col[1] or not any(c[3] <= x0 for c in cols):
        return None
    piece = next((h for h in heads if h[0] == x0 and h[1] == x1), None)
    # titles over it (or ending just before its amounts, as a title centred over short ones)
    over = [h for h in heads if not h[2] and h[0] < col[3] and h[1] > col[2] - 1.5 * em]
    if not over:
        return col
    if piece is not None and piece[2]:
        # a column number (栏次) at the tab stop of the title over the column: under the title
        return col if any(h[0] - em <= x0 and x1 <= h[1] + em for h in over) else None
    text = line_text(piece[3]) if piece is not None else ""
    return col if text in {line_text(h[3]) for h in over} else None


def _numbered_columns(seps: list[float], head_pieces: list[list]) -> list[float]:
    """Column numbers (栏次: a header line of consecutive small integers 1, 2, 3, …, each
    centred over its column) number every column: where two numbers fall between the same
    separators (a column empty in the body, or two narrow columns read as one), a separator goes
    between them."""
    for ps in head_pieces:
        nums = [(p[0], p[1], line_text(p[3]).replace(" ", "")) for p in ps]
        nums = [(a, b, t) for a, b, t in nums if t.isdigit() and len(t) <= 3]
        if len(nums) < 3 or len(nums) < len(ps) - 1:  # at most one label (栏次) beside the numbers
            continue
        values = [int(t) for _a, _b, t in nums]
        if any(b - a != 1 for a, b in zip(values, values[1:])):
            continue
        seps = sorted(seps)
        for (a0, a1, _t), (b0, b1, _u) in zip(nums, nums[1:]):
            ca, cb = (a0 + a1) / 2, (b0 + b1) / 2
            if not any(ca < x < cb for x in seps):
                seps.append((a1 + b0) / 2)
        seps.sort()
    return seps


