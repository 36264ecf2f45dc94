"""The narrative judgements of one document, computed once, and how a judgement becomes an Issue."""

from __future__ import annotations


from ...model import CellRef, Claim
from ..engine import Context, Issue
from ..link import Linker, link, outline_of
from .amounts import _amounts, _fund_split, _running_cost
from .base import Analysis, Item, subject_name
from .plausibility import _plausibility
from .ratios import _changes, _completion, _shares
from .sums import _sums


def analysis(ctx: Context) -> Analysis:
    """The narrative judgements of a document (computed once per rule context)."""
    got = ctx.__dict__.get("_narrative")
    if got is None:
        got = _analyse(ctx)
        ctx.__dict__["_narrative"] = got
    return got


def _analyse(ctx: Context) -> Analysis:
    doc = ctx.doc
    ol = outline_of(ctx)
    linker = Linker(doc, ctx.index)
    linking = link(doc, ol, linker, copy=False)
    sentence: list[int] = []
    members: list[list[int]] = []
    prev = None
    for i, c in enumerate(doc.claims):
        if c.text != prev or not members:
            members.append([])
            prev = c.text
        members[-1].append(i)
        sentence.append(len(members) - 1)
    a = Analysis(doc, linking, ol, linker, sentence, members)
    for i, c in enumerate(doc.claims):
        if c.kind == "amount" and i not in linking.partial:
            a.amounts.setdefault(c.subject, []).append(i)
    if not doc.claims:
        return a
    for keys in linking.terms.values():
        a.read.update(keys)
    _amounts(ctx, a)
    _fund_split(ctx, a)
    _shares(ctx, a)
    _changes(ctx, a)
    _completion(ctx, a)
    _plausibility(ctx, a)
    _sums(ctx, a)
    _running_cost(ctx, a)
    return a

# --------------------------------------------------------------------------- findings


def _narrative_cell(c: Claim, year: int | None) -> CellRef:
    return CellRef(
        "narrative", c.subject, c.kind, c.raw, c.prov.page, c.prov.line, subject_name(c.subject, year),
        ref=c.prov.ref,
    )


def sentence_of(c: Claim) -> dict:
    """The ``Finding.sentence`` of a claim: its sentence, where it is printed, and the number."""
    return {"text": c.text, "line": c.prov.line, "page": c.prov.page, "number": c.raw}


def _issue(ctx: Context, a: Analysis, item: Item) -> Issue:
    claims = a.doc.claims
    primary = claims[item.claims[0]]
    cells = [_narrative_cell(claims[j], a.doc.year) for j in dict.fromkeys(item.claims)]
    cells += [ctx.cellref(k) for k in dict.fromkeys(item.keys)]
    tables = list(dict.fromkeys([*(k[0] for k in item.keys), "narrative"]))
    return Issue(
        dict(item.fields), tables, cells, row=None, expected=item.expected, printed=item.printed,
        difference=item.difference, sentence=sentence_of(primary),
    )
