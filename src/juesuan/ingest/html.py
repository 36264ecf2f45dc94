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
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from ..model import Block, Cell, Provenance, RawDocument
from .errors import InputError
from .text import WATERMARKS  # watermark lines carry no content

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
    text = re.sub(r"'?/[^\s']+'?", "", text).strip()
    return f"{name}: {text[:120]}" if text else name


# --------------------------------------------------------------------------- charset


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}


def decode_html(data: bytes, source: str) -> str:
    if not data.strip():
        raise InputError(f"{source}: 文件为空 (empty file)")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    m = _META_CHARSET.search(data[:8192])
    declared = m.group(1).decode("ascii", "ignore").lower() if m else None
    candidates = []
    if declared:
        candidates.append(_ALIASES.get(declared, declared))
    candidates += ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    raise InputError(f"{source}: 无法识别的文字编码 (neither the declared charset, UTF-8 nor GB18030)")


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
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
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
        node = _Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

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
    """The text of a cell or caption: block elements and <br> give line breaks."""
    for child in node.children:
        if isinstance(child, str):
            out.append(child if pre else _HTML_WS.sub(" ", child))
        elif child.tag == "br":
            out.append("\n")
        elif child.tag in _BLOCK:
            out.append("\n")
            _inline_text(child, out, pre or child.tag == "pre")
            out.append("\n")
        else:
            _inline_text(child, out, pre)


def _grid(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """Rows of (text, colspan, rowspan) laid out on the column grid: merged positions are ""."""
    out: list[list[str]] = []
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    for cells in rows:
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
        while any(v > 0 for c, v in pending.items() if c >= col):  # covered past the last cell
            if pending.get(col, 0) > 0:
                pending[col] -= 1
            row.append("")
            col += 1
        out.append(row)
    return pad_rows(out)


class _Emitter:
    def __init__(self) -> None:
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
        for child in node.children:
            if isinstance(child, str):
                self.line.append(child if pre else _HTML_WS.sub(" ", child))
            elif child.tag == "br":
                self.line.append("\n")
            elif child.tag == "table" and not child.nested:
                self.flush()
                self.table(child)
            elif child.tag in _BLOCK:  # a layout table's cells are blocks like any other
                self.flush()
                self.walk(child, pre or child.tag == "pre")
                self.flush()
            else:
                self.walk(child, pre)

    def table(self, node: _Node) -> None:
        rows: list[list[tuple[str, int, int]]] = []
        captions: list[str] = []

        def collect(el: _Node) -> None:
            for child in el.children:
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
                    collect(child)

        collect(node)
        for caption in captions:
            self.line.append(caption)
            self.flush()
        self.n_tables += 1
        t = self.n_tables
        for i, row in enumerate(_grid(rows), start=1):
            head = f"表{t} 第{i}行"
            self.blocks.extend(row_blocks(row, head, lambda j, head=head: f"{head} 第{j + 1}列"))


def blocks_from_html(html: str) -> list[Block]:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    emitter = _Emitter()
    emitter.walk(builder.root)
    emitter.flush()
    return emitter.blocks


def read(path: str | Path) -> RawDocument:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p.name}: 无法读取 ({exc.strerror})") from None
    html = decode_html(data, p.name)
    if "\x00" in html[:8192]:
        raise InputError(f"{p.name}: 不是 HTML 文件 (binary data)")
    blocks = blocks_from_html(html)
    if not blocks:
        raise InputError(f"{p.name}: 文件没有可读内容 (no readable content)")
    return RawDocument(source=str(p), format="html", blocks=blocks)


__all__ = [
    "read", "blocks_from_html", "decode_html", "tidy", "join_lines", "row_blocks", "pad_rows",
    "is_meta_text", "office_reason", "WATERMARKS",
]
