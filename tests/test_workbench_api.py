"""The workbench over HTTP (TestClient, SQLite and PostgreSQL): login, sessions, tokens, roles,
CSRF on every form, department isolation, the review/reply/status/versions/audit API."""

from __future__ import annotations

import re
import pytest
from test_store import CORPUS_TEXTS, db_url, pg_server  # noqa: F401  (fixtures)
from test_workbench_store import DEPT, make_doc, odd_check

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from juesuan.store import open_store  # noqa: E402
from juesuan.store.versions import finding_fingerprint  # noqa: E402
from juesuan.web import create_app  # noqa: E402

OTHER = "测试省另一市财政局"
PASSWORDS = {"管理员": "admin-pass-1", "审核员": "review-pass-1", "部门甲": "dept-pass-11", "观察员": "viewer-pass1"}
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


class World:
    def __init__(self, url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
        self.st = open_store(url, checker=odd_check, rules_version="wb-1")
        self.app = create_app(store=self.st, upload_dir=tmp_path / "uploads")
        self.n = 0

    def ingest(self, values: dict[str, str], department: str = DEPT) -> int:
        self.n += 1
        doc = make_doc(values, department=department)
        return self.st.ingest_document(doc, f"{self.n:064x}", file_name=f"v{self.n}.txt", result=odd_check(doc)).document_id

    def users(self) -> None:
        self.st.add_user("管理员", "admin", password=PASSWORDS["管理员"])
        self.st.add_user("审核员", "reviewer", password=PASSWORDS["审核员"])
        self.st.add_user("部门甲", "department", password=PASSWORDS["部门甲"], department=DEPT)
        self.st.add_user("观察员", "viewer", password=PASSWORDS["观察员"])

    def client(self) -> TestClient:
        return TestClient(self.app, follow_redirects=False)

    def login(self, name: str) -> tuple[TestClient, str]:
        """A client signed in as ``name`` and its CSRF token."""
        c = self.client()
        page = c.get("/login")
        token = CSRF_INPUT.search(page.text).group(1)
        r = c.post("/login", data={"name": name, "password": PASSWORDS[name], "next": "/", "csrf_token": token})
        assert r.status_code == 303, r.text
        return c, token


@pytest.fixture
def world(db_url, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    w = World(db_url, tmp_path)
    yield w
    w.st.close()


def fp_of(st, doc_id: int, row: str) -> str:  # type: ignore[no-untyped-def]
    return next(finding_fingerprint(f) for f in st.findings(doc_id) if f.cells[0].row == row)


# ---------------------------------------------------------------------- every route that changes state


def _fill(path: str, doc: int, fp: str) -> str:
    path = path.replace("{document_id}", str(doc)).replace("{fingerprint}", fp)
    return re.sub(r"\{[^}]+\}", "1", path)


def post_routes(app) -> list[str]:  # type: ignore[no-untyped-def]
    """Every route of the app that takes POST/PUT/PATCH/DELETE (today's and any added later)."""
    out = []
    for r in app.routes:
        methods = getattr(r, "methods", None) or set()
        if methods & {"POST", "PUT", "PATCH", "DELETE"}:
            out.append(r.path)
    return sorted(set(out))


def test_every_state_changing_route_needs_a_session_or_token_and_a_csrf_token(world) -> None:  # type: ignore[no-untyped-def]
    doc = world.ingest({"2001": "1.07", "2002": "2.09"})
    fp = fp_of(world.st, doc, "2001")
    world.users()
    routes = [p for p in post_routes(world.app) if p not in ("/login",)]
    assert {"/api/documents", "/upload", "/documents/{document_id}/findings/{fingerprint}/review",
            "/api/documents/{document_id}/findings/{fingerprint}/review"} <= set(routes)  # fmt: skip
    anonymous = world.client()
    for path in routes:
        for headers in ({}, {"Origin": "http://testserver"}):
            r = anonymous.post(_fill(path, doc, fp), data={"status": "dismissed"}, headers=headers)
            assert r.status_code == 401, (path, r.status_code, r.text[:200])
    # a wrong or a shared server token is no user either
    r = anonymous.post("/api/documents", files={"file": ("a.txt", b"x")}, headers={"Authorization": "Bearer js_nope"})
    assert r.status_code == 401

    admin, token = world.login("管理员")
    for path in routes:
        if path == "/logout":
            continue
        for headers in ({}, {"Origin": "http://testserver"}):  # a same-site Origin is not enough
            r = admin.post(_fill(path, doc, fp), data={"status": "dismissed"}, headers=headers)
            assert r.status_code == 403, (path, r.status_code, r.text[:200])
        r = admin.post(_fill(path, doc, fp), data={"status": "dismissed", "csrf_token": "forged.token"})
        assert r.status_code == 403, path
    assert world.st.review_map(doc)[fp].status == "open"  # nothing got through
    r = admin.post(_fill("/documents/{document_id}/findings/{fingerprint}/review", doc, fp),
                   data={"status": "dismissed", "comment": "口径", "csrf_token": token})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == f"/documents/{doc}#review-{fp}"
    assert world.st.review_map(doc)[fp].status == "dismissed"


def test_pages_need_a_login_once_users_exist(world) -> None:  # type: ignore[no-untyped-def]
    doc = world.ingest({"2001": "1.07"})
    c = world.client()
    assert c.get(f"/documents/{doc}").status_code == 200  # open mode: as before
    world.users()
    r = c.get(f"/documents/{doc}?table=expenditure")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=%2Fdocuments%2F")
    assert c.get("/api/documents").status_code == 401
    assert c.get("/api/audit").status_code == 401
    assert c.get("/login").status_code == 200 and c.get("/static/app.css").status_code == 200


def test_login_sets_a_strict_session_cookie_and_logout_ends_it(world) -> None:  # type: ignore[no-untyped-def]
    world.users()
    c = world.client()
    token = CSRF_INPUT.search(c.get("/login").text).group(1)
    bad = c.post("/login", data={"name": "审核员", "password": "wrong-password", "csrf_token": token})
    assert bad.status_code == 401 and "用户名或密码不对" in bad.text
    assert c.post("/login", data={"name": "审核员", "password": PASSWORDS["审核员"]}).status_code == 403  # no CSRF
    ok = c.post("/login", data={"name": "审核员", "password": PASSWORDS["审核员"], "next": "//evil.example/x",
                                "csrf_token": token})  # fmt: skip
    assert ok.status_code == 303 and ok.headers["location"] == "/"  # never off-site
    cookie = ok.headers["set-cookie"]
    assert "juesuan_session=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert c.get("/api/me").json()["user"]["name"] == "审核员"
    assert c.post("/logout", data={"csrf_token": token}).status_code == 303
    assert c.get("/api/me").status_code == 401


# ---------------------------------------------------------------------- roles and departments


def test_roles_and_department_isolation(world) -> None:  # type: ignore[no-untyped-def]
    mine = world.ingest({"2001": "1.07", "2002": "2.09"})
    theirs = world.ingest({"2001": "1.07"}, department=OTHER)
    fp = fp_of(world.st, mine, "2001")
    fp_theirs = fp_of(world.st, theirs, "2001")
    world.users()
    dept, dtoken = world.login("部门甲")
    hdr = {"X-CSRF-Token": dtoken}
    # sees its own, 404 for the other department's, everywhere
    assert dept.get(f"/documents/{mine}").status_code == 200
    for path in (f"/documents/{theirs}", f"/api/documents/{theirs}", f"/api/documents/{theirs}/findings",
                 f"/api/documents/{theirs}/versions", f"/documents/{theirs}/report.xlsx",
                 f"/departments/{world.st.document(theirs).department_id}", "/exports/facts.csv",
                 f"/api/audit?document_id={theirs}"):  # fmt: skip
        assert dept.get(path).status_code == 404, path
    assert [d["id"] for d in dept.get("/api/documents").json()] == [mine]
    r = dept.post(f"/api/documents/{theirs}/findings/{fp_theirs}/reply", json={"reply": "x"}, headers=hdr)
    assert r.status_code == 404
    # replies, but does not decide or set the status
    r = dept.post(f"/api/documents/{mine}/findings/{fp}/reply", json={"reply": "已核实，系笔误"}, headers=hdr)
    assert r.status_code == 200 and r.json()["reply"] == "已核实，系笔误"
    assert dept.post(f"/api/documents/{mine}/findings/{fp}/review", json={"status": "dismissed"}, headers=hdr).status_code == 403
    assert dept.post(f"/api/documents/{mine}/status", json={"status": "approved"}, headers=hdr).status_code == 403

    viewer, vtoken = world.login("观察员")
    assert viewer.get(f"/documents/{theirs}").status_code == 200
    for path, body in ((f"/api/documents/{mine}/findings/{fp}/review", {"status": "confirmed"}),
                       (f"/api/documents/{mine}/findings/{fp}/reply", {"reply": "x"}),
                       (f"/api/documents/{mine}/status", {"status": "approved"})):  # fmt: skip
        assert viewer.post(path, json=body, headers={"X-CSRF-Token": vtoken}).status_code == 403
    assert viewer.post("/api/documents", files={"file": ("a.txt", b"x")}, headers={"X-CSRF-Token": vtoken}).status_code == 403

    reviewer, rtoken = world.login("审核员")
    r = reviewer.post(f"/api/documents/{mine}/findings/{fp}/review", json={"status": "confirmed", "comment": "请更正"},
                      headers={"X-CSRF-Token": rtoken})  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    assert reviewer.post(f"/api/documents/{mine}/findings/{'0' * 16}/review", json={"status": "confirmed"},
                         headers={"X-CSRF-Token": rtoken}).status_code == 404  # fmt: skip
    assert reviewer.post(f"/api/documents/{mine}/findings/{fp}/review", json={"status": "whatever"},
                         headers={"X-CSRF-Token": rtoken}).status_code == 422  # fmt: skip
    r = reviewer.post(f"/api/documents/{mine}/status", json={"status": "returned"}, headers={"X-CSRF-Token": rtoken})
    assert r.json() == {"document_id": mine, "status": "returned"}

    found = {f["fingerprint"]: f for f in dept.get(f"/api/documents/{mine}/findings").json()}
    assert (found[fp]["status"], found[fp]["comment"], found[fp]["reply"]) == ("confirmed", "请更正", "已核实，系笔误")
    assert all(f["status"] == "open" for k, f in found.items() if k != fp)
    # the audit log: who did what; the department sees its own documents' entries only
    log = reviewer.get("/api/audit").json()
    assert [(e["user"], e["action"]) for e in log if e["action"] != "login"] == [
        ("审核员", "status"), ("审核员", "review"), ("部门甲", "reply")]  # fmt: skip
    assert {e["document_id"] for e in dept.get("/api/audit").json()} == {mine}
    page = reviewer.get("/audit")
    assert page.status_code == 200 and "部门甲" in page.text and "退回整改" in page.text


def test_bearer_tokens_need_no_csrf_and_versions_carry_decisions(world) -> None:  # type: ignore[no-untyped-def]
    v1 = world.ingest({"2001": "1.07", "2002": "2.09", "2003": "3.00"})
    wrong, other = fp_of(world.st, v1, "2001"), fp_of(world.st, v1, "2002")
    world.users()
    token = world.st.create_token("审核员")
    api = TestClient(world.app, headers={"Authorization": f"Bearer {token}"})
    assert api.post(f"/api/documents/{v1}/findings/{wrong}/review", json={"status": "confirmed"}).status_code == 200
    assert api.post(f"/api/documents/{v1}/findings/{other}/review", json={"status": "dismissed", "comment": "口径"}).status_code == 200
    v2 = world.ingest({"2001": "1.00", "2002": "2.09", "2003": "3.00"})  # the error in 2001 corrected
    versions = api.get(f"/api/documents/{v2}/versions").json()
    assert [(v["document_id"], v["version"], v["latest"]) for v in versions] == [(v1, 1, False), (v2, 2, True)]
    found = {f["fingerprint"]: f for f in api.get(f"/api/documents/{v2}/findings").json()}
    assert (found[other]["status"], found[other]["comment"], found[other]["carried_from"]) == ("dismissed", "口径", v1)
    assert found[wrong]["gone"] and found[wrong]["status"] == "fixed"
    assert wrong not in {f["fingerprint"] for f in api.get(f"/api/documents/{v2}/findings?gone=false").json()}
    assert "/api/documents/{document_id}/findings/{fingerprint}/review" in api.get("/openapi.json").json()["paths"]


def test_open_mode_keeps_working_without_users(world) -> None:  # type: ignore[no-untyped-def]
    doc = world.ingest({"2001": "1.07"})
    fp = fp_of(world.st, doc, "2001")
    c = TestClient(world.app, headers={"Origin": "http://testserver"})
    r = c.post(f"/api/documents/{doc}/findings/{fp}/review", json={"status": "dismissed"})
    assert r.status_code == 200 and r.json()["user"] is None
    page = c.get(f"/documents/{doc}")
    assert page.status_code == 200
    # a non-loopback client is refused as before (no token configured)
    far = TestClient(world.app, client=("203.0.113.9", 5555), headers={"Origin": "http://testserver"})
    assert far.post(f"/api/documents/{doc}/findings/{fp}/review", json={"status": "confirmed"}).status_code == 403


def test_a_department_user_uploads_only_its_own_department(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    if not CORPUS_TEXTS:
        pytest.skip("corpus not found")
    src = CORPUS_TEXTS[0]
    from juesuan.pipeline import read_document

    printed = read_document(src).department
    world.st.add_user("部门乙", "department", password="dept-pass-22", department=printed)
    world.st.add_user("部门丙", "department", password="dept-pass-33", department=OTHER)
    ok = TestClient(world.app, headers={"Authorization": f"Bearer {world.st.create_token('部门乙')}"})
    r = ok.post("/api/documents?wait=1", files={"file": (src.name, src.read_bytes(), "text/plain")})
    assert r.status_code == 201, r.text
    doc = r.json()["document_id"]
    (entry,) = world.st.audit(action="upload")
    assert (entry.user_name, entry.document_id) == ("部门乙", doc)
    no = TestClient(world.app, headers={"Authorization": f"Bearer {world.st.create_token('部门丙')}"})
    r = no.post("/api/documents?wait=1", files={"file": (src.name, src.read_bytes(), "text/plain")})
    assert r.status_code == 403  # exists, but is another department's
    assert world.st.document(doc) is not None  # and is not removed
    copy = src.read_bytes() + "\n".encode()  # new content (another sha256) of that department
    r = no.post("/api/documents?wait=1", files={"file": ("copy.txt", copy, "text/plain")})
    assert r.status_code == 403 and world.st.count_documents() == 1  # refused and not kept


# ---------------------------------------------------------------------- what a department user lists


def test_department_users_list_only_their_own(world) -> None:  # type: ignore[no-untyped-def]
    from juesuan.store import jobs as J

    mine = world.ingest({"2001": "1.07"})
    theirs = world.ingest({"2001": "1.07"}, department=OTHER)
    world.n += 1
    old = world.st.ingest_document(make_doc({"2001": "1.00"}, department=OTHER, year=2019), f"{world.n:064x}",
                                   file_name="old.txt").document_id  # fmt: skip
    world.users()
    dept_user, reviewer = world.st.user("部门甲"), world.st.user("审核员")
    own_job = J.finished_job(world.st, file_name="mine.txt", sha256="a" * 64, path="-", document_id=mine,
                             user_id=dept_user.id, user_name=dept_user.name).id  # fmt: skip
    other_job = J.finished_job(world.st, file_name="theirs.txt", sha256="b" * 64, path="-", document_id=theirs,
                               user_id=reviewer.id, user_name=reviewer.name).id  # fmt: skip
    own_dep, other_dep = world.st.document(mine).department_id, world.st.document(theirs).department_id
    dept, _ = world.login("部门甲")
    rev, _ = world.login("审核员")

    page = dept.get("/departments").text
    assert f"/departments/{own_dep}" in page and f"/departments/{other_dep}" not in page
    assert [d["id"] for d in dept.get("/api/departments").json()] == [own_dep]
    assert {d["id"] for d in rev.get("/api/departments").json()} == {own_dep, other_dep}

    page = dept.get("/downloads").text
    assert f"/documents/{mine}/report.xlsx" in page
    assert f"/documents/{theirs}/" not in page and f"/documents/{old}/" not in page
    assert "/exports/facts.csv" not in page  # every document's data: not offered
    page = rev.get("/downloads").text
    assert all(f"/documents/{i}/report.xlsx" in page for i in (mine, theirs, old)) and "/exports/facts.csv" in page

    assert [j["id"] for j in dept.get("/api/jobs").json()] == [own_job]
    assert {j["id"] for j in rev.get("/api/jobs").json()} == {own_job, other_job}
    assert dept.get(f"/api/jobs/{other_job}").status_code == 404
    assert dept.get(f"/api/jobs/{own_job}").status_code == 200
    page = dept.get("/jobs").text
    assert "mine.txt" in page and "theirs.txt" not in page
    assert "theirs.txt" in rev.get("/jobs").text

    def years(c: TestClient) -> set[str]:
        return set(re.findall(r'<option value="(\d{4})"', c.get("/").text))

    assert years(dept) == {"2024"}
    assert years(rev) == {"2024", "2019"}


# ---------------------------------------------------------------------- the hand-back carries the decisions


def test_the_issue_list_download_carries_the_decisions(world) -> None:  # type: ignore[no-untyped-def]
    from io import BytesIO

    from openpyxl import load_workbook

    from juesuan.report import render
    from juesuan.report.issue_list import ISSUE_HEADER

    doc = world.ingest({"2001": "1.07", "2002": "2.09", "2003": "3.07"})
    confirmed, dismissed, untouched = (fp_of(world.st, doc, r) for r in ("2001", "2002", "2003"))
    world.users()
    rev, rtoken = world.login("审核员")
    dept, dtoken = world.login("部门甲")
    for fp, body in ((confirmed, {"status": "confirmed", "comment": "请更正合计数"}), (dismissed, {"status": "dismissed"})):
        assert rev.post(f"/api/documents/{doc}/findings/{fp}/review", json=body,
                        headers={"X-CSRF-Token": rtoken}).status_code == 200  # fmt: skip
    assert dept.post(f"/api/documents/{doc}/findings/{confirmed}/reply", json={"reply": "已更正"},
                     headers={"X-CSRF-Token": dtoken}).status_code == 200  # fmt: skip

    def columns(data: bytes) -> dict[str, tuple[object, object]]:
        ws = load_workbook(BytesIO(data))["问题清单"]
        head = [c.value for c in ws[1]]
        assert tuple(head) == ISSUE_HEADER
        m, n, msg = head.index("处理意见") + 1, head.index("部门回复") + 1, head.index("说明") + 1
        return {str(ws.cell(row=r, column=msg).value): (ws.cell(row=r, column=m).value, ws.cell(row=r, column=n).value)
                for r in range(2, ws.max_row + 1)}  # fmt: skip

    for client in (rev, dept):  # the same workbook for the reviewer and the department
        r = client.get(f"/documents/{doc}/report.xlsx")
        assert r.status_code == 200
        got = columns(r.content)
        assert got == {"2001 列示 1.07": ("确认问题：请更正合计数", "已更正"), "2002 列示 2.09": ("非问题", None),
                       "2003 列示 3.07": ("待核", None)}, got  # fmt: skip
    # the command line's workbook (no store) leaves both for the reviewer and the department
    offline = columns(render(world.st.load_result(doc), "xlsx"))  # type: ignore[arg-type]
    assert set(offline.values()) == {(None, None)} and untouched


# ---------------------------------------------------------------------- version N shows what N-1 had


def test_the_document_page_lists_the_findings_gone_since_the_last_version(world) -> None:  # type: ignore[no-untyped-def]
    v1 = world.ingest({"2001": "1.07", "2002": "2.09", "2003": "3.07"})
    fixed_confirmed, kept, fixed_open = (fp_of(world.st, v1, r) for r in ("2001", "2002", "2003"))
    world.users()
    rev, rtoken = world.login("审核员")
    assert rev.post(f"/api/documents/{v1}/findings/{fixed_confirmed}/review", json={"status": "confirmed", "comment": "改"},
                    headers={"X-CSRF-Token": rtoken}).status_code == 200  # fmt: skip
    assert 'id="gone-findings"' not in rev.get(f"/documents/{v1}").text  # the first version: nothing gone
    v2 = world.ingest({"2001": "1.00", "2002": "2.09", "2003": "3.00"})  # 2001 and 2003 corrected
    page = rev.get(f"/documents/{v2}").text
    section = re.search(r'<section class="panel" id="gone-findings">(.*?)</section>', page, re.S)
    assert section is not None and "已整改：上一版本有、本版本已无的问题" in section.group(1)
    items = dict(re.findall(r'data-fingerprint="([0-9a-f]{16})" data-review="fixed" data-last-review="(\w+)"', section.group(1)))
    assert items == {fixed_confirmed: "confirmed", fixed_open: "open"}
    assert kept not in section.group(1) and "确认问题（审核员）" in section.group(1) and "2001 列示 1.07" in section.group(1)
    # the API says the same
    found = {f["fingerprint"]: f for f in rev.get(f"/api/documents/{v2}/findings").json()}
    assert (found[fixed_confirmed]["gone"], found[fixed_confirmed]["previous_status"]) == (True, "confirmed")


# ---------------------------------------------------------------------- navigation


def test_the_header_shows_who_is_signed_in_and_the_audit_link(world) -> None:  # type: ignore[no-untyped-def]
    doc = world.ingest({"2001": "1.07"})
    open_page = world.client().get(f"/documents/{doc}").text
    assert 'id="nav-user"' not in open_page and 'id="nav-audit"' in open_page  # open mode: one user, no login
    world.users()
    assert 'id="nav-login"' not in world.client().get("/login").text
    for name, role, audit in (("审核员", "审核人", True), ("管理员", "管理员", True), ("部门甲", "部门", False),
                              ("观察员", "只读", False)):  # fmt: skip
        c, token = world.login(name)
        page = c.get("/").text
        assert re.search(r'id="nav-user-name">' + name + "<", page), name
        assert re.search(r'id="nav-user-role"[^>]*>' + role, page), name
        assert ('id="nav-audit"' in page) is audit, name
        assert ('href="/compare"' in page) is (name != "部门甲"), name
        r = c.post("/logout", data={"csrf_token": token})  # the header's form
        assert r.status_code == 303 and c.get("/").status_code == 303  # signed out: to /login


# ---------------------------------------------------------------------- the annotated PDF route


def test_the_annotated_pdf_is_only_for_a_kept_pdf_upload_of_a_visible_document(world) -> None:  # type: ignore[no-untyped-def]
    mine = world.ingest({"2001": "1.07"})
    theirs = world.ingest({"2001": "1.07"}, department=OTHER)
    assert 'id="download-pdf"' not in world.client().get(f"/documents/{mine}").text  # a text document
    world.users()
    dept, _ = world.login("部门甲")
    assert dept.get(f"/documents/{mine}/annotated.pdf").status_code == 404  # not read from a PDF
    assert dept.get(f"/documents/{theirs}/annotated.pdf").status_code == 404  # another department's
    assert world.client().get(f"/documents/{mine}/annotated.pdf").status_code == 303  # nobody: a login first
