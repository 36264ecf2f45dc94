"""Text-layer PDF → blocks, with the rows of tables rebuilt from geometry.

Engine: pypdfium2 (PDFium), imported lazily inside :func:`read_pdf`. For every page we take
the characters (advance box for x, baseline for y, font size × text-matrix scale for the em)
and the ruling lines drawn as path objects (also inside form XObjects), in the page's
displayed orientation, then:

1. **Ruled tables.** Horizontal and vertical rules are merged into lines and grouped into
   connected components; each component with ≥ 2 columns is a table grid (rules running past
   the outer vertical lines give the edges of tables open at the sides). A rule that does not
   cover a grid edge merges the cells on both sides (spanning headers), and a merged cell's text
   goes to its top-left grid cell. Every grid row with text becomes one ``row`` block with one
   cell per column (``""`` for an empty cell); text that wraps inside a cell is joined into
   that cell. A 类/款/项 sub-header printed in the band of the 合计 row becomes its own row.
2. **Rows ruled, columns not** (horizontal rules only, 三线表). Columns come from text
   alignment (below); rows never merge across a rule, and a band holding at most one line of
   amounts is one row.
3. **Unruled tables.** Outside grids, runs of lines whose pieces are separated by wide gaps
   (with amounts), plus the lines around them whose pieces line up with those columns, form a
   table. Columns: text is left-aligned and amounts right-aligned, so body pieces are clustered
   by left edge (text) or right edge (amounts); header pieces clear of every column add empty
   columns, unless they title a column of amounts that has no title (left-aligned at a tab
   stop, or centred over a wide cell); a 栏次 line (1, 2, 3, …) numbers every column. A line
   printed within ¾ em of the row above (vertically centred cells) or that only continues a
   wrapped name (set closer than the rows are) joins that row. A table continuing on the next page keeps the
   previous page's columns when its pieces fit them, also under a repeated header and for a
   single row carried over.
4. **Text.** Remaining lines are ``text`` blocks. A paragraph's lines are joined (line A wrapped
   when the first unbreakable piece of line B would not have fitted after it; B is not indented
   and is not a heading), also across a page break, so that numbers stay in their sentences.
5. **Pages.** Lines repeated in the top/bottom tenth of several pages and lone page numbers are
   dropped, as are diagonal watermarks; a header repeated at the top of a continuation page is
   dropped when it equals the table's header on the page before. A page without usable text
   (no characters but images/text objects, or > 30 % unmapped/private-use characters) adds a
   warning and no blocks.

Every cell has ``Provenance(page=1-based, bbox=(x0, top, x1, bottom))`` in PDF points with a
top-left origin, in the page's displayed orientation (``/Rotate`` applied): the text's box for
a filled cell, the grid cell for an empty one. A paragraph joined across pages carries the
page and box of its start.

Modules: :mod:`.pdf_chars` (engine: characters and rules), :mod:`.pdf_page` (one page laid out),
:mod:`.pdf_assemble` (pages → blocks), :mod:`.pdf_scan` (OCR fallback); the geometry is in
:mod:`juesuan.layout.pdf_lines`, ``pdf_grids``, ``pdf_columns`` and ``pdf_rows``.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import RawDocument
from .errors import InputError, unreadable
from .pdf_assemble import _assemble
from .pdf_chars import _chars, _display_transform, _rules, _tbox  # noqa: F401  (re-exported for tests)
from .pdf_page import WATERMARKS, _Item, _Page, layout_page  # noqa: F401
from .pdf_scan import (  # noqa: F401
    _OCR_PAGE,
    OCR_WARNING,
    SCAN_WARNING,
    SHORT_DECIMALS_WARNING,
    UNUSABLE_WARNING,
    _read_scans,
    short_decimals,
)

# --------------------------------------------------------------------------- entry point


def read_pdf(path: str | Path, *, max_pages: int = 1000, ocr: bool | None = None) -> RawDocument:
    """Read a text-layer PDF into blocks (rows rebuilt from geometry, prose as text).

    Raises :class:`InputError` for a file that is not a PDF or is malformed, is encrypted,
    has no pages, or has more than ``max_pages`` pages (checked before any page is read).
    Pages without a usable text layer are read by OCR when the ``juesuan[ocr]`` extra is
    installed (``ocr=None``: whenever it is; ``False``: never), else only warned about.
    """
    p = Path(path)
    name = p.name
    try:
        with p.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise unreadable(name, exc) from None
    if b"%PDF-" not in head:
        raise InputError(f"{name}: 不是PDF文件 (not a PDF file)")

    import pypdfium2 as pdfium
    import pypdfium2.raw as pc

    try:
        doc = pdfium.PdfDocument(str(p))
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        # first: PDFium does not set its error code for an empty page tree, so the code may be
        # left over from the previous document (a "password" error after an encrypted one)
        if _empty_page_tree(p):
            raise InputError(f"{name}: PDF没有页面 (PDF has no pages)") from None
        if "password" in msg or getattr(exc, "err_code", None) == pc.FPDF_ERR_PASSWORD:
            raise InputError(f"{name}: PDF已加密，需要密码 (encrypted PDF, password required)") from None
        raise InputError(f"{name}: PDF文件已损坏或无法解析 (malformed PDF: {exc})") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{name}: PDF文件无法打开 (cannot open PDF: {exc})") from None
    try:
        n = len(doc)
        if n <= 0:
            raise InputError(f"{name}: PDF没有页面 (PDF has no pages)")
        if n > max_pages:
            raise InputError(f"{name}: PDF页数 {n} 超过上限 {max_pages} (too many pages: {n} > {max_pages})")
        pages = []
        warnings = []
        for i in range(n):
            try:
                pg = _read_page(doc, i, pdfium, pc)
            except (pdfium.PdfiumError, ValueError, OverflowError, ZeroDivisionError) as exc:
                # one broken page (bad content stream, absurd numbers) must not lose the rest
                warnings.append(f"第{i + 1}页无法读取 (page {i + 1} unreadable: {exc})")
                continue
            pages.append(pg)
        scans = [k for k, pg in enumerate(pages) if pg.unusable]
        if scans:
            _read_scans(doc, pages, scans, warnings, ocr)
    finally:
        doc.close()
    blocks = _assemble(pages)
    ocr_pages = {int(m.group(1)) for w in warnings if (m := _OCR_PAGE.fullmatch(w))}
    if ocr_pages:
        warnings.extend(short_decimals(blocks, ocr_pages))
    return RawDocument(source=str(p), format="pdf", blocks=blocks, pages=n, warnings=warnings)



def _empty_page_tree(p: Path) -> bool:
    """PDFium refuses a document whose page tree is empty; recognise that case for the message."""
    try:
        with p.open("rb") as fh:
            data = fh.read(4_000_000)
    except OSError:
        return False
    pages_dicts = re.findall(rb"<<[^<>]*/Type\s*/Pages\b[^<>]*>>", data)
    return bool(pages_dicts) and all(re.search(rb"/Count\s+0\b", d) for d in pages_dicts) and not re.search(
        rb"/Type\s*/Page(?![s\w])", data
    )



def _read_page(doc, index: int, pdfium, pc) -> _Page:
    import ctypes

    page = doc[index]
    try:
        width, height = page.get_size()
        rotation = page.get_rotation() % 360
        try:
            box = page.get_cropbox()
        except Exception:  # pragma: no cover - defensive
            box = page.get_mediabox()
        tf = _display_transform(rotation, box)
        hs, vs, n_text_objs, image_area = _rules(page.raw, pc, tf, ctypes)
        tp = page.get_textpage()
        try:
            chars, n_bad, n_all = _chars(tp.raw, pc, tf, rotation, ctypes, tp.get_text_range())
        finally:
            tp.close()
    finally:
        page.close()
    pg = _Page(no=index + 1, width=width, height=height)
    if n_all == 0:
        if n_text_objs or image_area > 0.1 * width * height:
            pg.unusable = True
        return pg
    if n_bad > 0.3 * n_all:
        pg.unusable = True
        return pg
    return layout_page(pg, chars, hs, vs)



__all__ = ["read_pdf", "layout_page", "short_decimals", "UNUSABLE_WARNING", "SCAN_WARNING", "OCR_WARNING", "SHORT_DECIMALS_WARNING"]
