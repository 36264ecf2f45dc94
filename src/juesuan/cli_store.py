"""``juesuan ingest`` / ``export`` / ``serve``: the store, its exports and the web app.

Plain command functions; the main app registers them with :func:`register`::

    from .cli_store import register as register_store_commands
    register_store_commands(app)
"""

from __future__ import annotations

import os
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .cli_lang import t
from .cli_output import (
    EXIT_INTERNAL,
    EXIT_UNUSABLE,
    choose_format,
    err,
    fail,
    internal_error,
    os_reason,
    say,
    write_crash_report,
)

DB_HELP = t(
    "数据库 URL（sqlite:///juesuan.db、postgresql://user@host/db 或 SQLite 文件路径）；默认 $JUESUAN_DB 或 sqlite:///juesuan.db",
    "database URL (sqlite:///juesuan.db, postgresql://user@host/db or an SQLite file path); default $JUESUAN_DB or sqlite:///juesuan.db",
)

# What ``ingest FOLDER`` takes from a folder (and its subfolders).
DOCUMENT_SUFFIXES = frozenset(
    {".pdf", ".docx", ".xlsx", ".xlsm", ".xls", ".html", ".htm", ".txt", ".md", ".markdown", ".text"}
)


class ExportWhat(str, Enum):
    facts = "facts"
    findings = "findings"


class ExportFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"
    datapackage = "datapackage"


EXPORT_SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}

_CLASS_PREFIX = re.compile(r"^\([\w.]+\)\s*")  # SQLAlchemy's "(sqlite3.OperationalError) …"


def _reason(exc: BaseException) -> str:
    """An exception's message as words: first line, no exception class name."""
    orig = getattr(exc, "orig", None)  # a DBAPI error wrapped by SQLAlchemy
    text = str(orig if orig is not None else exc).strip().splitlines()
    line = _CLASS_PREFIX.sub("", text[0]) if text else ""
    return line or t("原因不明", "unknown reason")


def _open(db: Optional[str]):  # type: ignore[no-untyped-def]
    from .store import open_store

    try:
        return open_store(db)
    except Exception as exc:
        if os.environ.get("JUESUAN_DEBUG"):
            raise
        raise fail(t(f"无法打开数据库 {db or ''}：{_reason(exc)}", f"cannot open the database {db or ''}: {_reason(exc)}")) from None


def _expand(paths: list[Path]) -> list[Path]:
    """Files as given; a folder stands for the documents in it and its subfolders (sorted)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(
                f for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in DOCUMENT_SUFFIXES and not f.name.startswith((".", "~$"))
            )  # fmt: skip
            if not found:
                say(t(f"{p}：文件夹中没有可读取的文件", f"{p}: no documents in this folder"), style="yellow")
            out += found
        else:
            out.append(p)
    return out


def _corpus_rules(store, outcome) -> None:  # type: ignore[no-untyped-def]
    """The corpus rules (JS-CO-*) for a document just stored and its stored neighbours; their
    findings join the stored checks. A failure is a warning: the document stays stored."""
    from .store.corpus import refresh_after_ingest

    try:
        done = refresh_after_ingest(store, outcome.document_id)
    except Exception as exc:  # a corpus rule bug must not lose the ingest
        if os.environ.get("JUESUAN_DEBUG"):
            raise
        outcome.warnings.append(t(f"跨文档规则检查失败：{_reason(exc)}", f"corpus rules failed: {_reason(exc)}"))
        return
    n = done.get(outcome.document_id)
    if n and outcome.findings is not None:
        outcome.findings += n


def corpus_check(result, file: Path, db: Optional[str]) -> None:  # type: ignore[no-untyped-def]
    """``check FILE --db URL``: add the corpus rules' findings (against the stored documents,
    the file itself left out when it is stored) to ``result``, keeping severity order."""
    from .model import SEVERITY_ORDER
    from .store import file_sha256
    from .store.corpus import corpus_findings

    store = _open(db)
    try:
        extra = corpus_findings(store, result.document, exclude_sha=file_sha256(file))
    except Exception as exc:
        if os.environ.get("JUESUAN_DEBUG"):
            raise
        raise internal_error(exc) from None
    finally:
        store.close()
    result.findings = sorted([*result.findings, *extra], key=lambda f: SEVERITY_ORDER[f.severity])


def ingest(
    files: Optional[list[Path]] = typer.Argument(
        None, help=t("决算公开文件（PDF、DOCX、XLSX、HTML、文本导出），或包含它们的文件夹", "disclosures (PDF, DOCX, XLSX, HTML, text), or folders of them")
    ),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    recheck: bool = typer.Option(
        False,
        "--recheck",
        help=t(
            "另外用当前规则版本检查库中尚未按此版本检查的文档（保留旧版本的发现）",
            "also check stored documents not yet checked with the current rules (older findings are kept)",
        ),
    ),
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.text import Text

    from .ingest.errors import InputError

    files = _expand(list(files or []))
    if not files and not recheck:
        raise fail(t("请给出要入库的文件或文件夹（或用 --recheck）", "give the files or folders to store (or use --recheck)"))
    store = _open(db)
    added, existing, failed = [], [], []
    internal = 0
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not files,  # --recheck alone: no bar
    ) as progress:
        task = progress.add_task(t("入库", "storing"), total=len(files))
        for path in files:
            progress.update(task, description=t("入库 ", "storing ") + path.name[:40])
            try:
                outcome = store.ingest_path(path)
            except InputError as exc:
                failed.append((path, str(exc)))
            except Exception as exc:  # keep going: one bad file must not stop the batch
                if os.environ.get("JUESUAN_DEBUG"):
                    raise
                report = write_crash_report(exc)
                internal += 1
                failed.append((path, t(f"内部错误（程序缺陷），详情已写入 {report}", f"internal error (a bug), details in {report}")))
            else:
                (added if outcome.created else existing).append((path, outcome))
                if outcome.created:
                    _corpus_rules(store, outcome)
            progress.advance(task)
    for path, o in added:
        checked = t("未检查", "not checked") if o.findings is None else t(f"{o.findings} 条发现", f"{o.findings} findings")
        say(
            f"{path}: #{o.document_id} {o.department or t('（单位未识别）', '(department not recognised)')} {o.year or ''}，"
            + t(f"{o.facts} 个数据单元格，{checked}", f"{o.facts} facts, {checked}"),
            prefix="✓ ",
            prefix_style="green",
        )
        for w in o.warnings:
            say(w, prefix="  ! ", prefix_style="yellow")
    for path, o in existing:
        say(t(f"{path}: 已入库（#{o.document_id}，内容相同）", f"{path}: already stored (#{o.document_id}, same content)"), style="dim", prefix="= ")
    if failed:
        err.print(Text(t(f"{len(failed)} 个文件失败：", f"{len(failed)} files failed:"), style="bold red"))
        for path, reason in failed:
            for prefix in (f"{path}: ", f"{path.name}: "):  # readers name the file themselves
                if reason.startswith(prefix):
                    reason = reason[len(prefix) :]
                    break
            say(f"{path}: {reason}", prefix="✗ ", prefix_style="red")
    if files:
        say(
            t(
                f"新入库 {len(added)}，已存在 {len(existing)}，失败 {len(failed)} → {store.url}",
                f"{len(added)} new, {len(existing)} already stored, {len(failed)} failed → {store.url}",
            )
        )
    if recheck:
        try:
            done = store.recheck()
            if done:  # a new check holds the catalog's findings only: the corpus rules' again
                from .store.corpus import refresh

                for doc_id, _, _ in done:
                    refresh(store, doc_id)
        except Exception as exc:
            store.close()
            if os.environ.get("JUESUAN_DEBUG"):
                raise
            raise internal_error(exc) from None
        version = store.rules_version or t("（无规则引擎）", "(no rule engine)")
        say(t(f"按规则版本 {version} 重新检查 {len(done)} 个文档", f"rechecked {len(done)} documents with rules {version}"))
    store.close()
    if failed and not added and not existing:
        raise typer.Exit(EXIT_INTERNAL if internal == len(failed) else EXIT_UNUSABLE)


def export(
    what: ExportWhat = typer.Option(ExportWhat.facts, "--what", help=t("facts（数据）或 findings（检查发现）", "facts or findings")),
    format: Optional[ExportFormat] = typer.Option(
        None,
        "--format",
        "-f",
        help=t(
            "csv | xlsx | parquet | datapackage；默认按 -o 的扩展名（无扩展名为 datapackage 目录）",
            "csv | xlsx | parquet | datapackage; default from -o's extension (none: a datapackage folder)",
        ),
    ),
    output: Path = typer.Option(..., "--output", "-o", help=t("输出文件（datapackage 为目录）", "output file (a folder for datapackage)")),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    document: Optional[int] = typer.Option(None, "--document", help=t("只导出这个文档编号", "only this document id")),
    all_versions: bool = typer.Option(
        False, "--all-versions", help=t("findings：导出所有规则版本（默认每个文档最近一次检查）", "findings: every rules version (default: each document's latest check)")
    ),
) -> None:
    from .export import ExportError
    from .export import export as do_export

    fmt = choose_format(None if format is None else format.value, output, EXPORT_SUFFIXES, "csv", no_suffix="datapackage")
    store = _open(db)
    try:
        if document is not None and store.document(document) is None:
            total = store.count_documents()
            raise fail(
                t(
                    f"没有编号为 {document} 的文档（库中共 {total} 个文档；用 juesuan serve 或 /api/documents 查看编号）",
                    f"no document with id {document} ({total} documents stored)",
                )
            )
        n = do_export(store, what.value, fmt, output, document_id=document, all_versions=all_versions)
    except ExportError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(t(f"{output}: 无法写入（{os_reason(exc)}）", f"{output}: cannot write ({os_reason(exc)})")) from None
    finally:
        store.close()
    what_zh = t("数据" if what.value == "facts" else "检查发现", what.value)
    if n == 0:
        scope = t(f"文档 #{document} " if document is not None else "库中", f"document #{document} " if document is not None else "the store ")
        say(
            t(f"{scope}没有可导出的{what_zh}；已写入只有表头的 {output}", f"{scope}has no {what_zh} to export; wrote {output} with the header only"),
            prefix="juesuan: ",
            prefix_style="yellow",
        )
        return
    say(t(f"{n} 行{what_zh} → {output}", f"{n} rows of {what_zh} → {output}"))


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help=t("监听地址；非回环地址时须有用户（juesuan user add）或 $JUESUAN_TOKEN", "address to listen on; off loopback, users (juesuan user add) or $JUESUAN_TOKEN are needed")),
    port: int = typer.Option(8000, "--port", help=t("端口", "port")),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    uploads: Optional[Path] = typer.Option(
        None, "--uploads", help=t("上传文件保存目录（默认 $JUESUAN_UPLOADS 或 ./juesuan-uploads）", "folder for uploaded files (default $JUESUAN_UPLOADS or ./juesuan-uploads)")
    ),
    forwarded_allow_ips: Optional[str] = typer.Option(
        None, "--forwarded-allow-ips",
        help=t("信任其代理请求头（X-Forwarded-For/Forwarded）的代理地址，逗号分隔，可写网段或 *；默认不信任（$JUESUAN_FORWARDED_ALLOW_IPS）",
               "proxies whose X-Forwarded-For/Forwarded headers are believed: addresses or networks, comma-separated, or *; default none"),
    ),
    worker_memory_mb: Optional[int] = typer.Option(
        None, "--worker-memory-mb", min=0,
        help=t("读取每个上传文件的进程内存上限（MiB，默认 1024，0 = 不限）", "memory cap of the process reading one upload (MiB, default 1024, 0 = none)"),
    ),
    worker_seconds: Optional[float] = typer.Option(
        None, "--worker-seconds", min=0,
        help=t("读取每个上传文件的时间上限（秒，默认 300，0 = 不限）", "time limit for reading one upload (seconds, default 300, 0 = none)"),
    ),
) -> None:
    import uvicorn

    from .web import create_app, is_loopback

    token = os.environ.get("JUESUAN_TOKEN") or None
    store = _open(db)
    if not is_loopback(host) and not token and not store.has_users():
        store.close()
        raise fail(
            t(
                f"监听 {host}（非回环地址）需要先建立用户（juesuan user add）或设置环境变量 JUESUAN_TOKEN，上传等写操作须登录或携带令牌。",
                f"listening on {host} (not loopback) needs users (juesuan user add) or JUESUAN_TOKEN set; writes need a login or the token.",
            )
        )
    try:
        app = create_app(
            store=store, host=host, upload_dir=uploads, token=token, forwarded_allow_ips=forwarded_allow_ips,
            worker_memory_mb=worker_memory_mb, worker_seconds=worker_seconds,
        )  # fmt: skip
    except ValueError:
        store.close()
        raise fail(t(f"--forwarded-allow-ips 无效：{forwarded_allow_ips}", f"invalid --forwarded-allow-ips: {forwarded_allow_ips}")) from None
    shown = f"[{host}]" if ":" in host else host
    say(t(f"juesuan 网页：http://{shown}:{port}/  数据库：{store.url}", f"juesuan web app: http://{shown}:{port}/  database: {store.url}"))
    try:
        # proxy headers are read by the app itself, and only from --forwarded-allow-ips
        uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
    finally:
        store.close()


def register(app: typer.Typer) -> None:
    """Add ``ingest``, ``export`` and ``serve`` to the main ``juesuan`` app."""
    app.command(
        "ingest",
        short_help=t("读取、检查并保存文件或文件夹", "Read, check and store documents or folders."),
        help=t(
            "读取、检查并保存文件（可重复运行：内容相同的文件会跳过）。文件夹代表其中（含子文件夹）的全部文件。"
            "个别文件失败时继续处理其余文件并在最后列出；全部失败时退出码为 2。",
            "Read, check and store documents (a file already stored is skipped); a folder stands for the documents "
            "in it. Continues past files that fail and lists them at the end; exits 2 only if every file failed.",
        ),
    )(ingest)
    app.command(
        "export",
        help=t(
            "导出库中的数据或检查发现（CSV 为带 BOM 的 UTF-8；datapackage 为 Frictionless 数据包）。",
            "Export stored facts or findings (CSV is UTF-8 with BOM; datapackage is a Frictionless package).",
        ),
    )(export)
    app.command(
        "serve",
        help=t(
            "启动网页（上传、检查发现、部门、对比、下载；JSON 接口文档在 /docs）。",
            "Run the web app (upload, findings, departments, comparison, downloads; JSON API at /docs).",
        ),
    )(serve)


if __name__ == "__main__":  # pragma: no cover - for trying the commands before registration
    _app = typer.Typer(add_completion=False, no_args_is_help=True)
    register(_app)
    _app(args=sys.argv[1:])
