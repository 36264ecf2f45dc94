"""Uploads: stored as ``<sha256>.<suffix>``, read and checked in a worker process, then stored.

The server only copies the bytes (with a size cap) and checks the file's first bytes against its
suffix; everything that parses the document runs in :mod:`juesuan.web.worker`.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from fastapi import Request, UploadFile

from ..store import IngestOutcome
from . import worker
from .context import WebContext, http_error, log

# Accepted upload suffixes → the suffix the stored file gets (fixed strings only).
SUFFIXES: dict[str, str] = {
    ".pdf": ".pdf",
    ".docx": ".docx",
    ".xlsx": ".xlsx",
    ".xls": ".xls",
    ".txt": ".txt",
    ".text": ".txt",
    ".md": ".md",
}
MAGIC: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    # an OLE2 compound file (the reader checks it holds a workbook), or an .xlsx saved as .xls
    ".xls": (b"\xd0\xcf\x11\xe0", b"PK\x03\x04"),
}


def clean_name(name: str | None) -> str:
    """The user's file name as display text only: last path part, no control characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[:200] or "upload"


def save_upload(ctx: WebContext, file: UploadFile) -> tuple[Path, str, str]:
    """Copy the upload to the upload dir as <sha256><suffix>; returns (path, sha, shown name)."""
    limit = ctx.settings.max_upload_bytes
    shown = clean_name(file.filename)
    suffix = SUFFIXES.get(Path(shown).suffix.lower())
    if suffix is None:
        raise http_error(415, "只接受 PDF、DOCX、XLSX、XLS 或文本（.txt/.md）文件。")
    ctx.uploads.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=ctx.uploads, prefix=".upload-", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            head = b""
            while chunk := file.file.read(1024 * 1024):
                if not head:
                    head = chunk[:8]
                size += len(chunk)
                if limit and size > limit:
                    raise http_error(413, f"文件超出限制：上传的文件超过 {limit / 1048576:g} MB 的上限。")
                h.update(chunk)
                out.write(chunk)
        if size == 0:
            raise http_error(400, "上传的文件是空的。")
        magic = MAGIC.get(suffix)
        if magic and not head.startswith(magic):
            raise http_error(400, f"文件内容与扩展名 {suffix} 不符。")
        sha = h.hexdigest()
        final = ctx.uploads / f"{sha}{suffix}"
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return final, sha, shown


def _store_checker(ctx: WebContext):  # type: ignore[no-untyped-def]
    """The checker the child runs: the store's, or None when the store has no rule engine."""
    if ctx.store.rules_version is None:
        return None
    return ctx.store.checker


def _reason(message: str, shown: str) -> str:
    """A reader's one line without the file name it starts with (the page names the file)."""
    return message.removeprefix(shown).lstrip(": ：").rstrip("。")


def do_upload(ctx: WebContext, request: Request, file: UploadFile, form_token: str | None, form_csrf: str | None) -> IngestOutcome:
    ctx.check_write(request, form_token, form_csrf)
    path, sha, shown = save_upload(ctx, file)
    st = ctx.store
    if st.document_id_by_sha(sha) is not None:
        return st.ingest_path(path, file_name=shown)  # "exists", nothing is read again
    s = ctx.settings
    limits = worker.JobLimits(s.worker_memory_bytes, s.worker_seconds, s.max_pages)
    try:
        wait = s.worker_seconds if s.worker_seconds > 0 else None
        if not ctx.reading_slots.acquire(timeout=wait):
            raise http_error(503, "服务器正忙（同时读取的文件已达上限），请稍后再试。", headers={"Retry-After": "30"})
        try:
            job = worker.run_job(path, shown, _store_checker(ctx), limits)
        finally:
            ctx.reading_slots.release()
        if job.kind == worker.INPUT:
            raise http_error(400, f"无法读取「{shown}」：{_reason(job.message, shown)}")
        if job.kind == worker.LIMIT:
            reason = _reason(job.message, shown)
            if job.message == worker.MEMORY_MESSAGE and s.worker_memory_bytes:
                reason = (f"读取所需内存超过 {s.worker_memory_bytes / 1048576:g} MiB 的上限"
                          "（可用 JUESUAN_WEB_WORKER_MEMORY_MB 调高）")  # fmt: skip
            elif job.message.startswith("处理时间超过"):
                reason += "（可用 JUESUAN_WEB_WORKER_SECONDS 调高）"
            raise http_error(422, f"文件超出限制：「{shown}」{reason}。")
        if job.kind != worker.OK or job.document is None:
            raise http_error(500, f"读取「{shown}」时处理进程意外退出，已记录在服务器日志中。")
        doc = job.document
        doc.source = shown  # never the server's path
        outcome = st.ingest_document(doc, sha, file_name=shown, result=job.result, check=False)
        outcome.warnings.extend(job.warnings)
        if _store_checker(ctx) is None:
            outcome.warnings.append("规则引擎不可用，未检查 (rule engine unavailable)")
        log.info("upload %s read and checked in %.2f s", shown, job.seconds)
        return outcome
    except BaseException:
        if st.document_id_by_sha(sha) is None:
            path.unlink(missing_ok=True)
        raise


__all__ = ["MAGIC", "SUFFIXES", "clean_name", "do_upload", "save_upload"]
