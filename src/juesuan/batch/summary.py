"""``summary.html`` and ``summary.xlsx``: what a batch found, read back from its Parquet outputs.

Counts by rule, by region (:func:`juesuan.store.regions.region_of` of the department), by
department, the documents with most errors, and the failures with their reasons. Both are
Chinese; spreadsheet text cells are neutralised (:func:`juesuan.safe_output.csv_text`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

TOP = 50


def gather(out_dir: Path) -> dict[str, Any]:
    """The summary's tables from ``documents.parquet`` and ``findings.parquet``."""
    from ..store.regions import region_of

    docs = pq.read_table(out_dir / "documents.parquet").to_pylist()
    findings = pq.read_table(out_dir / "findings.parquet", columns=["rule", "severity", "title", "sha256"]).to_pylist()
    status = Counter(d["status"] for d in docs)
    by_rule: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    rule_count: Counter[tuple[str, str, str]] = Counter()
    for f in findings:
        key = (f["rule"], f["severity"], f["title"] or "")
        rule_count[key] += 1
        by_rule[key].add(f["sha256"])
    rules = [
        {"rule": r, "severity": s, "title": t, "findings": n, "documents": len(by_rule[(r, s, t)])}
        for (r, s, t), n in sorted(rule_count.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    regions: dict[str, Counter[str]] = defaultdict(Counter)
    departments: dict[str, Counter[str]] = defaultdict(Counter)
    for d in docs:
        if d["status"] == "failed":
            continue
        region = region_of(d["department"]).region or "（未识别）"
        dept = d["department"] or "（未识别）"
        for bucket in (regions[region], departments[dept]):
            bucket["documents"] += 1
            for sev in ("errors", "warnings", "infos"):
                bucket[sev] += int(d[sev] or 0)

    def rows(groups: dict[str, Counter[str]], label: str) -> list[dict[str, Any]]:
        return [
            {label: k, "documents": v["documents"], "errors": v["errors"], "warnings": v["warnings"], "infos": v["infos"]}
            for k, v in sorted(groups.items(), key=lambda kv: (-kv[1]["errors"], kv[0]))
        ]

    worst = sorted((d for d in docs if d["status"] != "failed" and d["errors"]), key=lambda d: (-d["errors"], d["path"]))
    return {
        "totals": {
            "documents": len(docs),
            "ok": status.get("ok", 0),
            "failed": status.get("failed", 0),
            "skipped": status.get("skipped", 0),
            "errors": sum(int(d["errors"] or 0) for d in docs if d["status"] != "failed"),
            "warnings": sum(int(d["warnings"] or 0) for d in docs if d["status"] != "failed"),
            "pages": sum(int(d["pages"] or 0) for d in docs if d["status"] != "failed"),
        },
        "rules": rules,
        "regions": rows(regions, "region"),
        "departments": rows(departments, "department"),
        "worst": worst[:TOP],
        "failures": [d for d in docs if d["status"] == "failed"],
    }


HTML = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>批量检查汇总</title>
<style>
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 2em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
th{background:#f3f3f3}td.n{text-align:right}.error{color:#b00}
</style></head><body>
<h1>批量检查汇总</h1>
<p>文件 {{ t.documents }} 个：成功 {{ t.ok }}，跳过（内容未变）{{ t.skipped }}，失败 {{ t.failed }}；
错误 <span class="error">{{ t.errors }}</span> 条，警告 {{ t.warnings }} 条；共 {{ t.pages }} 页。</p>
<h2>按规则</h2>
<table><tr><th>规则</th><th>严重程度</th><th>标题</th><th>发现数</th><th>文件数</th></tr>
{% for r in rules %}<tr><td>{{ r.rule }}</td><td>{{ sev[r.severity] or r.severity }}</td><td>{{ r.title }}</td><td class="n">{{ r.findings }}</td><td class="n">{{ r.documents }}</td></tr>
{% endfor %}</table>
<h2>按地区</h2>
<table><tr><th>地区</th><th>文件数</th><th>错误</th><th>警告</th><th>提示</th></tr>
{% for r in regions %}<tr><td>{{ r.region }}</td><td class="n">{{ r.documents }}</td><td class="n">{{ r.errors }}</td><td class="n">{{ r.warnings }}</td><td class="n">{{ r.infos }}</td></tr>
{% endfor %}</table>
<h2>按部门</h2>
<table><tr><th>部门</th><th>文件数</th><th>错误</th><th>警告</th><th>提示</th></tr>
{% for r in departments %}<tr><td>{{ r.department }}</td><td class="n">{{ r.documents }}</td><td class="n">{{ r.errors }}</td><td class="n">{{ r.warnings }}</td><td class="n">{{ r.infos }}</td></tr>
{% endfor %}</table>
<h2>错误最多的文件</h2>
<table><tr><th>文件</th><th>部门</th><th>年度</th><th>错误</th><th>警告</th></tr>
{% for d in worst %}<tr><td>{{ d.path }}</td><td>{{ d.department or "" }}</td><td>{{ d.year or "" }}</td><td class="n">{{ d.errors }}</td><td class="n">{{ d.warnings }}</td></tr>
{% endfor %}</table>
<h2>处理失败的文件</h2>
{% if failures %}<table><tr><th>文件</th><th>原因</th></tr>
{% for d in failures %}<tr><td>{{ d.path }}</td><td>{{ d.reason }}</td></tr>
{% endfor %}</table>{% else %}<p>无。</p>{% endif %}
</body></html>
"""

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def render_html(data: dict[str, Any]) -> str:
    from jinja2 import Environment

    env = Environment(autoescape=True)
    return env.from_string(HTML).render(t=data["totals"], sev=SEVERITY_ZH, **data)


def write_xlsx(data: dict[str, Any], path: Path) -> None:
    from openpyxl import Workbook

    from ..safe_output import csv_text

    wb = Workbook()
    sheets = [
        ("按规则", ["规则", "严重程度", "标题", "发现数", "文件数"],
         [[r["rule"], SEVERITY_ZH.get(r["severity"], r["severity"]), r["title"], r["findings"], r["documents"]] for r in data["rules"]]),
        ("按地区", ["地区", "文件数", "错误", "警告", "提示"],
         [[r["region"], r["documents"], r["errors"], r["warnings"], r["infos"]] for r in data["regions"]]),
        ("按部门", ["部门", "文件数", "错误", "警告", "提示"],
         [[r["department"], r["documents"], r["errors"], r["warnings"], r["infos"]] for r in data["departments"]]),
        ("错误最多的文件", ["文件", "部门", "年度", "错误", "警告"],
         [[d["path"], d["department"], d["year"], d["errors"], d["warnings"]] for d in data["worst"]]),
        ("处理失败", ["文件", "原因"], [[d["path"], d["reason"]] for d in data["failures"]]),
    ]  # fmt: skip
    ws = wb.active
    ws.title = "汇总"
    t = data["totals"]
    for label, key in (("文件", "documents"), ("成功", "ok"), ("跳过", "skipped"), ("失败", "failed"),
                       ("错误", "errors"), ("警告", "warnings"), ("页数", "pages")):  # fmt: skip
        ws.append([label, t[key]])
    for title, head, rows in sheets:
        sheet = wb.create_sheet(title)
        sheet.append(head)
        for row in rows:
            sheet.append([csv_text(v) if isinstance(v, str) else v for v in row])
    wb.save(path)


def write_summary(out_dir: Path, outcome: Any = None) -> dict[str, Any]:
    data = gather(out_dir)
    (out_dir / "summary.html").write_text(render_html(data), encoding="utf-8")
    write_xlsx(data, out_dir / "summary.xlsx")
    return data


__all__ = ["gather", "render_html", "write_summary", "write_xlsx"]
