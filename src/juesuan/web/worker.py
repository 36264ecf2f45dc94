"""Read and check one uploaded document in a child process, under a memory cap and a time limit.

The web server never parses an upload itself: a fresh interpreter (``subprocess``: the
server's threads are never forked, and no main module is imported again; it starts in about
0.2 s) reads the file, runs the rule checker and sends back the parsed
:class:`~juesuan.model.Document` and its :class:`~juesuan.model.CheckResult` (pickled, over its
stdout); the server then stores them. The child's address space is capped with ``RLIMIT_AS`` and its CPU time with
``RLIMIT_CPU``; the parent kills it when the wall-time limit passes. So a hostile file (a zip
bomb, a huge merged range, an endless loop in a reader) costs at most one child, and the child's
memory is returned to the system when it exits.

Outcomes are :class:`JobOutcome`; :func:`run_job` never raises for what the input did.
"""

from __future__ import annotations

import errno
import logging
import os
import resource
import signal
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from ..limits import MEMORY_MESSAGE, set_memory_cap
from ..model import CheckResult, Document

log = logging.getLogger("juesuan.web")

Checker = Callable[[Document], CheckResult]


# kinds of JobOutcome
OK = "ok"
INPUT = "input"  # the reader refused the file (InputError): 400
LIMIT = "limit"  # a juesuan.limits limit, the memory cap or the time limit: 422
CRASH = "crash"  # the child died of a signal or failed unexpectedly: 500


@dataclass(slots=True)
class JobOutcome:
    kind: str
    document: Document | None = None
    result: CheckResult | None = None
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class JobLimits:
    """What one job may use: address space (bytes, 0 = no cap), wall seconds, pages (0 = none)."""

    memory_bytes: int
    seconds: float
    max_pages: int = 0


def _set_cpu_cap(seconds: float) -> None:
    if seconds <= 0:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    cap = int(seconds) + 2
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (cap, hard))


def _child(conn: Any, path: str, shown: str, checker: Checker | None, limits: JobLimits) -> None:
    """The child's body: read, check, send one JobOutcome, exit."""
    started = time.monotonic()
    try:  # (the caps were set by main() before anything was read)
        from .. import limits as reading_limits
        from ..ingest.errors import InputError, LimitExceeded
        from ..pipeline import read_document

        current = reading_limits.current()
        changes: dict[str, int] = {}
        if limits.max_pages and (not current.pages or current.pages > limits.max_pages):
            changes["pages"] = limits.max_pages
        if limits.seconds and (not current.seconds or current.seconds > limits.seconds):
            changes["seconds"] = max(1, int(limits.seconds))
        if changes:
            reading_limits.use(replace(current, **changes))
        pages = _pdf_pages(path) if limits.max_pages and path.lower().endswith(".pdf") else None
        if pages is not None and pages > limits.max_pages:
            conn.send(JobOutcome(LIMIT, message=f"共 {pages} 页，超过 {limits.max_pages} 页的上限"))
            return
        try:
            doc = read_document(Path(path))
        except LimitExceeded as exc:
            conn.send(JobOutcome(LIMIT, message=_user_text(str(exc), path, shown)))
            return
        except InputError as exc:
            conn.send(JobOutcome(INPUT, message=_user_text(str(exc), path, shown)))
            return
        if limits.max_pages and doc.pages is not None and doc.pages > limits.max_pages:
            conn.send(JobOutcome(LIMIT, message=f"共 {doc.pages} 页，超过 {limits.max_pages} 页的上限"))
            return
        result: CheckResult | None = None
        warnings: list[str] = []
        if checker is not None:
            try:
                result = checker(doc)
            except MemoryError:
                raise
            except Exception as exc:  # a rule bug must not lose the facts; recheck() retries
                log.exception("rule check failed for %s", shown)
                warnings.append("规则检查出错：数据已保存，未检查，可稍后重新检查。")
        conn.send(JobOutcome(OK, doc, result, warnings=warnings, seconds=time.monotonic() - started))
    except MemoryError:
        try:
            conn.send(JobOutcome(LIMIT, message=MEMORY_MESSAGE))
        except BaseException:  # noqa: BLE001 - no memory left to say so: the parent sees the exit
            os._exit(3)
    except (ImportError, OSError) as exc:
        # mapping a library or a buffer failed under the address-space cap
        if isinstance(exc, ImportError) and "failed to map" not in str(exc):
            _report_crash(conn, shown, exc)
        elif isinstance(exc, OSError) and exc.errno != errno.ENOMEM:
            _report_crash(conn, shown, exc)
        else:
            conn.send(JobOutcome(LIMIT, message=MEMORY_MESSAGE))
    except RecursionError:
        conn.send(JobOutcome(LIMIT, message="结构嵌套过深"))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, never raised there
        _report_crash(conn, shown, exc)
    finally:
        try:
            conn.close()
        except BaseException:  # noqa: BLE001
            pass


def _pdf_pages(path: str) -> int | None:
    """The page count of a PDF (None when it cannot be opened: the reader then says why)."""
    try:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(path)
    except Exception:  # noqa: BLE001
        return None
    try:
        return len(pdf)
    finally:
        pdf.close()


def _report_crash(conn: Any, shown: str, exc: BaseException) -> None:
    log.error("reading %s failed", shown, exc_info=exc)
    try:
        conn.send(JobOutcome(CRASH, message=type(exc).__name__))
    except BaseException:  # noqa: BLE001
        os._exit(4)


def _user_text(message: str, path: str, shown: str) -> str:
    """A reader's message about the stored file, naming the user's file instead."""
    stored = Path(path).name
    return message.replace(path, shown).replace(stored, shown)


BOOT = "import sys; sys.path.insert(0, sys.argv[1]); from juesuan.web.worker import main; main()"


def main() -> None:
    """The child's entry point: one pickled job on stdin, one pickled JobOutcome on stdout."""
    import pickle
    import sys

    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the reply
    job = sys.stdin.buffer.read()
    sender = _Sender(out)
    try:
        header = pickle.loads(job)
        limits: JobLimits = header["limits"]
        set_memory_cap(limits.memory_bytes)
        _set_cpu_cap(limits.seconds)
        sys.path[:] = header["sys_path"]
        from .. import limits as reading_limits

        reading_limits.use(header["reading_limits"])
        checker = pickle.loads(header["checker"]) if header["checker"] is not None else None
    except MemoryError:
        sender.send(JobOutcome(LIMIT, message=MEMORY_MESSAGE))
        return
    except BaseException as exc:  # noqa: BLE001
        _report_crash(sender, "job", exc)
        return
    _child(sender, header["path"], header["shown"], checker, limits)


class _Sender:
    """``send`` of a connection, over the child's private copy of stdout."""

    def __init__(self, fh: Any) -> None:
        self.fh = fh

    def send(self, outcome: JobOutcome) -> None:
        import pickle

        self.fh.write(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
        self.fh.flush()

    def close(self) -> None:
        self.fh.close()


def run_job(path: Path, shown: str, checker: Checker | None, limits: JobLimits) -> JobOutcome:
    """Read and check ``path`` in a child process; always returns (never raises for the input).

    The child is a fresh interpreter (``subprocess``, never a fork of the server's threads): it
    caps its own address space and CPU time before it reads anything; the parent kills it when
    the wall-time limit passes.
    """
    import pickle
    import subprocess
    import sys

    from .. import limits as reading_limits

    started = time.monotonic()
    try:
        checker_bytes = None if checker is None else pickle.dumps(checker)
    except Exception:  # noqa: BLE001 - a lambda or closure cannot cross a process boundary
        log.error("the store's checker %r cannot be sent to the reading process", checker)
        return JobOutcome(CRASH, message="checker")
    payload = pickle.dumps(
        {
            "sys_path": list(sys.path),
            "path": str(path),
            "shown": shown,
            "checker": checker_bytes,
            "limits": limits,
            "reading_limits": reading_limits.current(),
        }
    )
    root = str(Path(__file__).resolve().parents[2])  # the directory holding the juesuan package
    proc = subprocess.Popen(
        [sys.executable, "-c", BOOT, root],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        close_fds=True,
        start_new_session=True,  # a terminal's Ctrl-C goes to the server, which ends the child
    )
    timed_out = False
    try:
        reply, _ = proc.communicate(payload, timeout=limits.seconds if limits.seconds > 0 else None)
    except subprocess.TimeoutExpired:
        timed_out = True
        proc.kill()
        reply, _ = proc.communicate()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    seconds = time.monotonic() - started
    if timed_out:
        return JobOutcome(LIMIT, message=f"处理时间超过 {limits.seconds:g} 秒", seconds=seconds)
    outcome: JobOutcome | None = None
    if reply:
        try:
            outcome = pickle.loads(reply)
        except Exception:  # noqa: BLE001 - cut short: the child died while it answered
            outcome = None
    if not isinstance(outcome, JobOutcome):
        code = proc.returncode
        if code is not None and code < 0 and -code in (signal.SIGKILL, signal.SIGXCPU):
            # killed: the kernel's OOM killer, or the CPU-time cap
            what = "处理时间" if -code == signal.SIGXCPU else "内存"
            return JobOutcome(LIMIT, message=f"{what}超出限制", seconds=seconds)
        if code == 3:
            return JobOutcome(LIMIT, message=MEMORY_MESSAGE, seconds=seconds)
        log.error("reading process for %s exited with code %s", shown, code)
        return JobOutcome(CRASH, message=f"exit {code}", seconds=seconds)
    outcome.seconds = seconds
    return outcome


__all__ = ["CRASH", "INPUT", "JobLimits", "JobOutcome", "LIMIT", "OK", "main", "run_job"]
