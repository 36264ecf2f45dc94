"""Corpus rules against the store: which stored documents a document is compared with, and the
findings of :mod:`juesuan.rules.corpus` stored with a document's check.

    from juesuan.store.corpus import StorePeers, corpus_findings, refresh_after_ingest

    corpus_findings(store, doc, exclude_sha=sha)     # findings of a document not (yet) stored
    refresh_after_ingest(store, document_id)         # after an ingest: this document and its
                                                     # neighbours (prior/next year, versions,
                                                     # units, budget) get their JS-CO findings

The corpus findings of a stored document live in its latest check, beside the catalog's; a
refresh replaces them (and the check's counts) and leaves every other finding alone. A document
stored without a check (no rule engine) gets none.

A stored document's kind is ``documents.kind`` when set (migration 0004), else read from the
tables it has (a ``budget_*`` table: a budget); its scope is ``documents.scope`` (0003), else
``department``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

from sqlalchemy import and_, func, insert, select

from ..model import Document, Finding
from . import schema as S
from .records import cell_to_json, finding_extra

_SEVERITIES = ("error", "warning", "info")


class StorePeers:
    """The store's documents as :class:`juesuan.rules.corpus.Peers` (the checked one left out)."""

    def __init__(self, store: Any, *, exclude_id: int | None = None, exclude_sha: str | None = None) -> None:
        self.store = store
        self.exclude_id = exclude_id
        self.current_id = exclude_id  # the checked document, when stored (Peers.current_id)
        self.exclude_sha = exclude_sha
        self._loaded: dict[int, Document] = {}

    def candidates(self, years: Iterable[int]):  # type: ignore[no-untyped-def]
        from ..rules.corpus import PeerInfo

        wanted = sorted({int(y) for y in years if y is not None})
        if not wanted:
            return []
        d = S.documents
        cols = [d.c.id, d.c.department, d.c.year, d.c.sha256, d.c.file_name, d.c.scope]
        has_kind = "kind" in d.c
        if has_kind:
            cols.append(d.c.kind)
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(*cols).where(d.c.year.in_(wanted)).order_by(d.c.id)).all()
            ids = [r.id for r in rows]
            budgets: set[int] = set()
            if ids:
                t = S.tables_found
                budgets = set(
                    conn.execute(
                        select(t.c.document_id).where(t.c.document_id.in_(ids)).where(t.c.table_id.like("budget\\_%", escape="\\")).distinct()
                    ).scalars()
                )
        out = []
        for r in rows:
            if r.id == self.exclude_id or (self.exclude_sha and r.sha256 == self.exclude_sha):
                continue
            kind = (r.kind if has_kind else None) or ("budget" if r.id in budgets else "final")
            out.append(PeerInfo(r.id, r.department, r.year, kind, r.scope or "department", r.sha256, r.file_name or ""))
        return out

    def load(self, peer) -> Document:  # type: ignore[no-untyped-def]
        doc = self._loaded.get(peer.id)
        if doc is None:
            doc = self.store.load_document(peer.id)
            doc.kind, doc.scope = peer.kind, peer.scope  # type: ignore[assignment]
            self._loaded[peer.id] = doc
        return doc


def corpus_findings(store: Any, doc: Document, *, exclude_id: int | None = None, exclude_sha: str | None = None) -> list[Finding]:
    """The corpus rules' findings of ``doc`` against every other stored document."""
    from ..rules.corpus import check_corpus

    return check_corpus(doc, StorePeers(store, exclude_id=exclude_id, exclude_sha=exclude_sha))


def _stored_document(store: Any, document_id: int) -> Document | None:
    peers = StorePeers(store)
    d = S.documents
    with store.engine.connect() as conn:
        r = conn.execute(select(d.c.year).where(d.c.id == document_id)).first()
    if r is None:
        return None
    for p in peers.candidates([r.year] if r.year is not None else []):
        if p.id == document_id:
            return peers.load(p)
    doc = store.load_document(document_id)  # no year: no corpus rule applies, but load it anyway
    return doc


def refresh(store: Any, document_id: int) -> list[Finding] | None:
    """Recompute the corpus findings of a stored document into its latest check; returns them
    (None when the document has no check to add them to)."""
    from ..rules.corpus import CORPUS_RULE_IDS

    with store.engine.connect() as conn:
        check = conn.execute(
            select(S.checks.c.id, S.checks.c.rules_version)
            .where(S.checks.c.document_id == document_id)
            .order_by(S.checks.c.id.desc())
            .limit(1)
        ).first()
    if check is None:
        return None
    doc = _stored_document(store, document_id)
    if doc is None:
        return None
    found = corpus_findings(store, doc, exclude_id=document_id)
    fi = S.findings
    with store.engine.begin() as conn:
        conn.execute(fi.delete().where(and_(fi.c.check_id == check.id, fi.c.rule.in_(sorted(CORPUS_RULE_IDS)))))
        last = conn.execute(select(func.max(fi.c.position)).where(fi.c.check_id == check.id)).scalar()
        start = -1 if last is None else int(last)
        if found:
            conn.execute(
                insert(fi),
                [
                    {
                        "document_id": document_id, "check_id": check.id, "rules_version": check.rules_version,
                        "position": start + 1 + i, "rule": f.rule, "severity": f.severity, "family": f.family or "",
                        "title": f.title, "message": f.message, "tables": list(f.tables),
                        "cells": [cell_to_json(c) for c in f.cells], "expected": f.expected,
                        "printed": f.printed, "difference": f.difference, "extra": finding_extra(f),
                    }  # fmt: skip
                    for i, f in enumerate(found)
                ],
            )
        counts: dict[str, int] = defaultdict(int)
        for sev, n in conn.execute(
            select(fi.c.severity, func.count()).where(fi.c.check_id == check.id).group_by(fi.c.severity)
        ):
            counts[sev] = int(n)
        conn.execute(
            S.checks.update()
            .where(S.checks.c.id == check.id)
            .values(errors=counts["error"], warnings=counts["warning"], infos=counts["info"])
        )
    return found


def related(store: Any, document_id: int) -> list[int]:
    """Stored documents whose corpus findings may change when this one is stored: its
    department's (or a department/unit whose name is a prefix of the other's) documents of the
    same year and the next."""
    d = S.documents
    with store.engine.connect() as conn:
        me = conn.execute(select(d.c.department, d.c.year).where(d.c.id == document_id)).first()
        if me is None or not me.department or me.year is None:
            return []
        rows = conn.execute(
            select(d.c.id, d.c.department)
            .where(d.c.year.in_([me.year, me.year + 1]))
            .where(d.c.id != document_id)
            .where(d.c.department.is_not(None))
            .order_by(d.c.id)
        ).all()
    name = me.department
    return [r.id for r in rows if r.department == name or r.department.startswith(name) or name.startswith(r.department)]


def refresh_after_ingest(store: Any, document_id: int) -> dict[int, int]:
    """After ``document_id`` was stored: its corpus findings and its neighbours' (see
    :func:`related`). Returns {document id: number of corpus findings} for the documents
    refreshed."""
    out: dict[int, int] = {}
    for i in [document_id, *related(store, document_id)]:
        got = refresh(store, i)
        if got is not None:
            out[i] = len(got)
    return out


__all__ = ["StorePeers", "corpus_findings", "refresh", "refresh_after_ingest", "related"]
