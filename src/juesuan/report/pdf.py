"""The report as PDF: the self-contained HTML report printed by a headless Chromium/Chrome.

The browser is found as $JUESUAN_CHROMIUM, else ``chromium``, ``chromium-browser``,
``google-chrome`` on the PATH. Without one, :class:`PdfUnavailable` says how to get a PDF anyway.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from juesuan.model import CheckResult

BROWSERS: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_S = 120


class PdfUnavailable(Exception):
    """No browser to print with, or printing failed (the message says what to do instead)."""


def find_browser() -> str | None:
    explicit = os.environ.get("JUESUAN_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def render_pdf(result: CheckResult) -> bytes:
    from .html import render_html

    browser = find_browser()
    if browser is None:
        raise PdfUnavailable(
            "生成 PDF 报告需要 Chromium 或 Chrome（Debian：apt-get install chromium；或设置 JUESUAN_CHROMIUM）；"
            "也可以输出 .html 后在浏览器中打印为 PDF"
        )
    with tempfile.TemporaryDirectory(prefix="juesuan-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        out = Path(tmp) / "report.pdf"
        page.write_text(render_html(result), encoding="utf-8")
        args = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-pdf-header-footer",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            subprocess.run(args, capture_output=True, timeout=TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if not out.is_file() or out.stat().st_size == 0:
            raise PdfUnavailable(f"浏览器 {Path(browser).name} 未能生成 PDF；可以输出 .html 后在浏览器中打印为 PDF")
        return out.read_bytes()
