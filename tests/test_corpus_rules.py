"""Corpus rules (family CO): examples, generated prior-year and budget pairs, and the store path
(SQLite and PostgreSQL): ingest → findings stored with the check, ``check --db``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_store import db_url, pg_server  # noqa: F401 - the store fixtures (both backends)

from juesuan.model import Document, Fact, Provenance, TableInfo
from juesuan.rules import check, example_document
from juesuan.rules.corpus import CORPUS_RULES, MemoryPeers, check_corpus, example_documents
from juesuan.rules.engine import ex
from juesuan.store import open_store
from juesuan.store.corpus import StorePeers, corpus_findings, refresh_after_ingest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "henan-anyang-beiguan-hrss-2024.txt"
JUESUAN = str(Path(sys.executable).with_name("juesuan"))

EXAMPLES = [
    pytest.param(rule, kind, example, id=eid)
    for rule in CORPUS_RULES
    for kind, ids, examples in (("pass", *rule.example_ids()[:1], rule.passing), ("fail", rule.example_ids()[1], rule.failing))
    for eid, example in zip(ids, examples)
]


@pytest.mark.parametrize("rule", CORPUS_RULES, ids=lambda r: r.id)
def test_metadata_and_examples_exist(rule) -> None:  # type: ignore[no-untyped-def]
    assert re.fullmatch(r"JS-CO-0\d\d", rule.id) and rule.family == "CO"
    assert re.search(r"[\u4e00-\u9fff]", rule.title) and re.search(r"[\u4e00-\u9fff]", rule.doc)
    assert "财预〔2016〕143号" in rule.legal_basis
    assert rule.severity in ("error", "warning", "info")
    assert rule.passing and rule.failing


@pytest.mark.parametrize(("rule", "kind", "example"), EXAMPLES)
def test_example(rule, kind, example) -> None:  # type: ignore[no-untyped-def]
    doc, peers = example_documents(example)
    found = check_corpus(doc, peers, [rule])
    if kind == "pass":
        assert found == [], [f.message for f in found]
        return
    assert found, f"{rule.id} did not fire"
    for f in found:
        assert (f.rule, f.severity, f.title, f.family) == (rule.id, rule.severity, rule.title, "CO")
        assert f.message and "{" not in f.message and f.tables and f.cells


def test_catalog_documents_corpus_rules() -> None:
    from juesuan.rules import catalog_markdown

    text = catalog_markdown()
    for rule in CORPUS_RULES:
        assert f"## {rule.id} {rule.title}" in text
        for eid in [*rule.example_ids()[0], *rule.example_ids()[1]]:
            assert f"**{eid}**" in text


# --------------------------------------------------------------------------- generated pairs

amount = st.decimals(min_value=Decimal("1.00"), max_value=Decimal("99999.99"), places=2)


def _pair(current: Decimal, change: Decimal, direction: str, prior: Decimal) -> tuple[Document, MemoryPeers]:
    word = {"increase": "增加", "decrease": "减少"}[direction]
    now = example_document(
        ex(f"expenditure/total/basic={current}", text=(f"2024年度基本支出{current}万元，比上年{word}{change}万元。",),
           meta={"department": "甲局", "year": 2024}),
        year=2024,
    )
    before = example_document(ex(f"expenditure/total/basic={prior}", meta={"department": "甲局", "year": 2023}), year=2023)
    return now, MemoryPeers([before])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(current=amount, change=amount, direction=st.sampled_from(["increase", "decrease"]), off=st.integers(-3, 3))
def test_prior_year_generated(current: Decimal, change: Decimal, direction: str, off: int) -> None:
    prior = current - change if direction == "increase" else current + change
    if prior <= 0:
        return
    planted = prior + Decimal(off) * Decimal("0.01") * 5  # 0, ±0.05, ±0.10, ±0.15: outside ±0.01 once off ≠ 0
    now, peers = _pair(current, change, direction, planted)
    found = [f for f in check_corpus(now, peers) if f.rule == "JS-CO-001"]
    assert bool(found) == (off != 0), [f.message for f in found]
    if found:
        assert Decimal(found[0].expected) == prior and Decimal(found[0].printed) == planted


@settings(max_examples=20, deadline=None)
@given(budget=amount, off=st.sampled_from([Decimal(0), Decimal("0.01"), Decimal("0.50"), Decimal("-3.00")]))
def test_budget_generated(budget: Decimal, off: Decimal) -> None:
    final = example_document(
        ex(f"three_public/reception/budget={budget + off}", f"three_public/reception/final={budget}",
           meta={"department": "乙局", "year": 2024}),
    )
    stored = example_document(ex(f"budget_three_public/reception/budget={budget}",
                                 meta={"department": "乙局", "year": 2024, "kind": "budget"}))
    found = [f for f in check_corpus(final, MemoryPeers([stored])) if f.rule == "JS-CO-004"]
    assert bool(found) == (abs(off) > Decimal("0.01")), [f.message for f in found]


def test_a_different_department_or_year_is_never_compared() -> None:
    now, _ = _pair(Decimal("100.00"), Decimal("10.00"), "increase", Decimal("50.00"))
    other_dept = example_document(ex("expenditure/total/basic=50.00", meta={"department": "丙局", "year": 2023}), year=2023)
    two_back = example_document(ex("expenditure/total/basic=50.00", meta={"department": "甲局", "year": 2022}), year=2022)
    budget = example_document(ex("expenditure/total/basic=50.00", meta={"department": "甲局", "year": 2023, "kind": "budget"}))
    assert check_corpus(now, MemoryPeers([other_dept, two_back, budget])) == []


# --------------------------------------------------------------------------- the store


def _hand(dept: str, year: int, facts: dict[str, str], *, kind: str = "final", scope: str = "department",
          text: tuple[str, ...] = ()) -> Document:
    doc = example_document(ex(*(f"{k}={v}" for k, v in facts.items()), text=text,
                              meta={"department": dept, "year": year, "kind": kind, "scope": scope}), year=year)
    doc.source = f"{dept}-{year}-{kind}.txt"
    return doc


def _stored_co(st, doc_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.rule for f in st.findings(doc_id) if f.rule.startswith("JS-CO")]


def test_store_prior_year_and_budget(db_url: str) -> None:  # noqa: F811
    st = open_store(db_url)
    try:
        say = ("2024年度收入总计120.00万元，与上年相比增加20.00万元。",)
        now_facts = {"income_expense_summary/income.grand_total/amount": "120.00",
                     "three_public/total/budget": "10.00", "three_public/total/final": "8.00"}  # fmt: skip
        # consistent pair: silent
        a = st.ingest_document(_hand("丁局", 2023, {"income_expense_summary/income.grand_total/amount": "100.00"}), "1" * 64)
        b = st.ingest_document(_hand("丁局", 2024, now_facts, text=say), "2" * 64)
        refresh_after_ingest(st, a.document_id)
        refresh_after_ingest(st, b.document_id)
        assert _stored_co(st, b.document_id) == []
        # planted mismatch: a department whose prior year says 90
        c = st.ingest_document(_hand("戊局", 2023, {"income_expense_summary/income.grand_total/amount": "90.00"}), "3" * 64)
        refresh_after_ingest(st, c.document_id)
        d = st.ingest_document(_hand("戊局", 2024, now_facts, text=say), "4" * 64)
        before = st.checks(d.document_id)[-1]
        assert refresh_after_ingest(st, d.document_id)[d.document_id] == 1
        assert _stored_co(st, d.document_id) == ["JS-CO-001"]
        after = st.checks(d.document_id)[-1]
        assert after["warning"] == before["warning"] + 1 and after["error"] == before["error"]
        f = next(f for f in st.findings(d.document_id) if f.rule == "JS-CO-001")
        assert (f.expected, f.printed) == ("100.00", "90.00")
        assert refresh_after_ingest(st, d.document_id)[d.document_id] == 1  # idempotent: replaced, not added
        assert _stored_co(st, d.document_id) == ["JS-CO-001"]
        # the budget stored after the final accounts: the final one's findings are refreshed
        e = st.ingest_document(_hand("戊局", 2024, {"budget_three_public/total/budget": "12.00"}, kind="budget"), "5" * 64)
        refresh_after_ingest(st, e.document_id)
        assert sorted(_stored_co(st, d.document_id)) == ["JS-CO-001", "JS-CO-004"]
        g = st.ingest_document(_hand("丁局", 2024, {"budget_three_public/total/budget": "10.00"}, kind="budget"), "6" * 64)
        refresh_after_ingest(st, g.document_id)
        assert _stored_co(st, b.document_id) == []  # consistent budget: silent
        # peers know kinds and leave the checked document out
        peers = StorePeers(st, exclude_id=d.document_id)
        kinds = {p.id: p.kind for p in peers.candidates([2024])}
        assert kinds[e.document_id] == "budget" and d.document_id not in kinds
    finally:
        st.close()


def test_store_unit_against_department(db_url: str) -> None:  # noqa: F811
    st = open_store(db_url)
    try:
        dept = st.ingest_document(_hand("己区教育局", 2024, {"expenditure/total/total": "500.00"}), "7" * 64)
        ok = st.ingest_document(_hand("己区教育局第一中学", 2024, {"expenditure/total/total": "80.00"}, scope="unit"), "8" * 64)
        bad = st.ingest_document(_hand("己区教育局第二中学", 2024, {"expenditure/total/total": "800.00"}, scope="unit"), "9" * 64)
        for o in (dept, ok, bad):
            refresh_after_ingest(st, o.document_id)
        assert _stored_co(st, ok.document_id) == []
        assert _stored_co(st, bad.document_id) == ["JS-CO-003"]
        assert st.checks(bad.document_id)[-1]["error"] >= 1
    finally:
        st.close()


def test_check_and_ingest_commands_with_db(tmp_path: Path) -> None:
    """``check FILE --db`` and ``ingest``: the example's 收支总计 fell by 91.98 万元 from last year."""
    db = f"sqlite:///{tmp_path / 'c.db'}"
    from juesuan.pipeline import read_document

    parsed = read_document(EXAMPLE)
    st = open_store(db)
    total = Decimal("2192.25") + Decimal("91.98")
    prior = Document(
        source="prior.txt", format="text", department=parsed.department, year=(parsed.year or 2024) - 1, unit="万元",
        tables=[TableInfo("income_expense_summary", "收入支出决算总表", None, "万元", Provenance())],
        facts=[Fact("income_expense_summary", "income.grand_total", "amount", Decimal("2300.00"), "2300.00", Provenance(line=1)),
               Fact("income_expense_summary", "expense.grand_total", "amount", total, str(total), Provenance(line=2))],
    )  # fmt: skip
    st.ingest_document(prior, "f" * 64, file_name="prior.txt")
    st.close()
    cmd = [JUESUAN, "check", str(EXAMPLE), "--db", db, "--format", "json", "--fail-on", "never"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    co = [f for f in json.loads(done.stdout)["findings"] if f["rule"] == "JS-CO-001"]
    assert len(co) == 1 and "收入总计" in co[0]["message"] and "2300.00" in co[0]["message"]  # 支出总计 agrees
    plain = subprocess.run(cmd[:3] + cmd[5:], capture_output=True, text=True, cwd=tmp_path)
    assert not [f for f in json.loads(plain.stdout)["findings"] if f["rule"].startswith("JS-CO")]
    ing = subprocess.run([JUESUAN, "ingest", str(EXAMPLE), "--db", db], capture_output=True, text=True, cwd=tmp_path)
    assert ing.returncode == 0, ing.stderr
    st = open_store(db)
    try:
        stored = [d for d in st.documents() if d.file_name == EXAMPLE.name][0]
        assert _stored_co(st, stored.id) == ["JS-CO-001"]
        assert corpus_findings(st, st.load_document(stored.id), exclude_id=stored.id)[0].rule == "JS-CO-001"
    finally:
        st.close()


def test_in_document_check_is_unchanged_by_corpus_rules() -> None:
    doc = example_document(ex("expenditure/total/total=1.00"))
    assert not [f for f in check(doc).findings if f.rule.startswith("JS-CO")]


def test_batch_with_db_runs_the_corpus_rules(tmp_path: Path) -> None:
    """``batch --db`` stores a document as ``ingest`` does, corpus rules included."""
    import shutil

    from juesuan.pipeline import read_document

    db = f"sqlite:///{tmp_path / 'b.db'}"
    parsed = read_document(EXAMPLE)
    with open_store(db) as st:
        prior = Document(
            source="prior.txt", format="text", department=parsed.department, year=(parsed.year or 2024) - 1, unit="万元",
            tables=[TableInfo("income_expense_summary", "收入支出决算总表", None, "万元", Provenance())],
            facts=[Fact("income_expense_summary", "income.grand_total", "amount", Decimal("2300.00"), "2300.00", Provenance(line=1))],
        )  # fmt: skip
        st.ingest_document(prior, "e" * 64, file_name="prior.txt")
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    done = subprocess.run([JUESUAN, "batch", str(folder), "--out", str(tmp_path / "out"), "--workers", "1", "--db", db],
                          capture_output=True, text=True, cwd=tmp_path)  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    with open_store(db) as st:
        stored = [d for d in st.documents() if d.file_name == EXAMPLE.name][0]
        assert _stored_co(st, stored.id) == ["JS-CO-001"]
