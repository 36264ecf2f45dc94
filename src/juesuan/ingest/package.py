"""Guards for Office Open XML packages (ZIP), run before a library opens one.

* every part is decompressed as a stream and counted: a part past ``part_bytes`` (a zip bomb)
  is refused after reading at most that many bytes, whatever size its header claims;
* the worksheets of a workbook are scanned as a stream of XML events (never a tree): the sheet
  count, rows, cells and merged ranges are counted — a merged range by its corners, in O(1),
  never cell by cell — so that openpyxl, which builds an object for every merged cell, is only
  handed workbooks of bounded size;
* merged ranges that reach past the sheet's last filled row or column (a merge across all
  16,384 columns, or ``A1:XFD1048576``) are clipped to it before openpyxl sees them: the cells
  they cover there are empty, and the sheet reads the same (a merge only widens a table up to
  the last filled column), while openpyxl would build millions of cell objects. Only a sheet
  with more than :data:`CLIP_ABOVE` merged cells is rewritten (in a temporary file).

A damaged package (bad CRC, a broken deflate stream) gives the one-line :class:`InputError`.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import IO

from ..limits import Limits, current
from .errors import InputError, LimitExceeded

_CHUNK = 1 << 20
CLIP_ABOVE = 20_000  # merged cells in a sheet above which its merges are clipped
_MERGE_CELL = re.compile(rb"""<((?:\w+:)?)mergeCell\s+ref\s*=\s*["']([^"']*)["']\s*/>""")
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


class _Counted:
    """A read-only stream that counts the bytes it hands out and stops past ``cap``; with
    ``max_elements``, it also counts XML start tags (``<`` not followed by ``/``)."""

    def __init__(self, raw: IO[bytes], cap: int, source: str, max_elements: int = 0) -> None:
        self.raw, self.cap, self.source, self.count = raw, cap, source, 0
        self.max_elements, self.elements = max_elements, 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(_CHUNK if n is None or n < 0 else min(n, _CHUNK))
        self.count += len(data)
        if self.cap and self.count > self.cap:
            raise LimitExceeded("part_bytes", self.cap, None, self.source)
        if self.max_elements:
            self.elements += data.count(b"<") - data.count(b"</")
            if self.elements > self.max_elements:
                raise LimitExceeded("elements", self.max_elements, None, self.source)
        return data


def _damaged(name: str) -> InputError:
    return InputError(f"{name}: 文件已损坏或被截断 (damaged or truncated ZIP package)")


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _corners(ref: str) -> tuple[int, int, int, int] | None:
    """(min_row, min_col, max_row, max_col) of ``A1:XFD1048576``; None when it is no cell range."""
    a, _, b = ref.partition(":")
    ma, mb = _REF.match(a.strip()), _REF.match((b or a).strip())
    if not ma or not mb:
        return None
    c1, c2 = _column_number(ma.group(1)), _column_number(mb.group(1))
    r1, r2 = int(ma.group(2)), int(mb.group(2))
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def merged_area(ref: str) -> tuple[int, int] | None:
    """(cells covered, last column) of a merged range ``A1:XFD1048576``, computed from its corners;
    None when the reference is not a cell range."""
    box = _corners(ref)
    if box is None:
        return None
    r1, c1, r2, c2 = box
    return (c2 - c1 + 1) * (r2 - r1 + 1), c2


def column_letters(col: int) -> str:
    """A 1-based column number as Excel letters (1 → A, 28 → AB); no openpyxl import needed."""
    s = ""
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


def _clipped(ref: str, max_row: int, max_col: int) -> str | None:
    """The merged range ``ref`` clipped to the filled area; None when nothing of it is left (it
    starts outside, or only its top-left cell remains)."""
    box = _corners(ref)
    if box is None:
        return None
    r1, c1, r2, c2 = box
    r2, c2 = min(r2, max_row), min(c2, max_col)
    if r1 > r2 or c1 > c2 or (r1 == r2 and c1 == c2):
        return None
    return f"{column_letters(c1)}{r1}:{column_letters(c2)}{r2}"


_SCANNED = ("{*}row", "{*}c", "{*}mergeCell", "{*}sheetData")  # the elements the scan looks at


class _SheetScan:
    __slots__ = ("rows", "merges", "max_row", "max_col")

    def __init__(self) -> None:
        self.rows = 0
        self.merges: list[str] = []
        self.max_row = self.max_col = 0  # the last filled row and column


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_MERGE_REF = re.compile(rb"""<(?:\w+:)?mergeCell\s[^>]*?ref\s*=\s*["']([^"']*)["']""")
_MARGIN = 512  # longer than any match: a tag cut by a chunk boundary is found in the next chunk


def _scan_sheet(stream: _Counted, part: str, name: str, limits: Limits, totals: dict[str, int]) -> _SheetScan:
    """Count a worksheet's rows, cells and merged ranges from its bytes, chunk by chunk (regular
    expressions in C: a few ms for a large sheet; the XML itself is checked by openpyxl)."""
    scan = _SheetScan()
    where = f"{name} {part}"
    buf = b""
    while True:
        chunk = stream.read(_CHUNK)
        buf += chunk
        end = len(buf) if not chunk else max(0, len(buf) - _MARGIN)
        scan.rows += sum(1 for m in _ROW_TAG.finditer(buf) if m.start() < end)
        totals["cells"] += sum(1 for m in _CELL_TAG.finditer(buf) if m.start() < end)
        scan.merges.extend(m.group(1).decode("ascii", "replace") for m in _MERGE_REF.finditer(buf) if m.start() < end)
        limits.check("rows", scan.rows, where)
        limits.check("cells", totals["cells"], name)
        buf = buf[end:]
        if not chunk:
            return scan


def _filled_extent(stream: _Counted, scan: _SheetScan) -> None:
    """The last filled row and column of a worksheet (cells with a value, inline text or
    formula), from a stream of XML events; only for sheets whose merges are clipped."""
    from lxml import etree

    row_no = col_no = 0
    for event, el in etree.iterparse(
        stream, events=("start", "end"), tag=_SCANNED, huge_tree=True, resolve_entities=False, no_network=True
    ):
        local = el.tag.rsplit("}", 1)[-1]
        if event == "start":
            if local == "row":
                r = el.get("r")
                row_no = int(r) if r and r.isdigit() else row_no + 1
                col_no = 0
            continue
        if local == "c":
            ref = _REF.match(el.get("r") or "")
            col_no = _column_number(ref.group(1)) if ref else col_no + 1
            if len(el):
                scan.max_row = max(scan.max_row, int(ref.group(2)) if ref else row_no)
                scan.max_col = max(scan.max_col, col_no)
            el.clear()
        elif local in ("row", "sheetData"):
            el.clear()


def _check_clipped_merges(scan: _SheetScan, part: str, name: str, limits: Limits) -> None:
    """The merged cells that remain once the merges are clipped to the filled area, against the
    merged-cells limit."""
    clipped = 0
    for ref in scan.merges:
        c = _clipped(ref, scan.max_row, scan.max_col)
        if c is not None:
            clipped += (merged_area(c) or (0, 0))[0]
    limits.check("merged_cells", clipped, f"{name} {part}")


def check_package(
    path: Path, name: str, *, workbook: bool = False, limits: Limits | None = None
) -> IO[bytes] | None:
    """Refuse a package with a part past the limits (module docstring); ``workbook``: also count
    the worksheets' sheets, rows, cells and merged cells. Returns None, or for a workbook whose
    merges had to be clipped, the clipped package (a temporary file) to read instead."""
    from lxml import etree

    limits = limits or current()
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None  # not a readable ZIP: the reader gives its own clear error
    totals = {"cells": 0}
    clip: dict[str, _SheetScan] = {}
    with zf:
        infos = zf.infolist()
        if workbook:
            sheets = [i for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
            limits.check("sheets", len(sheets), name)
        for info in infos:
            if info.is_dir():
                continue
            try:
                with zf.open(info) as raw:
                    xml = info.filename.endswith((".xml", ".rels"))
                    stream = _Counted(raw, limits.part_bytes, name, limits.elements if xml else 0)
                    is_sheet = workbook and info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
                    if is_sheet:
                        part = info.filename.rsplit("/", 1)[-1]
                        scan = _scan_sheet(stream, part, name, limits, totals)
                        if sum((merged_area(ref) or (0, 0))[0] for ref in scan.merges) > CLIP_ABOVE:
                            with zf.open(info) as again:
                                try:
                                    _filled_extent(_Counted(again, limits.part_bytes, name), scan)
                                except etree.XMLSyntaxError:
                                    continue  # broken XML: the reader says so
                            _check_clipped_merges(scan, part, name, limits)
                            clip[info.filename] = scan
                    else:
                        while stream.read(_CHUNK):
                            pass
            except LimitExceeded:
                raise
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError,
                    NotImplementedError, KeyError):
                # bad CRC, broken deflate, encrypted member, unsupported compression: refused for
                # an XML part; a damaged picture or thumbnail is left to the reader (it may not
                # need it)
                if info.filename.endswith((".xml", ".rels")):
                    raise _damaged(name) from None
        return _clip_merges(zf, clip) if clip else None


def _clip_merges(zf: zipfile.ZipFile, clip: dict[str, _SheetScan]) -> IO[bytes]:
    """A copy of the package (in a temporary file) with the merges of the sheets in ``clip``
    clipped to their filled area."""
    import shutil
    import tempfile

    out = tempfile.TemporaryFile()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in zf.infolist():
            if info.is_dir():
                continue
            scan = clip.get(info.filename)
            if scan is None:
                try:
                    with zf.open(info) as src, dst.open(info.filename, "w", force_zip64=True) as sink:
                        shutil.copyfileobj(src, sink, _CHUNK)
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError,
                        NotImplementedError):
                    pass  # a damaged picture (XML parts were checked above): left out
                continue

            def repl(m: re.Match[bytes], scan: _SheetScan = scan) -> bytes:
                ref = _clipped(m.group(2).decode("ascii", "replace"), scan.max_row, scan.max_col)
                return b"" if ref is None else b"<%smergeCell ref=\"%s\"/>" % (m.group(1), ref.encode())

            dst.writestr(info.filename, _MERGE_CELL.sub(repl, zf.read(info)))
    out.seek(0)
    return out


__all__ = ["check_package", "merged_area", "CLIP_ABOVE"]
