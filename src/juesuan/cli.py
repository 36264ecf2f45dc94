"""The ``juesuan`` command.

Exit codes: 0 clean, 1 findings at or above ``--fail-on`` severity (default: error), 2 input
unusable. Bad input gets one line on stderr, never a traceback (set JUESUAN_DEBUG=1 to see one).
"""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from .ingest.errors import InputError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="juesuan — 部门决算公开文件的读取与审核 (read and check department final-accounts disclosures).",
)
err = Console(stderr=True)


def _register_store_commands() -> None:
    from .cli_store import register

    register(app)  # ingest, export, serve

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


class ParseFormat(str, Enum):
    json = "json"
    csv = "csv"


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"
    xlsx = "xlsx"
    md = "md"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    never = "never"


def _fail(message: str) -> "typer.Exit":
    err.print(f"[bold red]juesuan:[/] {message}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(EXIT_UNUSABLE)


def _read(path: Path):  # type: ignore[no-untyped-def]
    from .pipeline import read_document

    try:
        return read_document(path)
    except InputError as exc:
        raise _fail(str(exc)) from None
    except Exception as exc:  # a bug must still not spill a traceback on a reviewer
        if os.environ.get("JUESUAN_DEBUG"):
            raise
        raise _fail(f"{path.name}: 读取失败（内部错误 {type(exc).__name__}: {exc}）") from None


def _write(out: Optional[Path], data: str | bytes) -> None:
    if out is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            out.write_bytes(data)
        else:
            out.write_text(data, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"{out}: 无法写入 ({exc.strerror})") from None


@app.command()
def parse(
    file: Path = typer.Argument(..., help="决算公开文件 (text export, PDF, …)"),
    format: ParseFormat = typer.Option(ParseFormat.json, "--format", "-f", help="json or csv"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="write here instead of stdout"),
    claims: bool = typer.Option(False, "--claims", help="the narrative's figures instead of the table facts"),
) -> None:
    """Read a document and print its facts (table, row, column, value + provenance)."""
    from .factsio import claims_to_csv, claims_to_json_dict, to_csv, to_json_dict

    doc = _read(file)
    if claims:
        data = claims_to_csv(doc) if format is ParseFormat.csv else claims_to_json_dict(doc)
    else:
        data = to_csv(doc) if format is ParseFormat.csv else to_json_dict(doc)
    if isinstance(data, dict):
        _write(output, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    else:
        _write(output, data)
    for line in doc.unreadable:
        err.print(f"[yellow]未能读取:[/] {line}", highlight=False)
    if output is not None:
        what = f"{len(doc.claims)} claims" if claims else f"{len(doc.facts)} facts from {len(doc.tables)} tables"
        err.print(f"{what} → {output}", highlight=False)


@app.command()
def check(
    file: Path = typer.Argument(..., help="决算公开文件"),
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="write the report here"),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="exit 1 on findings of this severity or worse"),
) -> None:
    """Run every rule and report the findings."""
    from .report import print_rich, render
    from .rules import check as run_rules

    doc = _read(file)
    result = run_rules(doc)
    if format is CheckFormat.text and output is None:
        print_rich(result, Console())
    else:
        _write(output, render(result, format.value))
        if output is not None:
            err.print(
                f"{result.count('error')} errors, {result.count('warning')} warnings, "
                f"{result.count('info')} notes → {output}",
                highlight=False,
            )
    worst = {"error": result.count("error"), "warning": result.count("error") + result.count("warning")}
    if fail_on is not FailOn.never and worst[fail_on.value]:
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def rules(
    markdown: bool = typer.Option(False, "--markdown", help="print docs/rules.md instead of a table"),
) -> None:
    """List the rule catalog."""
    from rich.table import Table

    from .rules import CATALOG, catalog_markdown

    if markdown:
        sys.stdout.write(catalog_markdown())
        return
    table = Table(title="juesuan 规则目录", show_lines=False)
    for col in ("id", "严重程度", "标题", "依据"):
        table.add_column(col)
    for r in CATALOG:
        table.add_row(r.id, r.severity, r.title, r.legal_basis or "")
    Console().print(table)


@app.command()
def mutate(
    file: Path = typer.Argument(..., help="a converter-text document (.txt/.md)"),
    table: str = typer.Option(..., "--table"),
    row: str = typer.Option(..., "--row"),
    column: str = typer.Option(..., "--column"),
    value: str = typer.Option(..., "--value", help="the wrong value to plant, e.g. 123.45"),
    output: Path = typer.Option(..., "--output", "-o", help="where to write the altered copy"),
) -> None:
    """Plant a wrong value in one cell of a text document (for testing reviewers and rules)."""
    from .mutate_text import plant

    try:
        new = Decimal(value)
    except InvalidOperation:
        raise _fail(f"--value {value!r} 不是数值") from None
    doc = _read(file)
    try:
        text, where = plant(file, doc, table, row, column, new)
    except (KeyError, ValueError) as exc:
        raise _fail(str(exc).strip("'\"")) from None
    _write(output, text)
    err.print(f"planted {value} at {table}/{row}/{column} ({where}) → {output}", highlight=False)


_register_store_commands()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
