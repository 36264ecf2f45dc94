"""The reviewers' workbench end to end in headless Chromium (Debian's package, driven by playwright).

An admin makes a reviewer and a department user (``juesuan user add``); the department signs in
and uploads version 1 — a PDF rendered from a corpus text (tests/render_pdf.py); the reviewer
confirms one finding and dismisses another; the department uploads version 2 with the confirmed
error corrected (one printed cell of the text changed with ``juesuan.mutate_text``, rendered
again); the reviewer sees the dismissal carried and the corrected finding as fixed (in the page's
已整改 section, with its last decision), downloads the 问题清单 workbook (the decisions in
处理意见 / 部门回复) and the annotated PDF (one highlight per located finding); the audit log shows
every step with the user's name; the department user gets 404 for another department's document.
"""

from __future__ import annotations

import io
import json
import os
from decimal import Decimal
from pathlib import Path

import sys

import pytest
from test_store import CORPUS, CORPUS_TEXTS, fake_check, hand_document

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import MARKS, chromium, live_server  # noqa: E402

pytestmark = MARKS
sync_api = pytest.importorskip("playwright.sync_api", reason="python package playwright not installed")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn not installed")

PASSWORDS = {"审核员": "review-pass-1", "部门甲": "dept-pass-11"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if not CORPUS_TEXTS:
        pytest.skip(f"corpus texts not found at {CORPUS}")
    from juesuan.store import open_store
    from juesuan.web import create_app

    tmp = tmp_path_factory.mktemp("workbench")
    url = f"sqlite:///{tmp / 'wb.db'}"
    st = open_store(url, checker=fake_check, rules_version="wb-e2e-1")
    app = create_app(store=st, upload_dir=tmp / "uploads")
    with live_server(app) as base:
        yield {"base": base, "store": st, "url": url, "tmp": tmp}
    st.close()


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with chromium() as b:
        yield b


def juesuan(*args: str, input: str | None = None) -> str:
    from typer.testing import CliRunner

    from juesuan.cli import app

    result = CliRunner().invoke(app, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.output


def sign_in(browser, base: str, name: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)

    def guard(route):  # type: ignore[no-untyped-def]  # nothing leaves the local server
        (route.continue_ if route.request.url.startswith(base) else route.abort)()

    context.route("**/*", guard)
    page = context.new_page()
    page.goto(base + "/")
    page.wait_for_url("**/login?next=*")  # users exist: a login first
    page.fill("#login-name", name)
    page.fill("#login-password", PASSWORDS[name])
    page.click("#login-submit")
    page.wait_for_url(base + "/")
    return context, page


def upload(page, base: str, path: Path) -> int:  # type: ignore[no-untyped-def]
    page.goto(base + "/")
    page.set_input_files("#file", str(path))
    page.click("#upload-button")
    page.wait_for_url("**/documents/*", timeout=120_000)  # through the job queue, when there is one
    return int(page.url.split("/documents/")[1].split("?")[0].split("#")[0])


def decide(page, base: str, doc: int, severity: str, status: str, comment: str) -> str:  # type: ignore[no-untyped-def]
    expect = sync_api.expect
    page.goto(f"{base}/documents/{doc}")
    item = page.locator(f"li.finding.sev-{severity}").first
    fp = item.get_attribute("data-fingerprint")
    form = item.locator("form.review-form")
    form.locator("select[name=status]").select_option(status)
    form.locator("input[name=comment]").fill(comment)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/documents/{doc}#review-{fp}")
    expect(page.locator(f"li.finding[data-fingerprint='{fp}']")).to_have_attribute("data-review", status)
    return str(fp)


def rendered_pdf(text: Path, out_dir: Path) -> Path:
    """``text`` (a corpus text, or its mutation) as a text-layer PDF of the same name."""
    import render_pdf as R

    out_dir.mkdir(parents=True, exist_ok=True)
    return R.render_pdf(text, out_dir / (text.stem + ".pdf"), "ruled")


def annotations_of(data: bytes) -> tuple[int, list[str]]:
    """(pages, the ``/NM`` of each Highlight annotation): opened with pypdfium2 as a viewer would,
    the annotations read with pikepdf."""
    import pikepdf
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = pdfium.PdfDocument(data)
    try:
        pages, counted = len(doc), 0
        for i in range(pages):
            page = doc[i]  # kept alive while its raw handle is used
            counted += pdfium_c.FPDFPage_GetAnnotCount(page.raw)
            page.close()
    finally:
        doc.close()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        names = [str(a.get("/NM")) for page in pdf.pages for a in page.obj.get("/Annots", [])
                 if a.get("/Subtype") == "/Highlight"]  # fmt: skip
    assert counted >= len(names)
    return pages, names


def test_the_workbench_end_to_end(world, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("reportlab", reason="reportlab (test dependency) renders the PDFs")
    from openpyxl import load_workbook

    from juesuan.mutate_text import plant
    from juesuan.pipeline import read_document
    from juesuan.report.annotate import locate

    expect = sync_api.expect
    base, st, db = world["base"], world["store"], world["url"]
    source = CORPUS_TEXTS[0]
    doc = read_document(source)
    first = rendered_pdf(source, tmp_path / "v1")
    department = read_document(first).department
    assert department
    # another department's document, stored before anyone signs in
    foreign = st.ingest_document(hand_document("测试省某县审计局"), "f" * 64, file_name="other.txt").document_id

    # 1. the admin makes a reviewer and a department user (the CLI)
    juesuan("user", "add", "审核员", "--role", "reviewer", "--password-stdin", "--db", db, input=PASSWORDS["审核员"] + "\n")
    juesuan("user", "add", "部门甲", "--role", "department", "--department", department, "--password-stdin",
            "--db", db, input=PASSWORDS["部门甲"] + "\n")  # fmt: skip
    assert "部门甲\tdepartment" in juesuan("user", "list", "--db", db)

    # 2. the department signs in and uploads version 1
    dept_ctx, dept = sign_in(browser, base, "部门甲")
    expect(dept.locator("#nav-user-name")).to_have_text("部门甲")
    expect(dept.locator("#nav-audit")).to_have_count(0)
    v1 = upload(dept, base, first)
    expect(dept.locator("li.finding")).to_have_count(3)
    expect(dept.locator("form.review-form")).to_have_count(0)  # a department does not decide
    expect(dept.locator("form.reply-form")).to_have_count(3)  # but replies

    # 3. the reviewer confirms the error and dismisses the warning
    rev_ctx, rev = sign_in(browser, base, "审核员")
    expect(rev.locator("#nav-user-role")).to_have_text("审核人")
    confirmed = decide(rev, base, v1, "error", "confirmed", "支出合计与明细不符，请更正")
    dismissed = decide(rev, base, v1, "warning", "dismissed", "口径说明已附")

    # and hands the document back: 退回整改
    rev.goto(f"{base}/documents/{v1}")
    rev.select_option("#status-form select[name=status]", "returned")
    rev.click("#status-form button[type=submit]")
    rev.wait_for_url(f"**/documents/{v1}")
    expect(rev.locator("#doc-status")).to_have_text("退回整改")

    # the department answers the confirmed finding
    dept.goto(f"{base}/documents/{v1}")
    reply = dept.locator(f"li.finding[data-fingerprint='{confirmed}'] form.reply-form")
    reply.locator("input[name=reply]").fill("已更正合计数")
    reply.locator("button[type=submit]").click()
    dept.wait_for_url(f"**/documents/{v1}#review-{confirmed}")

    # 4. version 2: the department corrects the printed cell the error is about
    wrong = next(f for f in st.findings(v1) if f.severity == "error").cells[0]
    fact = next(f for f in doc.facts if (f.table, f.row, f.column) == (wrong.table, wrong.row, wrong.column))
    text, _ = plant(source, doc, fact.table, fact.row, fact.column, fact.value + Decimal("0.01"))
    (tmp_path / "t2").mkdir()
    second_text = tmp_path / "t2" / source.name
    second_text.write_text(text, encoding="utf-8")
    second = rendered_pdf(second_text, tmp_path / "v2")
    v2 = upload(dept, base, second)
    assert v2 != v1

    # 5. the reviewer sees the dismissal carried and the corrected finding fixed
    rev.goto(f"{base}/documents/{v2}")
    expect(rev.locator(f"li.finding[data-fingerprint='{dismissed}']")).to_have_attribute("data-review", "dismissed")
    expect(rev.locator(f"li.finding[data-fingerprint='{confirmed}']")).to_have_count(0)
    expect(rev.locator("li.finding.sev-error")).to_have_attribute("data-review", "open")  # the new value: open
    gone = rev.locator(f"#gone-findings li[data-fingerprint='{confirmed}']")  # 已整改, with its last decision
    expect(gone).to_have_attribute("data-last-review", "confirmed")
    expect(gone.locator(".last-review")).to_have_text("确认问题（审核员）")
    expect(gone).to_contain_text("已更正合计数")
    rev.goto(f"{base}/api/documents/{v2}/findings")
    found = {f["fingerprint"]: f for f in json.loads(rev.locator("body").inner_text())}
    assert found[confirmed]["gone"] and found[confirmed]["status"] == "fixed"
    assert (found[dismissed]["status"], found[dismissed]["carried_from"]) == ("dismissed", v1)
    dept_id = st.document(v2).department_id
    rev.goto(f"{base}/departments/{dept_id}?a={v1}&b={v2}")
    expect(rev.locator("#diff-fixed")).to_contain_text(next(f for f in st.findings(v1) if f.severity == "error").rule)

    # the 问题清单 workbook of version 2: the decisions in 处理意见, the replies in 部门回复
    rev.goto(f"{base}/documents/{v2}")
    with rev.expect_download() as info:
        rev.click("#download-xlsx")
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))["问题清单"]
    head = [c.value for c in sheet[1]]
    rows = [dict(zip(head, r)) for r in sheet.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]
    assert len(rows) == len(st.findings(v2))
    decisions = {(r["规则"], r["处理意见"]) for r in rows}
    assert ("TEST-XT-002", "非问题：口径说明已附") in decisions and ("TEST-AR-001", "待核") in decisions

    # the annotated PDF of version 2: it opens, one highlight per finding that has a box
    with rev.expect_download() as info:
        rev.click("#download-pdf")
    data = Path(info.value.path()).read_bytes()
    pages, names = annotations_of(data)
    import pypdfium2 as pdfium

    located = [m for m in locate(fake_check(read_document(second))) if m.boxes]
    assert located and sorted(names) == sorted(f"juesuan-{m.number}" for m in located)
    assert pages > len(pdfium.PdfDocument(str(second)))  # the summary page in front

    # 6. the audit log: each step with the user's name
    rev.click("#nav-audit")
    rev.wait_for_url(f"{base}/audit")
    rows = rev.locator("#audit-table tbody tr")
    steps = [(rows.nth(i).locator(".audit-user").inner_text(), rows.nth(i).locator(".audit-action").inner_text())
             for i in range(rows.count())]  # fmt: skip
    steps = [s for s in steps if s[1] not in ("登录", "新增用户")][::-1]  # oldest first
    assert steps == [("部门甲", "上传"), ("审核员", "审核决定"), ("审核员", "审核决定"), ("审核员", "文档状态"),
                     ("部门甲", "部门回复"), ("部门甲", "上传")], steps  # fmt: skip

    # 7. the department user cannot see another department's document, nor download its PDF
    response = dept.goto(f"{base}/documents/{foreign}")
    assert response is not None and response.status == 404
    assert dept.request.get(f"{base}/documents/{foreign}/report.xlsx").status == 404
    response = rev.goto(f"{base}/documents/{foreign}")
    assert response is not None and response.status == 200
    # and signs out from the header
    dept.goto(f"{base}/")
    dept.click("#nav-logout")
    dept.wait_for_url("**/login")
    for c in (dept_ctx, rev_ctx):
        c.close()


def test_the_reviewer_downloads_the_annotated_pdf_of_a_corpus_pdf(world, browser) -> None:  # type: ignore[no-untyped-def]
    """A second flow, on a real corpus PDF: the page offers the annotated PDF, which opens with a
    highlight for every finding the reader located (the same fake checker: its two cell findings)."""
    import pypdfium2 as pdfium

    from juesuan.pipeline import read_document
    from juesuan.report.annotate import locate

    pdfs = sorted((CORPUS / "pdf").glob("*.pdf"))
    if not pdfs:
        pytest.skip("corpus PDFs not found")
    st, db, base = world["store"], world["url"], world["base"]
    if st.user("审核员") is None:  # this test alone
        juesuan("user", "add", "审核员", "--role", "reviewer", "--password-stdin", "--db", db, input=PASSWORDS["审核员"] + "\n")
    context, page = sign_in(browser, base, "审核员")
    source = min(pdfs, key=lambda p: p.stat().st_size)
    doc = upload(page, base, source)
    with page.expect_download() as info:
        page.click("a#download-pdf")
    assert info.value.suggested_filename.endswith(".pdf")
    data = Path(info.value.path()).read_bytes()
    pages, names = annotations_of(data)
    located = [m for m in locate(fake_check(read_document(source))) if m.boxes]
    assert sorted(names) == sorted(f"juesuan-{m.number}" for m in located)
    assert pages > len(pdfium.PdfDocument(str(source)))
    assert st.audit(document_id=doc, action="upload")[0].user_name == "审核员"
    context.close()
