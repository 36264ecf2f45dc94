"""The source PDF handed back with its findings marked: a highlight on each finding's cells.

Boxes come from the reader's provenance: every fact read from a PDF carries its page and the box
of its text (``Provenance.bbox``: PDF points, top-left origin, in the page as displayed, i.e. with
``/Rotate`` applied and relative to the crop box). A narrative finding's sentence is located by
its claim (or text block) on its page, narrowed to the printed number where the page's text layer
finds it inside that paragraph. Each finding gets one Highlight annotation per page it touches
(one quad per cell), coloured by severity, whose note (``/Contents``) holds the finding's number,
severity, rule and message in Chinese. Findings with no box (completeness, a narrative figure
without a located sentence) are listed on summary pages inserted at the front, which also list
every finding with the pages it was marked on.

Engines: pypdfium2 reads the page geometry and text (as the reader does), pikepdf writes the
annotations and the summary pages (text in the standard CID font ``STSong-Light``, not embedded:
every PDF viewer supplies it, and its ``UniGB-UCS2-H`` encoding maps back to Unicode).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from juesuan.model import CellRef, CheckResult, Finding

from .common import NARRATIVE, ordered_findings, severity_name
from .issue_list import IssueRow, issue_rows

Box = tuple[float, float, float, float]  # x0, top, x1, bottom: display points, top-left origin

SEVERITY_RGB: dict[str, tuple[float, float, float]] = {
    "error": (0.96, 0.26, 0.21),
    "warning": (1.0, 0.76, 0.03),
    "info": (0.25, 0.56, 0.98),
}
_SPACES = re.compile(r"\s+")


@dataclass(slots=True)
class Mark:
    """Where one finding is shown in the source: boxes by 1-based page."""

    number: int
    finding: Finding
    boxes: dict[int, list[Box]] = field(default_factory=dict)
    sentences: set[tuple[int, Box]] = field(default_factory=set)  # paragraph boxes (narrowed later)

    def add(self, page: int | None, box: Box | None, *, sentence: bool = False) -> None:
        if page is None or box is None:
            return
        got = self.boxes.setdefault(page, [])
        if box not in got:
            got.append(box)
        if sentence:
            self.sentences.add((page, box))


def _squash(text: str) -> str:
    return _SPACES.sub("", text or "")


def _sentence_box(result: CheckResult, f: Finding, cell: CellRef | None) -> tuple[int, Box] | None:
    """The paragraph box of the finding's sentence (or of the cell's claim) on its page."""
    doc = result.document
    sentence = _squash(str((f.sentence or {}).get("text") or ""))
    page = (f.sentence or {}).get("page") if f.sentence else None
    if cell is not None and cell.page is not None:
        page = cell.page
    for c in doc.claims:
        p = c.prov
        if p.bbox is None or p.page is None or (page is not None and p.page != page):
            continue
        if sentence and _squash(c.text) == sentence:
            if cell is None or cell.value in ("", c.raw) or _squash(cell.value) == _squash(c.raw):
                return p.page, p.bbox
    if sentence:
        for b in doc.text:
            p = b.prov
            if p.bbox is None or p.page is None or (page is not None and p.page != page):
                continue
            if sentence in _squash(b.text):
                return p.page, p.bbox
    return None


def locate(result: CheckResult, findings: list[Finding] | None = None) -> list[Mark]:
    """Each finding (report order, numbered from 1) with the boxes of its cells and sentence.

    The boxes are the paragraph's for narrative cells; :func:`annotate_pdf` narrows them to
    the printed number when the page's text shows it there.
    """
    doc = result.document
    findings = ordered_findings(result) if findings is None else findings
    facts = {(x.table, x.row, x.column, x.project): x for x in doc.facts}
    marks = []
    for n, f in enumerate(findings, start=1):
        m = Mark(n, f)
        for c in f.cells:
            if c.table == NARRATIVE:
                found = _sentence_box(result, f, c) if f.sentence else None
                if found is not None:
                    m.add(*found, sentence=True)
                continue
            fact = facts.get((c.table, c.row, c.column, c.project))
            if fact is not None:
                m.add(fact.prov.page, fact.prov.bbox)
        if not m.boxes and f.sentence:
            found = _sentence_box(result, f, None)
            if found is not None:
                m.add(*found, sentence=True)
        marks.append(m)
    return marks


# --------------------------------------------------------------------------- page geometry


def _inverse(rotation: int, crop: tuple[float, float, float, float]):  # type: ignore[no-untyped-def]
    """Display point (top-left origin) → PDF user-space point (inverse of the reader's transform)."""
    cl, cb, cr, ct = crop
    if rotation == 90:
        return lambda x, y: (y + cl, x + cb)
    if rotation == 180:
        return lambda x, y: (cr - x, y + cb)
    if rotation == 270:
        return lambda x, y: (cr - y, ct - x)
    return lambda x, y: (x + cl, ct - y)


def _forward(rotation: int, crop: tuple[float, float, float, float]):  # type: ignore[no-untyped-def]
    from juesuan.ingest.pdf_chars import _display_transform

    return _display_transform(rotation, crop)


def _user_rect(inv, box: Box) -> tuple[float, float, float, float]:  # type: ignore[no-untyped-def]
    """A display box as a user-space rectangle (left, bottom, right, top)."""
    x0, y0 = inv(box[0], box[1])
    x1, y1 = inv(box[2], box[3])
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _inside(inner: Box, outer: Box, slack: float = 2.0) -> bool:
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def _number_boxes(textpage, fwd, number: str, within: Box) -> list[Box]:  # type: ignore[no-untyped-def]
    """The display boxes of ``number`` printed inside ``within`` (first match there), or []."""
    from juesuan.ingest.pdf_chars import _tbox

    if not number.strip():
        return []
    searcher = textpage.search(number.strip(), match_case=True, match_whole_word=False)
    inside: list[list[Box]] = []
    try:
        while (hit := searcher.get_next()) is not None:
            index, count = hit
            n = textpage.count_rects(index, count)
            rects = [_tbox(fwd, *textpage.get_rect(i)) for i in range(n)]
            if not rects or not all(_inside(r, within) for r in rects):
                continue
            if _whole_number(textpage, index, count):
                return rects
            inside.append(rects)
    finally:
        searcher.close()
    return inside[0] if inside else []


def _whole_number(textpage, index: int, count: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether the match is not part of a longer number (``0`` inside ``2024``)."""
    total = textpage.count_chars()
    before = textpage.get_text_range(index - 1, 1) if index > 0 else ""
    after = textpage.get_text_range(index + count, 1) if index + count < total else ""
    return not (before[-1:].isdigit() or before[-1:] in ".,") and not (after[:1].isdigit() or after[:1] in ".,")


# --------------------------------------------------------------------------- writing


def _note(m: Mark) -> str:
    f = m.finding
    return f"#{m.number} {severity_name(f.severity)} {f.rule} {f.title}\n{f.message}"


def _highlight(pdf, rect_boxes: list[tuple[float, float, float, float]], color, note: str, number: int):  # type: ignore[no-untyped-def]
    import pikepdf

    pad = 1.0
    rects = [(l - pad, b - pad, r + pad, t + pad) for l, b, r, t in rect_boxes]
    x0 = min(r[0] for r in rects)
    y0 = min(r[1] for r in rects)
    x1 = max(r[2] for r in rects)
    y1 = max(r[3] for r in rects)
    quads: list[float] = []
    for l, b, r, t in rects:
        quads += [l, t, r, t, l, b, r, b]
    # an appearance of our own, so every viewer (and a renderer that draws no default) shows it
    ops = [f"{color[0]:.3f} {color[1]:.3f} {color[2]:.3f} rg /GS0 gs"]
    ops += [f"{l - x0:.2f} {b - y0:.2f} {r - l:.2f} {t - b:.2f} re f" for l, b, r, t in rects]
    ap = pikepdf.Stream(pdf, " ".join(ops).encode("ascii"))
    ap["/Type"] = pikepdf.Name.XObject
    ap["/Subtype"] = pikepdf.Name.Form
    ap["/BBox"] = [0, 0, x1 - x0, y1 - y0]
    ap["/Matrix"] = [1, 0, 0, 1, x0, y0]
    ap["/Resources"] = pikepdf.Dictionary(
        ExtGState=pikepdf.Dictionary(
            GS0=pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, BM=pikepdf.Name.Multiply, ca=0.45, CA=0.45)
        )
    )
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Highlight,
        Rect=[x0, y0, x1, y1],
        QuadPoints=quads,
        C=list(color),
        CA=0.45,
        F=4,  # print
        T=pikepdf.String("juesuan"),
        Subj=pikepdf.String(f"检查发现 #{number}"),
        NM=pikepdf.String(f"juesuan-{number}"),
        Contents=pikepdf.String(note),
        AP=pikepdf.Dictionary(N=pdf.make_indirect(ap)),
    )


# Summary pages: A4 portrait, STSong-Light (CJK 1 em wide, Latin about half an em).
_PAGE_W, _PAGE_H, _MARGIN = 595.28, 841.89, 48.0
_TITLE_SIZE, _SIZE, _LEAD = 15.0, 9.0, 13.0


def _char_width(ch: str) -> float:
    return 1.0 if ord(ch) > 0x2E80 or ord(ch) in (0x201C, 0x201D, 0x3000) else 0.5


def _wrap(text: str, width_pt: float, size: float) -> list[str]:
    lines: list[str] = []
    for para in (text or "").split("\n"):
        cur, w = "", 0.0
        for ch in para:
            cw = _char_width(ch) * size
            if w + cw > width_pt and cur:
                lines.append(cur)
                cur, w = "", 0.0
            cur += ch
            w += cw
        lines.append(cur)
    return lines


def _ucs2(text: str) -> str:
    text = text.replace("\u3000", "  ")
    safe = "".join(ch if ord(ch) < 0x10000 and (ch.isprintable() or ch == " ") else "?" for ch in text)
    return "<" + safe.encode("utf-16-be").hex() + ">"


def _summary_lines(rows: list[IssueRow], marks: list[Mark], source_pages: int, offset: int) -> list[tuple[str, float, float]]:
    """(text, indent, size) lines: the legend, the findings without a box, then every finding."""
    unplaced = [r for r, m in zip(rows, marks) if not m.boxes]
    placed = [(r, m) for r, m in zip(rows, marks) if m.boxes]
    counts = {}
    for r in rows:
        counts[r.severity] = counts.get(r.severity, 0) + 1
    out: list[tuple[str, float, float]] = [
        ("检查发现汇总", 0.0, _TITLE_SIZE),
        (
            f"共 {len(rows)} 条（" + "，".join(f"{k} {v}" for k, v in counts.items()) + f"）；"
            f"{len(placed)} 条已在原文中标注（红色：错误，黄色：警告，蓝色：提示），"
            f"{len(unplaced)} 条无法定位到原文，列于下方。原文页码为原文件的页码（本文件中为原页码 + {offset}）。",
            0.0,
            _SIZE,
        ),
        ("", 0.0, _SIZE),
        (f"一、无法在原文中标注的发现（{len(unplaced)} 条）", 0.0, 11.0),
    ]
    if not unplaced:
        out.append(("（无）", 12.0, _SIZE))
    for r in unplaced:
        page = f"　第{r.page_text}页" if r.pages else ""
        out.append((f"{r.number}. [{r.severity}] {r.rule}{page}", 0.0, _SIZE))
        out.append((r.message, 12.0, _SIZE))
    out += [("", 0.0, _SIZE), (f"二、已在原文中标注的发现（{len(placed)} 条）", 0.0, 11.0)]
    if not placed:
        out.append(("（无）", 12.0, _SIZE))
    for r, m in placed:
        pages = "、".join(str(p) for p in sorted(m.boxes))
        out.append((f"{r.number}. [{r.severity}] {r.rule}　原文第{pages}页", 0.0, _SIZE))
        out.append((r.message, 12.0, _SIZE))
    return out


def _summary_pages(lines: list[tuple[str, float, float]]) -> list[bytes]:
    """Content streams of the summary pages (text only)."""
    pages: list[list[str]] = [[]]
    y = _PAGE_H - _MARGIN
    for text, indent, size in lines:
        width = _PAGE_W - 2 * _MARGIN - indent
        for piece in _wrap(text, width, size) if text else [""]:
            lead = size + 4 if size > _SIZE else _LEAD
            if y - lead < _MARGIN:
                pages.append([])
                y = _PAGE_H - _MARGIN
            y -= lead
            if piece:
                pages[-1].append(f"BT /F1 {size:g} Tf {_MARGIN + indent:.2f} {y:.2f} Td {_ucs2(piece)} Tj ET")
    return [("0 g\n" + "\n".join(p)).encode("ascii") for p in pages]


def _font(pdf):  # type: ignore[no-untyped-def]
    import pikepdf

    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor,
        FontName=pikepdf.Name("/STSong-Light"),
        Flags=6,
        FontBBox=[-25, -254, 1000, 880],
        ItalicAngle=0,
        Ascent=880,
        Descent=-120,
        CapHeight=880,
        StemV=93,
    )
    cid = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.CIDFontType0,
        BaseFont=pikepdf.Name("/STSong-Light"),
        CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("GB1"), Supplement=4),
        FontDescriptor=pdf.make_indirect(descriptor),
        DW=1000,
        W=[1, 95, 500],  # the Latin range: half width
    )
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type0,
            BaseFont=pikepdf.Name("/STSong-Light-UniGB-UCS2-H"),
            Encoding=pikepdf.Name("/UniGB-UCS2-H"),
            DescendantFonts=[pdf.make_indirect(cid)],
        )
    )


@dataclass(slots=True)
class Annotated:
    data: bytes
    annotations: int  # Highlight annotations written
    summary_pages: int
    marks: list[Mark]


def annotate_pdf(source: str | Path, result: CheckResult) -> Annotated:
    """The PDF at ``source`` with ``result``'s findings highlighted and summary pages in front."""
    import pikepdf
    import pypdfium2 as pdfium

    findings = ordered_findings(result)
    marks = locate(result, findings)
    rows = issue_rows(result, findings)
    written = 0
    with pikepdf.open(str(source)) as pdf:
        src = pdfium.PdfDocument(str(source))
        try:
            for m in marks:
                f = m.finding
                color = SEVERITY_RGB.get(f.severity, SEVERITY_RGB["info"])
                for page_no, boxes in sorted(m.boxes.items()):
                    if not 1 <= page_no <= len(pdf.pages) or page_no > len(src):
                        continue
                    page = src[page_no - 1]
                    rotation = page.get_rotation() % 360
                    crop = page.get_cropbox()
                    inv = _inverse(rotation, crop)
                    boxes = _narrow(page, _forward(rotation, crop), m, page_no, boxes)
                    rects = [_user_rect(inv, b) for b in boxes]
                    target = pdf.pages[page_no - 1]
                    annot = pdf.make_indirect(_highlight(pdf, rects, color, _note(m), m.number))
                    annot["/P"] = target.obj
                    if "/Annots" not in target.obj:
                        target.obj["/Annots"] = pikepdf.Array()
                    target.obj["/Annots"].append(annot)
                    written += 1
            n_source = len(pdf.pages)
        finally:
            src.close()
        font = _font(pdf)
        streams = _summary_pages(_summary_lines(rows, marks, n_source, 0))
        streams = _summary_pages(_summary_lines(rows, marks, n_source, len(streams)))
        for i, content in enumerate(streams):
            page = pikepdf.Dictionary(
                Type=pikepdf.Name.Page,
                MediaBox=[0, 0, _PAGE_W, _PAGE_H],
                Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
                Contents=pdf.make_stream(content),
            )
            pdf.pages.insert(i, pikepdf.Page(page))
        buf = BytesIO()
        pdf.save(buf)
    return Annotated(buf.getvalue(), written, len(streams), marks)


def _narrow(page, fwd, m: Mark, page_no: int, boxes: list[Box]) -> list[Box]:  # type: ignore[no-untyped-def]
    """A narrative sentence's paragraph box narrowed to its printed numbers, where found."""
    f = m.finding
    numbers = [c.value for c in f.cells if c.table == NARRATIVE and c.page in (page_no, None) and c.value]
    if f.sentence and f.sentence.get("number"):
        numbers.insert(0, str(f.sentence["number"]))
    if not numbers or not any((page_no, b) in m.sentences for b in boxes):
        return boxes
    tp = page.get_textpage()
    try:
        out: list[Box] = []
        for b in boxes:
            narrowed: list[Box] = []
            if (page_no, b) in m.sentences:
                for number in dict.fromkeys(numbers):
                    narrowed += _number_boxes(tp, fwd, number, b)
            out += narrowed or [b]
        return list(dict.fromkeys(out))
    finally:
        tp.close()


def shown_boxes(source: str | Path, marks: list[Mark]) -> dict[int, dict[int, list[Box]]]:
    """For each mark (by number), its boxes by page as :func:`annotate_pdf` draws them (display
    points): narrative paragraphs narrowed to their printed numbers. For page images."""
    import pypdfium2 as pdfium

    out: dict[int, dict[int, list[Box]]] = {}
    src = pdfium.PdfDocument(str(source))
    try:
        for m in marks:
            pages: dict[int, list[Box]] = {}
            for page_no, boxes in sorted(m.boxes.items()):
                if not 1 <= page_no <= len(src):
                    continue
                page = src[page_no - 1]
                fwd = _forward(page.get_rotation() % 360, page.get_cropbox())
                pages[page_no] = _narrow(page, fwd, m, page_no, boxes)
            out[m.number] = pages
    finally:
        src.close()
    return out


def render_annotated(source: str | Path, result: CheckResult) -> bytes:
    return annotate_pdf(source, result).data


__all__ = ["Annotated", "Box", "Mark", "annotate_pdf", "locate", "render_annotated", "shown_boxes"]
