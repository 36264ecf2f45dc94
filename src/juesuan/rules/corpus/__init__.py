"""Corpus rules (family CO, 跨文档): rules that need more than one document, run against the store.

    >>> from juesuan.rules.corpus import CORPUS_RULES, check_corpus, MemoryPeers
    >>> findings = check_corpus(doc, MemoryPeers([last_year_doc]))   # or juesuan.store.corpus.StorePeers

* JS-CO-001 (:mod:`.prior_year`): the narrative's 上年 figures against last year's stored final accounts;
* JS-CO-002 (:mod:`.versions`): a resubmission that changed the tables or the narrative, not both;
* JS-CO-003 (:mod:`.units`): a unit's totals against its department's consolidated document;
* JS-CO-004 / JS-CO-005 (:mod:`.budget`): 年初预算数 (三公 table, narrative) against the stored budget.

They run from ``juesuan ingest`` and the web upload queue after a document is stored (their
findings are stored with its check, :mod:`juesuan.store.corpus`) and from ``juesuan check FILE
--db URL``. Their examples are sets of documents (:class:`~.base.CorpusExample`), documented in
docs/rules.md and run by tests/test_corpus_rules.py.
"""

from __future__ import annotations

from typing import Iterable

from ...model import Document, Finding
from . import budget, prior_year, units, versions
from .base import CorpusExample, CorpusRule, MemoryPeers, PeerInfo, Peers, example_documents, run_corpus

CORPUS_RULES: tuple[CorpusRule, ...] = (*prior_year.RULES, *versions.RULES, *units.RULES, *budget.RULES)

_BY_ID = {r.id: r for r in CORPUS_RULES}
assert len(_BY_ID) == len(CORPUS_RULES), "duplicate corpus rule id"
CORPUS_RULE_IDS = frozenset(_BY_ID)


def check_corpus(doc: Document, peers: Peers, rules: Iterable[CorpusRule] | None = None) -> list[Finding]:
    """The corpus findings of ``doc`` against ``peers`` (never including ``doc`` itself)."""
    return run_corpus(doc, peers, CORPUS_RULES if rules is None else rules)


__all__ = [
    "CORPUS_RULES", "CORPUS_RULE_IDS", "CorpusExample", "CorpusRule", "MemoryPeers", "PeerInfo", "Peers",
    "check_corpus", "example_documents",
]  # fmt: skip
