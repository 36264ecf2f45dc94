"""Fault injection into the narrative: change one number of one sentence."""

from __future__ import annotations

import re

from ...model import Claim, Document


# --------------------------------------------------------------------------- fault injection

def _occurrence(claims: list[Claim], i: int) -> int:
    """Which printed occurrence (0-based) of its number on its line claim i is: claims reading one
    printed number as two subjects (收、支总计均为 …) share it."""
    c = claims[i]
    k = -1
    prev: Claim | None = None
    for j, d in enumerate(claims):
        if d.prov != c.prov or d.raw != c.raw or (d.unit == "%") != (c.unit == "%"):
            continue
        same = (
            prev is not None
            and prev.text == d.text
            and prev.kind == d.kind
            and prev.unit == d.unit
            and claims[j - 1] is prev
        )
        if not same:
            k += 1
        prev = d
        if j == i:
            return k
    return max(k, 0)


def _number_spans(line: str, raw: str, unit: str) -> list[tuple[int, int]]:
    """Where ``raw`` is printed on ``line``: followed by ``%`` for a percentage, not followed by
    one otherwise."""
    pattern = r"(?<![\d.,０-９第])" + re.escape(raw) + r"(?![\d０-９年月日号时岁届期版章条]|[.．]\d)"
    pct = r"\s*[%％]"
    look = f"(?={pct})" if unit == "%" else f"(?!{pct})"
    spans = [m.span() for m in re.finditer(pattern + look, line)]
    if not spans:
        spans = [m.span() for m in re.finditer(pattern, line)]
    return spans


def plant_in_line(line: str, claims: list[Claim], i: int, new_raw: str) -> str:
    """``line`` (the printed line of claim i) with claim i's number replaced by ``new_raw``."""
    c = claims[i]
    spans = _number_spans(line, c.raw, c.unit)
    if not spans:
        raise ValueError(f"{c.raw!r} not found on its line")
    same = [j for j, d in enumerate(claims) if d.prov == c.prov and d.raw == c.raw and (d.unit == "%") == (c.unit == "%")]
    if len(same) == len(spans):
        k = same.index(i)  # one printed number per claim
    else:
        k = min(_occurrence(claims, i), len(spans) - 1)
    a, b = spans[k]
    return line[:a] + new_raw + line[b:]


def plant_in_sentence(text: str, claims: list[Claim], i: int, new_raw: str) -> tuple[str, int]:
    """Fault injection on a sentence: the text of a converter-text document with the number of
    claim i (``claims`` = the document's claims, 1-based ``prov.line``) replaced by ``new_raw``.
    Returns the new text and the line changed."""
    c = claims[i]
    if c.prov.line is None:
        raise ValueError("only text documents (with line numbers) can be planted into")
    lines = text.splitlines(keepends=True)
    n = c.prov.line - 1
    body = lines[n].rstrip("\r\n")
    ending = lines[n][len(body) :]
    lines[n] = plant_in_line(body, claims, i, new_raw) + ending
    return "".join(lines), c.prov.line


def plant_in_document(doc: Document, i: int, new_raw: str) -> Document:
    """A copy of ``doc`` whose narrative block holding claim i prints ``new_raw`` instead of the
    claim's number, with the claims read again (what re-reading the planted text file gives, at the
    cost of re-reading the narrative only)."""
    from dataclasses import replace as _replace

    from ...extract.claims import extract_claims
    from ...model import Block, Cell

    c = doc.claims[i]
    for n, b in enumerate(doc.text):
        if b.prov == c.prov:
            break
    else:
        raise ValueError("the claim's block is not in the document's text")
    text = doc.text[n].cells[0].text if len(doc.text[n].cells) == 1 else doc.text[n].text
    new_text = plant_in_line(text, doc.claims, i, new_raw)
    blocks = list(doc.text)
    blocks[n] = Block(b.kind, [Cell(new_text, b.cells[0].prov if b.cells else b.prov)], b.prov)
    planted = _replace(doc, text=blocks, claims=[])
    planted.claims = extract_claims(planted)
    return planted
