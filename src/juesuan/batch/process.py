"""One document of a batch: read it, check it, turn everything into rows (:class:`DocResult`).

:func:`process` is the function every engine runs, in a worker process (a local pool's process
or a Ray worker): it never raises for what the input did. The time limit is the reading
limits' own (:func:`juesuan.limits.time_limit`, covering the rule check too); the memory cap is
the worker process's address space, set once when the worker starts (:func:`cap_worker`, the
web worker's cap). What goes back to the parent is plain data — the rows of the outputs as Arrow
tables, built here so that the parent only writes them — plus, when the parent stores documents
(``--db``), the pickled document and check result.
"""

from __future__ import annotations

import json
import pickle
import resource
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from ..limits import MEMORY_MESSAGE, set_memory_cap

OK, FAILED, SKIPPED = "ok", "failed", "skipped"


@dataclass(frozen=True, slots=True)
class Task:
    """One input: the file to read, the name shown for it, its content hash."""

    path: str
    shown: str
    sha256: str


@dataclass(frozen=True, slots=True)
class ProcessOptions:
    seconds: int = 300  # time limit per document (0 = none)
    keep_objects: bool = False  # send back the pickled Document and CheckResult (for --db)


@dataclass(slots=True)
class DocResult:
    path: str
    sha256: str
    status: str
    reason: str = ""
    kind: str | None = None
    family: str | None = None
    department: str | None = None
    year: int | None = None
    pages: int | None = None
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    seconds: float = 0.0
    # rows for the outputs: lists of dicts, or Arrow tables built by the worker (the parent then
    # only writes them: its CPU is what limits scaling)
    facts: Any = field(default_factory=list)
    findings: Any = field(default_factory=list)
    claims: Any = field(default_factory=list)
    objects: bytes | None = None  # pickle of (Document, CheckResult | None) when asked for
    peak_rss_kb: int = 0  # the worker process's peak resident memory so far
    cpu_seconds: float = 0.0  # CPU time the worker spent on this document

    def document_row(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "status": self.status,
            "reason": self.reason,
            "kind": self.kind,
            "family": self.family,
            "department": self.department,
            "year": self.year,
            "pages": self.pages,
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": self.infos,
            "seconds": round(self.seconds, 4),
        }


def failed(task: Task, reason: str, seconds: float = 0.0) -> DocResult:
    return DocResult(task.shown, task.sha256, FAILED, reason=reason, seconds=seconds)


def cap_worker(memory_bytes: int) -> None:
    """A local worker's start: cap its address space, import the readers and rules."""
    set_memory_cap(memory_bytes)
    from .. import pipeline, rules  # noqa: F401 - warm: the first document pays no imports


def _peak_rss_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _user_text(message: str, task: Task) -> str:
    """A reader's message naming the file as the user gave it (a temp copy from a zip otherwise)."""
    stored = Path(task.path).name
    text = message.replace(task.path, task.shown).replace(stored, Path(task.shown).name)
    return text.splitlines()[0] if text else text


def process(task: Task, options: ProcessOptions = ProcessOptions()) -> DocResult:
    """Read and check one document; always returns a :class:`DocResult` (never raises for the input)."""
    from .. import pipeline, rules  # noqa: F401 - loaded before the clock starts (a fresh Ray worker)
    from ..ingest.errors import InputError
    from ..limits import current, time_limit, using

    started, cpu_started = time.monotonic(), time.process_time()
    limits = current()
    if options.seconds and (not limits.seconds or limits.seconds > options.seconds):
        limits = replace(limits, seconds=options.seconds)
    try:
        with using(limits), time_limit(limits.seconds, source=task.shown):
            result = _read_and_check(task, options)
    except InputError as exc:  # LimitExceeded (the time limit included) is one
        if getattr(exc, "name", None) == "seconds" and options.seconds and limits.seconds == options.seconds:
            result = failed(task, f"处理时间超过 {options.seconds} 秒（--timeout）")
        else:
            result = failed(task, _user_text(str(exc), task))
    except MemoryError:
        result = failed(task, MEMORY_MESSAGE)
    except RecursionError:
        result = failed(task, "结构嵌套过深")
    except Exception as exc:  # noqa: BLE001 - a reader's bug: this document fails, the run goes on
        result = failed(task, internal_reason(exc, task))
    result.seconds = time.monotonic() - started
    result.cpu_seconds = time.process_time() - cpu_started
    result.peak_rss_kb = _peak_rss_kb()
    return result


def internal_reason(exc: BaseException, task: Task) -> str:
    """A bug's reason, as ``juesuan ingest`` gives it: the crash report holding the traceback."""
    from ..cli_output import write_crash_report

    report = write_crash_report(exc, ["juesuan", "batch", task.shown])
    return "内部错误（程序缺陷）" + (f"，详情已写入 {report}" if report else "")


def _read_and_check(task: Task, options: ProcessOptions) -> DocResult:
    from ..pipeline import read_document
    from ..rules import check

    doc = read_document(Path(task.path))
    doc.source = task.shown
    check_result = check(doc)
    out = DocResult(
        task.shown,
        task.sha256,
        OK,
        kind=doc.kind,
        family=doc.family,
        department=doc.department,
        year=doc.year,
        pages=doc.pages,
        errors=check_result.count("error"),
        warnings=check_result.count("warning"),
        infos=check_result.count("info"),
    )
    from .outputs import as_table

    out.facts = as_table("facts", fact_rows(doc, task))
    out.claims = as_table("claims", claim_rows(doc, task))
    out.findings = as_table("findings", finding_rows(check_result.findings, task))
    if options.keep_objects:
        out.objects = pickle.dumps((doc, check_result), protocol=pickle.HIGHEST_PROTOCOL)
    return out


def fact_rows(doc: Any, task: Task) -> list[dict[str, Any]]:
    from ..factsio import fact_dict

    rows = []
    for f in doc.facts:
        row = fact_dict(f)
        row["bbox"] = None if f.prov.bbox is None else json.dumps(list(f.prov.bbox))
        row["path"], row["sha256"] = task.shown, task.sha256
        rows.append(row)
    return rows


def claim_rows(doc: Any, task: Task) -> list[dict[str, Any]]:
    from ..factsio import claim_dict

    rows = []
    for c in doc.claims:
        row = claim_dict(c)
        row["path"], row["sha256"] = task.shown, task.sha256
        rows.append(row)
    return rows


def finding_rows(findings: list[Any], task: Task) -> list[dict[str, Any]]:
    from dataclasses import asdict

    from ..rules.fingerprint import fingerprint

    rows = []
    for f in findings:
        rows.append(
            {
                "rule": f.rule,
                "severity": f.severity,
                "title": f.title,
                "fingerprint": fingerprint(f),
                "message": f.message,
                "tables": list(f.tables),
                "cells": json.dumps([asdict(c) for c in f.cells], ensure_ascii=False),
                "expected": f.expected,
                "printed": f.printed,
                "difference": f.difference,
                "path": task.shown,
                "sha256": task.sha256,
            }
        )
    return rows


__all__ = ["DocResult", "FAILED", "OK", "ProcessOptions", "SKIPPED", "Task", "cap_worker", "failed", "process"]
