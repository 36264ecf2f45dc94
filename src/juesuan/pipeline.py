"""The whole read path: file → blocks → grids → facts."""

from __future__ import annotations

from pathlib import Path

from .extract import extract
from .extract.claims import extract_claims
from .ingest import InputError, read_raw
from .layout import build_layout
from .model import Document


def read_document(path: str | Path, *, require_tables: bool = True) -> Document:
    """Parse a disclosure into a :class:`Document`.

    Raises :class:`InputError` when the file is unusable or (with ``require_tables``) holds
    neither a recognisable standard table nor any figure in its narrative (a document whose tables
    were published as images is still read: its prose is checked and its tables reported missing).
    """
    raw = read_raw(path)
    layout = build_layout(raw)
    doc = extract(layout, raw.blocks)
    doc.claims = extract_claims(doc)
    if require_tables and not doc.tables and not doc.claims:
        raise InputError(f"{Path(path).name}: 未找到可识别的决算表格 (no recognisable table)")
    return doc
