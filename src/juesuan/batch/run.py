"""A whole batch: discover the inputs, skip the unchanged, run an engine, write the outputs.

    from juesuan.batch import BatchConfig, run_batch
    outcome = run_batch(["corpus/", "more.zip"], BatchConfig(out_dir=Path("out"), workers=2))

Documents are stored in a database (``db``) from this process only, as ``juesuan ingest``
stores them, with the check result the worker computed.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .engines import EngineOptions, make_engine
from .inputs import discover, hashed
from .outputs import BatchOutputs
from .process import FAILED, OK, SKIPPED, DocResult, Task

log = logging.getLogger("juesuan.batch")


@dataclass(slots=True)
class BatchConfig:
    out_dir: Path
    workers: int = 0  # 0: the CPU count
    engine: str = "local"  # local | ray
    seconds: int = 300  # time limit per document (0 = none)
    memory_mb: int = 2048  # memory cap per worker (0 = none)
    db: str | None = None  # store documents here too (juesuan.store URL)
    summary: bool = True  # write summary.html and summary.xlsx

    def resolved_workers(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)


@dataclass(slots=True)
class BatchOutcome:
    inputs: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    errors: int = 0  # error findings, skipped documents' included
    pages: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # folders or globs with nothing in them
    failures: list[tuple[str, str]] = field(default_factory=list)
    db_errors: list[tuple[str, str]] = field(default_factory=list)
    peak_rss_kb: int = 0  # the largest worker peak seen
    cpu_seconds: float = 0.0  # CPU time the workers spent on the documents processed
    first_result: float = 0.0  # seconds from the start to the first processed result (pool start)
    last_result: float = 0.0  # … and to the last one

    @property
    def usable(self) -> int:
        return self.ok + self.skipped


Callback = Callable[[DocResult], None]


def run_batch(
    paths: list[str],
    config: BatchConfig,
    *,
    on_total: Callable[[int], None] | None = None,
    on_result: Callback | None = None,
) -> BatchOutcome:
    """Run the batch; ``on_total(n)`` once the inputs are known, ``on_result`` after each one."""
    started = time.monotonic()
    outcome = BatchOutcome()
    workdir = Path(tempfile.mkdtemp(prefix="juesuan-batch-"))
    outputs = BatchOutputs(config.out_dir)
    store = _open_store(config.db) if config.db else None
    committed = False
    try:
        inputs, outcome.notes = discover(paths, workdir)
        outcome.inputs = len(inputs)
        if on_total:
            on_total(len(inputs))
        tasks: list[Task] = []
        seen: dict[str, str] = {}

        def finish(result: DocResult) -> None:
            if result.status == OK:
                outcome.ok += 1
                outcome.errors += result.errors
                outcome.pages += result.pages or 0
                if store is not None:
                    _store(store, result, outcome)
            elif result.status == FAILED:
                outcome.failed += 1
                outcome.failures.append((result.path, result.reason))
            outcome.peak_rss_kb = max(outcome.peak_rss_kb, result.peak_rss_kb)
            outcome.cpu_seconds += result.cpu_seconds
            if result.status != SKIPPED:
                outcome.last_result = time.monotonic() - started
                outcome.first_result = outcome.first_result or outcome.last_result
            result.objects = None
            outputs.add(result)
            if on_result:
                on_result(result)

        for item, sha, problem in hashed(inputs):
            if sha is None:
                finish(DocResult(item.shown, "", FAILED, reason=problem))
            elif sha in seen:
                finish(DocResult(item.shown, sha, SKIPPED, reason=f"与 {seen[sha]} 内容相同，未重复处理"))
            elif sha in outputs.previous:
                seen[sha] = item.shown
                row = outputs.skip(item.shown, sha)
                outcome.skipped += 1
                outcome.errors += int(row.get("errors") or 0)
                if on_result:
                    on_result(DocResult(item.shown, sha, SKIPPED, reason=row["reason"], pages=row.get("pages")))
            else:
                seen[sha] = item.shown
                tasks.append(Task(item.path, item.shown, sha))
        if tasks:
            options = EngineOptions(
                workers=min(config.resolved_workers(), len(tasks)),
                seconds=config.seconds,
                memory_bytes=config.memory_mb * 1024 * 1024,
                keep_objects=store is not None,
            )
            engine = make_engine(config.engine, options)
            try:
                for result in engine.run(tasks):
                    finish(result)
            except KeyboardInterrupt:  # keep what was done: the next run goes on from there
                outputs.close(commit=True)
                committed = True
                raise
            finally:
                engine.close()
        outputs.close(commit=True)
        committed = True
        if config.summary:
            from .summary import write_summary

            write_summary(config.out_dir, outcome)
    finally:
        if not committed:
            outputs.close(commit=False)
        if store is not None:
            store.close()
        shutil.rmtree(workdir, ignore_errors=True)
    outcome.seconds = time.monotonic() - started
    return outcome


def _open_store(url: str) -> Any:
    from ..store import open_store

    return open_store(url)


def _store(store: Any, result: DocResult, outcome: BatchOutcome) -> None:
    """Store one document as ``juesuan ingest`` does (idempotent by sha256)."""
    if result.objects is None:
        return
    try:
        doc, check_result = pickle.loads(result.objects)
        stored = store.ingest_document(doc, result.sha256, file_name=Path(result.path).name, result=check_result)
        if stored.status == "ingested":  # the corpus rules (JS-CO), as juesuan ingest runs them
            from ..store.corpus import refresh_after_ingest

            refresh_after_ingest(store, stored.document_id)
    except Exception as exc:  # noqa: BLE001 - one document not stored must not stop the run
        log.exception("storing %s failed", result.path)
        from ..cli_store import _reason

        outcome.db_errors.append((result.path, _reason(exc)))


__all__ = ["BatchConfig", "BatchOutcome", "run_batch"]
