"""End to end in headless Chromium (Debian's package, driven by playwright; never `playwright install`).

uvicorn serves the app on 127.0.0.1 in a thread. Upload a corpus text (and a PDF when the PDF
reader exists), see the findings, open a highlighted cell, compare two departments, download the
XLSX report. Every request must stay on the local server (ECharts is served from /static).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from test_store import CORPUS, CORPUS_TEXTS, fake_check

from browser import MARKS, chromium, live_server

pytestmark = MARKS

sync_api = pytest.importorskip("playwright.sync_api", reason="python package playwright not installed")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if len(CORPUS_TEXTS) < 2:
        pytest.skip(f"corpus texts not found at {CORPUS}")
    from juesuan.store import open_store
    from juesuan.web import create_app

    tmp = tmp_path_factory.mktemp("e2e")
    st = open_store(f"sqlite:///{tmp / 'e2e.db'}", checker=fake_check, rules_version="e2e-1")
    app = create_app(store=st, upload_dir=tmp / "uploads")
    with live_server(app) as base:
        yield base
    st.close()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with chromium() as b:
        yield b


def test_upload_findings_cell_compare_download(server: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    expect = sync_api.expect
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    outside: list[str] = []

    def guard(route):  # type: ignore[no-untyped-def]
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # 1. upload a text document; the page lands on its findings
    page.goto(server + "/")
    expect(page.locator("h1")).to_have_text("上传预决算公开文件")
    page.set_input_files("#file", str(CORPUS_TEXTS[1]))
    page.click("#upload-button")
    page.wait_for_url("**/documents/*")
    first_url = page.url
    expect(page.locator("li.finding")).to_have_count(3)
    expect(page.locator("li.finding").first.locator(".badge")).to_have_text("错误")

    # 2. open the highlighted cell the error names
    link = page.locator("li.finding.sev-error a.cell-link").first
    href = link.get_attribute("href")
    assert href and href.startswith("#cell-")
    link.click()
    page.wait_for_function("h => location.hash === h", arg=href)
    cell = page.locator(f"td[id='{href[1:]}']")
    expect(cell).to_be_visible()
    expect(cell).to_have_class("num hl hl-error")
    page.wait_for_function(  # scrolled into view (smooth scrolling takes a moment)
        "id => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }",
        arg=href[1:],
        timeout=5000,
    )
    # the severity filter (server-side, auto-submitted on change)
    page.uncheck("input[name=severity][value=info]")
    page.wait_for_url("**severity=**")
    expect(page.locator("li.finding")).to_have_count(2)

    # 3. a second department: another text (and a PDF when the PDF reader exists)
    page.goto(server + "/")
    page.set_input_files("#file", str(CORPUS_TEXTS[2 if len(CORPUS_TEXTS) > 2 else 0]))
    page.click("#upload-button")
    page.wait_for_url("**/documents/*")
    expect(page.locator("#findings")).to_be_visible()
    pdfs = sorted((CORPUS / "pdf").glob("*.pdf")) if (CORPUS / "pdf").is_dir() else []
    if pdfs and importlib.util.find_spec("juesuan.ingest.pdf") is not None:
        page.goto(server + "/")
        page.set_input_files("#file", str(pdfs[-1]))
        page.click("#upload-button")
        page.wait_for_url("**/documents/*", timeout=60_000)
        expect(page.locator("#tables")).to_be_visible()

    # 4. compare the two text departments
    page.goto(server + "/compare")
    boxes = page.locator("input[name=departments]")
    assert boxes.count() >= 2
    names = []
    for i in range(boxes.count()):
        label = boxes.nth(i).locator("xpath=..").inner_text()
        if "人力资源和社会保障局" in label and len(names) < 2:
            boxes.nth(i).check()
            names.append(label.split()[0])
    assert len(names) == 2, names
    page.select_option("#year", "2024")
    page.click("#compare-button")
    page.wait_for_url("**/compare?**")
    table = page.locator("#compare-table")
    expect(table).to_be_visible()
    for n in names:
        expect(table.locator("thead")).to_contain_text(n)
    expect(table.locator("tr[data-key=basic]")).to_be_visible()
    expect(page.locator("#chart-treemap canvas")).to_have_count(1)
    expect(page.locator("#chart-treemap")).to_have_attribute("data-ready", "1")
    expect(page.locator("#chart-basic canvas")).to_have_count(1)

    # 5. download the XLSX report of the first document
    page.goto(first_url)
    with page.expect_download() as info:
        page.click("#download-xlsx")
    download = info.value
    target = tmp_path / "report.xlsx"
    download.save_as(target)
    from openpyxl import load_workbook

    assert load_workbook(target).sheetnames
    assert download.suggested_filename.endswith(".xlsx")

    assert not errors, errors
    assert not outside, outside
    context.close()


def test_api_docs_render_offline(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    """/docs (Swagger UI) and /redoc render from the vendored files: no request leaves the server,
    no script error, no Content-Security-Policy violation."""
    expect = sync_api.expect
    context = browser.new_context(locale="zh-CN")
    outside: list[str] = []

    def guard(route):  # type: ignore[no-untyped-def]
        if route.request.url.startswith(server) or route.request.url.startswith("blob:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto(server + "/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("juesuan", timeout=20_000)
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.locator(".opblock-summary-path[data-path='/api/documents/{document_id}/facts']")).to_have_count(1)

    page.goto(server + "/redoc")
    expect(page.locator("h1")).to_contain_text("juesuan", timeout=20_000)
    expect(page.locator("text=文档列表").first).to_be_attached()

    assert not errors, errors
    assert not outside, outside
    context.close()
