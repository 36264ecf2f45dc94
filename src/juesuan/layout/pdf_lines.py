"""PDF geometry, part 1: characters → printed lines (and the text helpers every part uses).

The PDF table geometry is split by concern: :mod:`.pdf_lines` (characters, lines, cell text),
:mod:`.pdf_grids` (ruling lines → grids → rows; rule stacks), :mod:`.pdf_columns` (unruled
tables: where they are and their columns, from text positions) and :mod:`.pdf_rows` (the rows
of an unruled table).

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
from dataclasses import dataclass
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





@dataclass(slots=True)
class TableRow:
    cells: list[tuple[str, Box]]
    box: Box
    page: int = 0



def in_box(c: Char, box: Box, pad: float = 1.0) -> bool:
    cx = (c[X0] + c[X1]) / 2
    return box[0] - pad <= cx <= box[2] + pad and box[1] - pad <= c[CY] <= box[3] + pad



# --------------------------------------------------------------------------- line kinds

_ENUM = re.compile(
    r"^\s*([一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|第[一二三四五六七八九十\d]+[部章条节]"
    r"|\d{3,}|合\s*计|总\s*计|小\s*计|本年|年初|年末|其中)"
)
# lines around a table that are never part of it
_NOT_ROW = re.compile(r"^(金额)?单位[:：]|^注[:：]|^说明[:：]|^部门名称|^部门[:：]|^编制单位|^公开\d+表|表$")


