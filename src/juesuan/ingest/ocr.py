"""OCR of pages without a usable text layer (scans, pictures of tables, broken fonts).

Optional extra ``juesuan[ocr]``: RapidOCR on ONNX Runtime (``rapidocr_onnxruntime``), CPU only.
Its three models (PP-OCRv4 detection and recognition, a text-direction classifier; ~16 MB) ship
inside the wheel and the character dictionary inside the recognition model: nothing is ever
downloaded. Every heavy import happens inside the functions here, never at module import.

A page is rendered with PDFium at 200 dpi (:func:`render_page`) and handled in two steps:

1. **Text.** RapidOCR finds text lines and recognises them, with a box for each character (a
   word box for Latin words, split evenly among its letters). Every character becomes the same
   geometry tuple the text-layer reader makes (``(x0, top, x1, bottom, cy, em, ch)`` in PDF
   points, top-left origin): the em is the line box's height / 1.12 (a text line box is about
   1.1 em high; ems within 12 % of each other are snapped to one size), and gaps between
   characters of one line narrower than ⅓ em are closed so that recognised words and amounts
   are not cut by spaces that are not printed.
2. **Ruling lines.** Dark pixels (< 160) in long horizontal and vertical runs (one-pixel breaks
   bridged) are table rules: horizontal runs at least about two line heights long, vertical
   runs at least about one line height; runs lying inside a recognised text box (strokes of
   characters, dashes) are not rules.

Characters and rules then go through the very same table builder as a text-layer page
(:func:`juesuan.ingest.pdf_page.layout_page` → grids, rule stacks, aligned columns, paragraphs), so
that an OCR page yields blocks of exactly the shape a text-layer page does: one cell per
column (``""`` for an empty cell), ``Provenance(page, bbox)`` in PDF points.
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

DPI = 200
PACKAGE = "rapidocr_onnxruntime"
INSTALL_HINT = "pip install 'juesuan[ocr]'"

_engine_cache: list[Any] = []


def available() -> bool:
    """Is the OCR extra installed (without importing it)?"""
    try:
        return importlib.util.find_spec(PACKAGE) is not None and importlib.util.find_spec("numpy") is not None
    except (ImportError, ValueError):  # pragma: no cover - broken installation
        return False


def engine():  # type: ignore[no-untyped-def]
    """The RapidOCR engine, created once per process (loading the models takes ~1 s)."""
    if not _engine_cache:
        import logging

        from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-not-found]

        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        try:
            threads = len(os.sched_getaffinity(0))
        except AttributeError:  # pragma: no cover - not Linux
            threads = os.cpu_count() or 1
        _engine_cache.append(
            RapidOCR(intra_op_num_threads=max(1, min(threads, 8)), inter_op_num_threads=1, print_verbose=False)
        )
    return _engine_cache[0]


# --------------------------------------------------------------------------- images


def render_page(page, dpi: int = DPI):  # type: ignore[no-untyped-def]
    """A pypdfium2 page as a grayscale ``uint8`` array (display orientation, crop box)."""
    import numpy as np

    bitmap = page.render(scale=dpi / 72, grayscale=True)
    try:
        arr = np.array(bitmap.to_numpy(), copy=True)
    finally:
        bitmap.close()
    return _gray(arr)


def _gray(image):  # type: ignore[no-untyped-def]
    """PIL image or numpy array (gray, RGB, BGR(A)) → 2-D ``uint8`` array."""
    import numpy as np

    if not isinstance(image, np.ndarray):  # PIL
        image = np.asarray(image.convert("L"))
    arr = image
    if arr.ndim == 3:
        if arr.shape[2] == 1:
            arr = arr[:, :, 0]
        else:
            arr = arr[:, :, :3].mean(axis=2)
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(arr)


# --------------------------------------------------------------------------- text


def chars_from_ocr(result, scale: float) -> tuple[list[tuple], list[tuple[float, float, float, float]]]:
    """RapidOCR's result (``return_word_box=True``) → character tuples in points, and the text
    line boxes in pixels ``(x0, y0, x1, y1)``.

    ``result``: a list of ``[quad, text, score, word_quads, words, …]`` (``None`` for a blank
    page); ``scale``: pixels per point.
    """
    chars: list[tuple] = []
    boxes: list[tuple[float, float, float, float]] = []
    lines: list[list[list]] = []
    for item in result or []:
        quad, text = item[0], str(item[1] or "")
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        bx0, by0, bx1, by1 = min(xs), min(ys), max(xs), max(ys)
        if not text.strip() or bx1 - bx0 < 1 or by1 - by0 < 1:
            continue
        boxes.append((bx0, by0, bx1, by1))
        h = by1 - by0
        if bx1 - bx0 < 0.8 * h and len(text) > 2:
            continue  # a vertical text line (stamp, side note): not a table's or a paragraph's
        em = h / 1.12 / scale
        cy = (by0 + by1) / 2 / scale
        top, bot = cy - 0.5 * em, cy + 0.5 * em
        spans = _char_spans(item, text, bx0, bx1)
        line: list[list] = []
        for ch, x0, x1 in spans:
            if ch.isspace():
                continue
            line.append([x0 / scale, top, x1 / scale, bot, cy, em, ch])
        # close narrow gaps: the recogniser's character boxes leave slivers between glyphs
        for a, b in zip(line, line[1:]):
            gap = b[0] - a[2]
            if 0 < gap < em / 3:
                mid = (a[2] + b[0]) / 2
                a[2] = b[0] = mid
            elif gap < 0:  # overlapping estimates
                mid = (a[2] + b[0]) / 2
                a[2] = b[0] = mid
        if line:
            lines.append(line)
    # one font size, one em: line boxes of the same size differ by a few pixels (digits are
    # shorter than CJK), so ems within 12 % of each other take their group's median
    ems = sorted({ln[0][5] for ln in lines})
    snap: dict[float, float] = {}
    group: list[float] = []
    for em in ems + [float("inf")]:
        if group and em > group[0] * 1.12:
            mid = group[len(group) // 2]
            snap.update((g, mid) for g in group)
            group = []
        group.append(em)
    for line in lines:
        em = snap.get(line[0][5], line[0][5])
        cy = line[0][4]
        for c in line:
            c[1], c[3], c[5] = cy - 0.5 * em, cy + 0.5 * em, em
            if c[2] - c[0] < 0.05:
                c[2] = c[0] + 0.05
            chars.append(tuple(c))
    return chars, boxes


def _char_spans(item, text: str, bx0: float, bx1: float) -> list[tuple[str, float, float]]:
    """(char, x0, x1) in pixels for each character of one text line."""
    words = item[4] if len(item) > 4 else None
    quads = item[3] if len(item) > 3 else None
    spans: list[tuple[str, float, float]] = []
    if words and quads and len(words) == len(quads) and "".join(words) == text.replace(" ", ""):
        for w, q in zip(words, quads):
            xs = [float(p[0]) for p in q]
            x0, x1 = min(xs), max(xs)
            w = str(w)
            if not w:
                continue
            step = (x1 - x0) / len(w)
            for k, ch in enumerate(w):
                spans.append((ch, x0 + k * step, x0 + (k + 1) * step))
        return spans
    # no usable character boxes: spread the text over its box (CJK full width, others half)
    widths = [1.0 if ord(ch) > 0x2E7F else 0.5 for ch in text]
    total = sum(widths) or 1.0
    x = bx0
    for ch, w in zip(text, widths):
        dx = (bx1 - bx0) * w / total
        spans.append((ch, x, x + dx))
        x += dx
    return spans


# --------------------------------------------------------------------------- ruling lines


def _runs(mask, min_len: int):  # type: ignore[no-untyped-def]
    """Runs of True along axis 1 at least ``min_len`` long: arrays (row, start, end)."""
    import numpy as np

    h, w = mask.shape
    m = mask.copy()
    m[:, 1:-1] |= mask[:, :-2] & mask[:, 2:]  # bridge one-pixel breaks
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = m
    d = np.diff(padded, axis=1)
    sr, sc = np.nonzero(d == 1)
    er, ec = np.nonzero(d == -1)
    keep = (ec - sc) >= min_len
    return sr[keep], sc[keep], ec[keep]


def raster_rules(
    gray, scale: float, text_boxes: list[tuple[float, float, float, float]] = (), threshold: int = 160
) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Horizontal ``(y, x0, x1)`` and vertical ``(x, y0, y1)`` rules of a page image, in points.

    ``gray``: 2-D ``uint8`` image; ``scale``: pixels per point; ``text_boxes``: recognised text
    line boxes in pixels (runs inside them are strokes of characters, not rules).
    """
    import numpy as np

    dark = np.asarray(gray) < threshold
    heights = sorted(b[3] - b[1] for b in text_boxes)
    line_h = heights[len(heights) // 2] if heights else 12.0 * scale
    tall = heights[int(0.9 * (len(heights) - 1))] if heights else line_h
    min_h = int(max(2.2 * tall, 16 * scale))
    min_v = int(max(0.9 * line_h, 8 * scale))
    boxes = np.array(text_boxes, dtype=float).reshape(-1, 4)

    def inside(x0, y0, x1, y1) -> np.ndarray:
        """Which runs (arrays of pixel extents) lie within a text box's core."""
        if not len(boxes) or not len(x0):
            return np.zeros(len(x0), dtype=bool)
        bx0, by0, bx1, by1 = (boxes[:, k][None, :] for k in range(4))
        bh = by1 - by0
        x0, y0, x1, y1 = (v[:, None].astype(float) for v in (x0, y0, x1, y1))
        hit = (x0 >= bx0 - 2) & (x1 <= bx1 + 2) & (y0 >= by0 - 0.1 * bh) & (y1 <= by1 + 0.1 * bh)
        return hit.any(axis=1)

    hs: list[tuple[float, float, float]] = []
    r, s, e = _runs(dark, min_h)
    if len(r):
        # horizontal strokes of characters (一, —) sit in the middle of a text box
        drop = np.zeros(len(r), dtype=bool)
        if len(boxes):
            bx0, by0, bx1, by1 = (boxes[:, k] for k in range(4))
            core_top = (by0 + 0.15 * (by1 - by0))[None, :]
            core_bot = (by1 - 0.15 * (by1 - by0))[None, :]
            rr = r[:, None]
            drop = (
                (s[:, None] >= bx0[None, :] - 2)
                & (e[:, None] <= bx1[None, :] + 2)
                & (rr >= core_top)
                & (rr <= core_bot)
            ).any(axis=1)
        for row, a, b in zip(r[~drop], s[~drop], e[~drop]):
            hs.append(((row + 0.5) / scale, a / scale, b / scale))
    vs: list[tuple[float, float, float]] = []
    col, s, e = _runs(dark.T, min_v)
    if len(col):
        # vertical strokes of characters lie within a text box; rules run from rule to rule
        drop = inside(col, s, col + 1, e)
        vs = [((x + 0.5) / scale, a / scale, b / scale) for x, a, b in zip(col[~drop], s[~drop], e[~drop])]
    return hs, vs


# --------------------------------------------------------------------------- pages


def page_geometry(image, dpi: int = DPI):  # type: ignore[no-untyped-def]
    """OCR one page image: ``(chars, hs, vs, width, height)`` in PDF points (top-left origin)."""
    gray = _gray(image)
    scale = dpi / 72.0
    result = engine()(gray, return_word_box=True)
    result = result[0] if isinstance(result, tuple) else result
    chars, boxes = chars_from_ocr(result, scale)
    hs, vs = raster_rules(gray, scale, boxes)
    height, width = gray.shape
    return chars, hs, vs, width / scale, height / scale


def ocr_page(image, page_no: int, dpi: int = DPI) -> list:
    """OCR one page image (rendered at ``dpi``) into blocks, as the text-layer reader would
    give them for that page alone (:class:`juesuan.model.Block` with page and bbox in points)."""
    from .pdf_assemble import _assemble
    from .pdf_page import _Page, layout_page

    chars, hs, vs, width, height = page_geometry(image, dpi)
    pg = layout_page(_Page(no=page_no, width=width, height=height), chars, hs, vs)
    return _assemble([pg])


def ocr_pdf_page(doc, index: int, dpi: int = DPI):  # type: ignore[no-untyped-def]
    """Render and OCR page ``index`` (0-based) of an open pypdfium2 document into a page model
    for :func:`juesuan.ingest.pdf_assemble._assemble` (the whole document's assembly)."""
    from .pdf_page import _Page, layout_page

    page = doc[index]
    try:
        image = render_page(page, dpi)
    finally:
        page.close()
    chars, hs, vs, width, height = page_geometry(image, dpi)
    return layout_page(_Page(no=index + 1, width=width, height=height), chars, hs, vs)


__all__ = ["available", "ocr_page", "ocr_pdf_page", "page_geometry", "raster_rules", "chars_from_ocr", "render_page"]
