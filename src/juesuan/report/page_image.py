"""One page of a source PDF as a PNG, with boxes drawn on it (the web app's "open the source page").

Boxes are in the reader's coordinates (``Provenance.bbox``: PDF points, top-left origin, the page
as displayed — ``/Rotate`` applied, relative to the crop box), which is exactly how PDFium renders
the page, so a box maps to pixels by the scale alone. Each box gets a translucent red fill and a
red outline a few pixels outside the text. Rendering: pypdfium2; drawing: Pillow.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from .annotate import Box

MIN_SCALE, MAX_SCALE, DEFAULT_SCALE = 0.5, 4.0, 2.0
MAX_PIXELS = 40_000_000  # a page larger than this at the asked scale is rendered smaller
BOX_RGB = (220, 38, 38)


class PageOutOfRange(ValueError):
    """The PDF has no such page."""


def page_count(pdf_path: str | Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        return len(doc)
    finally:
        doc.close()


def render_page(pdf_path: str | Path, page: int, boxes: list[Box] | tuple[Box, ...] = (), scale: float = DEFAULT_SCALE) -> bytes:
    """Page ``page`` (1-based) of the PDF as PNG bytes, ``boxes`` drawn in red.

    ``scale`` is pixels per point, clamped to [0.5, 4] and lowered for a huge page.
    Raises :class:`PageOutOfRange` for a page the PDF does not have.
    """
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    scale = min(max(float(scale), MIN_SCALE), MAX_SCALE)
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        if not 1 <= page <= len(doc):
            raise PageOutOfRange(f"page {page} of {len(doc)}")
        pg = doc[page - 1]
        w, h = pg.get_size()
        if w * h * scale * scale > MAX_PIXELS:
            scale = max(0.1, (MAX_PIXELS / (w * h)) ** 0.5)
        image = pg.render(scale=scale, draw_annots=True).to_pil().convert("RGB")
    finally:
        doc.close()
    if boxes:
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        pad = max(2, round(2 * scale))
        width = max(2, round(1.5 * scale))
        for x0, top, x1, bottom in boxes:
            rect = (x0 * scale - pad, top * scale - pad, x1 * scale + pad, bottom * scale + pad)
            draw.rectangle(rect, fill=(*BOX_RGB, 60), outline=(*BOX_RGB, 255), width=width)
        image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    buf = BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


__all__ = ["DEFAULT_SCALE", "MAX_SCALE", "MIN_SCALE", "PageOutOfRange", "page_count", "render_page"]
