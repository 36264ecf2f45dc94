"""What every ``juesuan`` command shares: messages, exit codes, output files, crash reports.

- Messages go to stderr as plain text (user text — file names, department names, cell text — is
  never read as rich markup) and are never wrapped; lone surrogates are replaced.
- Exit codes: 0 clean, 1 findings, 2 input or request unusable, 3 internal error (a bug: one line
  on stderr naming the crash report written with the traceback; never a traceback on stderr).
- ``-o FILE`` picks the format from the file's extension unless ``--format`` says otherwise;
  binary formats (XLSX, PDF, Parquet) refuse to go to a terminal.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import platform
import stat
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Mapping, Optional

import typer
from rich.console import Console
from rich.text import Text

from . import __version__
from .cli_lang import t
from .safe_output import encodable

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3

BINARY_FORMATS = frozenset({"xlsx", "pdf", "parquet"})

err = Console(stderr=True, highlight=False, soft_wrap=True)


def say(message: str, style: str | None = None, *, prefix: str = "", prefix_style: str | None = None) -> None:
    """One message on stderr, user text taken literally (no markup), not wrapped."""
    line = Text()
    if prefix:
        line.append(prefix, style=prefix_style)
    line.append(encodable(message), style=style)
    err.print(line, soft_wrap=True, highlight=False)


def fail(message: str, code: int = EXIT_UNUSABLE) -> typer.Exit:
    """Print ``juesuan: message`` and return the Exit to raise (exit 2: the input is unusable)."""
    say(message, prefix="juesuan: ", prefix_style="bold red")
    return typer.Exit(code)


def stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def make_streams_safe() -> None:
    """Writing a lone surrogate to stdout/stderr replaces it instead of raising."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # pragma: no cover - a detached or closed stream
                pass


# --------------------------------------------------------------------------- formats


def choose_format(
    explicit: Optional[str],
    output: Optional[Path],
    by_suffix: Mapping[str, str],
    default: str,
    *,
    no_suffix: Optional[str] = None,
) -> str:
    """``--format`` when given; else the format of ``output``'s extension; else ``default``.

    An ``output`` whose extension names no format is refused (exit 2), so that ``-o r.htm1`` does
    not silently write something else. ``no_suffix``: the format for an output without extension.
    """
    if explicit:
        return explicit
    if output is None:
        return default
    suffix = output.suffix.lower()
    if not suffix:
        return no_suffix or default
    if suffix in by_suffix:
        return by_suffix[suffix]
    known = "、".join(sorted(by_suffix))
    raise fail(
        t(
            f"{output.name}：无法从扩展名 {suffix} 判断输出格式（可用 {known}）；请用 --format 指定",
            f"{output.name}: cannot tell the output format from {suffix} (known: {known}); use --format",
        )
    )


def refuse_binary_to_terminal(fmt: str, output: Optional[Path]) -> None:
    if output is None and fmt in BINARY_FORMATS and stdout_is_terminal():
        raise fail(
            t(
                f"{fmt.upper()} 是二进制格式，不能输出到终端；请用 -o 文件名.{fmt} 或重定向到文件",
                f"{fmt.upper()} is a binary format and cannot go to a terminal; use -o FILE.{fmt} or redirect",
            )
        )


def stdout_is_a_file() -> bool:
    """Whether stdout was redirected to a regular file (``> facts.csv``), not a pipe or terminal."""
    try:
        return stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode)
    except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
        return False


def write_output(out: Optional[Path], data: str | bytes, *, bom: bool = False) -> None:
    """``data`` to ``out`` (or stdout); text as UTF-8, always encodable.

    ``bom``: start a file with the UTF-8 BOM (CSV, so that Excel reads it as UTF-8) — ``out``, or
    stdout redirected to a file; a pipe to another program gets none.
    """
    if isinstance(data, str):
        with_bom = bom and (out is not None or stdout_is_a_file())
        payload = (("\ufeff" if with_bom else "") + encodable(data)).encode("utf-8")
    else:
        payload = data
    if out is None:
        stream = getattr(sys.stdout, "buffer", None)
        if stream is None:  # a text-only stdout (some test runners)
            sys.stdout.write(payload.decode("utf-8", "replace"))
        else:
            sys.stdout.flush()
            stream.write(payload)
            stream.flush()
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(payload)
    except OSError as exc:
        raise fail(t(f"{out}: 无法写入（{os_reason(exc)}）", f"{out}: cannot write ({os_reason(exc)})")) from None


def os_reason(exc: OSError) -> str:
    """An OS error as words, without the Python class name or errno."""
    return exc.strerror or t("系统错误", "system error")


# --------------------------------------------------------------------------- crash reports


def crash_dir() -> Path:
    """Where crash reports go: $JUESUAN_CRASH_DIR, else the user cache dir, else the temp dir."""
    explicit = os.environ.get("JUESUAN_CRASH_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache" if Path.home().is_dir() else None)
    if base is not None:
        return Path(base) / "juesuan" / "crash"
    return Path(tempfile.gettempdir()) / "juesuan-crash"  # pragma: no cover


def write_crash_report(exc: BaseException, argv: Optional[list[str]] = None) -> Optional[Path]:
    """The traceback and context in a new file; None when no file can be written at all."""
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    body = "".join(
        [
            f"juesuan {__version__} crash report {_dt.datetime.now().isoformat(timespec='seconds')}\n",
            f"python {platform.python_version()} on {platform.platform()}\n",
            f"command: {' '.join(argv if argv is not None else sys.argv)}\n\n",
            *traceback.format_exception(type(exc), exc, exc.__traceback__),
        ]
    )
    for folder in (crash_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"juesuan-crash-{stamp}-{os.getpid()}.txt"
            path.write_text(encodable(body), encoding="utf-8")
            return path
        except OSError:
            continue
    return None  # pragma: no cover


def internal_error(exc: BaseException) -> typer.Exit:
    """Exit 3 with one line naming the crash report (no traceback, no exception class name)."""
    path = write_crash_report(exc)
    where = t(f"，详情已写入 {path}", f"; details written to {path}") if path else ""
    return fail(
        t(
            f"内部错误（程序缺陷）{where}；请把该文件和输入一并报告",
            f"internal error (a bug in juesuan){where}; please report it with the input",
        ),
        EXIT_INTERNAL,
    )


# --------------------------------------------------------------------------- check --format pdf


def pdf_report(result, source: Path) -> bytes:  # type: ignore[no-untyped-def]
    """``check --format pdf``: for a PDF input, the source PDF with each finding's cells highlighted
    and a note on each, a summary page in front (:mod:`juesuan.report.annotate`); for any other
    input, the HTML report printed by Chromium (:mod:`juesuan.report.pdf`). Exit 2 when neither
    can be made."""
    if result.document.format == "pdf" and source.suffix.lower() == ".pdf":
        from .report.annotate import render_annotated

        try:
            return render_annotated(source, result)
        except ImportError:
            raise fail(t("标注 PDF 需要 pikepdf（pip install pikepdf）", "annotating a PDF needs pikepdf (pip install pikepdf)")) from None
    from .report.pdf import PdfUnavailable, render_pdf

    try:
        return render_pdf(result)
    except PdfUnavailable as exc:
        raise fail(str(exc)) from None
