"""Converter-exported text (``.txt``/``.md``) → blocks.

The converter writes one line per printed line: table rows as tab-separated cells, prose as
plain lines, with Markdown headings and list bullets, stray HTML (``<b>``) and LaTeX
(``$\\geq 90\\%$``), and watermark lines. Each line becomes one :class:`Block` whose
provenance is its 1-based line number.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..limits import CellBudget
from ..model import Block, Cell, Provenance, RawDocument
from .errors import InputError, read_bounded

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


_BOMS = (  # longest first: the UTF-32-LE BOM begins with the UTF-16-LE one
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
_SAMPLE = 1 << 16


def _lenient(data: bytes, encoding: str) -> tuple[str, int]:
    """``data`` decoded with bad bytes marked U+FFFD, and how many were marked. A code unit cut in
    half at the end (odd-length UTF-16) is one mark, not an error."""
    text = data.decode(encoding, errors="replace")
    present = data.count("\ufffd".encode(encoding)) if encoding.startswith("utf") else 0
    return text, max(0, text.count("\ufffd") - present)


_PLAUSIBLE = re.compile(r"[\t\n\r\x20-\x7e\u2000-\u206f\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16/UTF-32 without a BOM: the one of them that decodes a sample holding NUL bytes
    into plausible text (CJK, ASCII, punctuation: at least 90 % of its characters), if any."""
    sample = data[:_SAMPLE]
    if b"\x00" not in sample:
        return None
    best, best_score = None, 0.9
    for enc, unit in (("utf-32-le", 4), ("utf-32-be", 4), ("utf-16-le", 2), ("utf-16-be", 2)):
        chunk = sample[: len(sample) - len(sample) % unit]
        text = chunk.decode(enc, errors="replace")
        if not text:
            continue
        score = len(_PLAUSIBLE.findall(text)) / len(text)
        if score > best_score:
            best, best_score = enc, score
    return best


def _looks_big5(data: bytes) -> bool:
    """Big5 rather than GB18030 (both decode the bytes): Big5 puts some 40 % of its characters'
    second bytes in 0x40–0x7E, GB2312 text none (GBK only for rare characters)."""
    sample = data[:_SAMPLE]
    pairs = low = i = 0
    n = len(sample)
    while i < n - 1:
        b = sample[i]
        if b < 0x80:
            i += 1
            continue
        pairs += 1
        low += sample[i + 1] < 0xA1
        i += 2
    return pairs >= 4 and low > 0.2 * pairs


def _non_ascii(text: str) -> int:
    return sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")


def detect_text(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) of bytes holding text, or None for binary data.

    A BOM decides (UTF-8, UTF-16, UTF-32); then NUL patterns (UTF-16/32 without BOM); then
    UTF-8, GB18030 and Big5 by how many bytes each cannot decode and, between GB18030 and
    Big5, by Big5's second-byte pattern. A few undecodable bytes (a damaged file, a final
    character cut in half) are marked U+FFFD instead of refusing the text."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _lenient(data[len(bom) :], enc)[0], enc
    wide = _wide_encoding(data)
    if wide is not None:
        text, bad = _lenient(data, wide)
        if bad <= max(2, len(text) // 200) and "\x00" not in text[:_SAMPLE]:
            return text, wide
        return None
    if b"\x00" in data[:8192]:
        return None
    text, bad = _lenient(data, "utf-8")
    if bad == 0 or bad * 4 <= _non_ascii(text):  # mostly valid UTF-8: a damaged UTF-8 file
        return text, "utf-8"
    best: tuple[str, str] | None = None
    best_bad = None
    order = ("cp950", "gb18030") if _looks_big5(data) else ("gb18030", "cp950")  # cp950: Big5 as Windows writes it
    for enc in order:
        cand, bad = _lenient(data, enc)
        if best_bad is None or bad < best_bad:
            best, best_bad = (cand, enc), bad
        if bad == 0:
            break
    assert best is not None and best_bad is not None
    cand, enc = best
    if best_bad > max(2, _non_ascii(cand) // 50):
        return None
    return cand, enc


def decode(data: bytes, source: str) -> str:
    """Decode a text export (see :func:`detect_text`); refuse empty and binary data."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise InputError(f"{source}: 文件为空 (empty file)")
    found = detect_text(data)
    if found is None:
        raise InputError(f"{source}: 不是文本文件 (binary data, not a text export)")
    text = found[0]
    # Random bytes sometimes decode; real text has CJK or ASCII letters in bulk.
    sample = text[: 1 << 20]
    printable = sum(1 for ch in sample if ch.isprintable() or ch in "\t\r\n")
    if printable < 0.95 * len(sample):
        raise InputError(f"{source}: 不是文本文件 (binary data, not a text export)")
    if not text.strip():
        raise InputError(f"{source}: 文件为空 (empty file)")
    return text


def _cell_text(text: str) -> str:
    s = text.strip()
    if "<" in s or "$" in s or "\u3000" in s or "\xa0" in s:
        return clean_line(s)
    return s


def blocks_from_text(text: str, budget: CellBudget | None = None) -> list[Block]:
    budget = budget if budget is not None else CellBudget()
    blocks: list[Block] = []
    max_blocks = budget.limits.blocks
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line or line.isspace():
            continue
        if max_blocks and len(blocks) >= max_blocks:
            budget.limits.check("blocks", len(blocks) + 1, budget.source)
        prov = Provenance(line=lineno)
        if "\t" in line:
            empty = Cell("", prov)  # most cells of wide tables are empty: share one
            budget.add(line.count("\t") + 1)
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
    data = read_bounded(p, "text_bytes")
    text = decode(data, p.name)
    blocks = blocks_from_text(text, CellBudget(source=p.name))
    if not blocks:
        raise InputError(f"{p.name}: 文件没有可读内容 (no readable content)")
    return RawDocument(source=str(p), format="text", blocks=blocks)
