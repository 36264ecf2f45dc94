"""The ``juesuan`` command.

Exit codes: 0 clean, 1 findings at or above ``--fail-on`` severity (default: error), 2 input or
request unusable (one line on stderr saying why), 3 internal error (one line naming the crash
report that holds the traceback; set JUESUAN_DEBUG=1 to see the traceback instead).

``-o FILE`` picks the format from the extension (``.json .csv .html .xlsx .md .txt .pdf``) unless
``--format`` says otherwise. Messages and help are Chinese; ``--lang en`` (or JUESUAN_LANG=en)
gives English ones. Reports are Chinese either way.
"""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer
from typer.core import TyperGroup
from typer.exceptions import Abort, Exit, TyperException

from . import __version__
from .cli_lang import LANG, t
from .cli_output import (
    EXIT_FINDINGS,
    choose_format,
    fail,
    internal_error,
    make_streams_safe,
    refuse_binary_to_terminal,
    say,
    stdout_is_terminal,
    write_output,
)
from .ingest.errors import InputError
from .safe_output import file_name


class _Group(TyperGroup):
    """Every command runs here: a bug becomes exit 3 with a crash report, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        make_streams_safe()
        try:
            return super().invoke(ctx)
        except (Exit, Abort, TyperException):  # exit codes and usage errors: as they are
            raise
        except KeyboardInterrupt:
            say(t("已中断", "interrupted"))
            raise typer.Exit(130) from None
        except Exception as exc:
            if os.environ.get("JUESUAN_DEBUG"):
                raise
            raise internal_error(exc) from None


app = typer.Typer(
    cls=_Group,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=t(
        "juesuan —— 部门预决算公开文件的读取、审核与编写。退出码：0 无问题，1 有发现，2 输入无法使用，3 内部错误。",
        "juesuan — read and check department final-accounts disclosures (部门决算公开). "
        "Exit codes: 0 clean, 1 findings, 2 input unusable, 3 internal error.",
    ),
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"juesuan {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _main_options(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help=t("显示版本并退出", "show the version and exit")
    ),
    lang: str = typer.Option(
        LANG, "--lang", help=t("界面语言：zh（默认）或 en；报告始终为中文", "interface language: zh (default) or en; reports stay Chinese")
    ),
) -> None:
    """juesuan."""
    if lang.lower() not in ("zh", "en") and not lang.lower().startswith(("zh", "en")):
        raise fail(t(f"--lang 只能是 zh 或 en，不是 {lang!r}", f"--lang must be zh or en, not {lang!r}"))


def _register_store_commands() -> None:
    from .cli_store import register

    register(app)  # ingest, export, serve
    from .cli_batch import register as register_batch

    register_batch(app)  # batch
    from .cli_author import register as register_author

    register_author(app)  # template, author
    from .cli_users import register as register_users

    register_users(app)  # user, token


class ParseFormat(str, Enum):
    json = "json"
    csv = "csv"


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"
    xlsx = "xlsx"
    md = "md"
    csv = "csv"
    pdf = "pdf"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    never = "never"


PARSE_SUFFIXES = {".json": "json", ".csv": "csv"}
CHECK_SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".xlsx": "xlsx",
    ".md": "md",
    ".markdown": "md",
    ".csv": "csv",
    ".pdf": "pdf",
}


def _read(path: Path):  # type: ignore[no-untyped-def]
    """The document, or exit 2 with the reader's one line. Anything else is a bug (exit 3)."""
    from .pipeline import read_document

    try:
        return read_document(path)
    except InputError as exc:
        raise fail(str(exc)) from None


def _format_value(option: Optional[Enum]) -> Optional[str]:
    return None if option is None else str(option.value)


@app.command(help=t("读取文件，输出其中每个表格单元格（表、行、列、数值及出处）。", "Read a document and print its facts (table, row, column, value and where each was printed)."))
def parse(
    file: Path = typer.Argument(..., help=t("决算公开文件（PDF、DOCX、XLSX、HTML、文本导出）", "a disclosure (PDF, DOCX, XLSX, HTML, converter text)")),
    format: Optional[ParseFormat] = typer.Option(
        None, "--format", "-f", help=t("json 或 csv；默认按 -o 的扩展名，否则 json", "json or csv; default from -o's extension, else json")
    ),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help=t("写入此文件（默认输出到标准输出）", "write here instead of stdout")),
    claims: bool = typer.Option(False, "--claims", help=t("输出情况说明中引用的数字，而不是表格数据", "the narrative's figures instead of the table facts")),
) -> None:
    from .factsio import claims_to_csv, claims_to_json_dict, to_csv, to_json_dict

    fmt = choose_format(_format_value(format), output, PARSE_SUFFIXES, "json")
    doc = _read(file)
    if fmt == "csv":
        write_output(output, claims_to_csv(doc) if claims else to_csv(doc), bom=True)
    else:
        data = claims_to_json_dict(doc) if claims else to_json_dict(doc)
        write_output(output, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    for line in doc.unreadable:
        say(line, prefix=t("未能读取：", "unreadable: "), prefix_style="yellow")
    count = len(doc.claims) if claims else len(doc.facts)
    if count == 0:
        say(
            t(f"{file_name(str(file))}：没有读出任何{'数字' if claims else '表格数据'}",
              f"{file_name(str(file))}: no {'figures' if claims else 'table facts'} were read"),
            prefix="juesuan: ",
            prefix_style="yellow",
        )
    elif output is not None:
        what = (
            t(f"{count} 个数字", f"{count} claims")
            if claims
            else t(f"{count} 个数据单元格（{len(doc.tables)} 张表）", f"{count} facts from {len(doc.tables)} tables")
        )
        say(f"{what} → {output}")


@app.command(help=t("按全部规则检查文件并报告发现。", "Run every rule on a document and report the findings."))
def check(
    file: Path = typer.Argument(..., help=t("决算公开文件", "a disclosure")),
    format: Optional[CheckFormat] = typer.Option(
        None,
        "--format",
        "-f",
        help=t(
            "text、json、html、xlsx、md、csv 或 pdf（PDF 输入：在原文上标注发现；其他输入：打印的报告）；默认按 -o 的扩展名，否则 text",
            "text, json, html, xlsx, md, csv or pdf (a PDF input: the source annotated; others: the printed report); default from -o's extension, else text",
        ),
    ),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help=t("把报告写入此文件", "write the report here")),
    fail_on: FailOn = typer.Option(
        FailOn.error, "--fail-on", help=t("有此严重程度或更严重的发现时退出码为 1（error、warning、never）", "exit 1 on findings of this severity or worse")
    ),
    db: Optional[str] = typer.Option(
        None, "--db",
        help=t("同时按库中文档做跨文档检查（上年决算、其他版本、所属部门、同年预算；JS-CO 规则）的数据库 URL",
               "also run the corpus rules (JS-CO: prior year, versions, department, budget) against this database"),
    ),
) -> None:
    from .report import render
    from .rules import check as run_rules

    fmt = choose_format(_format_value(format), output, CHECK_SUFFIXES, "text")
    refuse_binary_to_terminal(fmt, output)
    doc = _read(file)
    result = run_rules(doc)
    if db is not None:
        from .cli_store import corpus_check

        corpus_check(result, file, db)
    if fmt == "text" and output is None and stdout_is_terminal():
        from rich.console import Console

        from .report import print_rich

        print_rich(result, Console(highlight=False))
    elif fmt == "pdf":
        from .cli_output import pdf_report

        write_output(output, pdf_report(result, file))
    else:
        # text to a pipe: plain, never wrapped
        write_output(output, render(result, fmt), bom=fmt == "csv")
    if output is not None:
        say(
            t(
                f"错误 {result.count('error')}，警告 {result.count('warning')}，提示 {result.count('info')} → {output}",
                f"{result.count('error')} errors, {result.count('warning')} warnings, {result.count('info')} notes → {output}",
            )
        )
    worst = {"error": result.count("error"), "warning": result.count("error") + result.count("warning")}
    if fail_on is not FailOn.never and worst[fail_on.value]:
        raise typer.Exit(EXIT_FINDINGS)


@app.command(help=t("列出规则目录。", "List the rule catalog."))
def rules(
    markdown: bool = typer.Option(False, "--markdown", help=t("输出 docs/rules.md 的 Markdown，而不是表格", "print docs/rules.md instead of a table")),
) -> None:
    from .rules import CATALOG, catalog_markdown

    if markdown:
        write_output(None, catalog_markdown())
        return
    head = ("id", t("严重程度", "severity"), t("标题", "title"), t("依据", "basis"))
    if not stdout_is_terminal():  # a pipe: one rule a line, tab-separated, never wrapped
        lines = ["\t".join(head)] + ["\t".join((r.id, r.severity, r.title, r.legal_basis or "")) for r in CATALOG]
        write_output(None, "\n".join(lines) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=t("juesuan 规则目录", "juesuan rule catalog"), show_lines=False)
    for col in head:
        table.add_column(col)
    for r in CATALOG:
        table.add_row(r.id, r.severity, r.title, r.legal_basis or "")
    Console(highlight=False).print(table)


@app.command(
    short_help=t("在文本导出文件中植入一个错误数值（测试用）", "Plant a wrong value in a text document (for tests)."),
    help=t(
        "在文本导出文件的一个单元格中植入错误数值（用于测试审核人员和规则）。"
        "表、行、列可以用编号（expenditure/total/basic），也可以用印制的名称（支出决算表/合计/基本支出）。",
        "Plant a wrong value in one cell of a text document (to test reviewers and rules). Table, row and "
        "column may be keys (expenditure/total/basic) or printed names (支出决算表/合计/基本支出).",
    )
)
def mutate(
    file: Path = typer.Argument(..., help=t("文本导出文件（.txt/.md）", "a converter-text document (.txt/.md)")),
    table: str = typer.Option(..., "--table", help=t("表：编号或表名", "table: key or printed name")),
    row: str = typer.Option(..., "--row", help=t("行：编号、科目编码或行名", "row: key, code or printed name")),
    column: str = typer.Option(..., "--column", help=t("列：编号或列名", "column: key or printed header")),
    value: str = typer.Option(..., "--value", help=t("要植入的错误数值，如 123.45", "the wrong value to plant, e.g. 123.45")),
    output: Path = typer.Option(..., "--output", "-o", help=t("修改后副本的保存位置", "where to write the altered copy")),
) -> None:
    from .mutate_text import plant, resolve_cell

    try:
        new = Decimal(value.replace(",", ""))
        if not new.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise fail(t(f"--value {value!r} 不是数值", f"--value {value!r} is not a number")) from None
    doc = _read(file)
    try:
        key = resolve_cell(doc, table, row, column)
        text, where = plant(file, doc, *key, new)
    except (KeyError, ValueError) as exc:
        raise fail(str(exc).strip("'\"")) from None
    write_output(output, text)
    say(t(f"已在 {'/'.join(key)}（{where}）植入 {value} → {output}", f"planted {value} at {'/'.join(key)} ({where}) → {output}"))


_register_store_commands()


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
