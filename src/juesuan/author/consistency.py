"""Refuse input that breaks an identity: the rule engine run on the input facts alone."""

from __future__ import annotations

from ..model import Finding
from ..rules.catalog import check
from .factset import FactSet

# rule families about the tables' own numbers (the narrative does not exist yet)
TABLE_FAMILIES = ("AR", "SB", "XT", "HI", "RD")  # CP: tables without facts are printed empty


def identity_failures(fs: FactSet, family: str | None = None) -> list[Finding]:
    """The error findings of the table rules on a document holding only these facts."""
    doc = fs.to_document(family=family)
    return [f for f in check(doc).findings if f.severity == "error" and f.family in TABLE_FAMILIES]


def failure_line(f: Finding) -> str:
    return f"{f.rule} {f.message}"
