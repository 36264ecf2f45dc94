"""The web app through FastAPI's TestClient: upload, findings page, API, compare, downloads, safety."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from test_store import CORPUS, CORPUS_TEXTS, HOSTILE, fake_check, hand_document

pytest.importorskip("fastapi", reason="fastapi not installed")
from fastapi.testclient import TestClient  # noqa: E402

from juesuan.model import Finding  # noqa: E402
from juesuan.store import open_store  # noqa: E402
from juesuan.web import create_app, is_loopback  # noqa: E402

PDFS = sorted((CORPUS / "pdf").glob("*.pdf")) if (CORPUS / "pdf").is_dir() else []


def need_corpus() -> None:
    if len(CORPUS_TEXTS) < 2:
        pytest.skip(f"corpus texts not found at {CORPUS}")


@pytest.fixture
def make_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("JUESUAN_TOKEN", raising=False)  # a configured token applies on loopback too
    stores = []

    def make(**kwargs):  # type: ignore[no-untyped-def]
        st = open_store(f"sqlite:///{tmp_path / 'web.db'}", checker=fake_check, rules_version="web-1")
        stores.append(st)
        kwargs.setdefault("upload_dir", tmp_path / "uploads")
        # a browser names the page's origin on every form post (the CSRF rule refuses posts without)
        return TestClient(create_app(store=st, **kwargs), headers={"Origin": "http://testserver"}), st

    yield make
    for st in stores:
        st.close()


@pytest.fixture
def client(make_client):  # type: ignore[no-untyped-def]
    c, _ = make_client()
    return c


def upload(c: TestClient, path: Path, name: str | None = None, **kw):  # type: ignore[no-untyped-def]
    with path.open("rb") as fh:
        return c.post("/upload?wait=1", files={"file": (name or path.name, fh, "text/plain")}, follow_redirects=False, **kw)


def doc_id(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text[:500]
    m = re.match(r"/documents/(\d+)", response.headers["location"])
    assert m, response.headers["location"]
    return int(m.group(1))


def test_upload_then_findings_page(client: TestClient, tmp_path: Path) -> None:
    need_corpus()
    home = client.get("/")
    assert home.status_code == 200 and "上传预决算公开文件" in home.text
    assert 'src="/static/app.js"' in home.text and "cdn" not in home.text.lower()
    r = upload(client, CORPUS_TEXTS[0], name="../../我的 文件.txt")
    i = doc_id(r)
    # stored by content hash only: the user's name never reached the filesystem
    stored = sorted(p.name for p in (tmp_path / "uploads").iterdir())
    assert len(stored) == 1 and re.fullmatch(r"[0-9a-f]{64}\.txt", stored[0])
    assert not (tmp_path.parent / "我的 文件.txt").exists()

    page = client.get(f"/documents/{i}")
    assert page.status_code == 200
    html = page.text
    assert "检查发现" in html and "测试错误 v" in html and "测试警告" in html
    assert html.count('class="finding sev-') == 3
    # the error's cell is highlighted, and the finding links to it; the source line is shown
    m = re.search(r'<a class="cell-link" href="#(cell-expenditure-[^"]+)">', html)
    assert m, "finding links to its cell"
    assert re.search(rf'<td id="{m.group(1)}" class="num hl hl-error', html)
    assert re.search(r'<span class="loc">第\d+行</span>', html)
    assert "我的 文件.txt" in html  # shown as text
    if "sentence" in Finding.__dataclass_fields__:  # the narrative sentence, escaped, with its place
        assert '<blockquote class="sentence">本年收入总计100.00万元&lt;b&gt;。&lt;/b&gt; <span class="loc">第2页 第5行</span>' in html
    # filters: severity and table
    only_err = client.get(f"/documents/{i}", params={"severity": "error"}).text
    assert only_err.count('class="finding sev-') == 1
    only_tp = client.get(f"/documents/{i}", params={"table": "three_public"}).text
    assert only_tp.count('class="finding sev-') == 1 and "测试警告" in only_tp
    # the same file again: nothing new, the existing record
    again = upload(client, CORPUS_TEXTS[0])
    assert again.headers["location"] == f"/documents/{i}?existing=1"
    assert "已经入库" in client.get(again.headers["location"]).text


def test_api_documents_facts_findings(client: TestClient, corpus_docs) -> None:  # type: ignore[no-untyped-def]
    need_corpus()
    path = CORPUS_TEXTS[0]
    with path.open("rb") as fh:
        r = client.post("/api/documents?wait=1", files={"file": (path.name, fh, "text/plain")})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "ingested" and body["findings"] == 3 and body["rules_version"] == "web-1"
    i = body["document_id"]
    with path.open("rb") as fh:
        r2 = client.post("/api/documents?wait=1", files={"file": (path.name, fh, "text/plain")})
    assert r2.status_code == 200 and r2.json()["status"] == "exists"

    docs = client.get("/api/documents").json()
    assert [d["id"] for d in docs] == [i] and docs[0]["counts"] == {"error": 1, "warning": 1, "info": 1}
    detail = client.get(f"/api/documents/{i}").json()
    assert detail["checks"][0]["rules_version"] == "web-1" and detail["tables"]

    doc = corpus_docs[path.stem]
    facts = client.get(f"/api/documents/{i}/facts").json()
    assert len(facts) == len(doc.facts)
    assert {(f["table"], f["row"], f["column"], Decimal(f["value"])) for f in facts} == {
        (f.table, f.row, f.column, f.value) for f in doc.facts
    }
    assert all(isinstance(f["value"], str) for f in facts)
    cls = client.get(f"/api/documents/{i}/facts", params={"table": "expenditure", "level": "项"}).json()
    assert cls and all(f["level"] == "项" and len(f["row"]) == 7 for f in cls)
    assert client.get(f"/api/documents/{i}/facts", params={"level": "段"}).status_code == 400

    found = client.get(f"/api/documents/{i}/findings").json()
    assert [f["severity"] for f in found] == ["error", "warning", "info"]
    assert found[0]["cells"][0]["table"] == "expenditure"
    assert len(client.get(f"/api/documents/{i}/findings", params={"severity": "warning"}).json()) == 1

    spec = client.get("/openapi.json").json()
    for p in ("/api/documents", "/api/documents/{document_id}/facts", "/api/documents/{document_id}/findings", "/api/compare"):
        assert p in spec["paths"], p
    assert "post" in spec["paths"]["/api/documents"]


def test_upload_legacy_xls(client: TestClient, tmp_path: Path, corpus_docs) -> None:  # type: ignore[no-untyped-def]
    """A legacy .xls workbook is accepted, stored as <sha256>.xls and gives the text's facts;
    an .xls that is no OLE2 file, or is a Word document, is refused with a clear message."""
    import render_office as R

    need_corpus()
    path = CORPUS_TEXTS[0]
    xlsx = R.render_xlsx(R.load_parts(path), tmp_path / "t.xlsx")
    xls = R.xlsx_to_xls(xlsx, tmp_path / "决算.xls")
    i = doc_id(upload(client, xls))
    stored = sorted(p.name for p in (tmp_path / "uploads").iterdir() if not p.name.startswith("."))
    assert len(stored) == 1 and re.fullmatch(r"[0-9a-f]{64}\.xls", stored[0])
    facts = client.get(f"/api/documents/{i}/facts").json()
    assert {(f["table"], f["row"], f["column"], Decimal(f["value"])) for f in facts} == {
        (f.table, f.row, f.column, f.value) for f in corpus_docs[path.stem].facts
    }
    assert client.get(f"/api/documents/{i}").json()["format"] == "xls"
    not_ole = client.post("/upload?wait=1", files={"file": ("x.xls", b"<html>not a workbook</html>", "application/vnd.ms-excel")})
    assert not_ole.status_code == 400 and "不符" in not_ole.text
    # an .xlsx served as .xls (common on government sites) is read as the workbook it is
    j = doc_id(upload(client, xlsx, name="决算表.xls"))
    assert client.get(f"/api/documents/{j}").json()["format"] == "xlsx"
    word = R.rename_ole_stream(xls.read_bytes(), "Workbook", "WordDocument")  # a Word .doc named .xls
    refused = client.post("/upload?wait=1", files={"file": ("旧.xls", word, "application/vnd.ms-excel")})
    assert refused.status_code == 400 and "无法读取「旧.xls」" in refused.text and ".docx" in refused.text


def test_compare_page_and_api(client: TestClient) -> None:
    need_corpus()
    ids = [doc_id(upload(client, p)) for p in CORPUS_TEXTS[:2]]
    deps = client.get("/api/departments").json()
    assert len(deps) == 2
    names = [d["name"] for d in deps]
    api = client.get("/api/compare", params={"departments": ",".join(names), "year": 2024}).json()
    assert sorted(r["document_id"] for r in api["departments"]) == sorted(ids)
    for r in api["departments"]:
        assert Decimal(r["expense_total"]) > 0 and r["by_function"]
        assert "reception" in r["three_public"] and "running_cost" in r
    assert client.get("/api/compare", params={"departments": "没有这个局"}).json()["missing"] == ["没有这个局"]
    assert client.get("/api/compare").status_code == 422  # the required parameter is missing

    form = client.get("/compare")
    assert form.status_code == 200 and 'name="departments"' in form.text
    page = client.get("/compare", params=[("departments", str(d["id"])) for d in deps] + [("year", "2024")])
    html = page.text
    assert page.status_code == 200 and 'id="compare-table"' in html
    assert '<script src="/static/echarts.min.js"></script>' in html and 'id="chart-treemap"' in html
    assert "基本支出" in html and "“三公”经费合计" in html and "按支出功能分类" in html
    for n in names:
        assert n in html
    js = client.get("/static/echarts.min.js")
    assert js.status_code == 200 and len(js.content) > 500_000
    assert client.get("/static/echarts.LICENSE").status_code == 200

    dept = client.get(f"/departments/{deps[0]['id']}")
    assert dept.status_code == 200 and "各年度对比" in dept.text
    assert client.get("/departments").status_code == 200


def test_department_years_highlight_changes(make_client) -> None:  # type: ignore[no-untyped-def]
    c, st = make_client()
    st.ingest_document(hand_document("丙市财政局", 2023), "1" * 64)
    values = {(f.table, f.row, f.column): f.raw for f in hand_document().facts}
    values[("expenditure", "total", "basic")] = "80.50"  # doubled: a big change
    st.ingest_document(hand_document("丙市财政局", 2024, values=values), "2" * 64)
    dep = st.department("丙市财政局")
    assert dep is not None
    html = c.get(f"/departments/{dep.id}").text
    assert "2023 年度" in html and "2024 年度" in html
    row = re.search(r'<tr data-key="basic">.*?</tr>', html, re.S)
    assert row and "chg chg-up big" in row.group(0) and "+100.0%" in row.group(0)
    same = re.search(r'<tr data-key="project">.*?</tr>', html, re.S)
    assert same and "持平" in same.group(0) and " big" not in same.group(0)


def test_downloads(client: TestClient) -> None:
    need_corpus()
    i = doc_id(upload(client, CORPUS_TEXTS[0]))
    from openpyxl import load_workbook

    r = client.get(f"/documents/{i}/report.xlsx")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames
    csv_r = client.get(f"/documents/{i}/facts.csv")
    assert csv_r.status_code == 200 and csv_r.content.startswith(b"\xef\xbb\xbfdocument_id,")
    allcsv = client.get("/exports/facts.csv")
    assert allcsv.content.startswith(b"\xef\xbb\xbf") and allcsv.content.count(b"\r\n") > 100
    assert client.get("/exports/findings.csv").status_code == 200
    assert client.get("/exports/secrets.csv").status_code == 404
    assert client.get(f"/documents/{i}/report.html").status_code == 200
    assert f"/documents/{i}/report.xlsx" in client.get("/downloads").text


def test_token_rule(make_client, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    need_corpus()
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")

    # loopback without a token: writes are open
    c, _ = make_client()
    assert upload(c, CORPUS_TEXTS[0]).status_code == 303

    # bound to all interfaces: the token is required, by header or form field
    monkeypatch.setenv("JUESUAN_TOKEN", "s3cret-token")
    c2, _ = make_client(host="0.0.0.0")
    assert 'name="token"' in c2.get("/").text
    denied = upload(c2, CORPUS_TEXTS[1])
    assert denied.status_code == 401 and "令牌" in denied.text
    assert upload(c2, CORPUS_TEXTS[1], headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = upload(c2, CORPUS_TEXTS[1], headers={"Authorization": "Bearer s3cret-token"})
    assert ok.status_code == 303
    with CORPUS_TEXTS[1].open("rb") as fh:
        by_form = c2.post("/upload?wait=1", files={"file": ("a.txt", fh)}, data={"token": "s3cret-token"}, follow_redirects=False)
    assert by_form.status_code == 303
    with CORPUS_TEXTS[1].open("rb") as fh:
        api = c2.post("/api/documents?wait=1", files={"file": ("a.txt", fh)})
    assert api.status_code == 401 and api.json()["detail"]
    assert c2.get("/api/documents").status_code == 200  # reads stay open

    # non-loopback and no token configured anywhere: writes are refused outright
    monkeypatch.delenv("JUESUAN_TOKEN")
    c3, _ = make_client(host="0.0.0.0")
    assert upload(c3, CORPUS_TEXTS[0]).status_code == 403
    # an explicit token is required even on loopback
    c4, _ = make_client(token="t0k")
    assert upload(c4, CORPUS_TEXTS[0]).status_code == 401
    assert upload(c4, CORPUS_TEXTS[0], headers={"Authorization": "Bearer t0k"}).status_code == 303


def test_hostile_names_are_escaped(make_client) -> None:  # type: ignore[no-untyped-def]
    c, st = make_client()
    o = st.ingest_document(hand_document(HOSTILE), "9" * 64, file_name=HOSTILE + ".txt")
    st.ingest_document(hand_document("<img src=x onerror=alert(1)>局"), "8" * 64)
    dep = st.department(HOSTILE)
    assert dep is not None
    pages = [
        "/",
        f"/documents/{o.document_id}",
        "/departments",
        f"/departments/{dep.id}",
        "/downloads",
        f"/compare?departments={dep.id}&departments=2",
    ]
    for url in pages:
        r = c.get(url)
        assert r.status_code == 200, url
        assert "<script>alert" not in r.text, url
        assert "<img src=x" not in r.text, url
        assert "&lt;script&gt;" in r.text or "\\u003cscript\\u003e" in r.text, url
        assert "script-src 'self'" in r.headers["content-security-policy"]
    compare = c.get(pages[-1]).text
    data = re.search(r'<script type="application/json" id="compare-data">(.*?)</script>', compare, re.S)
    assert data and "<" not in data.group(1)
    api = c.get("/api/documents").json()
    assert HOSTILE in [d["department"] for d in api]  # JSON carries the text as it is


def test_error_pages_in_chinese(make_client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c, _ = make_client(max_upload_bytes=2000, max_pages=1)
    r = c.get("/documents/999")
    assert r.status_code == 404 and "未找到" in r.text and "没有编号为 999 的文档" in r.text
    assert r.headers["content-type"].startswith("text/html")
    assert c.get("/api/documents/999").json() == {"detail": "没有编号为 999 的文档。"}
    assert c.get("/nowhere").status_code == 404 and "找不到" in c.get("/nowhere").text
    bad = c.get("/documents/abc")
    assert bad.status_code == 422 and "无法处理" in bad.text and "document_id" in bad.text
    big = c.post("/upload?wait=1", files={"file": ("big.txt", b"x" * 5000, "text/plain")})
    assert big.status_code == 413 and "文件过大" in big.text
    exe = c.post("/upload?wait=1", files={"file": ("run.exe", b"MZ" * 10, "application/octet-stream")})
    assert exe.status_code == 415 and "只接受" in exe.text
    fake_pdf = c.post("/upload?wait=1", files={"file": ("x.pdf", b"not a pdf", "application/pdf")})
    assert fake_pdf.status_code == 400 and "不符" in fake_pdf.text
    empty = c.post("/upload?wait=1", files={"file": ("e.txt", b"", "text/plain")})
    assert empty.status_code == 400
    prose = c.post("/upload?wait=1", files={"file": ("p.txt", "只有一段文字，没有表格。\n".encode(), "text/plain")})
    assert prose.status_code == 400 and "无法读取「p.txt」" in prose.text
    assert not [p for p in (tmp_path / "uploads").iterdir() if not p.name.startswith(".")]
    if PDFS:
        c2, _ = make_client(max_pages=1)
        with PDFS[0].open("rb") as fh:
            r = c2.post("/upload?wait=1", files={"file": (PDFS[0].name, fh, "application/pdf")})
        assert r.status_code == 422 and "文件超出限制" in r.text and "页" in r.text, r.text[-800:]


def test_cross_site_posts_and_hosts_are_refused(client: TestClient) -> None:
    need_corpus()
    r = upload(client, CORPUS_TEXTS[0], headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and "跨站" in r.text
    ok = upload(client, CORPUS_TEXTS[0], headers={"Origin": "http://testserver"})
    assert ok.status_code == 303
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "evil.example:8000"}).status_code == 400
    assert client.get("/", headers={"Host": "[::1]:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200
