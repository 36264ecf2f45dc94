"""Write the authored document as DOCX (python-docx): A4, 宋体/黑体, ruled tables, 万元."""

from __future__ import annotations

from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .parts import Heading, PageBreak, Para, Part, TableBlock

_SIZES = {0: 26, 1: 16, 2: 14, 3: 12}
BODY_FONT = "宋体"
HEAD_FONT = "黑体"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _para(doc, text: str, *, font: str = BODY_FONT, size: float = 12, bold: bool = False,
          align=None, indent: bool = False):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.space_after = Pt(3)
    _font(p.add_run(text), font, size, bold)
    return p


def _table(doc, block: TableBlock) -> None:
    pt = block.table
    _para(doc, pt.title, font=HEAD_FONT, size=15, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, pt.number, size=10, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, f"部门：{block.department}", size=10)
    _para(doc, f"{block.year}年度", size=10)
    _para(doc, "金额单位：万元", size=10, align=WD_ALIGN_PARAGRAPH.RIGHT)
    width = max(len(r) for r in pt.head + pt.rows)
    table = doc.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    size = 8 if width > 6 else 9
    for i, values in enumerate(pt.head + pt.rows):
        head = i < len(pt.head)
        cells = table.add_row().cells
        for j, text in enumerate(values + [""] * (width - len(values))):
            par = cells[j].paragraphs[0]
            numeric = not head and text[:1].isdigit() and j >= pt.label_columns and "." in text
            par.alignment = WD_ALIGN_PARAGRAPH.RIGHT if numeric else (WD_ALIGN_PARAGRAPH.CENTER if head else None)
            if text:
                _font(par.add_run(text), HEAD_FONT if head else BODY_FONT, size, bold=head)
    for note in pt.notes:
        _para(doc, note, size=9)


def write_docx(parts: list[Part], path: str | Path, *, landscape_tables: bool = False) -> None:
    doc = new_docx()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2)
    sec.top_margin = sec.bottom_margin = Cm(2.2)
    if landscape_tables:  # pragma: no cover - layout option
        sec.orientation = WD_ORIENT.LANDSCAPE
    for part in parts:
        if isinstance(part, Heading):
            align = WD_ALIGN_PARAGRAPH.CENTER if part.level <= 1 else None
            _para(doc, part.text, font=HEAD_FONT, size=_SIZES.get(part.level, 12), bold=part.level <= 2, align=align)
        elif isinstance(part, Para):
            if part.style == "cover":
                _para(doc, part.text, font=HEAD_FONT, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
            elif part.style == "toc":
                _para(doc, part.text, size=12)
            else:
                _para(doc, part.text, size=12, indent=True)
        elif isinstance(part, TableBlock):
            _table(doc, part)
        elif isinstance(part, PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.save(str(path))
