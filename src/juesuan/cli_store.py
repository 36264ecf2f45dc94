"""``juesuan ingest`` / ``export`` / ``serve``: the store, its exports and the web app.

Plain command functions; the main app registers them with :func:`register`::

    from .cli_store import register as register_store_commands
    register_store_commands(app)
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

err = Console(stderr=True)

EXIT_OK, EXIT_UNUSABLE = 0, 2

DB_HELP = "数据库 URL（sqlite:///juesuan.db、postgresql://user@host/db 或 SQLite 文件路径）；默认 $JUESUAN_DB 或 sqlite:///juesuan.db"


class ExportWhat(str, Enum):
    facts = "facts"
    findings = "findings"


class ExportFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"
    datapackage = "datapackage"


def _open(db: Optional[str]):  # type: ignore[no-untyped-def]
    from .store import open_store

    try:
        return open_store(db)
    except Exception as exc:
        if os.environ.get("JUESUAN_DEBUG"):
            raise
        err.print(f"[bold red]juesuan:[/] 无法打开数据库 {db or ''}：{type(exc).__name__}: {exc}", highlight=False)
        raise typer.Exit(EXIT_UNUSABLE) from None


def ingest(
    files: Optional[list[Path]] = typer.Argument(None, help="决算公开文件（PDF、DOCX、XLSX、文本导出）"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    recheck: bool = typer.Option(
        False, "--recheck", help="另外用当前规则版本检查库中尚未按此版本检查的文档（保留旧版本的发现）"
    ),
) -> None:
    """Read, check and store documents (idempotent: a file already stored is skipped).

    Continues past files that fail and lists them at the end; exits 2 only if every file failed.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .ingest.errors import InputError

    files = list(files or [])
    if not files and not recheck:
        err.print("[bold red]juesuan:[/] 请给出要入库的文件（或用 --recheck）", highlight=False)
        raise typer.Exit(EXIT_UNUSABLE)
    store = _open(db)
    added, existing, failed = [], [], []
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as progress:
        task = progress.add_task("入库", total=len(files))
        for path in files:
            progress.update(task, description=f"入库 {path.name[:40]}")
            try:
                outcome = store.ingest_path(path)
            except InputError as exc:
                failed.append((path, str(exc)))
            except Exception as exc:  # keep going: one bad file must not stop the batch
                if os.environ.get("JUESUAN_DEBUG"):
                    raise
                failed.append((path, f"内部错误 {type(exc).__name__}: {exc}"))
            else:
                (added if outcome.created else existing).append((path, outcome))
            progress.advance(task)
    for path, o in added:
        checked = "未检查" if o.findings is None else f"{o.findings} 条发现"
        err.print(
            f"[green]✓[/] {path}: #{o.document_id} {o.department or '（单位未识别）'} {o.year or ''}，"
            f"{o.facts} 个数据单元格，{checked}",
            highlight=False,
        )
        for w in o.warnings:
            err.print(f"  [yellow]![/] {w}", highlight=False)
    for path, o in existing:
        err.print(f"[dim]= {path}: 已入库（#{o.document_id}，内容相同）[/]", highlight=False)
    if failed:
        err.print(f"[bold red]{len(failed)} 个文件失败：[/]")
        for path, reason in failed:
            for prefix in (f"{path}: ", f"{path.name}: "):  # readers name the file themselves
                if reason.startswith(prefix):
                    reason = reason[len(prefix) :]
                    break
            err.print(f"[red]✗[/] {path}: {reason}", highlight=False)
    if files:
        err.print(
            f"新入库 {len(added)}，已存在 {len(existing)}，失败 {len(failed)} → {store.url}", highlight=False
        )
    if recheck:
        try:
            done = store.recheck()
        except Exception as exc:
            if os.environ.get("JUESUAN_DEBUG"):
                raise
            err.print(f"[bold red]juesuan:[/] 重新检查失败：{type(exc).__name__}: {exc}", highlight=False)
            store.close()
            raise typer.Exit(EXIT_UNUSABLE) from None
        version = store.rules_version or "（无规则引擎）"
        err.print(f"按规则版本 {version} 重新检查 {len(done)} 个文档", highlight=False)
    store.close()
    if failed and not added and not existing:
        raise typer.Exit(EXIT_UNUSABLE)


def export(
    what: ExportWhat = typer.Option(ExportWhat.facts, "--what", help="facts 或 findings"),
    format: ExportFormat = typer.Option(ExportFormat.csv, "--format", "-f", help="csv | xlsx | parquet | datapackage"),
    output: Path = typer.Option(..., "--output", "-o", help="输出文件（datapackage 为目录）"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    document: Optional[int] = typer.Option(None, "--document", help="只导出这个文档编号"),
    all_versions: bool = typer.Option(False, "--all-versions", help="findings：导出所有规则版本（默认每个文档最近一次检查）"),
) -> None:
    """Export stored facts or findings (CSV is UTF-8 with BOM; datapackage is a Frictionless package)."""
    from .export import ExportError
    from .export import export as do_export

    store = _open(db)
    try:
        n = do_export(store, what.value, format.value, output, document_id=document, all_versions=all_versions)
    except ExportError as exc:
        err.print(f"[bold red]juesuan:[/] {exc}", highlight=False)
        raise typer.Exit(EXIT_UNUSABLE) from None
    except OSError as exc:
        err.print(f"[bold red]juesuan:[/] {output}: 无法写入 ({exc.strerror})", highlight=False)
        raise typer.Exit(EXIT_UNUSABLE) from None
    finally:
        store.close()
    err.print(f"{n} 行 {what.value} → {output}", highlight=False)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址；非回环地址时写操作需要 $JUESUAN_TOKEN"),
    port: int = typer.Option(8000, "--port"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    uploads: Optional[Path] = typer.Option(None, "--uploads", help="上传文件保存目录（默认 $JUESUAN_UPLOADS 或 ./juesuan-uploads）"),
) -> None:
    """Run the web app (upload, findings, departments, comparison, downloads, JSON API at /docs)."""
    import uvicorn

    from .web import create_app, is_loopback

    token = os.environ.get("JUESUAN_TOKEN") or None
    if not is_loopback(host) and not token:
        err.print(
            f"[bold red]juesuan:[/] 监听 {host}（非回环地址）需要先设置环境变量 JUESUAN_TOKEN，"
            "上传等写操作须携带该令牌。",
            highlight=False,
        )
        raise typer.Exit(EXIT_UNUSABLE)
    store = _open(db)
    app = create_app(store=store, host=host, upload_dir=uploads, token=token if not is_loopback(host) else None)
    shown = f"[{host}]" if ":" in host else host
    err.print(f"juesuan 网页：http://{shown}:{port}/  数据库：{store.url}", highlight=False)
    try:
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        store.close()


def register(app: typer.Typer) -> None:
    """Add ``ingest``, ``export`` and ``serve`` to the main ``juesuan`` app."""
    app.command("ingest")(ingest)
    app.command("export")(export)
    app.command("serve")(serve)


if __name__ == "__main__":  # pragma: no cover - for trying the commands before registration
    _app = typer.Typer(add_completion=False, no_args_is_help=True)
    register(_app)
    _app(args=sys.argv[1:])
