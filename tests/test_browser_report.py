"""The HTML report in headless Chromium: findings list, cell links, severity filter."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from test_report import HOSTILE, sample_result

from juesuan.report import render
from juesuan.report.common import cell_id

from browser import MARKS, chromium

SCREENSHOT = Path(os.environ.get("JUESUAN_REPORT_SCREENSHOT", "/tmp/report.png"))

pytestmark = MARKS

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="python package playwright not installed"
)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with chromium() as b:
        yield b


@pytest.fixture()
def page(browser, tmp_path: Path):  # type: ignore[no-untyped-def]
    html = render(sample_result(), "html")
    assert isinstance(html, str)
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    # the report must not need the network: fail any request that is not the file itself
    external: list[str] = []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("file://")
            else (external.append(route.request.url), route.abort())
        ),
    )
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(path.as_uri())
    yield pg
    assert not errors, errors
    assert not external, external
    context.close()


def test_findings_visible_and_cell_link_targets_highlighted_cell(page) -> None:  # type: ignore[no-untyped-def]
    expect = sync_api.expect
    findings = page.locator("li.finding")
    expect(findings).to_have_count(4)
    expect(page.locator("#findings-list")).to_be_visible()
    expect(findings.first).to_be_visible()
    expect(findings.first.locator(".badge")).to_have_text("错误")

    page.screenshot(path=str(SCREENSHOT), full_page=True)

    target = cell_id("income_expense_summary", "income.total", "amount")
    cell = page.locator(f'[id="{target}"]')
    expect(cell).not_to_be_in_viewport()  # the tables are below the findings
    page.locator(f'#finding-1 a.cell-link[href="#{target}"]').click()
    expect(page).to_have_url(f"{page.url.split('#')[0]}#{target}")
    expect(cell).to_be_in_viewport()
    assert cell.evaluate("el => el.matches(':target')")
    expect(cell).to_have_class(re.compile(r"\bhl-error\b"))
    page.screenshot(path=str(SCREENSHOT.with_name(SCREENSHOT.stem + "-cell.png")))

    # and back: the cell's finding number leads to the finding
    cell.locator('a[href="#finding-1"]').click()
    expect(page.locator("#finding-1")).to_be_in_viewport()


def test_severity_filter_hides_info_findings(page) -> None:  # type: ignore[no-untyped-def]
    expect = sync_api.expect
    info = page.locator('li.finding[data-severity="info"]')
    errors = page.locator('li.finding[data-severity="error"]')
    expect(info).to_have_count(1)
    expect(info).to_be_visible()

    page.locator('input.filter-severity[value="info"]').uncheck()
    expect(info).to_be_hidden()
    expect(errors.first).to_be_visible()
    expect(page.locator("#shown-count")).to_have_text("显示 3 / 4 条")

    # a cell's link to a filtered-out finding brings that finding back
    target = cell_id("income_expense_summary", "income.total", "amount")
    page.locator(f'[id="{target}"] a[href="#finding-4"]').click()
    expect(page.locator("#finding-4")).to_be_visible()
    expect(page.locator('input.filter-severity[value="info"]')).to_be_checked()

    page.locator('input.filter-severity[value="info"]').uncheck()
    expect(info).to_be_hidden()
    page.locator('input.filter-severity[value="info"]').check()
    expect(info).to_be_visible()

    # the table filter keeps only findings on that table
    page.locator("#filter-table").select_option("three_public")
    expect(page.locator('li.finding[data-severity="warning"]')).to_be_visible()
    expect(errors.first).to_be_hidden()
    expect(info).to_be_hidden()
    page.locator("#filter-table").select_option("")
    expect(page.locator("li.finding:visible")).to_have_count(4)


def test_hostile_text_does_not_run(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = sample_result(department=HOSTILE.replace("alert(1)", "window.__pwned = 1"))
    result.findings[0].message = '<img src=x onerror="window.__pwned = 2">'
    html = render(result, "html")
    assert isinstance(html, str)
    path = tmp_path / "hostile.html"
    path.write_text(html, encoding="utf-8")
    pg = browser.new_page()
    pg.goto(path.as_uri())
    assert pg.evaluate("window.__pwned === undefined")
    sync_api.expect(pg.locator("h1")).to_contain_text("<script>")
    pg.close()
