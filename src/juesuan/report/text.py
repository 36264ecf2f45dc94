"""The report as plain text, for files and pipes."""

from __future__ import annotations

from juesuan.model import CheckResult
from juesuan.safe_output import file_name

from .common import (
    SEVERITIES,
    describe_cell,
    location,
    missing_standard_tables,
    ordered_findings,
    row_labels,
    report_title,
    severity_name,
    table_name,
)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render_text(result: CheckResult) -> str:
    doc = result.document
    labels = row_labels(doc)
    findings = ordered_findings(result)
    out = [
        report_title(doc),
        f"单位：{_one_line(doc.department or '未识别')}",
        f"年度：{doc.year or '未识别'}",
        f"来源文件：{_one_line(file_name(doc.source))}",
        f"金额单位：{doc.unit}",
        "",
        "概要：" + "，".join(f"{severity_name(s)} {result.count(s)}" for s in SEVERITIES),
        f"已识别的表（{len(doc.tables)}）："
        + ("、".join(table_name(t.id) for t in doc.tables) or "无"),
    ]
    missing = missing_standard_tables(doc)
    if missing:
        out.append("未找到的表：" + "、".join(table_name(t) for t in missing))
    for what, items in (("无法读取", doc.unreadable), ("读取警告", doc.warnings)):
        out += [f"{what}：{_one_line(x)}" for x in items]
    out.append("")
    if not findings:
        out.append("未发现问题。")
    for n, f in enumerate(findings, start=1):
        out.append(f"{n}. [{severity_name(f.severity)}] {f.rule}  {_one_line(f.title)}")
        if f.message:
            out.append(f"   {_one_line(f.message)}")
        if f.sentence and f.sentence.get("text"):
            loc = location(f.sentence.get("page"), f.sentence.get("line"))
            out.append(f"   原句：{_one_line(str(f.sentence['text']))}" + (f"  （{loc}）" if loc else ""))
        numbers = [
            f"{name} {v}"
            for name, v in (("期望值", f.expected), ("列示值", f.printed), ("差额", f.difference))
            if v is not None
        ]
        if numbers:
            out.append("   " + "  ".join(numbers))
        if f.tables and not f.cells:
            out.append("   涉及的表：" + "、".join(table_name(t) for t in f.tables))
        for c in f.cells:
            loc = location(c.page, c.line, c.ref)
            out.append(
                f"   - {_one_line(describe_cell(c, labels))}" + (f"  （{loc}）" if loc else "")
            )
        out.append("")
    return "\n".join(out)
