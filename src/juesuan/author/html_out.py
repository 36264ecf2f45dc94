"""Write the authored document as one self-contained HTML page (Jinja2, autoescaped)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment

from .parts import Heading, PageBreak, Para, Part, TableBlock

_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
body{font-family:"SimSun","Songti SC","Noto Serif CJK SC",serif;max-width:60em;margin:2em auto;line-height:1.7}
h1,h2,h3{font-family:"SimHei","Heiti SC","Noto Sans CJK SC",sans-serif}
h1.cover{text-align:center;font-size:2em;margin-top:4em}
p.body{text-indent:2em;margin:.3em 0} p.toc{margin:.1em 0} p.cover{text-align:center}
p.meta{margin:.1em 0;font-size:.9em} p.note{font-size:.85em}
table{border-collapse:collapse;margin:.5em auto;font-size:.85em}
td,th{border:1px solid #000;padding:2px 6px} th{background:#eee}
td.num{text-align:right;font-variant-numeric:tabular-nums}
hr.page{page-break-after:always;border:0}
</style></head><body>
{% for p in parts %}{% if p.kind == "heading" %}{% if p.level == 0 %}<h1 class="cover">{{ p.text }}</h1>
{% else %}<h{{ p.level }}>{{ p.text }}</h{{ p.level }}>
{% endif %}{% elif p.kind == "para" %}<p class="{{ p.style or 'body' }}">{{ p.text }}</p>
{% elif p.kind == "break" %}<hr class="page">
{% else %}<h3 style="text-align:center">{{ p.title }}</h3>
<p class="meta">{{ p.number }}</p><p class="meta">部门：{{ p.department }}</p><p class="meta">{{ p.year }}年度</p><p class="meta">金额单位：万元</p>
<table>{% for row in p.head %}<tr>{% for c in row %}<th>{{ c }}</th>{% endfor %}</tr>
{% endfor %}{% for row in p.rows %}<tr>{% for c in row %}<td{% if loop.index0 >= p.label_columns and c[:1].isdigit() and "." in c %} class="num"{% endif %}>{{ c }}</td>{% endfor %}</tr>
{% endfor %}</table>
{% for n in p.notes %}<p class="note">{{ n }}</p>
{% endfor %}{% endif %}{% endfor %}
</body></html>
"""


def _view(part: Part) -> dict:
    if isinstance(part, Heading):
        return {"kind": "heading", "text": part.text, "level": min(part.level, 3)}
    if isinstance(part, Para):
        return {"kind": "para", "text": part.text, "style": part.style}
    if isinstance(part, PageBreak):
        return {"kind": "break"}
    t = part.table
    width = max(len(r) for r in t.head + t.rows)
    pad = lambda rows: [r + [""] * (width - len(r)) for r in rows]  # noqa: E731
    return {"kind": "table", "title": t.title, "number": t.number, "department": part.department,
            "year": part.year, "head": pad(t.head), "rows": pad(t.rows), "notes": t.notes,
            "label_columns": t.label_columns}


def render_html(parts: list[Part]) -> str:
    env = Environment(autoescape=True)
    title = next((p.text for p in parts if isinstance(p, Heading)), "部门决算")
    return env.from_string(_TEMPLATE).render(title=title, parts=[_view(p) for p in parts])


def write_html(parts: list[Part], path: str | Path) -> None:
    Path(path).write_text(render_html(parts), encoding="utf-8")
