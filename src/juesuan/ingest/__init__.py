"""Ingest: any supported file → :class:`~juesuan.model.RawDocument` (blocks with provenance).

Supported: PDF (text layer, or scanned with OCR), Word ``.docx``, Excel ``.xlsx``/``.xlsm``
and legacy ``.xls``, HTML, and converter-exported text (``.txt``, ``.md``). A legacy Word
``.doc`` (or any other legacy Office file) is refused with one line saying to save it in a
current format.

Readers are chosen by content first (magic bytes; for OLE2 compound files, the streams they
hold), then by file suffix, so that a PDF saved as ``.txt`` is still read as a PDF and an Excel
workbook saved as ``.doc`` as a workbook. Heavy readers are imported only when needed.
"""

from __future__ import annotations

from pathlib import Path

from ..model import RawDocument
from .errors import InputError, LimitExceeded, require_regular_file, unreadable

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_XLS_SUFFIXES = (".xls", ".xlt")
_DOC_SUFFIXES = (".doc", ".dot")


def _ole_streams(path: Path) -> set[str]:
    """Lower-cased names of the streams in an OLE2 compound file's root storage ("workbook",
    "worddocument", …); empty when its directory cannot be read."""
    import io
    import mmap

    try:
        from xlrd.compdoc import CompDoc

        with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mem:
            doc = CompDoc(mem, logfile=io.StringIO())
            return {doc.dirlist[i].name.lower() for i in doc.dirlist[0].children}
    except Exception:  # ImportError, CompDocError, struct.error, IndexError…: a damaged file
        return set()


def _ole_kind(path: Path, suffix: str) -> str:
    """The kind of an OLE2 compound file, by the streams it holds, else by its suffix: "xls" (an
    Excel workbook), "doc" (a Word document), "encrypted" (a password-protected .docx/.xlsx,
    which is an OLE2 file) or "ole" (another legacy Office file)."""
    streams = _ole_streams(path)
    if streams & {"workbook", "book"}:
        return "xls"
    if "worddocument" in streams:
        return "doc"
    if "encryptedpackage" in streams:
        return "encrypted"
    # neither, or an unreadable directory: trust the suffix (the reader gives the clear error)
    if suffix in _XLS_SUFFIXES:
        return "xls"
    if suffix in _DOC_SUFFIXES:
        return "doc"
    return "ole"


def _zip_kind(path: Path) -> str | None:
    """"xlsx" or "docx" for an Office Open XML package (by its main part), else None."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return None


def sniff(path: Path) -> str:
    """The format of a file: "pdf", "docx", "xlsx", "xls", "html" or "text"; or a format that is
    refused: "zip" (not Word or Excel), "doc", "encrypted", "ole" (see :func:`_ole_kind`)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError as exc:
        raise unreadable(path, exc) from None
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        # by the package's parts (a workbook served as .xls or .zip is still a workbook), else
        # by suffix (a damaged package: the reader gives the clear error)
        kind = _zip_kind(path)
        if kind is not None:
            return kind
        if suffix in (".docx", ".xlsx", ".xlsm"):
            return suffix.lstrip(".").replace("xlsm", "xlsx")
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return _ole_kind(path, suffix)
    low = head.lower().lstrip()
    if suffix in (".html", ".htm") or low.startswith((b"<!doctype html", b"<html")):
        return "html"
    if suffix == ".pdf":
        return "pdf"  # not a PDF by content: the PDF reader gives the clear error
    return "text"


def read_raw(path: str | Path) -> RawDocument:
    """Read a file into blocks, whatever its format (see :func:`_read_raw`), within the limits:
    a document of more blocks than the limit is refused before layout and extraction."""
    from ..limits import current

    raw = _read_raw(path)
    current().check("blocks", len(raw.blocks), Path(path).name)
    return raw


def _read_raw(path: str | Path) -> RawDocument:
    """Read a file into blocks, whatever its format. Anything but a regular file (a directory, a
    FIFO, a device) is refused before it is opened; so is a file past the size limit."""
    from ..limits import current

    p = Path(path)
    size = require_regular_file(p)
    current().check("file_bytes", size, p.name)
    kind = sniff(p)
    if kind == "text":
        from .text import read_text

        return read_text(p)
    if kind == "pdf":
        try:
            from .pdf import read_pdf
        except ImportError as exc:  # pragma: no cover - depends on installation
            raise InputError(f"{p.name}: PDF 读取组件不可用 ({exc})") from None
        pages = current().pages
        return read_pdf(p, max_pages=pages or 10**9)  # 0: no limit
    if kind in ("docx", "xlsx", "xls", "html"):
        try:
            module = __import__(f"juesuan.ingest.{kind}", fromlist=["read"])
        except ImportError:
            raise InputError(f"{p.name}: 暂不支持 {kind.upper()} 格式 (format not supported yet)") from None
        return module.read(p)
    if kind == "doc":
        raise InputError(f"{p.name}: 旧版 Word 格式 (.doc) 请先另存为 .docx (legacy Word document: save it as .docx)")
    if kind == "encrypted":
        raise InputError(f"{p.name}: 文件已加密，请取消密码保护后另存再读取 (encrypted Office file)")
    if kind == "ole":
        raise InputError(f"{p.name}: 不支持的旧版 Office 格式，请另存为 .docx/.xlsx (unsupported legacy Office file)")
    raise InputError(f"{p.name}: 无法识别的文件格式 (unrecognised file format)")


__all__ = ["InputError", "LimitExceeded", "read_raw", "sniff"]
