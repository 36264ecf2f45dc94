"""Authoring: facts → DOCX/HTML/PDF → parse gives the same facts; check finds no new error;
the narrative's figures link to the table cells; 上年 changes are computed from the prior."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from juesuan.author.consistency import identity_failures
from juesuan.author.document import build
from juesuan.author.docx_out import write_docx
from juesuan.author.factset import FactSet, read_facts_csv
from juesuan.author.figures import Change, shares
from juesuan.author.html_out import write_html
from juesuan.pipeline import read_document
from juesuan.refdata import economic_codes, function_codes
from juesuan.rules import check
from juesuan.rules.link import link

EXPECTED = Path(__file__).parent / "expected"
CORPUS_FACTS = sorted(EXPECTED.glob("*.facts.csv")) + sorted((EXPECTED / "pdf").glob("*.facts.csv"))
JUESUAN = Path(sys.executable).parent / "juesuan"


def facts_of(doc) -> dict:
    return {f.key: f.value for f in doc.facts if not f.table.startswith("perf_")}


def author(fs: FactSet, path: Path, prior: FactSet | None = None):
    parts = build(fs, department="某某市某某局", year=2024, prior=prior)
    (write_docx if path.suffix == ".docx" else write_html)(parts, path)
    return read_document(path)


def errors(doc) -> set[tuple[str, str]]:
    return {(f.rule, f.message) for f in check(doc).findings if f.severity == "error"}


def assert_authored_well(fs: FactSet, doc) -> None:
    assert facts_of(doc) == fs.values
    found = check(doc).findings
    bad = [f for f in found if f.severity == "error" and f.family in ("NR", "NP", "KD", "CP")]
    assert not bad, [f.message for f in bad]
    # errors of the tables are exactly those the input facts carry themselves
    assert {f.rule for f in found if f.severity == "error"} <= {f.rule for f in identity_failures(fs)}
    drafts = [f for f in found if f.rule == "JS-KD-002"]
    assert len(drafts) == 1 and drafts[0].severity == "warning"
    assert not [f for f in found if f.rule == "JS-NP-008"]  # placeholders never one finding each
    result = link(doc)
    amounts = [i for i, c in enumerate(doc.claims) if c.kind == "amount"]
    assert amounts and all(i in result.terms for i in amounts), [doc.claims[i].subject for i in amounts if i not in result.terms]


@pytest.mark.parametrize("path", CORPUS_FACTS, ids=lambda p: p.name)
@pytest.mark.parametrize("suffix", [".docx", ".html"])
def test_round_trip_of_corpus_facts(path, suffix, tmp_path):
    fs = read_facts_csv(path)
    doc = author(fs, tmp_path / f"out{suffix}")
    assert_authored_well(fs, doc)


# --------------------------------------------------------------------------- generated facts

def consistent_facts(rnd: random.Random) -> FactSet:
    """A consistent nine-table set: random leaf amounts (in cents), every total summed."""
    fc, ec = function_codes(2024), economic_codes(2024)
    items = [c.code for c in fc if len(c.code) == 7 and c.code[:3] in ("201", "205", "208", "210", "221")]
    chosen = sorted(rnd.sample(items, rnd.randint(1, 6)))
    cents = lambda: Decimal(rnd.randint(0, 3_000_000)).scaleb(-2)  # noqa: E731
    v: dict = {}
    basic = {c: cents() for c in chosen}
    project = {c: cents() for c in chosen}

    def add(key, value):
        v[key] = v.get(key, Decimal(0)) + value

    for table in ("income", "expenditure", "gpb_expenditure"):
        for code in chosen:
            b, p = basic[code], project[code]
            for node in (code[:3], code[:5], code, "total"):
                if table == "income":
                    add((table, node, "total"), b + p)
                    add((table, node, "fiscal"), b + p)
                else:
                    add((table, node, "total"), b + p)
                    add((table, node, "basic"), b)
                    add((table, node, "project"), p)
    total = v[("income", "total", "total")]
    for t in ("income_expense_summary", "fiscal_summary"):
        col = "amount"
        v[(t, "income.gpb", "amount")] = total
        v[(t, "income.total", "amount")] = total
        v[(t, "income.opening_balance", "amount")] = Decimal("0.00")
        v[(t, "income.grand_total", "amount")] = total
        for cls in sorted({c[:3] for c in chosen}):
            x = v[("expenditure", cls, "total")]
            if t == "fiscal_summary":
                v[(t, f"expense.{cls}", "total")] = x
                v[(t, f"expense.{cls}", "gpb")] = x
            else:
                v[(t, f"expense.{cls}", col)] = x
        cols = ("total", "gpb") if t == "fiscal_summary" else (col,)
        for c in cols:
            v[(t, "expense.total", c)] = total
            v[(t, "expense.closing_balance", c)] = Decimal("0.00")
            v[(t, "expense.grand_total", c)] = total
    # basic spending by economic class: split the basic total over a few 款
    basic_total = v[("gpb_expenditure", "total", "basic")]
    personnel = (basic_total * Decimal(rnd.randint(30, 90)) / 100).quantize(Decimal("0.01"))
    public = basic_total - personnel
    for amount_, cls, key in ((personnel, "301", "personnel_total"), (public, "302", "public_total")):
        kids = [c.code for c in ec.children(cls)][:3]
        first = (amount_ / 2).quantize(Decimal("0.01"))
        v[("gpb_basic", kids[0], "amount")] = first
        v[("gpb_basic", kids[1], "amount")] = amount_ - first
        v[("gpb_basic", cls, "amount")] = amount_
        v[("gpb_basic", key, "amount")] = amount_
    rec, op = cents() / 100, cents() / 100
    rec, op = rec.quantize(Decimal("0.01")), op.quantize(Decimal("0.01"))
    for col, scale in (("budget", Decimal("1.2")), ("final", Decimal(1))):
        r_, o_ = (rec * scale).quantize(Decimal("0.01")), (op * scale).quantize(Decimal("0.01"))
        v[("three_public", "overseas", col)] = Decimal("0.00")
        v[("three_public", "reception", col)] = r_
        v[("three_public", "vehicle_purchase", col)] = Decimal("0.00")
        v[("three_public", "vehicle_operation", col)] = o_
        v[("three_public", "vehicle", col)] = o_
        v[("three_public", "total", col)] = r_ + o_
    return FactSet(values=v)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000))
def test_generated_consistent_facts_round_trip(seed, tmp_path):
    fs = consistent_facts(random.Random(seed))
    assert identity_failures(fs) == [], [f.message for f in identity_failures(fs)]
    doc = author(fs, tmp_path / f"g{seed}.docx")
    assert_authored_well(fs, doc)
    assert errors(doc) == set()


def test_with_a_prior_year_changes_are_computed_from_the_prior(tmp_path):
    rnd = random.Random(7)
    prior, fs = consistent_facts(rnd), consistent_facts(rnd)
    doc = author(fs, tmp_path / "p.docx", prior=prior)
    assert_authored_well(fs, doc)
    assert errors(doc) == set()
    changes = [c for c in doc.claims if c.kind in ("change_amount", "change_pct") or c.direction]
    assert changes
    text = "\n".join(b.text for b in doc.text)
    cur = fs.values[("income_expense_summary", "income.grand_total", "amount")]
    old = prior.values[("income_expense_summary", "income.grand_total", "amount")]
    assert Change(cur, old).sentence("今年收入总计") in text
    cur = fs.values[("three_public", "total", "final")]
    old = prior.values[("three_public", "total", "final")]
    assert Change(cur, old).sentence("“三公”经费支出") in text
    assert "主要原因：＿＿" in text


def test_shares_add_to_one_hundred_by_largest_remainder():
    parts = [Decimal("1.00"), Decimal("1.00"), Decimal("1.00")]
    got = shares(parts)
    assert sum(got) == Decimal("100.00") and sorted(got) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=9))
@settings(max_examples=30, deadline=None)
def test_shares_of_a_partition_always_add_to_100(cents):
    parts = [Decimal(c).scaleb(-2) for c in cents]
    got = shares(parts)
    assert sum(got) == (Decimal("100.00") if sum(parts) else 0)
    for p, s in zip(parts, got):  # each share within 0.01 of the exact one
        if sum(parts):
            assert abs(s - 100 * p / sum(parts)) < Decimal("0.01")


def test_cli_refuses_input_that_breaks_an_identity(tmp_path):
    fs = consistent_facts(random.Random(3))
    key = ("income", "total", "total")
    fs.values[key] += Decimal("5.00")
    csv = tmp_path / "f.csv"
    csv.write_text("table,row,column,value,extra\n" + "".join(f"{t},{r},{c},{v},x\n" for (t, r, c), v in fs.values.items()),
                   encoding="utf-8-sig")
    out = tmp_path / "o.docx"
    run = subprocess.run([str(JUESUAN), "author", str(csv), "--department", "某局", "--year", "2024", "-o", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 2 and not out.exists()
    assert "JS-" in run.stderr and "收入决算表" in run.stderr
    run = subprocess.run([str(JUESUAN), "author", str(csv), "--department", "某局", "--year", "2024", "-o", str(out),
                          "--allow-inconsistent"], capture_output=True, text=True)
    assert run.returncode == 1 and out.exists()


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) not installed")
def test_pdf_round_trip(tmp_path):
    from juesuan.author.pdf_out import write_pdf

    fs = consistent_facts(random.Random(11))
    path = tmp_path / "a.pdf"
    write_pdf(build(fs, department="某某市某某局", year=2024), path)
    doc = read_document(path)
    assert facts_of(doc) == fs.values
    assert errors(doc) == set()
