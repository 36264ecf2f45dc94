"""Layout: blocks → table grids.

A grid is a run of row blocks, with the title, number and unit found in the text lines just
before it and the notes (注：…, 说明：…) just after it. A run whose title and header were lost
in extraction is still a grid (``fragment=True``); extract identifies it from its note and
column structure. Rows of one table broken by page furniture (repeated titles, unit lines,
续表, page numbers) are stitched into one grid.
"""

from __future__ import annotations

import re

from ..model import Block, Cell, Grid, Layout, Provenance, RawDocument

_NOTE = re.compile(r"^(注[:：]|注\s|说明[:：]|备注|如本表|本表(金额|反映|无数据|为空)|其中[:：]\s*预算数)")
_NUMBER = re.compile(r"公开\s*(\d{1,2})\s*表|(?:^|\s)表\s*(\d{1,2})(?:\s|$)")
_UNIT = re.compile(r"单位[:：]\s*(万元|元|千元|亿元)")
_PAGE_FURNITURE = re.compile(
    r"^(第?\s*[-—]?\s*\d{1,4}\s*[-—]?\s*页?|续表.*|[-—]\s*\d+\s*[-—]|\d+\s*/\s*\d+)$"
)
_TITLE_HINT = re.compile(r"(决算|预算|自评|统计|情况|明细|收支总|收入总|支出总|三公).{0,12}表\s*(\(.*\)|（.*）)?$")

PREAMBLE_WINDOW = 8  # text lines looked at before a grid for its title/number/unit


def is_note(text: str) -> bool:
    return bool(_NOTE.match(text.strip()))


def _row_as_note(block: Block) -> str | None:
    """A row whose only content is a note in its first cell (converter artefact)."""
    filled = [c.text for c in block.cells if c.text]
    if len(filled) == 1 and block.cells[0].text and is_note(block.cells[0].text):
        return block.cells[0].text
    return None


_PREAMBLE_LINE = re.compile(r"^(公开\s*\d{1,2}\s*表|(金额)?单位[:：]|(部门|单位)(名称)?[:：]|20\d{2}\s*年度?$)")


def _row_as_title(block: Block) -> Cell | None:
    """The one cell of a row that only carries a table's title, number, unit or department line
    (a converter or spreadsheet artefact): it is text before a table, not a table row."""
    filled = [c for c in block.cells if c.text]
    if len(filled) != 1:
        return None
    cell = filled[0]
    t = cell.text.strip()
    if (cell is block.cells[0] and _is_title_line(t)) or _PREAMBLE_LINE.match(t):
        return cell
    return None


def _is_title_line(text: str) -> bool:
    t = text.strip()
    return len(t) <= 60 and bool(_TITLE_HINT.search(t))


def _preamble(lines: list[Block]) -> tuple[str | None, str | None, str | None, Provenance | None]:
    """Title, number and unit from the text lines before a grid (nearest first)."""
    window = lines[-PREAMBLE_WINDOW:]
    title = number = unit = None
    prov = None
    joined = "".join(b.text.replace(" ", "") for b in window)
    m = None
    for m in _NUMBER.finditer(joined):
        pass
    if m is not None:
        digits = m.group(1) or m.group(2)
        number = f"公开{int(digits):02d}表"
    um = _UNIT.search(joined)
    if um:
        unit = um.group(1)
    for b in reversed(window):
        t = b.text.strip()
        if is_note(t):
            break  # the previous table's notes: nothing before belongs to this grid
        if _is_title_line(t) and "公开" not in t[:2]:
            title = t
            prov = b.prov
            break
    return title, number, unit, prov


def build_layout(raw: RawDocument) -> Layout:
    grids: list[Grid] = []
    text: list[Block] = []
    pending: list[Block] = []  # text since the last grid's notes
    current: Grid | None = None
    last_grid: Grid | None = None  # accepts notes until prose resumes

    def close() -> None:
        nonlocal current, last_grid
        if current is not None:
            grids.append(current)
            last_grid = current
            current = None

    for block in raw.blocks:
        if block.kind == "row" and (only := _row_as_title(block)) is not None:
            block = Block("text", [only], block.prov)
        if block.kind == "row":
            note = _row_as_note(block)
            if note is not None:
                target = current or last_grid
                close()
                if target is not None:
                    target.notes.append(note)
                text.append(block)
                continue
            if current is None:
                title, number, unit, tprov = _preamble(pending)
                current = Grid(
                    title=title,
                    number=number,
                    unit=unit,
                    head=[],
                    rows=[],
                    notes=[],
                    prov=tprov or block.prov,
                    fragment=title is None,
                )
                pending = []
                last_grid = None
            current.rows.append(block)
            continue

        t = block.text.strip()
        text.append(block)
        if current is not None:
            if _PAGE_FURNITURE.match(t) or _UNIT.search(t) or (current.title and t == current.title):
                continue  # page furniture inside a table broken over pages
            if is_note(t):
                current.notes.append(t)
                close()
                continue
            close()
        elif last_grid is not None and is_note(t):
            last_grid.notes.append(t)
            continue
        last_grid = None if not is_note(t) else last_grid
        pending.append(block)
    close()
    return Layout(
        source=raw.source,
        format=raw.format,
        pages=raw.pages,
        grids=grids,
        text=text,
        warnings=list(raw.warnings),
    )
