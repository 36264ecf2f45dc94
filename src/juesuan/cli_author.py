"""``juesuan template`` / ``author``: write the input workbook, and a disclosure from the numbers.

    from .cli_author import register as register_author
    register_author(app)
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .cli_lang import t
from .cli_output import EXIT_UNUSABLE, fail, say
from .ingest.errors import InputError

FAMILY_HELP = t("模板族：local_nine（默认）、central_department、university_four",
                "template family: local_nine (default), central_department, university_four")


def _family(family: str) -> str:
    from .refdata.families import get_family

    try:
        if get_family(family).kind != "final":
            raise KeyError(family)
    except KeyError:
        raise fail(t(f"未知的模板族：{family}", f"unknown family: {family}")) from None
    return family


def template_command(
    year: int = typer.Option(..., "--year", help=t("年度（决定科目代码表）", "fiscal year (picks the code lists)")),
    family: str = typer.Option("local_nine", "--family", help=FAMILY_HELP),
    output: Path = typer.Option(..., "-o", "--output", help=t("输出的 .xlsx 文件", "the .xlsx to write")),
) -> None:
    from .author.workbook import write_template

    _family(family)
    if output.suffix.lower() != ".xlsx":
        raise fail(t("模板只能写成 .xlsx", "the template is written as .xlsx only"))
    try:
        sheets = write_template(output, year=year, family=family)
    except OSError as e:
        raise fail(t(f"无法写入 {output.name}：{e.strerror}", f"cannot write {output.name}: {e.strerror}")) from None
    say(t(f"已写入 {output.name}：{len(sheets)} 张表", f"wrote {output.name}: {len(sheets)} tables"))


def author_command(
    input: Path = typer.Argument(..., help=t("填好的模板工作簿（.xlsx）或事实 CSV（table,row,column,value）",
                                             "a filled template workbook (.xlsx) or a facts CSV (table,row,column,value)")),
    department: str = typer.Option(..., "--department", help=t("部门名称（封面与表头）", "department name")),
    year: int = typer.Option(..., "--year", help=t("决算年度", "fiscal year")),
    prior: Optional[Path] = typer.Option(None, "--prior", help=t("上年度公开文件（任意可读格式），用于与上年比较",
                                                                 "last year's disclosure (any readable format)")),
    family: str = typer.Option("local_nine", "--family", help=FAMILY_HELP),
    output: Path = typer.Option(..., "-o", "--output", help=t("输出文件：.docx、.pdf 或 .html", "output: .docx, .pdf or .html")),
    allow_inconsistent: bool = typer.Option(False, "--allow-inconsistent",
                                            help=t("数字不符时仍然生成，并列出不符之处", "write even if identities fail; list them")),
) -> None:
    from .author.consistency import failure_line, identity_failures
    from .author.document import build
    from .author.factset import from_document, read_facts_csv
    from .author.workbook import read_workbook

    _family(family)
    suffix = output.suffix.lower()
    if suffix not in (".docx", ".pdf", ".html", ".htm"):
        raise fail(t("输出只能是 .docx、.pdf 或 .html", "output must be .docx, .pdf or .html"))
    if not input.is_file():
        raise fail(t(f"找不到文件：{input.name}", f"no such file: {input.name}"))
    try:
        fs = read_workbook(input) if input.suffix.lower() in (".xlsx", ".xlsm") else read_facts_csv(input)
    except InputError as e:
        raise fail(str(e)) from None
    if not fs.values:
        raise fail(t(f"{input.name} 中没有任何数字", f"{input.name} holds no figures"))
    prior_facts = None
    if prior is not None:
        from .pipeline import read_document

        try:
            prior_facts = from_document(read_document(prior))
        except InputError as e:
            raise fail(str(e)) from None
    failures = identity_failures(fs, family)
    if failures:
        for f in failures:
            say(failure_line(f))
        if not allow_inconsistent:
            raise fail(t(f"输入有 {len(failures)} 处表内或表间关系不符，未生成文件（--allow-inconsistent 可强制生成）",
                         f"{len(failures)} identities fail; nothing written (--allow-inconsistent to write anyway)"),
                       EXIT_UNUSABLE)
    parts = build(fs, department=department, year=year, family=family, prior=prior_facts)
    try:
        if suffix == ".docx":
            from .author.docx_out import write_docx

            write_docx(parts, output)
        elif suffix == ".pdf":
            from .author.pdf_out import OfficeUnavailable, write_pdf

            try:
                write_pdf(parts, output)
            except OfficeUnavailable as e:
                raise fail(str(e)) from None
        else:
            from .author.html_out import write_html

            write_html(parts, output)
    except OSError as e:
        raise fail(t(f"无法写入 {output.name}：{e.strerror}", f"cannot write {output.name}: {e.strerror}")) from None
    say(t(f"已写入 {output.name}", f"wrote {output.name}"))
    if failures:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("template", help=t("生成填报模板工作簿（每张表一个工作表，合计为公式）",
                                   "Write the input workbook: one sheet per table, totals as formulas."))(template_command)
    app.command("author", help=t("由部门的数字生成完整的决算公开文件（DOCX、PDF 或 HTML）",
                                 "Write the complete disclosure from the department's numbers (DOCX, PDF or HTML)."))(author_command)
