"""The batch's outputs in DIR: four Parquet files written as results come, and the manifest.

``documents.parquet`` (one row per input), ``facts.parquet`` (the facts contract's columns, the
fact's box, the document's path and sha256), ``findings.parquet`` and ``claims.parquet``. Each is
written to ``NAME.parquet.partial`` with a :class:`pyarrow.parquet.ParquetWriter` (row groups
flushed every :data:`FLUSH_ROWS` rows) and renamed over the old one when the run ends, so a run
that crashes half-way leaves the previous outputs whole; one interrupted (Ctrl-C) commits what it
did, and the next run processes only the rest.

The manifest (``manifest.json``) maps each document's sha256 to its row in ``documents.parquet``;
a later run skips an input whose hash is in it and copies that document's earlier rows from the
previous outputs into the new ones (nothing is lost; rows of inputs no longer given are dropped).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

FLUSH_ROWS = 50_000
MANIFEST = "manifest.json"
MANIFEST_VERSION = 1

_S, _I, _F = pa.string(), pa.int64(), pa.float64()

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [("path", _S), ("sha256", _S), ("status", _S), ("reason", _S), ("kind", _S), ("family", _S),
         ("department", _S), ("year", _I), ("pages", _I), ("errors", _I), ("warnings", _I), ("infos", _I),
         ("seconds", _F)]
    ),  # fmt: skip
    "facts": pa.schema(
        [("table", _S), ("row", _S), ("column", _S), ("value", _S), ("line", _I), ("page", _I), ("raw", _S),
         ("label", _S), ("project", _S), ("ref", _S), ("bbox", _S), ("path", _S), ("sha256", _S)]
    ),  # fmt: skip
    "findings": pa.schema(
        [("rule", _S), ("severity", _S), ("title", _S), ("fingerprint", _S), ("message", _S),
         ("tables", pa.list_(_S)), ("cells", _S), ("expected", _S), ("printed", _S), ("difference", _S),
         ("path", _S), ("sha256", _S)]
    ),  # fmt: skip
    "claims": pa.schema(
        [("subject", _S), ("kind", _S), ("value", _S), ("unit", _S), ("line", _I), ("page", _I), ("text", _S),
         ("direction", _S), ("whole", _S), ("raw", _S), ("path", _S), ("sha256", _S)]
    ),  # fmt: skip
}
ROW_TABLES = ("facts", "findings", "claims")


def as_table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows of output ``name`` as an Arrow table of its schema."""
    return pa.Table.from_pylist(rows, schema=SCHEMAS[name])


class _Stream:
    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.final = path
        self.partial = path.with_name(path.name + ".partial")
        self.schema = schema
        self.writer = pq.ParquetWriter(self.partial, schema, compression="zstd")
        self.buffer: list[dict[str, Any]] = []
        self.tables: list[pa.Table] = []
        self.buffered = 0
        self.rows = 0

    def add(self, rows: Iterable[dict[str, Any]] | pa.Table) -> None:
        if isinstance(rows, pa.Table):
            self.tables.append(rows)
            self.buffered += rows.num_rows
        else:
            before = len(self.buffer)
            self.buffer.extend(rows)
            self.buffered += len(self.buffer) - before
        if self.buffered >= FLUSH_ROWS:
            self.flush()

    def add_table(self, table: pa.Table) -> None:
        self.flush()
        if table.num_rows:
            self.writer.write_table(table.select(self.schema.names).cast(self.schema))
            self.rows += table.num_rows

    def flush(self) -> None:
        if self.buffer:
            self.tables.append(pa.Table.from_pylist(self.buffer, schema=self.schema))
            self.buffer = []
        tables = [t for t in self.tables if t.num_rows]
        if tables:
            table = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
            self.writer.write_table(table.combine_chunks())
            self.rows += table.num_rows
        self.tables, self.buffered = [], 0

    def close(self, commit: bool) -> None:
        self.flush()
        self.writer.close()
        if commit:
            os.replace(self.partial, self.final)
        else:
            self.partial.unlink(missing_ok=True)


class BatchOutputs:
    """The four Parquet streams of one run, and the manifest of the previous one."""

    def __init__(self, out_dir: Path) -> None:
        self.dir = out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        self.previous = load_manifest(out_dir)
        self.streams = {name: _Stream(out_dir / f"{name}.parquet", schema) for name, schema in SCHEMAS.items()}
        self.manifest: dict[str, dict[str, Any]] = {}
        self._carried: set[str] = set()

    def add(self, result: Any) -> None:
        """A :class:`~juesuan.batch.process.DocResult` just processed."""
        row = result.document_row()
        self.streams["documents"].add([row])
        for name in ROW_TABLES:
            self.streams[name].add(getattr(result, name))
        if result.sha256 and result.status != "skipped":
            self.manifest[result.sha256] = row

    def skip(self, shown: str, sha256: str) -> dict[str, Any]:
        """An unchanged input: its earlier document row (status skipped) and, later, its rows."""
        before = dict(self.previous[sha256])
        earlier = before.get("status", "")
        before.update(path=shown, status="skipped", seconds=0.0)
        before["reason"] = f"内容未变，沿用上次结果（上次：{earlier}{'，' + before['reason'] if before.get('reason') else ''}）"
        self.streams["documents"].add([before])
        self.manifest[sha256] = self.previous[sha256]
        self._carried.add(sha256)
        return before

    def _carry_rows(self) -> None:
        """Copy the skipped documents' facts, findings and claims from the previous outputs."""
        if not self._carried:
            return
        import pyarrow.compute as pc

        keep = pa.array(sorted(self._carried), type=pa.string())
        for name in ROW_TABLES:
            old = self.dir / f"{name}.parquet"
            if not old.exists():
                continue
            pf = pq.ParquetFile(old)
            for batch in pf.iter_batches(batch_size=FLUSH_ROWS):
                table = pa.Table.from_batches([batch])
                self.streams[name].add_table(table.filter(pc.is_in(table["sha256"], value_set=keep)))

    def close(self, commit: bool = True) -> None:
        if commit:
            self._carry_rows()
        for stream in self.streams.values():
            stream.close(commit)
        if commit:
            save_manifest(self.dir, self.manifest)


def load_manifest(out_dir: Path) -> dict[str, dict[str, Any]]:
    path = out_dir / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return {}
    docs = data.get("documents")
    if not isinstance(docs, dict):
        return {}
    # the earlier rows must still be there to be carried over
    if docs and not all((out_dir / f"{n}.parquet").exists() for n in ("documents", *ROW_TABLES)):
        return {}
    return docs


def save_manifest(out_dir: Path, documents: dict[str, dict[str, Any]]) -> None:
    path = out_dir / MANIFEST
    tmp = path.with_name(MANIFEST + ".partial")
    tmp.write_text(
        json.dumps({"version": MANIFEST_VERSION, "documents": documents}, ensure_ascii=False, indent=0),
        encoding="utf-8",
    )
    os.replace(tmp, path)


__all__ = ["BatchOutputs", "MANIFEST", "SCHEMAS", "load_manifest", "save_manifest"]
