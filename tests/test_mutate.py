"""Fault injection: mutate() plants one wrong value; the rules catch it."""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

import pytest

from juesuan.rules import check, example_document, identity_cells, mutate
from juesuan.rules.engine import ex

CELLS = (
    "income/total/total=1,234.50",
    "income/total/fiscal=1,200.00",
    "income/total/other=34.50",
    "income/208/total=1,234.50",
    "income/208/fiscal=1,200.00",
    "income/208/other=34.50",
)


def base_doc():
    doc = example_document(ex(*(c.replace(",", "") for c in CELLS)))
    # keep the printed text with its thousands separators, as a parser would
    doc.facts = [replace(f, raw=c.split("=")[1]) for f, c in zip(doc.facts, CELLS)]
    return doc


def errors_on(doc, key):
    return [
        f for f in check(doc).findings
        if f.severity == "error" and any((c.table, c.row, c.column) == key for c in f.cells)
    ]


def test_replaces_one_value_and_leaves_the_original_alone():
    doc = base_doc()
    new, m = mutate(doc, "income", "208", "fiscal", Decimal("1300.00"))
    assert doc.index()["income", "208", "fiscal"].value == Decimal("1200.00")
    fact = new.index()["income", "208", "fiscal"]
    assert fact.value == Decimal("1300.00") and fact.raw == "1,300.00"
    assert fact.prov == doc.index()["income", "208", "fiscal"].prov
    assert (m.key, m.old_value, m.new_value, m.old_raw, m.new_raw) == (
        ("income", "208", "fiscal"), Decimal("1200.00"), Decimal("1300.00"), "1,200.00", "1,300.00",
    )
    assert "1,200.00 → 1,300.00" in m.describe()
    assert len(new.facts) == len(doc.facts)
    assert errors_on(new, m.key) and not errors_on(doc, m.key)


def test_delta_and_random_change():
    doc = base_doc()
    new, m = mutate(doc, "income", "total", "other", delta="1.00")
    assert m.new_value == Decimal("35.50") and m.new_raw == "35.50"
    new, m = mutate(doc, "income", "total", "other", rng=random.Random(7))
    assert abs(m.new_value - m.old_value) in (Decimal(1), Decimal(10), Decimal(100))
    assert errors_on(new, m.key)


def test_unprinted_cell_is_added():
    doc = base_doc()
    new, m = mutate(doc, "income", "208", "operating", Decimal("5.00"))
    assert m.old_value is None and m.old_raw is None
    assert new.index()["income", "208", "operating"].value == Decimal("5.00")
    assert len(new.facts) == len(doc.facts) + 1
    assert errors_on(new, m.key)


def test_same_value_is_refused():
    with pytest.raises(ValueError):
        mutate(base_doc(), "income", "208", "other", Decimal("34.50"))


def test_every_identity_cell_of_a_small_document_is_caught():
    doc = base_doc()
    cells = identity_cells(doc)
    assert cells == {(f.table, f.row, f.column) for f in doc.facts}
    for key in cells:
        for change in (Decimal("1.00"), Decimal("-0.10")):
            new, _ = mutate(doc, *key, delta=change)
            assert errors_on(new, key), (key, change)
