"""Reports of ``juesuan check``: JSON (the findings contract), text, Markdown, HTML, XLSX, terminal.

Public API::

    to_json_dict(result) -> dict          # the findings contract
    render(result, fmt) -> str | bytes    # fmt in FORMATS; "xlsx" gives bytes
    print_rich(result, console)           # the terminal summary
"""

from __future__ import annotations

from juesuan.model import CheckResult

from .html import render_html
from .json import render_json, to_json_dict
from .markdown import render_markdown
from .terminal import print_rich
from .text import render_text
from .xlsx import render_xlsx

FORMATS: tuple[str, ...] = ("text", "json", "md", "html", "xlsx")

# File extension for each format, for callers that name output files.
EXTENSIONS: dict[str, str] = {
    "text": ".txt",
    "json": ".json",
    "md": ".md",
    "html": ".html",
    "xlsx": ".xlsx",
}


def render(result: CheckResult, fmt: str) -> str | bytes:
    """The report in ``fmt``: text, json, md, html (str) or xlsx (bytes)."""
    key = fmt.lower().lstrip(".")
    key = {"txt": "text", "markdown": "md", "htm": "html"}.get(key, key)
    if key == "text":
        return render_text(result)
    if key == "json":
        return render_json(result)
    if key == "md":
        return render_markdown(result)
    if key == "html":
        return render_html(result)
    if key == "xlsx":
        return render_xlsx(result)
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


__all__ = ["EXTENSIONS", "FORMATS", "print_rich", "render", "to_json_dict"]
