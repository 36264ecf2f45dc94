"""Many documents at once (``juesuan batch``): inputs, the per-document function, engines, outputs.

- :mod:`.inputs`: folders, globs and zips (extracted safely) → inputs with their content hash;
- :mod:`.process`: :func:`process`, one document → :class:`DocResult` (rows for the outputs);
- :mod:`.engines`: a local process pool and Ray tasks running :func:`process`;
- :mod:`.outputs`: Parquet files written as results come, the manifest that makes runs resumable;
- :mod:`.summary`: ``summary.html`` / ``summary.xlsx``;
- :mod:`.run`: :func:`run_batch`, all of it.
"""

from __future__ import annotations

from .process import FAILED, OK, SKIPPED, DocResult, ProcessOptions, Task, process
from .run import BatchConfig, BatchOutcome, run_batch

__all__ = ["BatchConfig", "BatchOutcome", "DocResult", "FAILED", "OK", "ProcessOptions", "SKIPPED", "Task", "process", "run_batch"]
