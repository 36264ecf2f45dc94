"""Storage of parsed documents, their facts and findings (SQLAlchemy 2 + Alembic).

    from juesuan.store import open_store

    store = open_store("sqlite:///juesuan.db")        # or postgresql://…, or $JUESUAN_DB
    outcome = store.ingest_path("dept-2024.pdf")      # IngestOutcome; idempotent by sha256
    store.documents()                                 # [StoredDocument]
    store.facts(outcome.document_id, table="expenditure", level="类")
    store.aggregate(outcome.document_id, table="expenditure", level="款")
    store.findings(outcome.document_id, severity="error")
    store.compare(["辽宁省抚顺市人力资源和社会保障局", "晋城市人力资源和社会保障局"], 2024)
"""

from __future__ import annotations

from .engine import default_url, normalize_url
from .records import (
    Comparison,
    DepartmentInfo,
    Figures,
    FunctionAmount,
    IngestOutcome,
    StoredDocument,
    StoredFact,
    StoredFinding,
)
from .regions import Region, region_of
from .store import Store, file_sha256, open_store

__all__ = [
    "Comparison",
    "DepartmentInfo",
    "Figures",
    "FunctionAmount",
    "IngestOutcome",
    "Region",
    "Store",
    "StoredDocument",
    "StoredFact",
    "StoredFinding",
    "default_url",
    "file_sha256",
    "normalize_url",
    "open_store",
    "region_of",
]
