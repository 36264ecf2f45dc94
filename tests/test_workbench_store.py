"""The workbench's store: versions, review decisions carried by fingerprint, users, tokens,
sessions, status and the audit log — on SQLite and PostgreSQL (the ``db_url`` fixture)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st_
from test_store import db_url, pg_server  # noqa: F401  (fixtures)

from juesuan.model import CellRef, CheckResult, Document, Fact, Finding, Provenance
from juesuan.store import open_store
from juesuan.store import schema as S
from juesuan.store.versions import finding_fingerprint

DEPT = "测试省测试市财政局"
ROWS = [f"20{i:02d}" for i in range(1, 13)]


def odd_check(doc: Document) -> CheckResult:
    """An error for every expenditure cell whose printed value ends in 7, a warning for 9."""
    out = []
    for f in doc.facts:
        last = f.raw[-1]
        if last in "79":
            out.append(
                Finding(
                    rule="TEST-WB-001" if last == "7" else "TEST-WB-002",
                    severity="error" if last == "7" else "warning",
                    title="测试", message=f"{f.row} 列示 {f.raw}", tables=[f.table],
                    cells=[CellRef.of(f)], expected="0.00", printed=f.raw,
                )  # fmt: skip
            )
    return CheckResult(doc, out)


def make_doc(values: dict[str, str], *, department: str = DEPT, year: int = 2024, kind: str = "final") -> Document:
    facts = [
        Fact("expenditure", row, "total", Decimal(v), v, Provenance(line=i + 1), label=row)
        for i, (row, v) in enumerate(sorted(values.items()))
    ]
    doc = Document(source="t.txt", format="text", department=department, year=year, unit="万元", tables=[], facts=facts)
    doc.kind = kind  # type: ignore[assignment]
    return doc


_seq = iter(range(10**9))


def ingest(st, doc: Document) -> int:  # type: ignore[no-untyped-def]
    sha = f"{next(_seq):064x}"
    return st.ingest_document(doc, sha, file_name=f"{sha[-6:]}.txt", result=odd_check(doc)).document_id


@pytest.fixture
def store(db_url: str):  # type: ignore[no-untyped-def]  # noqa: F811
    st = open_store(db_url, checker=odd_check, rules_version="wb-1")
    yield st
    st.close()


def fingerprints(st, doc_id: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """fingerprint -> the row the finding is about."""
    return {finding_fingerprint(f): f.cells[0].row for f in st.findings(doc_id)}


# ---------------------------------------------------------------------- versions


def test_every_upload_is_a_version_and_kinds_are_apart(store) -> None:  # type: ignore[no-untyped-def]
    a = ingest(store, make_doc({"2001": "1.07", "2002": "2.00"}))
    b = ingest(store, make_doc({"2001": "1.00", "2002": "2.00"}))
    budget = ingest(store, make_doc({"2001": "5.00"}, kind="budget"))
    other_year = ingest(store, make_doc({"2001": "5.00"}, year=2023))
    assert [v.document_id for v in store.versions(b)] == [a, b]
    assert [(v.version, v.latest) for v in store.versions(a)] == [(1, False), (2, True)]
    assert [v.document_id for v in store.versions(budget)] == [budget]
    assert store.previous_version(b) == a and store.previous_version(a) is None
    assert store.latest_version(a) == b
    # the department page's figures keep the budget and the final of one year apart
    dept = store.department(DEPT)
    figs = store.department_years(dept.id)
    assert {f.document_id for f in figs} == {b, budget, other_year}


def test_status_is_validated_and_audited(store) -> None:  # type: ignore[no-untyped-def]
    doc = ingest(store, make_doc({"2001": "1.00"}))
    assert store.document_status(doc) == "new"
    u = store.add_user("审核员", "reviewer", password="pw-123456")
    store.set_status(doc, "returned", user=u, comment="请整改")
    assert store.document_status(doc) == "returned"
    with pytest.raises(ValueError):
        store.set_status(doc, "done")
    with pytest.raises(KeyError):
        store.set_status(doc + 99, "approved")
    (entry,) = store.audit(document_id=doc)
    assert (entry.user_name, entry.action, entry.details["from"], entry.details["to"]) == ("审核员", "status", "new", "returned")


# ---------------------------------------------------------------------- decisions carried by fingerprint

AMOUNT = st_.builds(lambda n, d: f"{n}.{d:02d}", st_.integers(1, 999), st_.integers(0, 99))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    v1=st_.dictionaries(st_.sampled_from(ROWS), AMOUNT, min_size=3, max_size=10),
    changed=st_.sets(st_.sampled_from(ROWS), max_size=4),
    data=st_.data(),
)
def test_decisions_carry_to_the_next_version_and_gone_findings_are_fixed(store, v1, changed, data) -> None:  # type: ignore[no-untyped-def]
    department = f"测试省第{next(_seq)}市财政局"  # a fresh department-year-kind per example
    first = ingest(store, make_doc(v1, department=department))
    fp1 = fingerprints(store, first)
    decided = {}
    for fp in fp1:
        decided[fp] = data.draw(st_.sampled_from(["confirmed", "dismissed", "open"]))
        store.review(first, fp, decided[fp], f"意见 {fp[:4]}")
    v2 = dict(v1)
    for row in changed:  # a changed cell: its finding (if any) is a new problem or none at all
        v2[row] = data.draw(AMOUNT)
    second = ingest(store, make_doc(v2, department=department))
    fp2 = fingerprints(store, second)

    reviews = store.review_map(second)
    diff = store.version_diff(first, second)
    assert {finding_fingerprint(f) for f in diff.carried} == set(fp1) & set(fp2)
    assert {finding_fingerprint(f) for f in diff.new} == set(fp2) - set(fp1)
    assert {finding_fingerprint(f) for f in diff.fixed} == set(fp1) - set(fp2)
    for fp in fp2:
        r = reviews[fp]
        assert not r.gone
        if fp in fp1:  # carried: the first version's decision and comment
            assert (r.status, r.comment, r.carried_from) == (decided[fp], f"意见 {fp[:4]}", first)
        else:
            assert (r.status, r.carried_from) == ("open", None)
    for fp in set(fp1) - set(fp2):  # gone from the new version: shown as fixed
        assert reviews[fp].gone and reviews[fp].status == "fixed"
    # a decision on the new version is its own and does not touch the first's
    if fp2:
        fp = sorted(fp2)[0]
        store.review(second, fp, "fixed", None)
        assert store.review_map(second)[fp].carried_from is None
        if fp in fp1:
            assert store.review_map(first)[fp].status == decided[fp]


def test_a_third_version_inherits_through_the_second(store) -> None:  # type: ignore[no-untyped-def]
    values = {"2001": "1.07", "2002": "2.09", "2003": "3.00"}
    v1 = ingest(store, make_doc(values))
    fps = fingerprints(store, v1)
    wrong = next(fp for fp, row in fps.items() if row == "2001")
    store.review(v1, wrong, "dismissed", "口径不同")
    v2 = ingest(store, make_doc(values))
    v3 = ingest(store, make_doc(values))
    r = store.review_map(v3)[wrong]
    assert (r.status, r.comment, r.carried_from) == ("dismissed", "口径不同", v1)
    store.reply(v2, wrong, "已说明")  # a reply on v2 keeps the carried decision
    r2 = store.review_map(v2)[wrong]
    assert (r2.status, r2.comment, r2.reply, r2.carried_from) == ("dismissed", "口径不同", "已说明", None)
    assert store.review_map(v3)[wrong].carried_from == v2


def test_a_finding_said_fixed_that_is_still_there_is_open_again(store) -> None:  # type: ignore[no-untyped-def]
    values = {"2001": "1.07"}
    v1 = ingest(store, make_doc(values))
    (fp,) = fingerprints(store, v1)
    store.review(v1, fp, "fixed", "已改")
    v2 = ingest(store, make_doc(values))
    assert store.review_map(v2)[fp].status == "open"


def test_review_refuses_unknown_findings_and_statuses(store) -> None:  # type: ignore[no-untyped-def]
    doc = ingest(store, make_doc({"2001": "1.07"}))
    (fp,) = fingerprints(store, doc)
    with pytest.raises(ValueError):
        store.review(doc, fp, "maybe")
    with pytest.raises(KeyError):
        store.review(doc, "0" * 16, "confirmed")
    with pytest.raises(KeyError):
        store.reply(doc + 1000, fp, "x")
    store.review(doc, fp, "confirmed", "  " + "长" * 5000)
    assert len(store.review_map(doc)[fp].comment) == 4000


def test_deleting_a_document_keeps_its_audit_entries(store) -> None:  # type: ignore[no-untyped-def]
    doc = ingest(store, make_doc({"2001": "1.07"}))
    (fp,) = fingerprints(store, doc)
    store.review(doc, fp, "confirmed")
    store.delete_document(doc)
    assert store.document(doc) is None
    assert [e.action for e in store.audit()] == ["review"]
    assert store.audit()[0].document_id is None


# ---------------------------------------------------------------------- users, tokens, sessions


def test_users_passwords_tokens_and_sessions(store) -> None:  # type: ignore[no-untyped-def]
    assert not store.has_users()
    admin = store.add_user("管理员", "admin", password="correct horse")
    assert store.has_users()
    dept = store.add_user("部门甲", "department", password="部门密码12345", department=DEPT)
    assert dept.department == DEPT and dept.department_id == store.department(DEPT).id
    # the department joined by name before any upload: its first document lands in it
    doc = ingest(store, make_doc({"2001": "1.00"}))
    assert store.document(doc).department_id == dept.department_id
    assert dept.sees_department(dept.department_id) and not dept.sees_department(dept.department_id + 1)
    assert admin.sees_department(12345)

    with pytest.raises(ValueError):
        store.add_user("管理员", "viewer", password="another one")  # taken
    with pytest.raises(ValueError):
        store.add_user("x", "root", password="another one")
    with pytest.raises(ValueError):
        store.add_user("部门乙", "department", password="another one")  # no department
    with pytest.raises(ValueError):
        store.add_user("短", "viewer", password="short")

    assert store.authenticate("管理员", "correct horse").id == admin.id
    assert store.authenticate("管理员", "wrong horse") is None
    assert store.authenticate("nobody", "correct horse") is None
    with store.engine.connect() as conn:
        hashed = conn.execute(S.users.select().where(S.users.c.id == admin.id)).first().password_hash
    assert hashed.startswith("$argon2id$") and "correct horse" not in hashed

    token = store.create_token("部门甲")
    assert store.user_by_token(token).name == "部门甲"
    assert store.user_by_token(token + "x") is None and store.user_by_token("") is None
    with store.engine.connect() as conn:
        stored = [r.token_hash for r in conn.execute(S.api_tokens.select())]
    assert token not in stored and len(stored) == 1

    sid = store.create_session(admin.id)
    assert store.user_by_session(sid).name == "管理员"
    with store.engine.connect() as conn:
        assert sid not in [r.id_hash for r in conn.execute(S.sessions.select())]
    store.end_session(sid)
    assert store.user_by_session(sid) is None
    old = store.create_session(admin.id)
    with store.engine.begin() as conn:
        conn.execute(S.sessions.update().values(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    assert store.user_by_session(old) is None


def test_audit_is_limited_to_a_department(store) -> None:  # type: ignore[no-untyped-def]
    mine = ingest(store, make_doc({"2001": "1.07"}))
    theirs = ingest(store, make_doc({"2001": "1.07"}, department="测试省另一市财政局"))
    u = store.add_user("审核员", "reviewer", password="pw-123456")
    for doc in (mine, theirs):
        (fp,) = fingerprints(store, doc)
        store.review(doc, fp, "confirmed", user=u)
    dept_id = store.document(mine).department_id
    assert [e.document_id for e in store.audit(department_id=dept_id)] == [mine]
    assert [e.document_id for e in store.audit()] == [theirs, mine]  # newest first
    assert all(e.user_name == "审核员" for e in store.audit(user="审核员"))


def test_compare_takes_the_final_accounts_over_a_newer_budget(store) -> None:  # type: ignore[no-untyped-def]
    final = ingest(store, make_doc({"2001": "1.00"}))
    ingest(store, make_doc({"2001": "2.00"}, kind="budget"))  # newer, same year
    (row,) = store.compare([DEPT], 2024).rows
    assert row.document_id == final


def test_migration_0004_up_and_down_keeps_documents(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from juesuan.store.migrate import current_revision, downgrade, upgrade

    url = f"sqlite:///{tmp_path / 'm.db'}"
    st = open_store(url, checker=odd_check, rules_version="wb-1")
    doc = ingest(st, make_doc({"2001": "1.07"}))
    st.add_user("审核员", "reviewer", password="pw-123456")
    downgrade(st.engine, "0003")
    assert current_revision(st.engine) == "0003" and not st.has_users()  # no users table: open mode
    upgrade(st.engine)
    assert current_revision(st.engine) == "0004"
    assert st.document_status(doc) == "new" and st.versions(doc)[0].kind == "final"
    st.close()


def test_the_user_and_token_commands(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from typer.testing import CliRunner

    from juesuan.cli import app

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    run = CliRunner().invoke
    r = run(app, ["user", "add", "审核员", "--role", "reviewer", "--password-stdin", "--db", db], input="long-password\n")
    assert r.exit_code == 0 and "审核员" in r.output
    r = run(app, ["user", "add", "部门甲", "--role", "department", "--department", DEPT, "--password-stdin", "--db", db],
            input="long-password\n")  # fmt: skip
    assert r.exit_code == 0
    assert run(app, ["user", "add", "x", "--role", "department", "--db", db]).exit_code == 2  # no department
    assert run(app, ["user", "add", "审核员", "--role", "viewer", "--db", db]).exit_code == 2  # taken
    assert run(app, ["user", "add", "y", "--role", "boss", "--db", db]).exit_code != 0
    assert run(app, ["user", "add", "z", "--role", "viewer", "--password-stdin", "--db", db], input="\n").exit_code == 2
    listed = json.loads(run(app, ["user", "list", "--format", "json", "--db", db]).output)
    assert [(u["name"], u["role"], u["department"]) for u in listed] == [("审核员", "reviewer", None), ("部门甲", "department", DEPT)]
    r = run(app, ["token", "create", "部门甲", "--db", db])
    token = r.output.strip()
    assert r.exit_code == 0 and token.startswith("js_")
    assert run(app, ["token", "create", "nobody", "--db", db]).exit_code == 2
    st = open_store(db)
    assert st.user_by_token(token).name == "部门甲"
    assert st.authenticate("审核员", "long-password") is not None
    st.close()
