"""HTML (``.html``/``.htm``) → blocks, with the standard library's :mod:`html.parser`.

``<table>`` rows become row blocks: one cell per grid column, ``colspan`` and ``rowspan``
honoured by emitting "" for the positions a merged cell covers beyond its first, so the text
of a merged cell appears once. Everything else (``p``, ``div``, ``h1``–``h6``, ``li``, text
separated by ``<br>``) becomes text blocks; ``script``/``style`` are ignored, entities decoded.
End tags that HTML lets authors omit (``</td>``, ``</tr>``, ``</p>``) are implied. A table that
contains another table is page layout (old government sites wrap whole pages in one): its cells
are read as ordinary content, and only the tables inside it are data tables.
The charset comes from a BOM or ``<meta charset>``/``http-equiv``; otherwise UTF-8, falling
back to GB18030.

Provenance: ``ref="表2 第3行"`` on a row (``… 第4列`` on its cells), ``ref="段落 5"`` on text.

This module also holds the small text helpers the DOCX and XLSX readers share (it needs no
third-party package, so importing it is cheap).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from ..limits import CellBudget, Limits, current
from ..model import Block, Cell, Provenance, RawDocument
from .errors import InputError, read_bounded
from .text import WATERMARKS, detect_text  # watermark lines carry no content

# --------------------------------------------------------------------------- shared helpers


_WS = re.compile(r"[ \t\r\f\v\u3000\xa0\u2002\u2003\u2009\u200b]+")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")

# Rows of a table whose only content is what belongs *above* a table: its number, unit,
# department, year. Readers turn such rows into text lines so that layout finds them.
_META = re.compile(
    r"^(公开\s*\d{1,2}\s*表|表\s*\d{1,2}|(金额)?单位[:：]\s*(万元|元|千元|亿元)"
    r"|(部门|单位|预算单位|填报单位|编制单位|部门名称|单位名称)[:：].*|(20\d{2})\s*年度?)$"
)


def join_lines(parts: list[str]) -> str:
    """Lines of one cell (wrapped text) as one string: no space between CJK characters."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and not (_CJK.match(out[-1]) or _CJK.match(part[0])):
            out += " "
        out += part
    return out


def tidy(text: str) -> str:
    """One cell or line: whitespace runs (incl. full-width and no-break) to one space, newlines
    (wrapped text) joined, stripped."""
    if not text:
        return ""
    lines = [_WS.sub(" ", line) for line in text.splitlines()]
    return join_lines(lines)


def is_meta_text(text: str) -> bool:
    return bool(_META.match(text.replace(" ", "")))


def row_blocks(texts: list[str], row_ref: str, cell_ref: Callable[[int], str]) -> list[Block]:
    """A table row as blocks: one row block, nothing for an all-empty row, or text blocks when
    every filled cell is a number/unit/department/year line (a table's preamble drawn as rows).
    ``cell_ref(i)`` names the cell at 0-based position ``i``."""
    filled = [(t, cell_ref(i)) for i, t in enumerate(texts) if t]
    if not filled:
        return []
    if all(is_meta_text(t) for t, _ in filled):
        return [Block("text", [Cell(t, Provenance(ref=r))], Provenance(ref=r)) for t, r in filled]
    prov = Provenance(ref=row_ref)
    empty = Cell("", prov)  # most cells of wide tables are empty: share one (no fact comes from it)
    cells = [Cell(t, Provenance(ref=cell_ref(i))) if t else empty for i, t in enumerate(texts)]
    return [Block("row", cells, prov)]


def pad_rows(rows: list[list[str]]) -> list[list[str]]:
    """Every row of a table as wide as the widest (tables print every column)."""
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows]


def office_reason(exc: BaseException) -> str:
    """Why an Office (ZIP) package could not be opened, in a few words, without file paths."""
    import zipfile

    name = type(exc).__name__
    text = str(exc).splitlines()[0] if str(exc) else ""
    if isinstance(exc, zipfile.BadZipFile) or name == "PackageNotFoundError":
        return "文件已损坏或被截断 (damaged or truncated ZIP package)"
    if isinstance(exc, KeyError):
        return f"缺少必需的部件 (missing package part: {text.strip(chr(34))})"
    if name == "XMLSyntaxError" or name == "ParseError":
        return "内部 XML 已损坏 (broken XML inside the package)"
    if "content type is" in text:
        return "是另一种 Office 文件 (" + text[text.index("content type is") :] + ")"
    if "no valid workbook part" in text:
        return "不是 Excel 工作簿 (no workbook part in the package)"
    return "文件已损坏，无法解析 (damaged package: it could not be parsed)"  # no exception names


# --------------------------------------------------------------------------- charset


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}


def decode_html(data: bytes, source: str) -> str:
    """The page's text: by BOM, else the declared charset when it decodes the bytes, else as
    text files are detected (UTF-16/32 by NUL patterns, UTF-8, GB18030, Big5; a few bad bytes
    marked U+FFFD)."""
    if not data.strip():
        raise InputError(f"{source}: 文件为空 (empty file)")
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        found = detect_text(data)  # by its BOM; an odd-length UTF-16 file is tolerated
        if found is not None:
            return found[0]
    m = _META_CHARSET.search(data[:8192])
    declared = m.group(1).decode("ascii", "ignore").lower() if m else None
    if declared:
        enc = _ALIASES.get(declared, declared)
        try:
            import codecs

            if codecs.lookup(enc)._is_text_encoding:  # not rot13, hex, zlib …
                return data.decode(enc)
        except (LookupError, UnicodeError, ValueError, TypeError):
            pass
    found = detect_text(data)
    if found is None:
        raise InputError(f"{source}: 无法识别的文字编码 (neither the declared charset, UTF-8 nor GB18030)")
    return found[0]


# --------------------------------------------------------------------------- parser
#
# Two steps: html.parser builds a light element tree (with the end tags HTML lets authors omit:
# </td>, </tr>, </p>, …), then a walk turns it into blocks. A table that contains another
# table is page layout (old government sites put whole pages in one), so its cells are read
# as ordinary content; only tables without nested tables are data tables.

_IGNORED = {"script", "style", "noscript", "template", "title", "svg", "object", "iframe"}
_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "section", "article", "header", "footer", "nav", "aside", "main", "blockquote", "pre",
    "address", "figure", "figcaption", "hr", "form", "fieldset", "center", "body", "html",
    "tr", "td", "th", "caption", "thead", "tbody", "tfoot", "table",
}
_VOID = {"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "source", "param", "embed"}
_CELL = ("td", "th")
_ROW_SCOPE = {"tr", "table"}
_CELL_SCOPE = {"td", "th", "tr", "table"}
_SECTION_SCOPE = {"thead", "tbody", "tfoot", "table"}
_HTML_WS = re.compile(r"[ \t\r\n\f]+")


class _Node:
    __slots__ = ("tag", "attrs", "children", "nested")

    def __init__(self, tag: str, attrs: list[tuple[str, str | None]] | None = None) -> None:
        self.tag = tag
        self.attrs = attrs or []
        self.children: list[_Node | str] = []
        self.nested = False  # tables: holds another table (a layout table)


class _TreeBuilder(HTMLParser):
    def __init__(self, max_depth: int = 0, source: str = "", max_elements: int = 0) -> None:
        super().__init__(convert_charrefs=True)
        self.max_depth, self.source = max_depth, source
        self.max_elements, self.elements = max_elements, 0
        self.root = _Node("#root")
        self.stack: list[_Node] = [self.root]
        self.ignoring: str | None = None
        self.depth = 0

    def _close_to(self, tags: set[str] | tuple[str, ...], scope: set[str]) -> None:
        """Close the nearest open element in ``tags`` unless an element of ``scope`` comes first."""
        for k in range(len(self.stack) - 1, 0, -1):
            tag = self.stack[k].tag
            if tag in tags:
                del self.stack[k:]
                return
            if tag in scope:
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.ignoring:
            if tag == self.ignoring:
                self.depth += 1
            return
        if tag in _IGNORED:
            self.ignoring, self.depth = tag, 1
            return
        if tag in _CELL:
            self._close_to(_CELL, _ROW_SCOPE)
        elif tag == "tr":
            self._close_to({"tr"}, {"table"})
        elif tag in ("thead", "tbody", "tfoot"):
            self._close_to(_SECTION_SCOPE - {"table"}, {"table"})
        elif tag == "table":
            for open_ in self.stack:
                if open_.tag == "table":
                    open_.nested = True
        elif tag in ("p", "li") or tag in _BLOCK and tag not in ("tr", "caption", *_CELL):
            self._close_to({"p"}, _CELL_SCOPE | {"div", "li", "caption"})  # <p> does not nest
        self.elements += 1
        if self.max_elements and self.elements > self.max_elements:
            from .errors import LimitExceeded

            raise LimitExceeded("elements", self.max_elements, None, self.source)
        node = _Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)
            if self.max_depth and len(self.stack) > self.max_depth:
                from .errors import LimitExceeded

                raise LimitExceeded("html_depth", self.max_depth, None, self.source)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and not self.ignoring:
            self.handle_endtag(tag)
        elif self.ignoring == tag:  # <script/> and the like
            self.depth -= 1
            if not self.depth:
                self.ignoring = None

    def handle_endtag(self, tag: str) -> None:
        if self.ignoring:
            if tag == self.ignoring:
                self.depth -= 1
                if not self.depth:
                    self.ignoring = None
            return
        if tag in _VOID:
            if tag == "br":  # </br> is read as <br>
                self.stack[-1].children.append(_Node("br"))
            return
        scope = {"table"} if tag != "table" else set()
        self._close_to({tag}, scope)

    def handle_data(self, data: str) -> None:
        if not self.ignoring and data:
            self.stack[-1].children.append(data)


def _int_attr(attrs: list[tuple[str, str | None]], name: str) -> int:
    for k, v in attrs:
        if k == name and v:
            m = re.match(r"\s*(\d+)", v)
            if m:
                return max(1, min(int(m.group(1)), 1000))
    return 1


def _inline_text(node: _Node, out: list[str], pre: bool = False) -> None:
    """The text of a cell or caption: block elements and <br> give line breaks. (A walk with
    an explicit stack: nesting depth is bounded by the limits, not by Python's recursion.)"""
    stack: list[tuple[Iterator[_Node | str], bool, bool]] = [(iter(node.children), pre, False)]
    while stack:
        children, pre, block = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if block:
                out.append("\n")
        elif isinstance(child, str):
            out.append(child if pre else _HTML_WS.sub(" ", child))
        elif child.tag == "br":
            out.append("\n")
        elif child.tag in _BLOCK:
            out.append("\n")
            stack.append((iter(child.children), pre or child.tag == "pre", True))
        else:
            stack.append((iter(child.children), pre, False))


def _grid(rows: list[list[tuple[str, int, int]]], budget: CellBudget | None = None) -> list[list[str]]:
    """Rows of (text, colspan, rowspan) laid out on the column grid: merged positions are "".
    Each row's width is counted against ``budget`` before the row is built."""
    budget = budget if budget is not None else CellBudget()
    limits = budget.limits
    out: list[list[str]] = []
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    spanned = 0
    for cells in rows:
        covered = sum(1 for v in pending.values() if v > 0)
        width = sum(colspan for _, colspan, _ in cells) + covered
        limits.check("columns", width, budget.source)
        spanned += width - len(cells) + sum(rowspan - 1 for _, _, rowspan in cells)
        limits.check("merged_cells", spanned, budget.source)
        budget.add(width)
        row: list[str] = []
        col = 0
        for text, colspan, rowspan in cells:
            while pending.get(col, 0) > 0:  # positions covered from above
                row.append("")
                pending[col] -= 1
                col += 1
            for k in range(colspan):
                row.append(text if k == 0 else "")
                if rowspan > 1:
                    pending[col] = rowspan - 1
                col += 1
        tail = max((c for c, v in pending.items() if v > 0 and c >= col), default=-1)
        while col <= tail:  # covered past the last cell
            if pending.get(col, 0) > 0:
                pending[col] -= 1
            row.append("")
            col += 1
        out.append(row)
    widest = max((len(r) for r in out), default=0)
    budget.add(widest * len(out) - sum(len(r) for r in out))  # the padding, before it is built
    return pad_rows(out)


class _Emitter:
    def __init__(self, budget: CellBudget | None = None) -> None:
        self.budget = budget if budget is not None else CellBudget()
        self.blocks: list[Block] = []
        self.line: list[str] = []
        self.n_tables = 0
        self.n_paras = 0

    def flush(self) -> None:
        raw = "".join(self.line)
        self.line = []
        for line in raw.split("\n"):
            s = _WS.sub(" ", line).strip()
            if not s or s in WATERMARKS:
                continue
            self.n_paras += 1
            prov = Provenance(ref=f"段落 {self.n_paras}")
            self.blocks.append(Block("text", [Cell(s, prov)], prov))

    def walk(self, node: _Node, pre: bool = False) -> None:
        """The blocks of ``node``'s content, in document order (an explicit stack, no recursion:
        a page nested thousands deep is walked like any other)."""
        stack: list[tuple[Iterator[_Node | str], bool, bool]] = [(iter(node.children), pre, False)]
        while stack:
            children, pre, block = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if block:
                    self.flush()
            elif isinstance(child, str):
                self.line.append(child if pre else _HTML_WS.sub(" ", child))
            elif child.tag == "br":
                self.line.append("\n")
            elif child.tag == "table" and not child.nested:
                self.flush()
                self.table(child)
            elif child.tag in _BLOCK:  # a layout table's cells are blocks like any other
                self.flush()
                stack.append((iter(child.children), pre or child.tag == "pre", True))
            else:
                stack.append((iter(child.children), pre, False))

    def table(self, node: _Node) -> None:
        rows: list[list[tuple[str, int, int]]] = []
        captions: list[str] = []

        def collect(el: _Node) -> None:  # rows and captions in document order, an explicit stack
            stack: list[Iterator[_Node | str]] = [iter(el.children)]
            while stack:
                child = next(stack[-1], None)
                if child is None:
                    stack.pop()
                    continue
                if isinstance(child, str):
                    continue
                if child.tag == "tr":
                    row = []
                    for cell in child.children:
                        if isinstance(cell, _Node) and cell.tag in _CELL:
                            parts: list[str] = []
                            _inline_text(cell, parts)
                            colspan = _int_attr(cell.attrs, "colspan")
                            rowspan = _int_attr(cell.attrs, "rowspan")
                            row.append((tidy("".join(parts)), colspan, rowspan))
                    rows.append(row)
                elif child.tag == "caption":
                    parts = []
                    _inline_text(child, parts)
                    captions.append("".join(parts))
                else:  # thead/tbody/tfoot, or markup wrapped around rows
                    stack.append(iter(child.children))

        collect(node)
        for caption in captions:
            self.line.append(caption)
            self.flush()
        self.n_tables += 1
        t = self.n_tables
        for i, row in enumerate(_grid(rows, self.budget), start=1):
            head = f"表{t} 第{i}行"
            self.blocks.extend(row_blocks(row, head, lambda j, head=head: f"{head} 第{j + 1}列"))


def blocks_from_html(html: str, limits: Limits | None = None, source: str = "") -> list[Block]:
    limits = limits or current()
    builder = _TreeBuilder(limits.html_depth, source, limits.elements)
    builder.feed(html)
    builder.close()
    emitter = _Emitter(CellBudget(limits, source))
    emitter.walk(builder.root)
    emitter.flush()
    return emitter.blocks


def read(path: str | Path) -> RawDocument:
    p = Path(path)
    data = read_bounded(p, "html_bytes")
    html = decode_html(data, p.name)
    if "\x00" in html[:8192]:
        raise InputError(f"{p.name}: 不是 HTML 文件 (binary data)")
    blocks = blocks_from_html(html, current(), p.name)
    if not blocks:
        raise InputError(f"{p.name}: 文件没有可读内容 (no readable content)")
    return RawDocument(source=str(p), format="html", blocks=blocks)


__all__ = [
    "read", "blocks_from_html", "decode_html", "tidy", "join_lines", "row_blocks", "pad_rows",
    "is_meta_text", "office_reason", "WATERMARKS",
]
