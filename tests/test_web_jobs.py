"""The web upload queue (issue 14): jobs in the database, a worker pool in the server, /jobs and
/api/jobs, several files or a zip in one upload, jobs surviving a restart, corpus rules on upload."""

from __future__ import annotations

import io
import re
import threading
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from test_store import CORPUS_TEXTS, db_url, fake_check, pg_server  # noqa: F401 - fixtures
from test_web import make_client, need_corpus  # noqa: F401 - fixture

pytest.importorskip("fastapi", reason="fastapi not installed")
from fastapi.testclient import TestClient  # noqa: E402

from juesuan.model import Document, Fact, Provenance, TableInfo  # noqa: E402
from juesuan.store import open_store  # noqa: E402
from juesuan.store import jobs as J  # noqa: E402
from juesuan.web import create_app  # noqa: E402

PROSE = "只有一段文字，没有表格。\n".encode()


def wait_done(c: TestClient, job_id: int, seconds: float = 60) -> dict:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        got = c.get(f"/api/jobs/{job_id}").json()
        if got["status"] in ("done", "failed"):
            return got
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} not finished: {got}")


def test_api_upload_returns_a_job_at_once_or_waits(make_client) -> None:  # type: ignore[no-untyped-def]
    need_corpus()
    c, st = make_client()
    data = CORPUS_TEXTS[0].read_bytes()
    t = time.monotonic()
    r = c.post("/api/documents", files={"file": ("a.txt", data, "text/plain")})
    assert r.status_code == 202 and time.monotonic() - t < 3, r.text
    body = r.json()
    assert body["job"]["status"] == "queued" and body["jobs"] == [body["job"]] and body["batch"] == body["job"]["batch"]
    assert "path" not in body["job"]  # the server's path is never shown
    done = wait_done(c, body["job"]["id"])
    assert done["status"] == "done" and done["outcome"] == "ingested" and done["progress"] == 100
    assert st.document(done["document_id"]) is not None
    again = c.post("/api/documents?wait=1", files={"file": ("a.txt", data, "text/plain")})
    assert again.status_code == 200 and again.json()["id"] == done["document_id"] and again.json()["status"] == "exists"
    listed = c.get("/api/jobs").json()
    assert [j["id"] for j in listed][:2] == [done["id"] + 1, done["id"]]  # newest first
    assert c.get("/api/jobs/99999").status_code == 404
    assert c.get("/api/jobs", params={"batch": "../x"}).status_code == 422


def test_several_files_and_a_zip_in_one_upload(make_client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    need_corpus()
    c, st = make_client()
    files = [
        ("file", ("甲.txt", CORPUS_TEXTS[0].read_bytes(), "text/plain")),
        ("file", ("说明.txt", PROSE, "text/plain")),
        ("file", ("病毒.exe", b"MZ" * 10, "application/octet-stream")),
    ]
    r = c.post("/upload", files=files, follow_redirects=False)
    assert r.status_code == 303 and re.fullmatch(r"/jobs\?batch=[0-9a-f]+", r.headers["location"])
    batch = r.headers["location"].split("=")[1]
    jobs = c.get("/api/jobs", params={"batch": batch}).json()
    assert sorted(j["file_name"] for j in jobs) == sorted(["病毒.exe", "甲.txt", "说明.txt"])
    exe = next(j for j in jobs if j["file_name"] == "病毒.exe")
    assert exe["status"] == "failed" and "只接受" in exe["reason"]  # refused at once, the others go on
    page = c.get(r.headers["location"])
    assert page.status_code == 200 and "上传任务" in page.text
    if any(j["status"] in ("queued", "running") for j in jobs):
        assert '<meta http-equiv="refresh"' in page.text
    results = {j["file_name"]: wait_done(c, j["id"]) for j in jobs}
    assert results["甲.txt"]["status"] == "done"
    assert results["说明.txt"]["status"] == "failed" and "无法读取「说明.txt」" in results["说明.txt"]["reason"]
    page = c.get(r.headers["location"]).text
    assert '<meta http-equiv="refresh"' not in page
    assert f'href="/documents/{results["甲.txt"]["document_id"]}"' in page and "无法读取「说明.txt」" in page
    assert "只看失败" in page and c.get("/jobs", params={"status": "failed"}).text.count('class="job job-failed"') == 2

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("年度/乙.txt", CORPUS_TEXTS[1].read_bytes() if len(CORPUS_TEXTS) > 1 else CORPUS_TEXTS[0].read_bytes())
        z.writestr("__MACOSX/._乙.txt", b"junk")
        z.writestr("readme.csv", b"a,b")
        z.writestr("丙.txt", PROSE)
    r = c.post("/api/documents", files={"file": ("一批.zip", buf.getvalue(), "application/zip")})
    assert r.status_code == 202
    names = sorted(j["file_name"] for j in r.json()["jobs"])
    assert names == sorted(["丙.txt", "乙.txt"])
    got = {j["file_name"]: wait_done(c, j["id"]) for j in r.json()["jobs"]}
    assert got["乙.txt"]["status"] == "done" and got["丙.txt"]["status"] == "failed"
    bad = c.post("/api/documents", files={"file": ("坏.zip", b"PK\x03\x04 not really", "application/zip")})
    assert bad.status_code == 400 and "ZIP" in bad.json()["detail"]
    # stored uploads are named by content hash only
    assert all(re.fullmatch(r"[0-9a-f]{64}\.txt", p.name) for p in (tmp_path / "uploads").iterdir() if not p.name.startswith("."))


def test_writes_still_need_origin_or_token(make_client) -> None:  # type: ignore[no-untyped-def]
    c, st = make_client()
    bare = TestClient(c.app)  # no Origin, no token, no CSRF header
    r = bare.post("/api/documents", files={"file": ("a.txt", b"x", "text/plain")})
    assert r.status_code == 403 and J.jobs(st) == []
    r = bare.post("/upload", files={"file": ("a.txt", b"x", "text/plain")}, follow_redirects=False)
    assert r.status_code == 403 and J.jobs(st) == []


def test_jobs_survive_a_restart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    need_corpus()
    monkeypatch.delenv("JUESUAN_TOKEN", raising=False)
    url = f"sqlite:///{tmp_path / 'r.db'}"
    up = tmp_path / "uploads"
    up.mkdir()
    st = open_store(url, checker=fake_check, rules_version="r-1")
    paths = []
    for i, src in enumerate(CORPUS_TEXTS[:2]):
        p = up / f"{'%064x' % i}.txt"
        p.write_bytes(src.read_bytes())
        paths.append(p)
    # a server stopped while it was reading the first one; the second never started
    first = J.enqueue(st, file_name="一.txt", sha256="%064x" % 0, path=str(paths[0]))
    J.enqueue(st, file_name="二.txt", sha256="%064x" % 1, path=str(paths[1]))
    assert J.claim_next(st).id == first.id
    assert J.counts(st)["running"] == 1
    c = TestClient(create_app(store=st, upload_dir=up), headers={"Origin": "http://testserver"})
    done = [wait_done(c, j.id) for j in J.jobs(st)]
    assert [d["status"] for d in done] == ["done", "done"], done
    assert next(d for d in done if d["id"] == first.id)["attempts"] == 2  # claimed again after the restart
    assert st.count_documents() == 2
    st.close()


def test_claiming_is_exclusive(db_url: str) -> None:  # noqa: F811
    st = open_store(db_url, checker=fake_check, rules_version="c-1")
    try:
        ids = {J.enqueue(st, file_name=f"{i}.txt", sha256=f"{i:064x}", path="/nowhere").id for i in range(12)}
        claimed: list[int] = []
        lock = threading.Lock()

        def worker() -> None:
            while (j := J.claim_next(st)) is not None:
                with lock:
                    claimed.append(j.id)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(claimed) == sorted(ids)  # each exactly once
        assert J.counts(st) == {"queued": 0, "running": 12, "done": 0, "failed": 0}
        assert J.requeue_running(st) == 12 and J.counts(st)["queued"] == 12
        one = J.claim_next(st)
        J.fail(st, one.id, reason="坏文件", http_status=400)
        got = J.job(st, one.id)
        assert got.status == "failed" and got.reason == "坏文件" and got.finished_at is not None and got.attempts == 2
    finally:
        st.close()


def test_upload_runs_the_corpus_rules(make_client) -> None:  # type: ignore[no-untyped-def]
    need_corpus()
    from juesuan.pipeline import read_document

    c, st = make_client()
    parsed = read_document(CORPUS_TEXTS[0])
    grand = next((f for f in parsed.facts if f.key == ("income_expense_summary", "income.grand_total", "amount")), None)
    change = next((cl for cl in parsed.claims if cl.kind == "change_amount" and cl.subject == "收入总计"), None)
    if grand is None or change is None or parsed.year is None:
        pytest.skip("the first corpus text states no change of 收入总计")
    wrong = grand.value + Decimal("1000.00")  # last year's total planted far from what the narrative implies
    prior = Document(
        source="上年.txt", format="text", department=parsed.department, year=parsed.year - 1, unit="万元",
        tables=[TableInfo("income_expense_summary", "收入支出决算总表", None, "万元", Provenance())],
        facts=[Fact("income_expense_summary", "income.grand_total", "amount", wrong, str(wrong), Provenance(line=1))],
    )  # fmt: skip
    st.ingest_document(prior, "e" * 64, file_name="上年.txt")
    r = c.post("/api/documents?wait=1", files={"file": (CORPUS_TEXTS[0].name, CORPUS_TEXTS[0].read_bytes(), "text/plain")})
    assert r.status_code == 201, r.text
    stored = [f for f in st.findings(r.json()["id"]) if f.rule == "JS-CO-001"]
    assert stored and "上年.txt" in stored[0].message
    assert r.json()["findings"] == len(st.findings(r.json()["id"]))
