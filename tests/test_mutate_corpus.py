"""The rules on the real corpus: rounding alone never gives an error, and a wrong value planted
in any cell that takes part in an identity is caught (recall ≥ 99%)."""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.money import half_unit, parse_amount
from juesuan.rules import CATALOG, check, identity_cells, mutate

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
FILES = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []

pytestmark = pytest.mark.skipif(not FILES, reason=f"corpus not found at {CORPUS} (needs the shared workspace)")

IDENTITY_FAMILIES = ("AR", "HI", "SB", "XT")
# ×1.1 changes a small value by less than a rounding band can absorb (the widest band in these
# documents is ±0.13, a sum of 25 printed values): such plants are not counted.
WITHIN_ROUNDING_REACH = Decimal("0.50")
CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")


@functools.cache
def parsed(path: Path):
    read_document = pytest.importorskip("juesuan.pipeline").read_document
    return read_document(path)


def interval(cells) -> Decimal:
    """The rounding band of a finding's printed cells, recomputed from the printed text (a zero
    printed as ``-`` or ``0`` counts at 0.00; a blank cell carries no rounding)."""
    band = Decimal(0)
    for c in cells:
        if c.value:
            v = parse_amount(c.value)
            band += HALF_CENT if v == 0 else half_unit(v)
    return band


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_no_error_from_rounding_alone(path):
    for f in check(parsed(path)).findings:
        if f.severity == "error" and f.family in IDENTITY_FAMILIES:
            assert abs(Decimal(f.difference)) > interval(f.cells), f.message
        if f.rule == "JS-RD-001":
            # (+ half a cent: an unprinted total stands as 0.00)
            assert f.severity == "info" and abs(Decimal(f.difference)) <= interval(f.cells) + HALF_CENT


def plants(value: Decimal) -> dict[str, Decimal]:
    out = {"+1.00": value + 1}
    scaled = (value * Decimal("1.1")).quantize(CENT)
    if abs(scaled - value) > WITHIN_ROUNDING_REACH:
        out["×1.1"] = scaled
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_planted_errors_are_caught(path):
    doc = parsed(path)
    cells = sorted(identity_cells(doc))
    assert cells, "no identity to check: the parser found no table data"
    # a finding naming a cell can only come from a rule that reads it: run just those rules
    reads = {r.id: r.reads(doc) for r in CATALOG}
    index = doc.index()
    tried, missed = 0, []
    for key in cells:
        rules = [r for r in CATALOG if key in reads[r.id]]
        for name, value in plants(index[key].value).items():
            planted, m = mutate(doc, *key, value)
            tried += 1
            findings = check(planted, rules).findings
            if not any(f.severity == "error" and any((c.table, c.row, c.column) == key for c in f.cells)
                       for f in findings):
                missed.append(f"{name} {m.describe()}")
    recall = 1 - len(missed) / tried
    print(f"\n{path.stem}: {len(cells)} identity cells, {tried} plants, recall {recall:.2%}")
    for line in missed:
        print("  not caught:", line)
    assert recall >= 0.99, "\n".join(missed)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_rule_subset_agrees_with_full_check(path):
    """The recall test runs only the rules reading the planted cell; spot-check that the full
    catalog finds the same errors on that cell."""
    doc = parsed(path)
    cells = sorted(identity_cells(doc))
    reads = {r.id: r.reads(doc) for r in CATALOG}
    for key in cells[:: max(1, len(cells) // 8)]:
        planted, _ = mutate(doc, *key, delta=1)

        def on_key(findings):
            return sorted(f.message for f in findings if any((c.table, c.row, c.column) == key for c in f.cells))

        subset = [r for r in CATALOG if key in reads[r.id]]
        assert on_key(check(planted).findings) == on_key(check(planted, subset).findings)
