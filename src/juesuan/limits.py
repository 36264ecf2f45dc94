"""Resource limits for reading one document (documented in ``docs/limits.md``).

Every reader checks the limits that concern it and raises
:class:`~juesuan.ingest.errors.LimitExceeded` (an :class:`~juesuan.ingest.errors.InputError`, so
the CLI exits 2) with one line naming the limit and the environment variable that raises it.

Defaults are far above what a real disclosure needs (the largest known ones have a few hundred
pages, a few dozen sheets, some ten thousand table cells) and far below what exhausts a machine.
Each limit is read from ``JUESUAN_MAX_<NAME>`` (e.g. ``JUESUAN_MAX_SHEETS=500``); ``0`` disables a
limit. Merged/spanned cells are *counted* (from their ranges, in O(1) each), never expanded cell
by cell before the count is checked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

ENV_PREFIX = "JUESUAN_MAX_"

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits of one read. Field ``x`` is set by ``JUESUAN_MAX_X``; 0 means "no limit"."""

    # --- every format
    seconds: int = 600  # wall time to read one document (the time limit per document)
    cells: int = 2_000_000  # table cells in one document, merged/spanned positions included
    blocks: int = 200_000  # lines, paragraphs and table rows of one document
    file_bytes: int = 512 * MIB  # size of the input file

    # --- text (.txt/.md) and HTML
    text_bytes: int = 16 * MIB  # a text export
    html_bytes: int = 8 * MIB  # an HTML page
    html_depth: int = 2_000  # nesting depth of HTML elements

    # --- Office (DOCX/XLSX/XLS)
    part_bytes: int = 256 * MIB  # decompressed size of one part (XML file) of an Office package
    elements: int = 3_000_000  # elements of one XML part or HTML page (~150-300 bytes each parsed)
    sheets: int = 256  # worksheets in a workbook
    rows: int = 200_000  # rows of one worksheet or one Word/HTML table
    columns: int = 16_384  # columns of one row (a merged range or span counts all it covers)
    merged_cells: int = 2_000_000  # cells covered by merged ranges/spans in one sheet or table

    # --- PDF (checked by the PDF reader)
    pages: int = 1_000  # pages of a PDF
    pdf_stream_bytes: int = 256 * MIB  # decompressed size of one PDF stream (content, image, font)
    ocr_pages: int = 200  # pages sent to OCR in one document
    ocr_seconds: int = 1_800  # total OCR time of one document

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Limits":
        """The defaults, overridden by ``JUESUAN_MAX_*`` variables (invalid values are ignored)."""
        env = os.environ if environ is None else environ
        changes: dict[str, int] = {}
        for f in fields(cls):
            raw = env.get(env_name(f.name))
            if raw is None:
                continue
            try:
                value = int(raw.strip().replace("_", ""))
            except ValueError:
                continue
            if value >= 0:
                changes[f.name] = value
        return replace(cls(), **changes) if changes else cls()

    def exceeded(self, name: str, value: int) -> bool:
        """True when ``value`` is past limit ``name`` (never when the limit is 0)."""
        limit = getattr(self, name)
        return bool(limit) and value > limit

    def check(self, name: str, value: int, source: str = "") -> None:
        """Raise :class:`LimitExceeded` when ``value`` is past limit ``name``."""
        if self.exceeded(name, value):
            from .ingest.errors import LimitExceeded

            raise LimitExceeded(name, getattr(self, name), value, source)


def env_name(name: str) -> str:
    """The environment variable of limit ``name``: ``JUESUAN_MAX_SHEETS`` for ``sheets``."""
    return ENV_PREFIX + name.upper()


LIMIT_LABELS = {
    "seconds": "每个文件的读取时间（秒）",
    "cells": "表格单元格总数",
    "blocks": "文本行、段落和表格行的总数",
    "file_bytes": "文件大小（字节）",
    "text_bytes": "文本文件大小（字节）",
    "html_bytes": "HTML 文件大小（字节）",
    "html_depth": "HTML 元素嵌套层数",
    "part_bytes": "Office 文件部件解压后大小（字节）",
    "elements": "XML 部件或 HTML 页面的元素数",
    "sheets": "工作表数",
    "rows": "每个工作表或表格的行数",
    "columns": "每行的列数",
    "merged_cells": "每个工作表或表格的合并单元格数",
    "pages": "PDF 页数",
    "pdf_stream_bytes": "PDF 数据流解压后大小（字节）",
    "ocr_pages": "OCR 识别页数",
    "ocr_seconds": "OCR 识别时间（秒）",
}


_current: Limits | None = None


def current() -> Limits:
    """The limits in force: those set by :func:`use`, else the environment's (read once)."""
    global _current
    if _current is None:
        _current = Limits.from_env()
    return _current


def use(limits: Limits | None) -> None:
    """Set the limits for later reads in this process (None: re-read the environment)."""
    global _current
    _current = limits


__all__ = ["Limits", "LIMIT_LABELS", "current", "env_name", "use"]


class CellBudget:
    """Counts the table cells of one document against :attr:`Limits.cells` (readers add a row's
    width *before* they build it, so a huge span is refused without being expanded)."""

    __slots__ = ("limits", "source", "used")

    def __init__(self, limits: Limits | None = None, source: str = "") -> None:
        self.limits = limits if limits is not None else current()
        self.source = source
        self.used = 0

    def add(self, n: int) -> None:
        self.used += n
        self.limits.check("cells", self.used, self.source)


__all__ += ["CellBudget"]


class time_limit:  # noqa: N801 - used as a context manager
    """``with time_limit(seconds, source):`` — raise :class:`LimitExceeded` ("seconds") when the
    block runs longer. Uses ``SIGALRM`` in the main thread of the process; elsewhere (a worker
    thread, a platform without it) it does nothing, and the caller bounds the time. Nested
    uses keep the earlier (outer) deadline when it is sooner.

    A reader that catches every exception could swallow the first alarm: it fires again every
    half second until the block is left, and whatever error then leaves the block is reported
    as the time limit."""

    def __init__(self, seconds: int | None = None, source: str = "") -> None:
        self.seconds = current().seconds if seconds is None else seconds
        self.source = source
        self._armed = False
        self.fired = False

    def _error(self):  # type: ignore[no-untyped-def]
        from .ingest.errors import LimitExceeded

        return LimitExceeded("seconds", self.seconds, None, self.source)

    def _expired(self, _signum, _frame):  # type: ignore[no-untyped-def]
        import signal

        self.fired = True
        signal.setitimer(signal.ITIMER_REAL, 0.5)  # again, should this one be swallowed
        raise self._error()

    def __enter__(self) -> "time_limit":
        import signal
        import threading

        if not self.seconds or not hasattr(signal, "setitimer"):
            return self
        if threading.current_thread() is not threading.main_thread():
            return self
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        if remaining and remaining <= self.seconds:
            return self  # an outer deadline comes first
        self._previous = signal.signal(signal.SIGALRM, self._expired)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        self._armed = True
        return self

    def __exit__(self, exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        if self._armed:
            import signal

            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)
            self._armed = False
        if self.fired and exc_type is not None:
            from .ingest.errors import LimitExceeded

            if not issubclass(exc_type, LimitExceeded):
                raise self._error() from None


__all__ += ["time_limit"]


class using:  # noqa: N801 - used as a context manager
    """``with using(limits):`` — these limits for the reads inside the block (None: unchanged)."""

    def __init__(self, limits: Limits | None) -> None:
        self.limits = limits

    def __enter__(self) -> Limits:
        global _current
        self._previous = _current
        if self.limits is not None:
            _current = self.limits
        return current()

    def __exit__(self, *exc: object) -> None:
        global _current
        _current = self._previous


__all__ += ["using"]


# --------------------------------------------------------------------------- process caps

MEMORY_MESSAGE = "读取所需内存超出限制"  # what a reader stopped by its memory cap reports


def set_memory_cap(memory_bytes: int) -> None:
    """Cap this process's address space (``RLIMIT_AS``) at ``memory_bytes`` (0: no cap), never
    above a hard limit already set. Used by the child processes that read one upload (web) or one
    batch document, so a hostile file ends in MemoryError there, not in the server or the run."""
    import resource

    if memory_bytes <= 0:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
