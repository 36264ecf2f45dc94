"""The OCR fallback of the PDF reader: pages without a usable text layer read by :mod:`.ocr` (when
the ``juesuan[ocr]`` extra is installed) or warned about; amounts OCR read short of a digit."""

from __future__ import annotations

import re
from collections import Counter

from ..model import Block
from .pdf_page import _Page

UNUSABLE_WARNING = "第{page}页无可用文字层（可能为扫描件或字体缺少ToUnicode映射）"
SCAN_WARNING = "第{page}页为扫描页，需安装 juesuan[ocr] 以识别"
OCR_WARNING = "第{page}页由OCR识别"


_OCR_PAGE = re.compile(OCR_WARNING.replace("{page}", r"(\d+)"))
_DECIMALS = re.compile(r"^[-−(（]?\d[\d,]*\.(\d+)[)）]?$")
SHORT_DECIMALS_WARNING = "第{page}页OCR识别的“{text}”只有{got}位小数，同列其余金额为{want}位：可能漏识一位数字，请核对原件"


def short_decimals(blocks: list[Block], pages: set[int]) -> list[str]:
    """Warnings for amounts read by OCR with fewer decimals than the rest of their column (the
    engine dropped a digit: 2250.8 among x.xx). A column is judged when at least three of its
    amounts, and two in three, have the same decimals; the rules then see the sum that no longer
    adds up, and this says why."""
    columns: dict[tuple[int, int, int], list[tuple[str, int]]] = {}  # (page, cells, column) → amounts
    for b in blocks:
        if b.kind != "row" or b.prov.page not in pages:
            continue
        for k, cell in enumerate(b.cells):
            m = _DECIMALS.match(cell.text.replace(" ", ""))
            if m:
                columns.setdefault((b.prov.page, len(b.cells), k), []).append((cell.text, len(m.group(1))))
    out = []
    for (page, _n, _k), amounts in sorted(columns.items()):
        if len(amounts) < 3:
            continue
        want, count = Counter(d for _t, d in amounts).most_common(1)[0]
        if count < 3 or count < 2 / 3 * len(amounts):
            continue
        out += [
            SHORT_DECIMALS_WARNING.format(page=page, text=t, got=d, want=want) for t, d in amounts if d < want
        ]
    return out


def _read_scans(doc, pages: list[_Page], scans: list[int], warnings: list[str], ocr: bool | None) -> None:
    """OCR the pages without a usable text layer (in place), or warn that they were not read."""
    from . import ocr as ocr_mod

    use = ocr_mod.available() if ocr is None else ocr and ocr_mod.available()
    if not use:
        for k in scans:
            warnings.append(SCAN_WARNING.format(page=pages[k].no))
        return
    import sys
    import time

    from rich.console import Console

    from ..limits import current
    from .errors import LimitExceeded

    limits = current()
    if limits.ocr_pages and len(scans) > limits.ocr_pages:
        raise LimitExceeded("ocr_pages", limits.ocr_pages, len(scans))
    started = time.monotonic()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("OCR"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("第{task.fields[page]}页"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not sys.stderr.isatty(),
    ) as progress:
        task = progress.add_task("ocr", total=len(scans), page=pages[scans[0]].no)
        for k in scans:
            no = pages[k].no
            spent = time.monotonic() - started
            if limits.ocr_seconds and spent > limits.ocr_seconds:
                raise LimitExceeded("ocr_seconds", limits.ocr_seconds, int(spent))
            progress.update(task, page=no)
            try:
                pages[k] = ocr_mod.ocr_pdf_page(doc, no - 1)
                warnings.append(OCR_WARNING.format(page=no))
            except Exception:  # an OCR failure loses that page, never the document
                warnings.append(f"第{no}页OCR识别失败，该页未读取")
            progress.advance(task)


