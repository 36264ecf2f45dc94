"""Word (``.docx``) → blocks.

The body is walked in document order, paragraphs and tables interleaved (also inside content
controls, ``w:sdt``). A paragraph becomes a text block (one per line when it holds line
breaks; empty ones are skipped). A table becomes one row block per ``w:tr`` with one cell per
grid column: a horizontally merged cell (``w:gridSpan``) keeps its text in its first column
and gives "" for the others; a vertically merged continuation (``w:vMerge`` without
``restart``) is ""; ``w:gridBefore``/``w:gridAfter`` and short rows are padded with "" so
every row is as wide as the table grid. A nested table's text goes into its enclosing cell.

The XML is read directly (python-docx opens the package and gives the parsed body); going
through ``table.rows[i].cells`` would be quadratic on long tables and would repeat merged
text.

Provenance: ``ref="段落 12"`` (the body paragraph's 1-based index, empty paragraphs counted),
``ref="表3 第4行"`` on a row and ``ref="表3 第4行 第2列"`` on its cells (1-based).
"""

from __future__ import annotations

from pathlib import Path

from ..limits import CellBudget, current
from ..model import Block, Cell, Provenance, RawDocument
from .errors import InputError, LimitExceeded
from .html import WATERMARKS, office_reason, join_lines, row_blocks, tidy

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _SDT, _SDT_CONTENT = f"{W}p", f"{W}tbl", f"{W}sdt", f"{W}sdtContent"
_TR, _TC, _TCPR, _TRPR = f"{W}tr", f"{W}tc", f"{W}tcPr", f"{W}trPr"
_T, _TAB, _BR, _CR = f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"
_VAL = f"{W}val"
_GRID_SPAN, _GRID_BEFORE = f"{W}gridSpan", f"{W}gridBefore"
_VMERGE, _HMERGE = f"{W}vMerge", f"{W}hMerge"
_TEXTBOX = f"{W}txbxContent"
_FALLBACK = f"{MC}Fallback"
_DEL = f"{W}del"
_NB_HYPHEN = f"{W}noBreakHyphen"
_NO_TEXT = {_TEXTBOX, _FALLBACK, _DEL, f"{W}instrText", f"{W}delText"}


def _paragraph_text(p) -> str:  # type: ignore[no-untyped-def]
    """The visible text of a ``w:p``: runs (also inside hyperlinks, insertions, smart tags),
    tabs as spaces, breaks as newlines; text boxes and deleted text left out."""
    out: list[str] = []
    for el in p.iter(_T, _TAB, _BR, _CR, _NB_HYPHEN):  # tag filter runs in C: fast on big tables
        run = el.getparent()
        if run is None or (run.getparent() is not p and _hidden(run, p)):
            continue
        tag = el.tag
        if tag == _T:
            out.append(el.text or "")
        elif tag == _TAB:
            out.append(" ")
        elif tag == _NB_HYPHEN:
            out.append("-")
        else:
            out.append("\n")
    return "".join(out)


def _hidden(el, p) -> bool:  # type: ignore[no-untyped-def]
    """True when ``el`` lies in a text box, a compatibility fallback or a deletion within ``p``."""
    while el is not None and el is not p:
        if el.tag in _NO_TEXT:
            return True
        el = el.getparent()
    return False


def _textbox_paragraphs(p) -> list:  # type: ignore[no-untyped-def]
    """Paragraphs inside text boxes anchored in ``p`` (not the compatibility fallback copy)."""
    found = []

    def walk(el) -> None:  # type: ignore[no-untyped-def]
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag == _FALLBACK:
                continue
            if tag == _TEXTBOX:
                found.extend(x for x in child.iter(_P))
                continue
            walk(child)

    walk(p)
    return found


def _cell_text(tc) -> str:  # type: ignore[no-untyped-def]
    parts: list[str] = []
    for child in tc:
        if child.tag == _P:
            parts.extend(_paragraph_text(child).split("\n"))
        elif child.tag == _TBL:  # nested table: its cells' text, in order
            for tr in _iter_rows(child):
                parts.extend(_cell_text(tc) for tc in _iter_cells(tr))
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                parts.append(_cell_text(content))
    return tidy(join_lines(parts))


def _int_val(el, default: int = 0) -> int:  # type: ignore[no-untyped-def]
    if el is None:
        return default
    try:
        return max(0, int(el.get(_VAL, default)))
    except ValueError:
        return default


def _rows(tbl, budget: CellBudget) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The table on its column grid: merged positions are "".

    Spans (``gridBefore``, ``gridSpan``) are counted against the limits before a row is built,
    so a damaged ``gridSpan="200000000"`` is refused, never expanded."""
    limits = budget.limits
    grid = tbl.find(f"{W}tblGrid")
    width = len(grid.findall(f"{W}gridCol")) if grid is not None else 0
    limits.check("columns", width, budget.source)
    rows: list[list[str]] = []
    n_rows = spanned = counted = 0
    for tr in _iter_rows(tbl):
        n_rows += 1
        limits.check("rows", n_rows, budget.source)
        before = 0
        for child in tr:  # (plain child loops: lxml's find() parses its path on every call)
            if child.tag == _TRPR:
                for prop in child:
                    if prop.tag == _GRID_BEFORE:
                        before = _int_val(prop)
                break
        spans = [_span(tc) for tc in _iter_cells(tr)]
        row_width = before + sum(spans)
        limits.check("columns", row_width, budget.source)
        spanned += before + sum(spans) - len(spans)
        limits.check("merged_cells", spanned, budget.source)
        budget.add(row_width)
        counted += row_width
        row: list[str] = [""] * before
        for tc in _iter_cells(tr):
            span = 1
            continuation = False
            for tcpr in tc:
                if tcpr.tag != _TCPR:
                    continue
                for prop in tcpr:
                    tag = prop.tag
                    if tag == _GRID_SPAN:
                        span = max(1, _int_val(prop, 1))
                    elif tag in (_VMERGE, _HMERGE):  # hMerge: legacy horizontal merge
                        if prop.get(_VAL, "continue") != "restart":
                            continuation = True
                break
            text = "" if continuation else _cell_text(tc)
            row.append(text)
            row.extend([""] * (span - 1))
        rows.append(row)
    width = max([width] + [len(r) for r in rows])
    budget.add(len(rows) * width - counted)  # the padding of short rows, counted before it is built
    return [r + [""] * (width - len(r)) for r in rows]


def _span(tc) -> int:  # type: ignore[no-untyped-def]
    """The grid columns a ``w:tc`` covers (its ``gridSpan``, at least 1)."""
    for tcpr in tc:
        if tcpr.tag == _TCPR:
            for prop in tcpr:
                if prop.tag == _GRID_SPAN:
                    return max(1, _int_val(prop, 1))
            break
    return 1


def _iter_rows(tbl):  # type: ignore[no-untyped-def]
    for child in tbl:
        if child.tag == _TR:
            yield child
        elif child.tag == _SDT:  # rows wrapped in a content control
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from (x for x in content if x.tag == _TR)


def _iter_cells(tr):  # type: ignore[no-untyped-def]
    for child in tr:
        if child.tag == _TC:
            yield child
        elif child.tag in (_SDT, f"{W}customXml"):
            content = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if content is not None:
                yield from (x for x in content if x.tag == _TC)


class _Walker:
    def __init__(self, budget: CellBudget) -> None:
        self.budget = budget
        self.blocks: list[Block] = []
        self.n_para = 0
        self.n_table = 0

    def text(self, raw: str, ref: str) -> None:
        for line in raw.split("\n"):
            s = tidy(line)
            if s and s not in WATERMARKS:
                prov = Provenance(ref=ref)
                self.blocks.append(Block("text", [Cell(s, prov)], prov))

    def body(self, container) -> None:  # type: ignore[no-untyped-def]
        for child in container:
            tag = child.tag
            if tag == _P:
                self.n_para += 1
                ref = f"段落 {self.n_para}"
                self.text(_paragraph_text(child), ref)
                for inner in _textbox_paragraphs(child):
                    self.text(_paragraph_text(inner), ref)
            elif tag == _TBL:
                self.n_table += 1
                t = self.n_table
                for i, row in enumerate(_rows(child, self.budget), start=1):
                    head = f"表{t} 第{i}行"
                    self.blocks.extend(row_blocks(row, head, lambda j, head=head: f"{head} 第{j + 1}列"))
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.body(content)
            elif tag == f"{W}customXml":
                self.body(child)


def read(path: str | Path) -> RawDocument:
    p = Path(path)
    try:
        import docx  # python-docx
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise InputError(f"{p.name}: DOCX 读取组件不可用 ({exc})") from None
    from .package import check_package

    limits = current()
    check_package(p, p.name, limits=limits)  # zip bombs: every part decompressed as a counted stream
    try:
        document = docx.Document(str(p))
    except LimitExceeded:
        raise
    except Exception as exc:  # BadZipFile/PackageNotFoundError, KeyError, XMLSyntaxError, content type
        raise InputError(f"{p.name}: 不是有效的 DOCX 文件：{office_reason(exc)}") from None
    # Walk a plain lxml tree: python-docx's custom element classes make every node access
    # several times slower, which shows on tables with tens of thousands of cells.
    from lxml import etree

    blob = document.part.blob
    del document  # one parsed tree at a time
    try:
        root = etree.fromstring(blob, etree.XMLParser(huge_tree=True, resolve_entities=False))
    except etree.XMLSyntaxError:  # pragma: no cover - the blob was just parsed by python-docx
        raise InputError(f"{p.name}: 不是有效的 DOCX 文件：内部 XML 已损坏 (broken XML inside the package)") from None
    del blob
    body = root.find(f"{W}body")
    walker = _Walker(CellBudget(limits, p.name))
    if body is not None:
        walker.body(body)
    if not walker.blocks:
        raise InputError(f"{p.name}: 文件没有可读内容 (no readable content)")
    return RawDocument(source=str(p), format="docx", blocks=walker.blocks)


__all__ = ["read"]
