"""The reviewers' pages in real Chromium: the work queue, a document page, a department page.

Documents are stored with ``juesuan ingest`` into a temp SQLite: the corpus texts, a budget made
from one of them (its 决算 words turned to 预算: same department and year, the other series), and
a second version of that text with one planted error (``juesuan mutate``). Screenshots go to
``$JUESUAN_SCREENSHOTS`` (default ``/tmp/h7``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_store import CORPUS, CORPUS_TEXTS
from browser import MARKS, chromium, live_server

pytestmark = MARKS

sync_api = pytest.importorskip("playwright.sync_api", reason="python package playwright not installed")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn not installed")

JUESUAN = [str(Path(sys.executable).with_name("juesuan"))]  # the console script beside this Python
SHOTS = Path(os.environ.get("JUESUAN_SCREENSHOTS", "/tmp/h7"))
# a key of the facts contract (income.gpb, budget_gpb_expenditure, expense.grand_total, …) as text
INTERNAL_KEY = re.compile(
    r"(?<![\w/.-])(?:income|expense|budget|gpb|fiscal|gov_fund|soe_capital|three_public|perf|narrative|"
    r"disclosure_stats|running_cost|funds|ind|task)(?:[._][a-z0-9_]+)+(?![\w/-])"
)


def _run(*args: str) -> str:
    out = subprocess.run([*JUESUAN, *args], capture_output=True, text=True, timeout=300)
    assert out.returncode in (0, 1) and "Traceback" not in out.stderr, out.stderr[-2000:]
    return out.stdout + out.stderr


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    if len(CORPUS_TEXTS) < 2:
        pytest.skip(f"corpus texts not found at {CORPUS}")
    tmp = tmp_path_factory.mktemp("queue")
    final = CORPUS_TEXTS[0]
    text = final.read_text(encoding="utf-8")
    budget = tmp / f"{final.stem}-budget.txt"
    budget.write_text(text.replace("决算", "预算"), encoding="utf-8")
    v2 = tmp / f"{final.stem}-v2.txt"
    _run("mutate", str(final), "--table", "支出决算表", "--row", "合计", "--column", "基本支出", "--value", "1.23", "-o", str(v2))
    db = f"sqlite:///{tmp / 'queue.db'}"
    files = [*map(str, CORPUS_TEXTS), str(budget), str(v2)]
    report = _run("ingest", *files, "--db", db)
    assert report.count("✓") == len(files), report
    return {"db": db, "tmp": tmp, "count": len(files)}


@pytest.fixture(scope="module")
def server(stored: dict[str, object]):  # type: ignore[no-untyped-def]
    from juesuan.store import open_store
    from juesuan.web import create_app

    st = open_store(str(stored["db"]))
    app = create_app(store=st, upload_dir=Path(str(stored["tmp"])) / "uploads")
    with live_server(app) as base:
        yield base
    st.close()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with chromium() as b:
        yield b


def _page(browser, width: int = 1280, height: int = 900):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def _rows(page) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(
        "#queue-table tbody tr",
        "rows => rows.map(r => ({id: r.dataset.id, kind: r.dataset.kind, errors: r.dataset.errors}))",
    )


def test_queue_filter_sort_page(server: str, browser, stored) -> None:  # type: ignore[no-untyped-def]
    expect = sync_api.expect
    SHOTS.mkdir(parents=True, exist_ok=True)
    page, errors = _page(browser)
    page.goto(server + "/")
    expect(page.locator("h1")).to_have_text("上传预决算公开文件")  # the upload form stays on top
    everything = _rows(page)
    assert len(everything) == stored["count"]
    expect(page.locator("#totals-rule tbody tr").first).to_be_visible()
    expect(page.locator("#totals-region tbody tr").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "queue-desktop.png"), full_page=True)

    # kind: only the budget
    page.select_option("#queue-kind", "budget")
    page.click("#queue-apply")
    page.wait_for_url("**kind=budget**")
    rows = _rows(page)
    assert rows and all(r["kind"] == "budget" for r in rows)
    expect(page.locator("#queue-table .kind-tag").first).to_have_text("预算")

    # has errors, then sorted by errors (most first, then fewest first)
    page.goto(server + "/")
    page.select_option("#queue-errors", "1")
    page.click("#queue-apply")
    page.wait_for_url("**errors=1**")
    rows = _rows(page)
    assert rows and all(int(r["errors"] or 0) > 0 for r in rows)
    assert len(rows) == sum(1 for r in everything if int(r["errors"] or 0) > 0)
    page.click("#sort-errors")
    page.wait_for_url("**sort=errors**")
    counts = [int(r["errors"]) for r in _rows(page)]
    assert counts == sorted(counts, reverse=True)
    page.click("#sort-errors")
    page.wait_for_url("**order=asc**")
    counts_up = [int(r["errors"]) for r in _rows(page)]
    assert counts_up == sorted(counts_up) and len(counts_up) == len(counts)
    expect(page.locator("#queue-errors")).to_have_value("1")  # the filter is kept while sorting

    # paging: two a page, every document once
    page.goto(server + "/?per=2")
    seen: list[str] = []
    for _ in range(10):
        rows = _rows(page)
        assert 1 <= len(rows) <= 2
        seen += [r["id"] for r in rows]
        if page.locator("#page-next").count() == 0:
            break
        page.click("#page-next")
        page.wait_for_load_state()
    assert len(seen) == stored["count"] and len(set(seen)) == len(seen)
    expect(page.locator("#page-prev")).to_be_visible()

    # a phone: no horizontal scroll outside the tables
    phone, phone_errors = _page(browser, 375, 812)
    phone.goto(server + "/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the queue scrolls sideways on a phone ({width}px)"
    phone.screenshot(path=str(SHOTS / "queue-375.png"), full_page=True)
    assert not errors and not phone_errors


def _document_id(page, server: str, kind: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(server + f"/?kind={kind}&sort=errors")
    return _rows(page)[0]["id"]


def test_document_page(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    expect = sync_api.expect
    page, errors = _page(browser)
    doc = _document_id(page, server, "final")
    page.goto(server + f"/documents/{doc}")
    expect(page.locator("#doc-kind")).to_have_text("部门决算")
    assert "部门决算" in page.title()

    # no key of the facts contract anywhere in the visible text
    text = page.evaluate("document.body.innerText")
    leaks = sorted(set(INTERNAL_KEY.findall(text)))
    assert not leaks, f"internal keys shown: {leaks[:10]}"

    # rounding notes are collapsed
    notes = page.locator("li.finding.rounding details")
    if notes.count():
        assert not any(page.eval_on_selector_all("li.finding.rounding details", "ds => ds.map(d => d.open)"))
        expect(notes.first.locator(".message")).to_be_hidden()

    # a narrative finding never reddens the table cell it links to; it marks its sentence
    reddened = page.evaluate(
        """() => {
          const out = [];
          const narrative = new Set([...document.querySelectorAll('li.finding.narrative')].map(li => li.id));
          for (const li of document.querySelectorAll('li.finding.narrative')) {
            for (const a of li.querySelectorAll('a.cell-link')) {
              const td = document.getElementById(a.getAttribute('href').slice(1));
              if (!td) continue;
              // blamed by a non-narrative finding too? then its colour is that finding's
              const others = [...td.querySelectorAll('a.ref')].map(r => r.getAttribute('href').slice(1))
                .filter(id => !narrative.has(id));
              if (others.length) continue;
              const bg = getComputedStyle(td).backgroundColor;
              if (td.className.match(/hl-(error|warning)/) || bg === 'rgb(254, 228, 226)') out.push(td.id);
            }
          }
          return out;
        }"""
    )
    assert not reddened, f"narrative findings painted cells: {reddened[:5]}"
    assert page.locator("li.finding.narrative").count() > 0
    expect(page.locator("li.finding.narrative .sentence").first).to_be_visible()

    # jump to a finding's cell far down a table: the header row stays in view above it
    links = page.locator("li.finding:not(.narrative):not(.rounding) a.cell-link")
    assert links.count() > 0
    best = page.evaluate(
        """() => {
          let best = null, depth = -1;
          for (const a of document.querySelectorAll('li.finding:not(.narrative):not(.rounding) a.cell-link')) {
            const td = document.getElementById(a.getAttribute('href').slice(1));
            if (!td) continue;
            const d = td.parentElement.rowIndex;
            if (d > depth) { depth = d; best = a.getAttribute('href'); }
          }
          return best;
        }"""
    )
    assert best
    page.locator(f"li.finding a.cell-link[href='{best}']").first.click()
    page.wait_for_function("h => location.hash === h", arg=best)
    page.wait_for_function(  # scrolled into view (smooth scrolling takes a moment)
        "id => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }",
        arg=best[1:],
        timeout=10_000,
    )
    page.wait_for_timeout(300)
    geometry = page.evaluate(
        """id => {
          const td = document.getElementById(id);
          const thead = td.closest('table').querySelector('thead');
          const box = td.closest('.table-box');
          const t = thead.getBoundingClientRect(), c = td.getBoundingClientRect(), b = box.getBoundingClientRect();
          const label = td.parentElement.querySelector('th.label').getBoundingClientRect();
          return {theadTop: t.top, theadBottom: t.bottom, cellTop: c.top, cellBottom: c.bottom, boxTop: b.top,
                  labelRight: label.right, cellLeft: c.left, inner: innerHeight, rowIndex: td.parentElement.rowIndex,
                  sticky: getComputedStyle(thead.querySelector('th')).position};
        }""",
        best[1:],
    )
    assert geometry["sticky"] == "sticky"
    assert 0 <= geometry["theadTop"] < geometry["inner"], geometry  # the header row is on screen
    assert geometry["theadBottom"] <= geometry["cellTop"] + 1, geometry  # … and does not cover the cell
    assert geometry["cellBottom"] <= geometry["inner"], geometry
    assert geometry["labelRight"] <= geometry["cellLeft"] + 1, geometry  # the row's name is in view too
    page.screenshot(path=str(SHOTS / "document.png"))
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / "document-top.png"))
    assert not errors


def test_department_page_two_series(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    expect = sync_api.expect
    page, errors = _page(browser)
    doc = _document_id(page, server, "budget")
    page.goto(server + f"/documents/{doc}")
    expect(page.locator("#doc-kind")).to_have_text("部门预算")
    page.click(".doc-head h1 a")  # the department
    page.wait_for_url("**/departments/*")
    heads = page.locator("#series-table thead th[data-kind]")
    kinds = heads.evaluate_all("hs => hs.map(h => h.dataset.kind)")
    assert "budget" in kinds and "final" in kinds
    texts = heads.all_inner_texts()
    year = re.match(r"\d{4}", texts[0]).group(0)  # type: ignore[union-attr]
    assert any(t.startswith(year) and "预算" in t for t in texts) and any(t.startswith(year) and "决算" in t for t in texts)
    expect(page.locator("#series-table tr[data-key=errors]")).to_be_visible()
    # the final accounts were uploaded twice: two versions, and what changed between them
    group = page.locator(".version-group[data-kind=final]")
    expect(group.locator("tbody tr")).to_have_count(2)
    expect(page.locator("#changes")).to_be_visible()
    assert page.locator("#diff-new li").count() >= 1  # the planted error is new in version 2
    assert page.locator("#diff-carried li").count() >= 1
    page.screenshot(path=str(SHOTS / "department.png"), full_page=True)
    assert not errors
