"""Uploads: stored as ``<sha256>.<suffix>``, queued as jobs, read and checked in a worker process.

The request only copies the bytes (with a size cap), checks each file's first bytes against its
suffix, unpacks a zip (its documents become one job each) and queues the files
(:mod:`juesuan.store.jobs`); it returns at once. The server's worker threads
(:mod:`juesuan.web.jobs`) each run one job at a time through :func:`process`: everything that
parses the document runs in a child process (:mod:`juesuan.web.worker`). A client that asks to
wait (``?wait=1``) gets the old answer: the stored document, or the error status and reason.

Route code calls :func:`submit` (one auth check inside: :meth:`WebContext.check_write`) and, to
wait, :func:`outcome_of`; :func:`do_upload` is both for one file.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import stat
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable

from fastapi import Request, UploadFile
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..store import IngestOutcome
from ..store import jobs as J
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
ZIP_SUFFIX = ".zip"
ZIP_MAX_MEMBERS = 500  # documents taken from one zip
ACCEPT = ",".join([*sorted(set(SUFFIXES)), ZIP_SUFFIX])


def clean_name(name: str | None) -> str:
    """The user's file name as display text only: last path part, no control characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[:200] or "upload"


def _copy(ctx: WebContext, src: IO[bytes], suffix: str, limit: int, what: str) -> tuple[Path, str]:
    """Copy ``src`` to the upload dir as <sha256><suffix> (size cap, magic check)."""
    ctx.uploads.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=ctx.uploads, prefix=".upload-", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            head = b""
            while chunk := src.read(1024 * 1024):
                if not head:
                    head = chunk[:8]
                size += len(chunk)
                if limit and size > limit:
                    raise http_error(413, f"文件超出限制：{what}超过 {limit / 1048576:g} MB 的上限。")
                h.update(chunk)
                out.write(chunk)
        if size == 0:
            raise http_error(400, f"{what}是空的。")
        magic = MAGIC.get(suffix)
        if magic and not head.startswith(magic):
            raise http_error(400, f"文件内容与扩展名 {suffix} 不符。")
        sha = h.hexdigest()
        final = ctx.uploads / f"{sha}{suffix}"
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return final, sha


def save_upload(ctx: WebContext, file: UploadFile) -> tuple[Path, str, str]:
    """Copy the upload to the upload dir as <sha256><suffix>; returns (path, sha, shown name)."""
    shown = clean_name(file.filename)
    suffix = SUFFIXES.get(Path(shown).suffix.lower())
    if suffix is None:
        raise http_error(415, "只接受 PDF、DOCX、XLSX、XLS、文本（.txt/.md）文件或其 ZIP 压缩包。")
    path, sha = _copy(ctx, file.file, suffix, ctx.settings.max_upload_bytes, "上传的文件")
    return path, sha, shown


@dataclass(slots=True)
class Saved:
    """One file of an upload: stored (path, sha) or refused (status, reason)."""

    shown: str
    path: Path | None = None
    sha: str = ""
    status: int = 0
    reason: str = ""


def _zip_members(ctx: WebContext, file: UploadFile, shown: str) -> list[Saved]:
    """The documents in an uploaded zip, each stored as its own upload. The zip itself is read
    from a capped copy; members are read with their own cap (the header sizes are not trusted)."""
    limit = ctx.settings.max_upload_bytes
    spool = tempfile.TemporaryFile(dir=ctx.uploads if ctx.uploads.exists() else None)
    try:
        size = 0
        while chunk := file.file.read(1024 * 1024):
            size += len(chunk)
            if limit and size > limit:
                raise http_error(413, f"文件超出限制：上传的文件超过 {limit / 1048576:g} MB 的上限。")
            spool.write(chunk)
        spool.seek(0)
        try:
            archive = zipfile.ZipFile(spool)
        except (zipfile.BadZipFile, OSError, ValueError):
            raise http_error(400, f"「{shown}」不是有效的 ZIP 文件。") from None
        out: list[Saved] = []
        with archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            for m in members:
                name = clean_name(m.filename)
                if name.startswith((".", "~$", "__MACOSX")) or "__MACOSX/" in m.filename:
                    continue
                if stat.S_ISLNK(m.external_attr >> 16):
                    continue
                suffix = SUFFIXES.get(Path(name).suffix.lower())
                if suffix is None:
                    continue
                if len(out) >= ZIP_MAX_MEMBERS:
                    raise http_error(413, f"文件超出限制：「{shown}」中的文件超过 {ZIP_MAX_MEMBERS} 个。")
                try:
                    with archive.open(m) as src:
                        path, sha = _copy(ctx, src, suffix, limit, f"压缩包中的「{name}」")
                except StarletteHTTPException as exc:
                    out.append(Saved(name, status=exc.status_code, reason=str(exc.detail)))
                    continue
                except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
                    out.append(Saved(name, status=400, reason=f"压缩包中的「{name}」无法解压（{type(exc).__name__}）。"))
                    continue
                out.append(Saved(name, path, sha))
        if not out:
            raise http_error(400, f"「{shown}」中没有可读取的文件（PDF、DOCX、XLSX、XLS、.txt/.md）。")
        return out
    finally:
        spool.close()


def save_files(ctx: WebContext, files: Iterable[UploadFile]) -> list[Saved]:
    """Every file of one upload (a zip: its documents). One file that cannot be taken raises
    (413/415/400, as before); in an upload of several, it is recorded and the others go on."""
    files = [f for f in files if f is not None and (f.filename or f.size)]
    if not files:
        raise http_error(400, "请选择要上传的文件。")
    out: list[Saved] = []
    for f in files:
        shown = clean_name(f.filename)
        try:
            if Path(shown).suffix.lower() == ZIP_SUFFIX:
                out += _zip_members(ctx, f, shown)
            else:
                path, sha, shown = save_upload(ctx, f)
                out.append(Saved(shown, path, sha))
        except StarletteHTTPException as exc:
            if len(files) == 1:
                raise
            out.append(Saved(shown, status=exc.status_code, reason=str(exc.detail)))
    return out


# --------------------------------------------------------------------------- queueing


def _uploader(request: Request) -> tuple[int | None, str | None]:
    """The signed-in user of the request, when the workbench put one there."""
    user = (request.scope.get("state") or {}).get("user")
    return getattr(user, "id", None), getattr(user, "name", None)


def submit(
    ctx: WebContext, request: Request, files: Iterable[UploadFile], form_token: str | None, form_csrf: str | None
) -> tuple[str, list[J.Job]]:
    """Check the request may write, store the files and queue one job per document; returns the
    upload's batch id and its jobs (a file already stored is a job done at once)."""
    ctx.check_write(request, form_token, form_csrf)
    saved = save_files(ctx, files)
    batch = secrets.token_hex(8)
    user_id, user_name = _uploader(request)
    st = ctx.store
    out: list[J.Job] = []
    for s in saved:
        common = dict(file_name=s.shown, batch=batch, user_id=user_id, user_name=user_name)
        if s.path is None:
            j = J.enqueue(st, sha256="", path="", **common)  # type: ignore[arg-type]
            J.fail(st, j.id, reason=s.reason, http_status=s.status)
            out.append(J.job(st, j.id) or j)
            continue
        existing = st.document_id_by_sha(s.sha)
        if existing is not None:
            out.append(J.finished_job(st, sha256=s.sha, path=str(s.path), document_id=existing, **common))  # type: ignore[arg-type]
        else:
            out.append(J.enqueue(st, sha256=s.sha, path=str(s.path), **common))  # type: ignore[arg-type]
    from .jobs import pool_of

    pool_of(ctx).notify()
    return batch, out


def outcome_of(ctx: WebContext, job: J.Job) -> IngestOutcome:
    """A finished job as the upload's answer: the stored document, or its error (HTTPException)."""
    if job.status == J.FAILED:
        raise http_error(job.http_status or 500, job.reason or "处理失败。")
    if job.status != J.DONE or job.document_id is None:
        raise http_error(202, "仍在处理中。")
    d = ctx.store.document(job.document_id)
    if d is None:
        raise http_error(404, f"没有编号为 {job.document_id} 的文档。")
    found = None if d.rules_version is None else (d.errors or 0) + (d.warnings or 0) + (d.infos or 0)
    return IngestOutcome(
        "exists" if job.outcome == "exists" else "ingested", d.id, d.sha256, job.file_name, d.department,
        d.year, d.fact_count, found, d.rules_version, list(job.warnings),
    )  # fmt: skip


def wait_seconds(ctx: WebContext) -> float | None:
    """How long a waiting request waits for its job: the read's time limit and then some."""
    s = ctx.settings.worker_seconds
    return None if not s else s * 2 + 30


def do_upload(ctx: WebContext, request: Request, file: UploadFile, form_token: str | None, form_csrf: str | None) -> IngestOutcome:
    """One file, queued and waited for: the stored document (or the error) as before the queue."""
    from .jobs import pool_of

    _, queued = submit(ctx, request, [file], form_token, form_csrf)
    job = pool_of(ctx).wait(queued[0].id, wait_seconds(ctx))
    if not job.finished:
        raise http_error(503, "服务器正忙（排队等待读取的文件较多），请稍后在「上传任务」页查看结果。", headers={"Retry-After": "30"})
    return outcome_of(ctx, job)


def upload_jobs_response(
    ctx: WebContext, request: Request, files: list[UploadFile], form_token: str | None, form_csrf: str | None
) -> JSONResponse:
    """``POST /api/documents`` without ``wait``: 202 and the queued job(s) at once —
    ``{"job": {…}, "jobs": [{…}, …], "batch": "…"}`` (``GET /api/jobs/{id}`` follows one)."""
    batch, queued = submit(ctx, request, files, form_token, form_csrf)
    out = [j.to_dict() for j in queued]
    return JSONResponse({"job": out[0], "jobs": out, "batch": batch}, status_code=202)


# --------------------------------------------------------------------------- one job


def _store_checker(ctx: WebContext):  # type: ignore[no-untyped-def]
    """The checker the child runs: the store's, or None when the store has no rule engine."""
    if ctx.store.rules_version is None:
        return None
    return ctx.store.checker


def _reason(message: str, shown: str) -> str:
    """A reader's one line without the file name it starts with (the page names the file)."""
    return message.removeprefix(shown).lstrip(": ：").rstrip("。")


def process(ctx: WebContext, path: Path, sha: str, shown: str, progress=None) -> IngestOutcome:  # type: ignore[no-untyped-def]
    """Read and check one stored upload in a child process, store it and run the corpus rules;
    an unusable file raises the HTTP error a waiting client gets (400, 422, 500)."""
    st = ctx.store
    if st.document_id_by_sha(sha) is not None:
        return st.ingest_path(path, file_name=shown)  # "exists", nothing is read again
    if not path.is_file():
        raise http_error(500, f"「{shown}」的上传文件已不在服务器上，请重新上传。")
    s = ctx.settings
    limits = worker.JobLimits(s.worker_memory_bytes, s.worker_seconds, s.max_pages)
    try:
        job = worker.run_job(path, shown, _store_checker(ctx), limits)
        if progress is not None:
            progress(80)
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
        elif outcome.created:
            _corpus_rules(ctx, outcome)
        log.info("upload %s read and checked in %.2f s", shown, job.seconds)
        return outcome
    except BaseException:
        if st.document_id_by_sha(sha) is None:
            path.unlink(missing_ok=True)
        raise


def _corpus_rules(ctx: WebContext, outcome: IngestOutcome) -> None:
    from ..store.corpus import refresh_after_ingest

    try:
        done = refresh_after_ingest(ctx.store, outcome.document_id)
    except Exception:  # a corpus rule bug must not lose the upload
        log.exception("corpus rules failed for document %s", outcome.document_id)
        outcome.warnings.append("跨文档规则检查出错：文档已保存。")
        return
    n = done.get(outcome.document_id)
    if n and outcome.findings is not None:
        outcome.findings += n


__all__ = [
    "ACCEPT", "MAGIC", "SUFFIXES", "Saved", "clean_name", "do_upload", "outcome_of", "process", "save_files",
    "save_upload", "submit", "upload_jobs_response", "wait_seconds",
]  # fmt: skip
