"""Reports of ``juesuan check``: JSON (the findings contract), text, Markdown, HTML, XLSX, terminal.

Public API::

    to_json_dict(result) -> dict          # the findings contract
    render(result, fmt) -> str | bytes    # fmt in FORMATS; "xlsx" gives bytes
    print_rich(result, console)           # the terminal summary
"""

from __future__ import annotations

from juesuan.model import CheckResult

from .json import render_json, to_json_dict
from .terminal import print_rich

# html (Jinja2), markdown and xlsx (openpyxl, which pulls in numpy when present) are imported
# only when that format is asked for: a terminal or JSON check should not pay for them.

FORMATS: tuple[str, ...] = ("text", "json", "md", "html", "xlsx", "csv")

# File extension for each format, for callers that name output files.
EXTENSIONS: dict[str, str] = {
    "text": ".txt",
    "json": ".json",
    "md": ".md",
    "html": ".html",
    "xlsx": ".xlsx",
    "csv": ".csv",
}


def render(result: CheckResult, fmt: str) -> str | bytes:
    """The report in ``fmt``: text, json, md, html, csv (str) or xlsx (bytes)."""
    key = fmt.lower().lstrip(".")
    key = {"txt": "text", "markdown": "md", "htm": "html"}.get(key, key)
    if key == "text":
        from .text import render_text

        return render_text(result)
    if key == "json":
        return render_json(result)
    if key == "md":
        from .markdown import render_markdown

        return render_markdown(result)
    if key == "html":
        from .html import render_html

        return render_html(result)
    if key == "xlsx":
        from .xlsx import render_xlsx

        return render_xlsx(result)
    if key == "csv":
        from .csv import render_csv

        return render_csv(result)
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


__all__ = ["EXTENSIONS", "FORMATS", "print_rich", "render", "to_json_dict"]
