"""The whole read path: file → blocks → grids → facts, within the limits of :mod:`juesuan.limits`."""

from __future__ import annotations

from pathlib import Path

from .extract import extract
from .extract.budget_claims import extract_budget_claims
from .extract.claims import extract_claims
from .ingest import InputError, read_raw
from .layout import build_layout
from .limits import Limits, time_limit, using
from .model import Document


def read_document(path: str | Path, *, require_tables: bool = True, limits: Limits | None = None) -> Document:
    """Parse a disclosure into a :class:`Document`.

    Raises :class:`InputError` when the file is unusable or (with ``require_tables``) holds
    neither a recognisable standard table nor any figure in its narrative (a document whose tables
    were published as images is still read: its prose is checked and its tables reported missing);
    :class:`~juesuan.ingest.errors.LimitExceeded` (an ``InputError``) when it is past a limit
    (``limits``, default: those in force, from ``JUESUAN_MAX_*``), the time limit included.
    """
    name = Path(path).name
    with using(limits), time_limit(source=name):
        raw = read_raw(path)
        layout = build_layout(raw)
        doc = extract(layout, raw.blocks)
        doc.claims = extract_budget_claims(doc) if doc.kind == "budget" else extract_claims(doc)
    if require_tables and not doc.tables and not doc.claims and doc.kind != "budget":  # budgets: issue 15
        raise InputError(f"{name}: 未找到可识别的决算表格 (no recognisable table)")
    return doc
