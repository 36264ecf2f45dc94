"""``juesuan batch PATH… --out DIR``: read and check many documents at once (:mod:`juesuan.batch`).

Exit codes: 0 every input read and no error finding, 1 error findings or inputs that failed,
2 no input at all was usable, 3 internal error (the ``juesuan`` conventions, ``cli_output``).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .cli_lang import t
from .cli_output import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_UNUSABLE, err, fail, say


class BatchEngine(str, Enum):
    local = "local"
    ray = "ray"


def batch(
    paths: list[Path] = typer.Argument(..., help=t("文件、文件夹（含子文件夹）、通配符或 zip 压缩包", "files, folders (recursive), globs or zips")),
    out: Path = typer.Option(..., "--out", help=t("输出目录（Parquet 文件、汇总报告、清单）", "output folder (Parquet files, summary, manifest)")),
    workers: int = typer.Option(0, "--workers", min=0, help=t("并行进程数（默认 CPU 核数）", "parallel workers (default: the CPU count)")),
    engine: BatchEngine = typer.Option(BatchEngine.local, "--engine", help=t("local（本机进程池）或 ray（Ray 集群，RAY_ADDRESS）", "local (process pool) or ray (RAY_ADDRESS)")),
    db: Optional[str] = typer.Option(None, "--db", help=t("同时存入此数据库（与 juesuan ingest 相同）", "also store the documents here (as juesuan ingest does)")),
    timeout: int = typer.Option(300, "--timeout", min=0, help=t("每个文件的处理时间上限（秒，0 = 不限）", "time limit per document (seconds, 0 = none)")),
    memory_mb: int = typer.Option(2048, "--memory-mb", min=0, help=t("每个工作进程的内存上限（MiB，0 = 不限）", "memory cap per worker (MiB, 0 = none)")),
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from .batch import BatchConfig, run_batch
    from .batch.engines import WorkerStartError

    if engine is BatchEngine.ray:
        try:
            import ray  # noqa: F401
        except ImportError:
            raise fail(t("未安装 Ray：pip install 'juesuan[ray]'", "Ray is not installed: pip install 'juesuan[ray]'")) from None
    if db:
        from .cli_store import _open

        _open(db).close()  # an unusable --db is refused (exit 2) before anything is read
    config = BatchConfig(
        out_dir=out, workers=workers, engine=engine.value, seconds=timeout, memory_mb=memory_mb, db=db or None
    )
    state = {"pages": 0, "failed": 0, "done": 0}
    progress = Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[pages]} 页 · {task.fields[rate]} 个/秒 · 失败 {task.fields[failed]}", markup=False),
        TimeElapsedColumn(),
        TextColumn(t("剩余", "ETA")),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )
    task_id = progress.add_task(t("批量检查", "batch"), total=None, pages=0, rate="0.0", failed=0)

    def on_total(n: int) -> None:
        progress.update(task_id, total=n)

    def on_result(result) -> None:  # type: ignore[no-untyped-def]
        state["done"] += 1
        state["pages"] += result.pages or 0
        state["failed"] += result.status == "failed"
        elapsed = progress.tasks[0].elapsed or 0.0
        rate = f"{state['done'] / elapsed:.1f}" if elapsed > 0 else "0.0"
        progress.update(task_id, advance=1, pages=state["pages"], failed=state["failed"], rate=rate,
                        description=t("批量检查 ", "batch ") + Path(result.path).name[:30])  # fmt: skip

    try:
        with progress:
            outcome = run_batch([str(p) for p in paths], config, on_total=on_total, on_result=on_result)
    except WorkerStartError:
        raise fail(
            t(f"工作进程无法启动（--memory-mb {memory_mb} 是否太小？）", f"the worker processes cannot start (is --memory-mb {memory_mb} too small?)"),
            EXIT_INTERNAL,
        ) from None
    except OSError as exc:
        raise fail(t(f"{out}: 无法写入（{exc.strerror or exc}）", f"{out}: cannot write ({exc.strerror or exc})")) from None
    for note in outcome.notes:
        say(note, style="yellow")
    for path, reason in outcome.failures:
        name = Path(path.split("!")[-1]).name
        for prefix in (f"{path}: ", f"{name}: ", f"{path}：", f"{name}："):  # readers name the file themselves
            if reason.startswith(prefix):
                reason = reason[len(prefix) :]
                break
        say(f"{path}: {reason}", prefix="✗ ", prefix_style="red")
    for path, reason in outcome.db_errors:
        say(t(f"{path}: 未能存入数据库（{reason}）", f"{path}: not stored ({reason})"), prefix="! ", prefix_style="yellow")
    say(
        t(
            f"共 {outcome.inputs} 个文件：成功 {outcome.ok}，跳过（内容未变）{outcome.skipped}，失败 {outcome.failed}；"
            f"错误 {outcome.errors} 条；用时 {outcome.seconds:.1f} 秒 → {out}",
            f"{outcome.inputs} inputs: {outcome.ok} read, {outcome.skipped} unchanged, {outcome.failed} failed; "
            f"{outcome.errors} errors; {outcome.seconds:.1f} s → {out}",
        )
    )
    if outcome.usable == 0:
        if not outcome.inputs:
            say(t("没有找到可读取的文件", "no input found"), prefix="juesuan: ", prefix_style="bold red")
        raise typer.Exit(EXIT_UNUSABLE)
    if outcome.errors or outcome.failed:
        raise typer.Exit(EXIT_FINDINGS)


def register(app: typer.Typer) -> None:
    """Add ``batch`` to the main ``juesuan`` app."""
    app.command(
        "batch",
        short_help=t("批量读取并检查大量文件（本机进程池或 Ray）", "Read and check many documents (local pool or Ray)."),
        help=t(
            "批量读取并检查文件、文件夹、通配符或 zip 中的全部文件，结果写入 --out 目录："
            "documents/facts/findings/claims.parquet、summary.html、summary.xlsx。"
            "每个文件在独立进程中处理，有时间和内存上限；失败的文件记录原因，不影响其余文件。"
            "可重复运行：内容未变的文件跳过，沿用上次结果。"
            "退出码：0 无错误，1 有错误发现或失败的文件，2 没有可用的输入，3 内部错误。",
            "Read and check every document of files, folders, globs or zips; outputs in --out: "
            "documents/facts/findings/claims.parquet, summary.html, summary.xlsx. Each document runs in a worker "
            "process under a time limit and memory cap; one that fails is recorded with its reason. Rerunnable: "
            "unchanged inputs are skipped. Exit 0 clean, 1 error findings or failed inputs, 2 no usable input, 3 internal error.",
        ),
    )(batch)


__all__ = ["batch", "register"]
