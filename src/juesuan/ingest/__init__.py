"""Ingest: any supported file → :class:`~juesuan.model.RawDocument` (blocks with provenance).

Readers are chosen by content first (magic bytes), then by file suffix, so that a PDF saved
as ``.txt`` is still read as a PDF. Heavy readers are imported only when needed.
"""

from __future__ import annotations

from pathlib import Path

from ..model import RawDocument
from .errors import InputError

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


def sniff(path: Path) -> str:
    """The format of a file: "pdf", "docx", "xlsx", "html" or "text"."""
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except FileNotFoundError:
        raise InputError(f"{path}: 文件不存在 (no such file)") from None
    except IsADirectoryError:
        raise InputError(f"{path}: 是目录而不是文件 (is a directory)") from None
    except OSError as exc:
        raise InputError(f"{path}: 无法读取 ({exc.strerror})") from None
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if suffix in (".docx", ".xlsx", ".xlsm"):
            return suffix.lstrip(".").replace("xlsm", "xlsx")
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"  # legacy .doc/.xls
    low = head.lower().lstrip()
    if suffix in (".html", ".htm") or low.startswith((b"<!doctype html", b"<html")):
        return "html"
    if suffix == ".pdf":
        return "pdf"  # not a PDF by content: the PDF reader gives the clear error
    return "text"


def read_raw(path: str | Path) -> RawDocument:
    """Read a file into blocks, whatever its format."""
    p = Path(path)
    kind = sniff(p)
    if kind == "text":
        from .text import read_text

        return read_text(p)
    if kind == "pdf":
        try:
            from .pdf import read_pdf
        except ImportError as exc:  # pragma: no cover - depends on installation
            raise InputError(f"{p.name}: PDF 读取组件不可用 ({exc})") from None
        return read_pdf(p)
    if kind in ("docx", "xlsx", "html"):
        try:
            module = __import__(f"juesuan.ingest.{kind}", fromlist=["read"])
        except ImportError:
            raise InputError(f"{p.name}: 暂不支持 {kind.upper()} 格式 (format not supported yet)") from None
        return module.read(p)
    if kind == "ole":
        raise InputError(f"{p.name}: 旧版 Office 格式 (.doc/.xls) 请先另存为 .docx/.xlsx")
    raise InputError(f"{p.name}: 无法识别的文件格式 (unrecognised file format)")


__all__ = ["InputError", "read_raw", "sniff"]
