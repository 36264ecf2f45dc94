"""The terminal summary, with rich. Document text is never parsed as rich markup."""

from __future__ import annotations

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from juesuan.model import CheckResult
from juesuan.safe_output import file_name

from .common import (
    SEVERITIES,
    describe_cell,
    location,
    missing_standard_tables,
    ordered_findings,
    row_labels,
    severity_name,
    table_name,
)

SEVERITY_STYLE: dict[str, str] = {
    "error": "bold red",
    "warning": "bold yellow",
    "info": "bold cyan",
}


def _style(severity: str) -> str:
    return SEVERITY_STYLE.get(severity, "bold")


def print_rich(result: CheckResult, console: Console) -> None:
    """Counts by severity, then each finding with its cells and where they were printed."""
    doc = result.document
    labels = row_labels(doc)
    findings = ordered_findings(result)

    head = Text()
    head.append(doc.department or "（单位未识别）", style="bold")
    head.append(f"  {doc.year}年度" if doc.year else "  （年度未识别）")
    head.append(f"  {file_name(doc.source)}", style="dim")
    console.print(head)

    counts = Text()
    for sev in SEVERITIES:
        n = result.count(sev)
        counts.append(f"{severity_name(sev)} {n}", style=_style(sev) if n else "dim")
        counts.append("   ")
    counts.append(f"已识别 {len(doc.tables)} 张表", style="dim")
    console.print(counts)
    missing = missing_standard_tables(doc)
    if missing:
        console.print(Text("未找到：" + "、".join(table_name(t) for t in missing), style="dim"))

    if not findings:
        console.print(Text("未发现问题。", style="bold green"))
        return
    for f in findings:
        console.print()
        line = Text()
        line.append(f"[{severity_name(f.severity)}]", style=_style(f.severity))
        line.append(" ")
        line.append(f.rule, style="bold")
        line.append("  ")
        line.append(f.title)
        console.print(line)
        if f.message:
            console.print(Padding(Text(f.message), (0, 0, 0, 2), expand=False))
        if f.sentence and f.sentence.get("text"):
            quote = Text("原句：" + str(f.sentence["text"]), style="italic")
            loc = location(f.sentence.get("page"), f.sentence.get("line"))
            if loc:
                quote.append(f"  {loc}", style="dim")
            console.print(Padding(quote, (0, 0, 0, 2), expand=False))
        numbers = [
            f"{name} {v}"
            for name, v in (("期望值", f.expected), ("列示值", f.printed), ("差额", f.difference))
            if v is not None
        ]
        if numbers:
            console.print(
                Padding(Text("   ".join(numbers), style="dim"), (0, 0, 0, 2), expand=False)
            )
        if f.tables and not f.cells:
            tables = "、".join(table_name(t) for t in f.tables)
            console.print(Padding(Text("涉及的表：" + tables), (0, 0, 0, 2), expand=False))
        for c in f.cells:
            cell = Text("· ")
            cell.append(describe_cell(c, labels))
            loc = location(c.page, c.line, c.ref)
            if loc:
                cell.append(f"  {loc}", style="dim")
            console.print(Padding(cell, (0, 0, 0, 2), expand=False))
