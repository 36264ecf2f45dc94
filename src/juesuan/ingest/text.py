"""Converter-exported text (``.txt``/``.md``) → blocks.

The converter writes one line per printed line: table rows as tab-separated cells, prose as
plain lines, with Markdown headings and list bullets, stray HTML (``<b>``) and LaTeX
(``$\\geq 90\\%$``), and watermark lines. Each line becomes one :class:`Block` whose
provenance is its 1-based line number.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model import Block, Cell, Provenance, RawDocument
from .errors import InputError

# Watermarks printed across pages; they carry no content.
WATERMARKS = ("仅供内部审核", "内部审核稿", "征求意见稿", "内部资料", "样稿", "草稿")

_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_BULLET = re.compile(r"^\s*[-*+]\s+")
_LATEX_INLINE = re.compile(r"\$([^$]*)\$")
_LATEX_CMDS = {
    r"\geq": "≥",
    r"\ge": "≥",
    r"\leq": "≤",
    r"\le": "≤",
    r"\neq": "≠",
    r"\times": "×",
    r"\%": "%",
    r"\sim": "~",
    r"\pm": "±",
    r"\cdot": "·",
}
_LATEX_CMD = re.compile(r"\\[a-zA-Z]+|\\%")


def _latex_to_text(m: re.Match[str]) -> str:
    body = m.group(1)
    body = _LATEX_CMD.sub(lambda c: _LATEX_CMDS.get(c.group(0), ""), body)
    body = body.replace("{", "").replace("}", "").replace("\\", "")
    return body.strip()


def clean_line(text: str) -> str:
    """Strip converter artefacts from one cell or prose line."""
    if not text:
        return text
    if "<" in text:
        text = _HTML_TAG.sub("", text)
    if "$" in text:
        text = _LATEX_INLINE.sub(_latex_to_text, text)
    return text.replace("\u3000", " ").replace("\xa0", " ").strip()


def decode(data: bytes, source: str) -> str:
    """Decode bytes as UTF-8 (with or without BOM), else GB18030; refuse binary data."""
    if not data.strip():
        raise InputError(f"{source}: 文件为空 (empty file)")
    if b"\x00" in data[:8192]:
        raise InputError(f"{source}: 不是文本文件 (binary data, not a text export)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: 无法识别的文字编码 (neither UTF-8 nor GB18030)") from exc
    # Random bytes sometimes decode as GB18030; real text has CJK or ASCII letters in bulk.
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\t\r\n")
    if printable < 0.95 * len(text):
        raise InputError(f"{source}: 不是文本文件 (binary data, not a text export)")
    return text


def _cell_text(text: str) -> str:
    s = text.strip()
    if "<" in s or "$" in s or "\u3000" in s or "\xa0" in s:
        return clean_line(s)
    return s


def blocks_from_text(text: str) -> list[Block]:
    blocks: list[Block] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line or line.isspace():
            continue
        prov = Provenance(line=lineno)
        if "\t" in line:
            empty = Cell("", prov)  # most cells of wide tables are empty: share one
            texts = [_cell_text(c) if c else "" for c in line.split("\t")]
            filled = [t for t in texts if t]
            if not filled:
                continue
            if len(filled) == 1 and texts[0] and len(texts[0]) > 40:
                # prose that the exporter padded with tabs
                blocks.append(Block("text", [Cell(texts[0], prov)], prov))
                continue
            cells = [Cell(t, prov) if t else empty for t in texts]
            blocks.append(Block("row", cells, prov))
            continue
        s = _MD_HEADING.sub("", line)
        s = _MD_BULLET.sub("", s)
        s = clean_line(s)
        if not s or s in WATERMARKS:
            continue
        blocks.append(Block("text", [Cell(s, prov)], prov))
    return blocks


def read_text(path: str | Path) -> RawDocument:
    p = Path(path)
    data = p.read_bytes()
    text = decode(data, p.name)
    blocks = blocks_from_text(text)
    if not blocks:
        raise InputError(f"{p.name}: 文件没有可读内容 (no readable content)")
    return RawDocument(source=str(p), format="text", blocks=blocks)
