"""Test helper: render a converter-text document into text-layer PDFs, and rasterize PDFs.

Text-layer PDFs are written with ReportLab (pure Python, test dependency) in its built-in CID
font ``STSong-Light`` (``UnicodeCIDFont``: no font file, PDFium maps it to Unicode through the
predefined ``UniGB-UCS2-H`` CMap). The document is read with the project's text reader and cut
into paragraphs and tables as for the office renderings (:func:`render_office.load_parts`).
A4 pages with a running page number at the foot (``- N -``), paragraphs in 10.5 pt with a
two-character first-line indent, tables in 8–9 pt filling the text width; columns of amounts
are as wide as their widest amount (right-aligned), text columns share the rest and their long
names and headers wrap inside the cell. Long tables break over pages.

Layouts (``LAYOUTS``):

* ``ruled``: every cell boxed (grid lines), header rows repeated on each page of a table;
* ``ruled-norepeat``: the same, header printed once;
* ``borderless``: no lines at all (cells aligned at the top, as Word does), header repeated;
* ``borderless-norepeat``: no lines, header once;
* ``threeline``: 三线表 — a rule above and below the header and under the last row;
* ``excel``: a spreadsheet printed as is — thin grey gridlines, small type (7 pt and less),
  narrow cell padding (``EXTRA_LAYOUTS``);
* ``word-tabs``: a Word document whose tables are tab-aligned text — no lines, one printed line
  per row (the type shrinks until names fit), column titles left-aligned at their tab stop like
  the text under them, amounts at right tabs (``EXTRA_LAYOUTS``).

Page options of :func:`render_pdf`: ``orientation="landscape"`` puts every page on landscape
A4; ``orientation="rotated"`` as well, but stored as a portrait page with ``/Rotate 90`` (the
content turned a quarter, as scanners and some printers write it); ``break_tables=True`` puts
white space before each table so that tables start low on a page and run over onto the next.

A row shorter than its table spans its last cell to the edge (ruled layouts), as Word draws it.

:func:`rasterize_pdf` turns a PDF into an image-only PDF (pages rendered with PDFium, saved as
JPEG pages by Pillow), i.e. a "scan" without a text layer, for the OCR tests.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

from render_office import Part, load_parts

LAYOUTS = ("ruled", "ruled-norepeat", "borderless", "borderless-norepeat", "threeline")
EXTRA_LAYOUTS = ("excel", "word-tabs")
FONT = "STSong-Light"
PAD = 3.0  # cell padding left and right

_VALUE = re.compile(r"^[-−(（]?\d[\d,，]*(\.\s?\d+)?[)）%]?$|^[-—–]+$")


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _is_value(text: str) -> bool:
    t = text.replace(" ", "")
    return bool(t) and bool(_VALUE.match(t)) and ("." in t or "," in t or len(t) >= 3 or not t[0].isdigit())


def _align(text: str, header: bool, tabs: bool = False) -> str:
    """Headers centred (left-aligned at their tab stop with ``tabs``); amounts right-aligned;
    行次/栏次 numbers centred; codes and names left."""
    t = text.replace(" ", "")
    if header:
        return "LEFT" if tabs else "CENTER"
    if _VALUE.match(t) and ("." in t or "," in t or "%" in t or not t[:1].isdigit()):
        return "RIGHT"
    if t.isdigit() and len(t) <= 3:
        return "CENTER"
    return "LEFT"


def _header_rows(rows: list[list[str]]) -> int:
    """Leading rows without any amount or code (column titles, 栏次), at most four."""
    for k, row in enumerate(rows[:5]):
        if any(_is_value(t) for t in row):
            return min(k, 4)
    return 0


def _widths(rows: list[list[str]], ncols: int, head: int, size: float, avail: float, pad: float, squeeze: bool = True):  # type: ignore[no-untyped-def]
    """Column widths filling ``avail``; ``None`` when the table does not fit at ``size`` (with
    ``squeeze``: when the amounts alone do not fit, text columns wrapping their names)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    body = rows[head:] or rows
    sw = lambda t: stringWidth(t, FONT, size)  # noqa: E731
    need, is_text = [], []
    for k in range(ncols):
        cells = [r[k] for r in body if k < len(r) and r[k]]
        values = [t for t in cells if _is_value(t)]
        heads = [r[k] for r in rows[:head] if k < len(r) and r[k]]
        w_body = max((sw(t) for t in cells), default=0.0)
        w_head = max((sw(t) for t in heads), default=0.0)
        if squeeze:
            w_head = min(w_head, 4 * size)  # long titles wrap
        text = len(values) * 2 < len(cells)
        is_text.append(text)
        empty = not cells and not heads
        need.append((0.0 if empty else max(w_body, w_head, 2 * size)) + 2 * pad + 2)
    total = sum(need)
    n_text = sum(is_text)
    if total > avail and not squeeze:
        return None
    if total > avail:  # text columns give way (their names wrap), amounts keep their width
        fixed = sum(w for w, t in zip(need, is_text) if not t)
        room = avail - fixed
        if not n_text or room < (4 * size + 2 * pad) * n_text:
            return None
        # the widest text columns are capped first (water-filling), none below 4 em
        lo, hi = 4 * size + 2 * pad, max(need)
        for _ in range(40):
            cap = (lo + hi) / 2
            if sum(min(w, cap) for w, t in zip(need, is_text) if t) > room:
                hi = cap
            else:
                lo = cap
        return [min(w, lo) if t else w for w, t in zip(need, is_text)]
    # tables fill the text width: spare room goes to every column that holds something
    spare = avail - total
    full = [w for w in need if w > 2 * pad + 2]
    base = sum(full) or 1.0
    return [w + spare * w / base if w > 2 * pad + 2 else w for w in need]


def _fit(rows: list[list[str]], ncols: int, head: int, avail: float, pad: float, sizes):  # type: ignore[no-untyped-def]
    """The largest font size at which the table fits without wrapping its names, else the
    largest at which it fits with them wrapped."""
    for squeeze in (False, True):
        for size in sizes:
            widths = _widths(rows, ncols, head, size, avail, pad, squeeze)
            if widths is not None:
                return size, widths
    return None


def _shrink(need: list[float], avail: float, least: float) -> list[float]:
    """Column widths in proportion to ``need`` that fill ``avail``, none narrower than ``least``
    (the columns held at ``least`` leave the others less room)."""
    fixed: set[int] = set()
    while True:
        room = avail - least * len(fixed)
        rest = sum(w for k, w in enumerate(need) if k not in fixed)
        scale = room / rest if rest > 0 else 1.0
        more = {k for k, w in enumerate(need) if k not in fixed and w * scale < least}
        if not more:
            return [least if k in fixed else w * scale for k, w in enumerate(need)]
        fixed |= more


def _table(rows: list[list[str]], layout: str, size: float, widths: list[float], pad: float):  # type: ignore[no-untyped-def]
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph, Table, TableStyle

    ncols = len(widths)
    head = _header_rows(rows)
    enums = {"LEFT": TA_LEFT, "CENTER": TA_CENTER, "RIGHT": TA_RIGHT}
    ruled = layout.startswith("ruled") or layout == "excel"
    tabs = layout == "word-tabs"
    styles = {
        a: ParagraphStyle(f"c{a}", fontName=FONT, fontSize=size, leading=size * 1.25, wordWrap="CJK", alignment=e)
        for a, e in enums.items()
    }
    data, cmds = [], [
        ("FONT", (0, 0), (-1, -1), FONT, size),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE" if ruled else "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
    ]
    for r, row in enumerate(rows):
        out = []
        for c in range(ncols):
            text = row[c] if c < len(row) else ""
            width = widths[c] if c < len(row) - 1 or len(row) == ncols else sum(widths[c:])
            align = _align(text, r < head, tabs)
            if stringWidth(text, FONT, size) + 2 * pad > width:
                out.append(Paragraph(escape(text), styles[align]))
            else:
                out.append(text)
                cmds.append(("ALIGN", (c, r), (c, r), align))
        if len(row) < ncols and ruled:
            cmds.append(("SPAN", (len(row) - 1, r), (ncols - 1, r)))
        data.append(out)
    if layout == "excel":
        cmds.append(("GRID", (0, 0), (-1, -1), 0.25, "#999999"))
    elif ruled:
        cmds.append(("GRID", (0, 0), (-1, -1), 0.5, "black"))
    elif layout == "threeline":
        cmds += [("LINEABOVE", (0, 0), (-1, 0), 1.0, "black"), ("LINEBELOW", (0, -1), (-1, -1), 1.0, "black")]
        if head:
            cmds.append(("LINEBELOW", (0, head - 1), (-1, head - 1), 0.5, "black"))
    repeat = head if not layout.endswith("norepeat") else 0
    table = Table(data, colWidths=widths, repeatRows=repeat, style=TableStyle(cmds), hAlign="LEFT")
    table.wrap(sum(widths), 1e6)
    heights = table._rowHeights
    # a row nearly as tall as a page (long text in a form), or with the repeated header above it
    # taller than a landscape page: it breaks
    if max(heights) > 300 or max(heights) + sum(heights[:repeat]) > 440:
        table = Table(data, colWidths=widths, repeatRows=repeat, style=TableStyle(cmds), hAlign="LEFT", splitInRow=1)
    return table


def _is_caption(part: Part) -> bool:
    """A short line printed above a table (title, 公开NN表, 单位, 部门) that goes with it."""
    return part.kind == "text" and len(part.text) <= 40 and not part.text.endswith(("。", "；"))


def render_pdf(
    txt: Path,
    out: Path,
    layout: str = "ruled",
    parts: list[Part] | None = None,
    *,
    orientation: str = "portrait",
    break_tables: bool = False,
) -> Path:
    """One corpus text document as a text-layer PDF in one of ``LAYOUTS`` or ``EXTRA_LAYOUTS``.
    A table too wide for a portrait page at 7 pt goes on landscape pages of its own, with its
    caption lines. ``orientation``: ``portrait`` (default), ``landscape`` (every page) or
    ``rotated`` (landscape pages stored portrait with ``/Rotate 90``)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate, Paragraph, Spacer

    if layout not in LAYOUTS + EXTRA_LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    if orientation not in ("portrait", "landscape", "rotated"):
        raise ValueError(f"unknown orientation {orientation!r}")
    font = _font()
    parts = parts if parts is not None else load_parts(txt)
    margin, top = 56.0, 60.0
    pad = PAD if layout.startswith("ruled") else 1.5 if layout == "excel" else 5.0
    sizes = {"excel": (7.0, 6.5, 6.0), "word-tabs": (9.0, 8.0, 7.5, 7.0, 6.5, 6.0)}.get(layout, (9.0, 8.0, 7.5, 7.0))

    def footer(canvas, _doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawCentredString(canvas._pagesize[0] / 2, 30, f"- {canvas.getPageNumber()} -")
        canvas.restoreState()

    def turned(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        # landscape content on a portrait page shown turned a quarter (/Rotate 90): user space
        # (x, y) of the landscape page is (height - y, x) of the portrait one; /Rotate 90 is set after the build
        canvas.translate(A4[0], 0)
        canvas.rotate(90)
        canvas._pagesize = landscape(A4)  # for the footer's centre
        footer(canvas, doc)
        canvas._pagesize = A4

    templates = []
    sizes_of = {"portrait": A4, "landscape": landscape(A4)}
    if orientation != "portrait":
        sizes_of["portrait"] = landscape(A4)
    for name, size in sizes_of.items():
        frame = Frame(margin, top, size[0] - 2 * margin, size[1] - 2 * top, id=name, leftPadding=0, rightPadding=0)
        if orientation == "rotated":
            templates.append(PageTemplate(id=name, frames=[frame], pagesize=A4, onPage=turned))
        else:
            templates.append(PageTemplate(id=name, frames=[frame], pagesize=size, onPage=footer))
    doc = BaseDocTemplate(
        str(out), pageTemplates=templates, pagesize=A4 if orientation != "landscape" else landscape(A4),
        title=txt.stem, author="juesuan tests",
    )
    avail = {name: size[0] - 2 * margin for name, size in sizes_of.items()}
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, firstLineIndent=21, wordWrap="CJK")
    story: list = []
    captions = 0  # caption paragraphs at the end of the story
    for part in parts:
        if part.kind == "text":
            story.append(Paragraph(escape(part.text), body))
            captions = captions + 1 if _is_caption(part) else 0
            continue
        rows = [list(r) for r in part.rows]  # type: ignore[union-attr]
        ncols = max(len(r) for r in rows)
        head = _header_rows(rows)
        got = _fit(rows, ncols, head, avail["portrait"], pad, sizes)
        if got is not None:
            if break_tables and len(rows) > 6:  # start low on the page: the table runs over
                story += [Spacer(1, 0.55 * (sizes_of["portrait"][1] - 2 * top))]
            story += [Spacer(1, 4), _table(rows, layout, *got, pad), Spacer(1, 6)]
        else:
            got = _fit(rows, ncols, head, avail["landscape"], pad, (9.0, 8.0, 7.5, 7.0, 6.5, 6.0))
            if got is None:  # very wide tables (self-evaluation forms): every column wraps
                need = _widths(rows, ncols, head, 6.0, 1e9, pad)
                got = (6.0, _shrink(need, avail["landscape"], 6.0 + 2 * pad + 1))
            keep = story[len(story) - min(captions, 5):] if captions else []
            del story[len(story) - len(keep):]
            story += [NextPageTemplate("landscape"), PageBreak(), *keep, Spacer(1, 4)]
            story += [_table(rows, layout, *got, pad), NextPageTemplate("portrait"), PageBreak()]
        captions = 0
    doc.build(story)
    if orientation == "rotated":  # /Rotate 90 on every page (ReportLab's own is not kept by platypus)
        _set_rotation(out, 90)
    return out


def _set_rotation(path: Path, degrees: int) -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path.read_bytes())
    try:
        for i in range(len(doc)):
            doc[i].set_rotation(degrees)
        doc.save(str(path))
    finally:
        doc.close()


def render_all_pdf(txt: Path, out_dir: Path, layouts=LAYOUTS) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    parts = load_parts(txt)
    out_dir.mkdir(parents=True, exist_ok=True)
    return {lay: render_pdf(txt, out_dir / f"{txt.stem}-{lay}.pdf", lay, parts) for lay in layouts}


# --------------------------------------------------------------------------- scans


def rasterize_pdf(
    src: Path,
    out: Path,
    pages: list[int] | None = None,
    dpi: int = 200,
    quality: int = 85,
    *,
    skew: float = 0.0,
    noise: float = 0.0,
    seed: int = 0,
) -> Path:
    """An image-only copy of ``src`` (1-based ``pages``, default all): every page rendered at
    ``dpi`` in grayscale and saved as a JPEG page, so the text layer is gone. ``skew``: the page
    turned by that many degrees (a sheet fed slightly askew); ``noise``: Gaussian grey noise of
    that standard deviation (0–255) plus as many dark specks per million pixels, as a scanner
    adds."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(src))
    try:
        images = []
        for no in pages or range(1, len(doc) + 1):
            page = doc[no - 1]
            try:
                img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
                images.append(_scanned(img, skew, noise, seed + no) if skew or noise else img)
            finally:
                page.close()
    finally:
        doc.close()
    images[0].save(str(out), "PDF", save_all=True, append_images=images[1:], resolution=float(dpi), quality=quality)
    return out


def _scanned(img, skew: float, noise: float, seed: int):  # type: ignore[no-untyped-def]
    import numpy as np
    from PIL import Image

    if skew:
        img = img.rotate(skew, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if noise:
        rnd = np.random.default_rng(seed)
        a = np.asarray(img, dtype=np.float32)
        a = a + rnd.normal(0.0, noise, a.shape)
        n = int(noise * a.size / 1e6)
        a[rnd.integers(0, a.shape[0], n), rnd.integers(0, a.shape[1], n)] = 40.0
        img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    return img


__all__ = ["LAYOUTS", "EXTRA_LAYOUTS", "render_pdf", "render_all_pdf", "rasterize_pdf"]
