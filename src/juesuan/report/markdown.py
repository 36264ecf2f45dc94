"""The report as Markdown (GitHub-flavoured: tables)."""

from __future__ import annotations

import re

from juesuan.model import CheckResult, Finding

from .common import (
    SEVERITIES,
    cell_row_text,
    cell_table_name,
    cell_value_text,
    column_name,
    location,
    missing_standard_tables,
    ordered_findings,
    report_title,
    row_labels,
    severity_name,
    table_name,
)
from .perf import perf_summary
from juesuan.safe_output import file_name

# ASCII punctuation that acts inside a line (emphasis, code, links, raw HTML, entities, table
# cells, strikethrough, closing heading marks). CommonMark lets any ASCII punctuation be
# backslash-escaped; what only acts at the start of a line is handled by md_block.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&])")
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")


def md_escape(text: str | None) -> str:
    """Document text as literal inline Markdown: specials escaped, line breaks flattened."""
    if text is None:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", _NEWLINES.sub(" ", text))


_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")


def md_block(text: str | None) -> str:
    """Like :func:`md_escape`, for text that starts a line: it cannot start a list either."""
    s = md_escape(text).lstrip()
    m = _LINE_START.match(s)
    if m is None:
        return s
    mark = m.group(1)
    return ("\\" + mark if mark in "-+=" else mark + "\\") + s[m.end() :]


def md_code(text: str) -> str:
    """Text as an inline code span (for rule ids), whatever backticks it holds."""
    text = _NEWLINES.sub(" ", text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell_rows(f: Finding, labels: dict[tuple[str, str], str]) -> list[str]:
    lines = ["| 表 | 行 | 列 | 值 | 位置 |", "|---|---|---|---:|---|"]
    for c in f.cells:
        row = cell_row_text(c, labels)
        lines.append(
            "| "
            + " | ".join(
                md_escape(x)
                for x in (
                    cell_table_name(c),
                    row,
                    column_name(c.table, c.column),
                    cell_value_text(c),
                    location(c.page, c.line, c.ref) or "—",
                )
            )
            + " |"
        )
    return lines


def render_markdown(result: CheckResult) -> str:
    doc = result.document
    labels = row_labels(doc)
    findings = ordered_findings(result)
    dept = doc.department or "（单位未识别）"
    year = f"{doc.year}年度" if doc.year else "（年度未识别）"

    out = [f"# {report_title(doc)}：{md_escape(dept)} {md_escape(year)}", ""]
    out += [
        f"- 单位：{md_escape(dept)}",
        f"- 年度：{md_escape(str(doc.year) if doc.year else '未识别')}",
        f"- 来源文件：{md_escape(file_name(doc.source))}",
        f"- 金额单位：{md_escape(doc.unit)}",
        "",
        "## 概要",
        "",
        "| 严重程度 | 数量 |",
        "|---|---:|",
    ]
    out += [f"| {severity_name(s)} | {result.count(s)} |" for s in SEVERITIES]
    found = "、".join(md_escape(table_name(t.id)) for t in doc.tables) or "无"
    out += ["", f"已识别的表（{len(doc.tables)}）：{found}"]
    missing = missing_standard_tables(doc)
    if missing:
        out += ["", "未找到的表：" + "、".join(md_escape(table_name(t)) for t in missing)]
    for what, items in (("无法读取", doc.unreadable), ("读取警告", doc.warnings)):
        if items:
            out += ["", f"{what}：", ""] + [f"- {md_block(x)}" for x in items]
    out.append("")

    if not findings:
        out += ["## 检查结果", "", "未发现问题。", ""]
    n = 0
    for sev in dict.fromkeys([*SEVERITIES, *(f.severity for f in findings)]):
        group = [f for f in findings if f.severity == sev]
        if not group:
            continue
        out += [f"## {md_escape(severity_name(sev))}（{len(group)}）", ""]
        for f in group:
            n += 1
            out += [f"### {n}. {md_code(f.rule)} {md_escape(f.title)}", ""]
            if f.message:
                out += [md_block(f.message), ""]
            if f.sentence and f.sentence.get("text"):
                loc = location(f.sentence.get("page"), f.sentence.get("line"))
                out += ["> 原句：" + md_escape(str(f.sentence["text"])) + (f"（{md_escape(loc)}）" if loc else ""), ""]
            numbers = [
                f"{name}：{md_escape(v)}"
                for name, v in (
                    ("期望值", f.expected),
                    ("列示值", f.printed),
                    ("差额", f.difference),
                )
                if v is not None
            ]
            if numbers:
                out += ["- " + "；".join(numbers), ""]
            if f.tables and not f.cells:
                out += ["涉及的表：" + "、".join(md_escape(table_name(t)) for t in f.tables), ""]
            if f.cells:
                out += _cell_rows(f, labels) + [""]
    out += _perf_summary(result)
    return "\n".join(out)


def _perf_summary(result: CheckResult) -> list[str]:
    """绩效自评表: one line per self-evaluation table, with the findings on it by severity."""
    rows = perf_summary(result)
    if not rows:
        return []
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for f in result.findings:
        for key in dict.fromkeys((c.table, c.project) for c in f.cells if c.project):
            per = counts.setdefault(key, {})
            per[f.severity] = per.get(f.severity, 0) + 1
    out = [f"## 绩效自评表（{len(rows)}）", "", "| 项目 | 表 | 位置 | 总分 | 等级 | 错误 | 警告 | 提示 |",
           "|---|---|---|---:|---|---:|---:|---:|"]
    for r in rows:
        per = counts.get((r["table"], r["project"]), {})
        out.append(
            "| " + " | ".join(md_escape(x) for x in (
                r["project"], table_name(r["table"]), location(None, r["line"]) or "—",
                r["total"] if r["total"] is not None else ("未能读取" if not r["readable"] else "—"),
                r["grade"] or "—", str(per.get("error", 0)), str(per.get("warning", 0)), str(per.get("info", 0)),
            )) + " |"
        )
    return out + [""]
