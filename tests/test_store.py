"""The store: ingest and query, the same suite on SQLite and on PostgreSQL.

PostgreSQL comes from Debian's ``postgresql`` package: a throwaway cluster is started in a temp
dir on a loopback port (as the ``postgres`` user when running as root); without the binaries the
PostgreSQL half skips with the reason.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from juesuan.model import (
    CellRef,
    CheckResult,
    Claim,
    Document,
    Fact,
    Finding,
    Provenance,
    TableInfo,
)
from juesuan.store import Store, file_sha256, open_store, region_of
from juesuan.store import schema as S
from juesuan.store.figures import rollup

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
CORPUS_TEXTS = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
HOSTILE = "<script>alert('x')</script>&\"局"


# --------------------------------------------------------------------------- a rule engine stand-in


def fake_check(doc: Document, tag: str = "v") -> CheckResult:
    """Deterministic findings that point at real cells: an error, a warning, a note without cells."""
    findings: list[Finding] = []
    exp = [f for f in doc.facts if f.table == "expenditure"]
    exp.sort(key=lambda f: f.row != "total")  # the 合计 row when printed, else the first row
    if exp:
        f = exp[0]
        findings.append(
            Finding(
                rule="TEST-AR-001",
                severity="error",
                title=f"测试错误 {tag}",
                message=f"{f.label or f.row} 不平衡（{tag}）",
                tables=["expenditure"],
                cells=[CellRef.of(f)],
                expected="1.00",
                printed=f.raw,
                difference="0.01",
                family="AR",
            )
        )
    tp = [f for f in doc.facts if f.table == "three_public"]
    if tp:
        findings.append(
            Finding(
                rule="TEST-XT-002",
                severity="warning",
                title="测试警告",
                message="三公经费提示",
                tables=["three_public"],
                cells=[CellRef.of(tp[0]), CellRef("three_public", "overseas", "final", "", None, None, "")],
                family="XT",
            )
        )
    note = Finding(rule="TEST-CP-003", severity="info", title="测试提示", message="说明", tables=[], family="CP")
    if "sentence" in Finding.__dataclass_fields__:  # a narrative finding: names its sentence
        note.cells = [CellRef("narrative", "收入总计", "amount", "100.00", 2, 5, "收入总计")]
        note.sentence = {"text": "本年收入总计100.00万元<b>。</b>", "line": 5, "page": 2}  # type: ignore[attr-defined]
    findings.append(note)
    return CheckResult(doc, findings)


def fake_check_v2(doc: Document) -> CheckResult:
    return fake_check(doc, "v2")


def hand_document(
    department: str = "测试省测试市财政局",
    year: int = 2024,
    *,
    values: dict[tuple[str, str, str], str] | None = None,
) -> Document:
    """A small document built by hand (no parser involved)."""
    values = values or {
        ("income_expense_summary", "income.total", "amount"): "100.00",
        ("income_expense_summary", "expense.total", "amount"): "90.50",
        ("income_expense_summary", "expense.208", "amount"): "60.50",
        ("income_expense_summary", "expense.201", "amount"): "30.00",
        ("expenditure", "total", "total"): "90.50",
        ("expenditure", "total", "basic"): "40.25",
        ("expenditure", "total", "project"): "50.25",
        ("expenditure", "201", "total"): "30.00",
        ("expenditure", "2010101", "total"): "30.00",
        ("expenditure", "20801", "total"): "20.50",
        ("expenditure", "2080101", "total"): "20.50",
        ("expenditure", "2080501", "total"): "25.00",
        ("expenditure", "2080502", "total"): "15.00",
        ("three_public", "reception", "final"): "1.25",
        ("three_public", "vehicle_operation", "final"): "2.00",
        ("disclosure_stats", "running_cost.admin", "value"): "7.123456",
    }
    facts = [
        Fact(t, r, c, Decimal(v), v, Provenance(line=i + 10, page=1 + i // 5), label=f"行{r}")
        for i, ((t, r, c), v) in enumerate(values.items())
    ]
    tables = [
        TableInfo(t, f"{t} 标题", f"公开0{i}表", "万元", Provenance(line=i, page=1), row_labels={"total": "合计"})
        for i, t in enumerate(dict.fromkeys(f.table for f in facts), start=1)
    ]
    claim = Claim(
        subject="机关运行经费",
        kind="amount",
        value=Decimal("7.12"),
        raw="7.12",
        unit="万元",
        text="机关运行经费支出7.12万元。",
        prov=Provenance(line=3),
        fact=("disclosure_stats", "running_cost.admin", "value"),
    )
    return Document(
        source="hand.txt",
        format="text",
        department=department,
        year=year,
        unit="万元",
        tables=tables,
        facts=facts,
        pages=3,
        toc=["收入支出决算总表"],
        claims=[claim],
        warnings=["测试警告"],
    )


# --------------------------------------------------------------------------- PostgreSQL


def _pg_bindir() -> Path | None:
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        which = shutil.which("initdb")
        return Path(which).parent if which else None
    found.sort(key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server():  # type: ignore[no-untyped-def]
    """A throwaway PostgreSQL cluster on 127.0.0.1; yields its base URL."""
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin): apt-get install postgresql")
    pytest.importorskip("psycopg", reason="psycopg (v3) is not installed: pip install 'psycopg[binary]'")
    prefix: list[str] = []
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' system user to run initdb as")
        prefix = ["runuser", "-u", "postgres", "--"]
    tmp = Path(tempfile.mkdtemp(prefix="juesuan-pg-"))
    if owner is not None:
        os.chown(tmp, owner.pw_uid, owner.pw_gid)
    data = tmp / "data"
    port = _free_port()
    opts = (
        f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=40"
    )
    try:
        subprocess.run(
            [*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
             "-E", "UTF8", "--locale=C", "--no-sync"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(tmp / "log"),
             "-w", "-t", "60", "start"],
            check=True, capture_output=True, timeout=90,
        )  # fmt: skip
    except subprocess.CalledProcessError as exc:
        log = (tmp / "log").read_text(errors="replace") if (tmp / "log").exists() else ""
        shutil.rmtree(tmp, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL: {exc.stderr.decode(errors='replace')}\n{log}")
    base = f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    try:
        # one migrated database, emptied before each test (CREATE DATABASE costs ~0.5 s each)
        _pg_admin(base, f"CREATE DATABASE {PG_DB}")
        open_store(f"{base}/{PG_DB}").close()
        yield base
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True, timeout=60,
        )  # fmt: skip
        shutil.rmtree(tmp, ignore_errors=True)


PG_DB = "juesuan_test"


def _pg_admin(base: str, sql: str, db: str = "postgres") -> None:
    import psycopg

    dsn = base.replace("postgresql+psycopg://", "postgresql://") + "/" + db
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    base = request.getfixturevalue("pg_server")
    names = ", ".join(t.name for t in S.ALL_TABLES)
    _pg_admin(base, f"TRUNCATE {names} RESTART IDENTITY CASCADE", PG_DB)
    yield f"{base}/{PG_DB}"


@pytest.fixture
def store(db_url: str):  # type: ignore[no-untyped-def]
    st = open_store(db_url, checker=fake_check, rules_version="test-1")
    yield st
    st.close()


def need_corpus() -> None:
    if not CORPUS_TEXTS:
        pytest.skip(f"corpus not found at {CORPUS} (../shared beside the checkout)")


def _count(st: Store, table) -> int:  # type: ignore[no-untyped-def]
    with st.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _keyset(facts) -> set:  # type: ignore[no-untyped-def]
    return {(f.table, f.row, f.column, f.value, f.raw, f.label, f.project) for f in facts}


# --------------------------------------------------------------------------- ingest


def test_ingest_corpus_and_query(store: Store, corpus_docs) -> None:  # type: ignore[no-untyped-def]
    need_corpus()
    outcomes = {}
    for path in CORPUS_TEXTS:
        doc = corpus_docs[path.stem]
        o = store.ingest_document(doc, file_sha256(path), file_name=path.name)
        assert o.status == "ingested" and o.created
        assert o.facts == len(doc.facts) and o.rules_version == "test-1"
        outcomes[path.stem] = (o, doc)

    docs = store.documents()
    assert len(docs) == len(CORPUS_TEXTS) == store.count_documents()
    for stem, (o, doc) in outcomes.items():
        d = store.document(o.document_id)
        assert d is not None
        assert (d.department, d.year, d.unit, d.format) == (doc.department, doc.year, doc.unit, doc.format)
        assert d.sha256 == file_sha256(CORPUS / f"{stem}.txt") and d.file_name == f"{stem}.txt"
        assert d.parser_version and d.ingested_at.tzinfo is not None
        assert d.fact_count == len(doc.facts) and d.rules_version == "test-1"
        # every fact back exactly: Decimal values, raw text, labels
        assert _keyset(store.facts(o.document_id)) == _keyset(doc.facts)
        # tables found
        rebuilt = store.load_document(o.document_id)
        assert [t.id for t in rebuilt.tables] == [t.id for t in doc.tables]
        assert [t.title for t in rebuilt.tables] == [t.title for t in doc.tables]
        assert [(f.prov.line, f.prov.page) for f in rebuilt.facts] == [(f.prov.line, f.prov.page) for f in doc.facts]

    liaoning = outcomes["liaoning-fushun-hrss-2024"][0]
    deps = {d.name: d for d in store.departments()}
    dep = deps["辽宁省抚顺市人力资源和社会保障局"]
    assert (dep.region, dep.level, dep.years, dep.documents) == ("辽宁省抚顺市", "市级", [2024], 1)
    assert store.documents(department="辽宁省抚顺市人力资源和社会保障局")[0].id == liaoning.document_id
    assert store.documents(department=dep.id)[0].id == liaoning.document_id
    assert store.documents(year=1999) == []
    assert store.years() == [2024]

    # findings stored with cells as JSON and read back as CellRefs
    found = store.findings(liaoning.document_id)
    assert [f.severity for f in found] == ["error", "warning", "info"]
    assert found[0].cells[0].table == "expenditure" and found[0].cells[0].value
    assert found[1].cells[1] == CellRef("three_public", "overseas", "final", "", None, None, "")
    assert store.findings(liaoning.document_id, severity="error")[0].rule == "TEST-AR-001"
    # every Finding field comes back, also those without a column (e.g. the narrative sentence)
    expected = fake_check(outcomes["liaoning-fushun-hrss-2024"][1]).findings
    assert [f.to_finding() for f in found] == expected
    assert [f.rule for f in store.findings(liaoning.document_id, table="three_public")] == ["TEST-XT-002"]
    assert len(store.findings()) == 3 * len(CORPUS_TEXTS)


def test_ingest_path_is_idempotent_by_hash(store: Store, tmp_path: Path) -> None:
    need_corpus()
    src = CORPUS_TEXTS[0]
    first = store.ingest_path(src)
    assert first.created and first.findings == 3
    before = {t.name: _count(store, t) for t in S.ALL_TABLES}
    again = store.ingest_path(src)
    copy = tmp_path / "renamed copy.txt"
    copy.write_bytes(src.read_bytes())
    third = store.ingest_path(copy)
    for o in (again, third):
        assert o.status == "exists" and not o.created
        assert o.document_id == first.document_id and o.findings == 3 and o.rules_version == "test-1"
    assert {t.name: _count(store, t) for t in S.ALL_TABLES} == before


def test_ingest_path_reports_unusable_input(store: Store, tmp_path: Path) -> None:
    from juesuan.ingest.errors import InputError

    bad = tmp_path / "empty.txt"
    bad.write_text("这里没有任何表格。\n", encoding="utf-8")
    with pytest.raises(InputError):
        store.ingest_path(bad)
    with pytest.raises(InputError):
        store.ingest_path(tmp_path / "missing.txt")
    assert _count(store, S.documents) == 0


def test_failure_mid_ingest_leaves_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = hand_document()
    calls = []

    def boom(self, conn, doc_id, claims):  # type: ignore[no-untyped-def]
        calls.append(doc_id)
        # facts and tables of this document are already written in this transaction
        assert conn.execute(select(func.count()).select_from(S.facts)).scalar_one() == len(doc.facts)
        raise RuntimeError("disk full (injected)")

    monkeypatch.setattr(Store, "_insert_claims", boom)
    with pytest.raises(RuntimeError, match="injected"):
        store.ingest_document(doc, "a" * 64)
    assert calls
    for table in S.ALL_TABLES:  # nothing half-written, not even the department
        assert _count(store, table) == 0, table.name

    # a failure while writing the findings rolls back the document too
    monkeypatch.undo()

    def boom_check(self, conn, doc_id, version, found):  # type: ignore[no-untyped-def]
        raise RuntimeError("injected while writing findings")

    monkeypatch.setattr(Store, "_insert_check", boom_check)
    with pytest.raises(RuntimeError):
        store.ingest_document(doc, "a" * 64)
    for table in S.ALL_TABLES:
        assert _count(store, table) == 0, table.name

    monkeypatch.undo()
    ok = store.ingest_document(doc, "a" * 64)
    assert ok.created and _count(store, S.facts) == len(doc.facts) and _count(store, S.findings) == 3


def test_rules_upgrade_adds_findings_and_keeps_old(db_url: str) -> None:
    doc = hand_document()
    v1 = open_store(db_url, checker=fake_check, rules_version="rules-1")
    o = v1.ingest_document(doc, "b" * 64)
    assert [f.title for f in v1.findings(o.document_id)][0] == "测试错误 v"
    assert v1.recheck() == []  # already checked under rules-1
    v1.close()

    v2 = open_store(db_url, checker=fake_check_v2, rules_version="rules-2")
    assert v2.ingest_document(doc, "b" * 64).status == "exists"  # re-ingest never rechecks silently
    done = v2.recheck()
    assert done == [(o.document_id, "rules-2", 3)]
    assert v2.recheck() == []
    latest = v2.findings(o.document_id)
    assert {f.rules_version for f in latest} == {"rules-2"} and latest[0].title == "测试错误 v2"
    old = v2.findings(o.document_id, rules_version="rules-1")
    assert len(old) == 3 and old[0].title == "测试错误 v"
    assert len(v2.findings(o.document_id, all_versions=True)) == 6
    assert [c["rules_version"] for c in v2.checks(o.document_id)] == ["rules-1", "rules-2"]
    d = v2.document(o.document_id)
    assert d is not None and d.rules_version == "rules-2" and (d.errors, d.warnings, d.infos) == (1, 1, 1)
    assert v2.load_result(o.document_id, rules_version="rules-1").findings[0].title == "测试错误 v"
    # forcing a recheck of the same version replaces, never duplicates
    assert v2.recheck(force=True) == [(o.document_id, "rules-2", 3)]
    assert len(v2.findings(o.document_id, all_versions=True)) == 6
    v2.close()


def test_checker_failure_keeps_facts_and_says_so(db_url: str) -> None:
    def broken(doc: Document) -> CheckResult:
        raise ZeroDivisionError("rule bug")

    st = open_store(db_url, checker=broken, rules_version="r")
    o = st.ingest_document(hand_document(), "c" * 64)
    assert o.created and o.findings is None and o.rules_version is None
    assert any("ZeroDivisionError" in w for w in o.warnings)
    d = st.document(o.document_id)
    assert d is not None and not d.checked and st.findings(o.document_id) == []
    st._checker = fake_check  # the engine is fixed: recheck() fills the gap
    assert st.recheck() == [(o.document_id, "r", 3)]
    st.close()


def test_real_rule_engine_findings_are_stored(db_url: str) -> None:
    need_corpus()
    from juesuan.store.rules_link import current_rules_version, default_checker

    checker = default_checker()
    if checker is None:
        pytest.skip("juesuan.rules has no check() yet")
    st = open_store(db_url)
    path = CORPUS_TEXTS[0]
    o = st.ingest_path(path)
    assert o.rules_version == current_rules_version()
    expected = checker(st.load_document(o.document_id)) if o.findings is None else None
    assert o.findings is not None, expected
    stored = st.findings(o.document_id)
    assert len(stored) == o.findings
    for f in stored:
        assert f.severity in ("error", "warning", "info") and f.rule
    st.close()


# --------------------------------------------------------------------------- queries


def test_exact_decimals_and_hostile_text(store: Store) -> None:
    values = {
        ("expenditure", "total", "total"): "123456789012345.123456789",
        ("expenditure", "208", "total"): "-0.000001",
        ("expenditure", "20801", "total"): "0",
        ("three_public", "reception", "final"): "1E+2",
    }
    doc = hand_document(HOSTILE, values=values)
    o = store.ingest_document(doc, "d" * 64, file_name="../../etc/passwd " + HOSTILE)
    got = {(f.table, f.row, f.column): f.value for f in store.facts(o.document_id)}
    for key, text in values.items():
        assert got[key] == Decimal(text)
        assert not isinstance(got[key], float)
    assert got[("expenditure", "total", "total")].as_tuple() == Decimal("123456789012345.123456789").as_tuple()
    d = store.document(o.document_id)
    assert d is not None and d.department == HOSTILE and d.file_name == "../../etc/passwd " + HOSTILE
    assert store.department(HOSTILE) is not None
    assert store.compare([HOSTILE]).rows[0].department == HOSTILE


def test_fact_filters_levels_and_rollup(store: Store) -> None:
    o = store.ingest_document(hand_document(), "e" * 64)
    i = o.document_id
    assert {f.row for f in store.facts(i, table="expenditure", level="类")} == {"201"}
    assert {f.row for f in store.facts(i, table="expenditure", level="款")} == {"20801"}
    assert {f.row for f in store.facts(i, table="expenditure", level="item")} == {"2010101", "2080101", "2080501", "2080502"}
    assert {f.row for f in store.facts(i, table="income_expense_summary", level="类")} == {"expense.208", "expense.201"}
    assert {f.row for f in store.facts(i, row_prefix="208")} == {"20801", "2080101", "2080501", "2080502"}
    assert {f.row for f in store.facts(i, row_prefix="runnin_")} == set()  # "_" is literal, not a wildcard
    assert {f.row for f in store.facts(i, row_prefix="%cost")} == set()
    assert {f.row for f in store.facts(i, row_prefix="running_cost")} == {"running_cost.admin"}
    assert {f.column for f in store.facts(i, table="expenditure", column="basic")} == {"basic"}
    assert store.facts([i], table="nope") == []
    with pytest.raises(ValueError):
        store.facts(i, level="段")
    # 类: 201 printed; 208 from 20801 (printed) + 20805 (summed from its 项 rows)
    assert store.aggregate(i, level="类") == {"201": Decimal("30.00"), "208": Decimal("60.50")}
    assert store.aggregate(i, level="款") == {
        "20101": Decimal("30.00"),
        "20801": Decimal("20.50"),
        "20805": Decimal("40.00"),
    }
    assert store.aggregate(i, table="expenditure", column="basic") == {}


def test_rollup_never_counts_twice() -> None:
    v = {k: Decimal(x) for k, x in {
        "208": "10", "20801": "6", "2080101": "6", "20802": "4",
        "210": "0", "21001": "1",  # printed 类 wins over its children
        "2210201": "2", "2210202": "3",  # 项 only
    }.items()}  # fmt: skip
    assert rollup(v, "类") == {"208": Decimal(10), "210": Decimal(0), "221": Decimal(5)}
    assert rollup(v, "款")["22102"] == Decimal(5)
    assert rollup(v, "项") == {"2080101": Decimal(6), "2210201": Decimal(2), "2210202": Decimal(3)}


def test_compare_and_department_years(store: Store, corpus_docs) -> None:  # type: ignore[no-untyped-def]
    a = store.ingest_document(hand_document("甲省甲市财政局", 2023), "1" * 64)
    values = {(f.table, f.row, f.column): f.raw for f in hand_document().facts}
    values[("expenditure", "total", "basic")] = "45.00"
    values.pop(("disclosure_stats", "running_cost.admin", "value"))
    b = store.ingest_document(hand_document("甲省甲市财政局", 2024, values=values), "2" * 64)
    c = store.ingest_document(hand_document("乙县财政局", 2024), "3" * 64)

    cmp = store.compare(["甲省甲市财政局", "乙县财政局", "不存在的局"], 2024)
    assert [r.document_id for r in cmp.rows] == [b.document_id, c.document_id]
    assert cmp.missing == ["不存在的局"]
    first = cmp.rows[0]
    assert (first.income_total, first.expense_total) == (Decimal("100.00"), Decimal("90.50"))
    assert (first.basic, first.project) == (Decimal("45.00"), Decimal("50.25"))
    assert first.three_public["reception"] == Decimal("1.25")
    assert first.three_public["vehicle"] == Decimal("2.00")  # from its operation line
    assert first.three_public["total"] == Decimal("3.25")  # summed: the table printed no total
    assert first.running_cost == Decimal("7.12") and first.running_cost_source == "narrative"
    assert cmp.rows[1].running_cost == Decimal("7.123456") and cmp.rows[1].running_cost_source == "disclosure_stats"
    assert [(x.code, x.amount) for x in first.by_function] == [("201", Decimal("30.00")), ("208", Decimal("60.50"))]
    assert first.by_function[1].name  # a name from the document or the classification
    assert (first.region, first.level) == ("甲省甲市", "市级")
    js = cmp.to_dict()
    assert js["departments"][0]["basic"] == "45.00" and js["missing"] == ["不存在的局"]

    # by id, and without a year: each department's latest year
    dep_id = store.department("甲省甲市财政局").id  # type: ignore[union-attr]
    latest = store.compare([str(dep_id)])
    assert [r.document_id for r in latest.rows] == [b.document_id]
    assert store.compare(["甲省甲市财政局"], 2023).rows[0].document_id == a.document_id
    assert store.compare([], 2024).rows == []

    years = store.department_years("甲省甲市财政局")
    assert [f.year for f in years] == [2023, 2024]
    assert years[0].basic == Decimal("40.25") and years[1].basic == Decimal("45.00")

    # the corpus: the three departments side by side
    need_corpus()
    for path in CORPUS_TEXTS:
        store.ingest_document(corpus_docs[path.stem], file_sha256(path))
    names = [d.department for d in corpus_docs.values()]
    real = store.compare(names, 2024)
    assert len(real.rows) == len(names) and not real.missing
    for r in real.rows:
        assert r.expense_total is not None and r.expense_total > 0
        assert r.basic is not None and r.project is not None
        assert r.by_function and all(isinstance(x.amount, Decimal) for x in r.by_function)
        assert r.three_public["total"] is not None


def test_load_document_round_trip(store: Store) -> None:
    doc = hand_document()
    o = store.ingest_document(doc, "f" * 64)
    back = store.load_document(o.document_id)
    assert (back.department, back.year, back.unit, back.pages, back.format) == ("测试省测试市财政局", 2024, "万元", 3, "text")
    assert back.toc == doc.toc and back.warnings == doc.warnings
    assert [replace(f) for f in back.facts] == doc.facts
    assert back.claims == doc.claims
    assert back.tables[0].row_labels == {"total": "合计"}
    with pytest.raises(KeyError):
        store.load_document(10**6)
    assert store.document(10**6) is None


def test_migrations_match_the_schema(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from juesuan.store.migrate import current_revision, head_revision

    st = open_store(db_url)
    assert current_revision(st.engine) == head_revision() is not None
    with st.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(ctx, S.metadata)
    assert diff == [], diff
    st.close()
    again = open_store(db_url)  # opening a migrated database is a no-op
    assert current_revision(again.engine) == head_revision()
    # the migrations go down and up again
    from juesuan.store.migrate import downgrade, upgrade

    downgrade(again.engine, "base")
    assert current_revision(again.engine) is None
    upgrade(again.engine)
    assert current_revision(again.engine) == head_revision()
    again.close()


def test_region_of() -> None:
    cases = {
        "辽宁省抚顺市人力资源和社会保障局": ("辽宁省抚顺市", "市级"),
        "晋城市人力资源和社会保障局": ("晋城市", "市级"),
        "安阳市北关区人力资源和社会保障局": ("安阳市北关区", "县级"),
        "上海市普陀区财政局": ("上海市普陀区", "县级"),
        "上海市财政局": ("上海市", "省级"),
        "河北省财政厅": ("河北省", "省级"),
        "广西壮族自治区南宁市青秀区教育局": ("广西壮族自治区南宁市青秀区", "县级"),
        "晋城市城市管理局": ("晋城市", "市级"),
        "中共上海市普陀区委社会工作部": ("上海市普陀区", "县级"),
        "人力资源和社会保障局": (None, None),
        "": (None, None),
    }
    for name, (region, level) in cases.items():
        r = region_of(name)
        assert (r.region, r.level) == (region, level), name


def test_open_store_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from juesuan.store import normalize_url

    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("data/x.db") == "sqlite:///data/x.db"
    monkeypatch.setenv("JUESUAN_DB", f"sqlite:///{tmp_path / 'env.db'}")
    st = open_store()
    assert st.url.endswith("env.db") and (tmp_path / "env.db").exists()
    st.close()
    nested = open_store(tmp_path / "a" / "b" / "plain.db")  # a plain path; parent dirs created
    assert nested.dialect == "sqlite" and (tmp_path / "a" / "b" / "plain.db").exists()
    nested.close()


def test_rebuilt_document_checks_like_the_parsed_one(store: Store, corpus_docs) -> None:  # type: ignore[no-untyped-def]
    """recheck() works from the database: the rebuilt document must give the same findings."""
    need_corpus()
    from juesuan.store.rules_link import default_checker

    checker = default_checker()
    if checker is None:
        pytest.skip("juesuan.rules has no check() yet")
    for path in CORPUS_TEXTS:
        doc = corpus_docs[path.stem]
        o = store.ingest_document(doc, file_sha256(path), check=False)
        back = store.load_document(o.document_id)
        assert back.facts == doc.facts and back.claims == doc.claims and back.toc == doc.toc
        assert back.text == doc.text
        assert getattr(back, "perf", []) == getattr(doc, "perf", [])
        first, again = checker(doc), checker(back)
        assert [(f.rule, f.severity, f.message, f.cells) for f in again.findings] == [
            (f.rule, f.severity, f.message, f.cells) for f in first.findings
        ], path.name


# --------------------------------------------------------------------------- concurrent first use

_RACE = (
    "import sys, time\n"
    "from juesuan.cli import main\n"
    "start = float(sys.argv[1])\n"
    "time.sleep(max(0.0, start - time.time()))\n"
    "sys.argv = ['juesuan', 'ingest', '--db', sys.argv[2], *sys.argv[3:]]\n"
    "main()\n"
)


def _race_ingest(url: str, files: list[Path], *, patch_lock: bool = False) -> list[subprocess.CompletedProcess[str]]:
    """Start one ``juesuan ingest`` per file on the same new database, all at the same moment."""
    import sys
    import time

    start = time.time() + 4.0  # every child has imported juesuan by then
    env = {**os.environ}
    env.pop("JUESUAN_DEBUG", None)
    procs = [
        subprocess.Popen([sys.executable, "-c", _RACE, str(start), url, str(f)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
        for f in files
    ]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=180)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


def _race_files(tmp_path: Path) -> list[Path]:
    need_corpus()
    files = []
    for i in range(4):  # four different files (different sha256) of one corpus document
        f = tmp_path / f"doc{i}.txt"
        f.write_bytes(CORPUS_TEXTS[0].read_bytes() + f"\n附注 {i}\n".encode())
        files.append(f)
    return files


def _assert_race_ok(url: str, results: list[subprocess.CompletedProcess[str]]) -> None:
    for r in results:
        assert "Traceback" not in r.stderr and "already exists" not in r.stderr, r.stderr[-2000:]
        assert r.returncode in (0, 1), r.stderr[-2000:]
    st = open_store(url, migrate=False)
    try:
        assert len(st.documents()) == 4
        from juesuan.store.migrate import current_revision, head_revision

        assert current_revision(st.engine) == head_revision()
    finally:
        st.close()


def test_four_ingests_on_a_new_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'race.db'}"
    _assert_race_ok(url, _race_ingest(url, _race_files(tmp_path)))


def test_four_ingests_on_a_new_postgresql_database(pg_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    files = _race_files(tmp_path)
    _pg_admin(pg_server, "DROP DATABASE IF EXISTS juesuan_race")
    _pg_admin(pg_server, "CREATE DATABASE juesuan_race")
    url = f"{pg_server}/juesuan_race"
    try:
        _assert_race_ok(url, _race_ingest(url, files))
    finally:
        from sqlalchemy import create_engine

        create_engine(url).dispose()
        _pg_admin(pg_server, "DROP DATABASE IF EXISTS juesuan_race WITH (FORCE)")


def test_failed_check_is_recorded_with_its_reason(db_url: str) -> None:
    def broken(doc: Document) -> CheckResult:
        raise ValueError("a rule could not read 第3行")

    st = open_store(db_url, checker=broken, rules_version="r")
    o = st.ingest_document(hand_document(), "d" * 64)
    stored = st.load_document(o.document_id).warnings
    assert any(w.startswith("规则检查失败") and "第3行" in w for w in stored), stored
    st._checker = fake_check
    st.recheck()
    assert not any(w.startswith("规则检查失败") for w in st.load_document(o.document_id).warnings)
    st.close()


def test_ingest_path_refuses_a_fifo_at_once(store: Store, tmp_path: Path) -> None:
    from juesuan.ingest.errors import InputError

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # hashing it would block forever
    with pytest.raises(InputError, match="FIFO"):
        store.ingest_path(fifo)
    assert store.documents() == []
