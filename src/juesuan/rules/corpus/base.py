"""What a corpus rule is: a rule that reads the document being checked *and* other stored documents.

A corpus rule's check takes the document and a :class:`Peers` (the other documents it may compare
with: the store, through :mod:`juesuan.store.corpus`, or a list in memory for examples and tests)
and yields :class:`~juesuan.rules.engine.Issue` objects, as completeness and narrative rules do.
Its examples are pairs (or sets) of documents: the one checked and the ones stored
(:class:`CorpusExample`).

Which stored documents are "the same department": the department name as printed, exactly (the
store's departments are keyed by it). A unit (``Document.scope == "unit"``) belongs to the stored
department-scope document of the same year and kind whose name is the longest proper prefix of
the unit's name (本级/机关 suffixes aside); units of a department printed under unrelated names
are not matched (nothing is reported rather than a wrong pair).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable, Iterator, Protocol, Sequence

from ..engine import Example, Issue, example_document
from ...model import CellRef, Document, Fact, Finding, Severity, SEVERITY_ORDER

FAMILY = "CO"
FAMILY_NAME = "跨文档"


@dataclass(frozen=True, slots=True)
class PeerInfo:
    """A stored document, as much as a rule needs to choose it before loading it."""

    id: int
    department: str | None
    year: int | None
    kind: str  # final | budget | unknown
    scope: str  # department | unit
    sha256: str = ""
    file_name: str = ""


class Peers(Protocol):
    """The other documents a corpus rule may read (never the document being checked).
    ``current_id``: the checked document's own id when it is stored (peers with a smaller id
    were stored before it), else None (every peer counts as stored before it)."""

    current_id: int | None

    def candidates(self, years: Iterable[int]) -> list[PeerInfo]:
        """Stored documents of these years, oldest stored first."""
        ...

    def load(self, peer: PeerInfo) -> Document:
        ...


class MemoryPeers:
    """Peers from a list of documents (examples, tests)."""

    current_id: int | None = None

    def __init__(self, documents: Sequence[Document]) -> None:
        self._docs = list(documents)

    def candidates(self, years: Iterable[int]) -> list[PeerInfo]:
        wanted = set(years)
        return [
            PeerInfo(i, d.department, d.year, d.kind, d.scope, file_name=d.source)
            for i, d in enumerate(self._docs, start=1)
            if d.year in wanted
        ]

    def load(self, peer: PeerInfo) -> Document:
        return self._docs[peer.id - 1]


@dataclass(frozen=True, slots=True)
class CorpusExample:
    """A document checked against stored ones; each is a tiny :class:`Example` (``meta`` sets its
    department, year, kind, scope)."""

    document: Example
    stored: tuple[Example, ...] = ()
    note: str = ""


def cex(document: Example, *stored: Example, note: str = "") -> CorpusExample:
    return CorpusExample(document, tuple(stored), note)


def example_documents(example: CorpusExample) -> tuple[Document, MemoryPeers]:
    def build(e: Example) -> Document:
        meta = dict(e.meta)
        year = meta.get("year", 2024)
        return example_document(e, year=year if isinstance(year, int) else 2024)

    return build(example.document), MemoryPeers([build(e) for e in example.stored])


@dataclass(frozen=True)
class CorpusRule:
    id: str
    title: str
    severity: Severity
    legal_basis: str
    message: str  # str.format template with named fields
    doc: str
    check: Callable[[Document, Peers], Iterable[Issue]]
    passing: tuple[CorpusExample, ...] = ()
    failing: tuple[CorpusExample, ...] = ()
    family: str = FAMILY

    @property
    def family_name(self) -> str:
        return FAMILY_NAME

    def example_ids(self) -> tuple[list[str], list[str]]:
        return (
            [f"{self.id}-P{i}" for i in range(1, len(self.passing) + 1)],
            [f"{self.id}-F{i}" for i in range(1, len(self.failing) + 1)],
        )


# --------------------------------------------------------------------------- choosing peers


def kind_of(doc: Document) -> str:
    return "final" if doc.kind == "unknown" else doc.kind


_UNIT_SUFFIXES = ("（本级）", "(本级)", "本级", "机关")


def same_series(doc: Document, peers: Peers, *, year: int, kind: str, scope: str | None = None) -> list[PeerInfo]:
    """Stored documents of ``doc``'s department (same printed name) for ``year`` and ``kind``
    (and ``scope``, default ``doc``'s), oldest stored first."""
    if not doc.department:
        return []
    want_scope = scope or doc.scope
    return [
        p for p in peers.candidates([year])
        if p.department == doc.department and (p.kind == kind or (kind == "final" and p.kind == "unknown"))
        and p.scope == want_scope
    ]  # fmt: skip


def parent_department(doc: Document, peers: Peers) -> PeerInfo | None:
    """The stored department-scope document of a unit's department (same year and kind): the
    longest stored department name that is a proper prefix of the unit's name, or equal to it
    once a 本级/机关 suffix is taken off. None when there is none."""
    if doc.scope != "unit" or not doc.department or doc.year is None:
        return None
    name = doc.department
    bare = name
    for s in _UNIT_SUFFIXES:
        if bare.endswith(s) and len(bare) > len(s):
            bare = bare[: -len(s)]
            break
    best: PeerInfo | None = None
    for p in peers.candidates([doc.year]):
        if p.scope != "department" or not p.department or p.kind != kind_of(doc):
            continue
        if p.department == bare or (name.startswith(p.department) and len(p.department) < len(name)):
            if best is None or len(p.department) > len(best.department or "") or (
                len(p.department) == len(best.department or "") and p.id > best.id
            ):
                best = p
    return best


def latest(peers: list[PeerInfo]) -> PeerInfo | None:
    return max(peers, key=lambda p: p.id) if peers else None


# --------------------------------------------------------------------------- facts


def amounts(doc: Document) -> dict[tuple[str, str, str], Fact]:
    return doc.index()


def cell(fact: Fact | None, key: tuple[str, str, str], label: str = "") -> CellRef:
    if fact is not None:
        return CellRef.of(fact)
    return CellRef(key[0], key[1], key[2], "", label=label)


def other_cell(fact: Fact, peer: PeerInfo) -> CellRef:
    """A cell of another document: its label says which document."""
    c = CellRef.of(fact)
    where = peer.file_name or f"#{peer.id}"
    return CellRef(c.table, c.row, c.column, c.value, c.page, c.line, f"{c.label}（{where}）".strip(), c.project, c.ref)


def precise(value: Decimal) -> Decimal:
    """A zero printed as 0 or a dash taken at 0.00 (as the engine does)."""
    if value != 0:
        return value
    exp = value.as_tuple().exponent
    return Decimal("0.00") if isinstance(exp, int) and exp > -2 else value


# --------------------------------------------------------------------------- running


def run_corpus(doc: Document, peers: Peers, rules: Iterable[CorpusRule]) -> list[Finding]:
    """The findings of corpus ``rules`` on ``doc`` against ``peers``, errors first."""
    out: list[Finding] = []
    for rule in rules:
        for item in rule.check(doc, peers):
            out.append(
                Finding(
                    rule.id, rule.severity, rule.title, rule.message.format(**item.fields),
                    list(item.tables), list(item.cells), expected=item.expected, printed=item.printed,
                    difference=item.difference, family=rule.family, sentence=item.sentence,
                )
            )
    out.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.rule))
    return out


def issues(items: Iterator[Issue]) -> list[Issue]:  # pragma: no cover - a typing helper
    return list(items)


__all__ = [
    "CorpusExample", "CorpusRule", "FAMILY", "FAMILY_NAME", "MemoryPeers", "PeerInfo", "Peers", "cex",
    "example_documents", "latest", "parent_department", "run_corpus", "same_series",
]  # fmt: skip
