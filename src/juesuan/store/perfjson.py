"""``Document.perf`` (绩效自评表 objects of ``juesuan.extract.perf``) and ``Document.text`` to JSON and back.

Stored so that a re-check from the database sees the same self-evaluation tables as the first
check. Generic over dataclasses: each object is ``{"__type__": name, field: value…}``, a Decimal
``{"__dec__": "1.23"}``. A table's ``facts`` are not stored twice: they are the document's facts
whose ``project`` is the table's key, and are restored from those. Rebuilding is best effort: a
field the class no longer has is dropped, a missing one takes its default; if a class cannot be
built at all the document comes back without perf tables (and says so in its warnings).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from ..model import Block, Cell, Fact, Provenance

_SKIP_FIELDS = {"PerfTable": {"facts"}}


def to_json(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return {"__dec__": format(obj, "f")}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        name = type(obj).__name__
        out: dict[str, Any] = {"__type__": name}
        for f in dataclasses.fields(obj):
            if f.name not in _SKIP_FIELDS.get(name, ()):
                out[f.name] = to_json(getattr(obj, f.name))
        return out
    if isinstance(obj, (list, tuple)):
        return [to_json(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): to_json(v) for k, v in obj.items()}
    return obj


def _classes() -> dict[str, type]:
    found: dict[str, type] = {"Provenance": Provenance, "Fact": Fact}
    try:
        from ..extract import perf

        for name in dir(perf):
            cls = getattr(perf, name)
            if isinstance(cls, type) and dataclasses.is_dataclass(cls):
                found[name] = cls
    except ImportError:  # pragma: no cover
        pass
    return found


def from_json(data: Any, classes: dict[str, type] | None = None) -> Any:
    classes = classes if classes is not None else _classes()
    if isinstance(data, list):
        return [from_json(x, classes) for x in data]
    if isinstance(data, dict):
        if "__dec__" in data:
            return Decimal(data["__dec__"])
        if "__type__" in data:
            cls = classes.get(data["__type__"])
            if cls is None:
                raise TypeError(f"unknown type {data['__type__']!r}")
            names = {f.name for f in dataclasses.fields(cls)}
            kwargs = {k: from_json(v, classes) for k, v in data.items() if k in names}
            return cls(**kwargs)
        return {k: from_json(v, classes) for k, v in data.items()}
    return data


def perf_to_json(perf: list[Any]) -> list[Any] | None:
    return [to_json(p) for p in perf] if perf else None


def perf_from_json(data: list[Any] | None, facts: list[Fact], warnings: list[str]) -> list[Any]:
    if not data:
        return []
    try:
        tables = from_json(data)
    except Exception as exc:
        warnings.append(f"绩效自评表无法从数据库还原 ({type(exc).__name__}: {exc})")
        return []
    by_project: dict[str, list[Fact]] = {}
    for f in facts:
        if f.project:
            by_project.setdefault(f.project, []).append(f)
    for t in tables:
        if hasattr(t, "facts") and not t.facts:
            key = getattr(t, "key", "") or getattr(t, "project", "")
            table_id = getattr(t, "table_id", None)
            t.facts = [f for f in by_project.get(key, []) if table_id is None or f.table == table_id]
    return tables


# --------------------------------------------------------------------------- narrative blocks


def _prov_json(p: Provenance) -> list[Any]:
    out: list[Any] = [p.line, p.page, p.ref]
    if p.bbox is not None:
        out.append(list(p.bbox))
    return out


def _prov_from(d: list[Any]) -> Provenance:
    bbox = tuple(d[3]) if len(d) > 3 and d[3] is not None else None
    return Provenance(line=d[0], page=d[1], ref=d[2], bbox=bbox)  # type: ignore[arg-type]


def blocks_to_json(blocks: list[Block]) -> list[Any] | None:
    """``Document.text`` compactly: ``{"k": kind, "p": prov, "c": [[text, prov], …]}``."""
    if not blocks:
        return None
    return [
        {"k": b.kind, "p": _prov_json(b.prov), "c": [[c.text, _prov_json(c.prov)] for c in b.cells]}
        for b in blocks
    ]


def blocks_from_json(data: list[Any] | None) -> list[Block]:
    if not data:
        return []
    return [
        Block(d["k"], [Cell(text, _prov_from(p)) for text, p in d["c"]], _prov_from(d["p"]))
        for d in data
    ]
