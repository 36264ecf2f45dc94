"""Property: a set of facts printed in any PDF layout reads back to the same facts.

Generated documents (:mod:`synth`: the corpus's tables with random codes, amounts, blanks, 行次
and 栏次 columns, two-sided summaries, split 类/款/项 codes) are printed by :mod:`layouts` in every
layout of :data:`layouts.VARIANTS` — ruled, borderless, three-line, Excel-like, tab-aligned Word,
landscape, ``/Rotate 90``, tables run over pages without a repeated header, amounts in 元 — and
read with ``read_document``; the facts ``(table, row, column, value)`` are compared with the
generated ones: F1 ≥ 0.995 (:data:`EXACT`), scans ≥ 0.98.

The documents are drawn by hypothesis with ``derandomize=True`` (the same every run, so that the
suite does not turn red on a document found by chance; widen ``max_examples`` to hunt for new
failures). Layouts in :data:`MEASURED` do not reach that level on every document yet: their F1 over a fixed
set of documents is held to the level reached (see the numbers there), so that a change that
loses facts fails.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

pytest.importorskip("reportlab", reason="reportlab (test dependency) is not installed")

import layouts as L  # noqa: E402

EXACT = ("ruled", "ruled-norepeat", "excel", "threeline", "borderless", "borderless-norepeat")
# layout → least F1 over SEEDS (measured: see the docstring of test_layout_level)
MEASURED = {"split": 0.995, "landscape": 0.975, "rotated": 0.975, "yuan": 0.995, "word-tabs": 0.93}
SEEDS = range(1, 9)


def _read(tmp: Path, seed: int, variant: str):  # type: ignore[no-untyped-def]
    from juesuan.pipeline import read_document

    text, facts = L.synth_text(seed)
    txt = tmp / f"doc{seed}.txt"
    txt.write_text(text, encoding="utf-8")
    pdf = L.render(txt, tmp / f"doc{seed}-{variant}.pdf", variant)
    return pdf, read_document(pdf, require_tables=False), L.expected_set(facts)


def _explain(want: set, got: set) -> str:
    return f"missing {sorted(want - got)[:6]} extra {sorted(got - want)[:6]}"


@pytest.mark.parametrize("variant", EXACT)
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,  # the same documents every run (see the module docstring)
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_layout_reads_back_the_facts(tmp_path, variant, seed):
    pdf, doc, want = _read(tmp_path, seed, variant)
    got = L.fact_set(doc)
    p, r, f = L.scores(want, got)
    assert f >= 0.995, (seed, variant, round(p, 4), round(r, 4), _explain(want, got))
    assert all(fa.prov.page and fa.prov.bbox for fa in doc.facts)


def test_layout_level(tmp_path):
    """F1 over SEEDS of the layouts not yet exact, each held to the level it reached. Measured
    on seeds 1–8 (P / R): split 1.0000 / 1.0000 (but not every document: a table whose column
    titles end one page and whose rows begin the next — seed 2709281130 — or a two-sided summary
    whose rows on one side run on alone — seed 4974365 — lose rows), landscape and rotated 0.9891 / 0.9784, yuan 0.9986 / 0.9986 (the one
    miss: a count, 单价100万元以上设备 15 台, converted as if in 元 — extract's unit factor),
    word-tabs 0.9545 / 0.9353 (the report is printed with ``-s``)."""
    lines = []
    for variant, least in MEASURED.items():
        tp = n_got = n_want = 0
        for seed in SEEDS:
            _pdf, doc, want = _read(tmp_path, seed, variant)
            got = L.fact_set(doc)
            tp, n_got, n_want = tp + len(want & got), n_got + len(got), n_want + len(want)
        p, r = tp / max(n_got, 1), tp / max(n_want, 1)
        f = 2 * p * r / (p + r) if p + r else 0.0
        lines.append(f"{variant}: P {p:.4f} R {r:.4f} F1 {f:.4f} (≥ {least})")
        assert f >= least, lines[-1]
    print("\n" + "\n".join(lines))


def test_rotated_pages_read_like_landscape_ones(tmp_path):
    """A page stored portrait with /Rotate 90 reads as the landscape page it shows: same rows,
    boxes in the displayed orientation."""
    from juesuan.ingest.pdf import read_pdf

    text, _facts = L.synth_text(2)
    txt = tmp_path / "doc.txt"
    txt.write_text(text, encoding="utf-8")
    land = read_pdf(L.render(txt, tmp_path / "land.pdf", "landscape"))
    turned = read_pdf(L.render(txt, tmp_path / "turned.pdf", "rotated"))
    rows = lambda raw: [b.texts for b in raw.blocks if b.kind == "row"]  # noqa: E731
    assert rows(land) and rows(turned) == rows(land)
    w = max(b.prov.bbox[2] for b in turned.blocks)
    assert w > 600  # x runs along the long side of the displayed page


def test_amounts_in_yuan_are_facts_in_wan_yuan(tmp_path):
    """单位：元 tables give the same facts as the 万元 document (converted exactly, Decimal)."""
    from decimal import Decimal

    seed = 2
    _pdf, doc, want = _read(tmp_path, seed, "yuan")
    got = L.fact_set(doc)
    amounts = {k for k in got if k[3] != k[3].to_integral_value() or k[3] > 100}
    assert amounts and len(amounts & want) >= 0.95 * len(amounts), _explain(want, got)
    assert all(isinstance(f.value, (str, Decimal)) for f in doc.facts)


ALL_SCANS = os.environ.get("JUESUAN_ALL_SCANS") == "1"


@pytest.mark.ocr
@pytest.mark.parametrize(
    "variant,dpi,skew", [("borderless", 200, -0.3), ("ruled", 150, 0.4), ("borderless", 300, 0.2), ("word-tabs", 200, 0.3)]
)
def test_scans_read_back_the_facts(tmp_path, variant, dpi, skew):
    """The same documents rasterised as scans (grey noise and specks, turned slightly) and read
    by OCR: F1 ≥ 0.98. One small document each (OCR takes 10–25 s a page): the first case runs
    always, the others with ``JUESUAN_ALL_SCANS=1``."""
    from juesuan.ingest import ocr

    if not ocr.available():
        pytest.skip("juesuan[ocr] is not installed")
    if (variant, dpi) != ("borderless", 200) and not ALL_SCANS:
        pytest.skip("slow: set JUESUAN_ALL_SCANS=1")
    from juesuan.pipeline import read_document

    seed = 2  # two pages: a two-sided summary with 行次 columns
    pdf, _doc, want = _read(tmp_path, seed, variant)
    scan = L.scan(pdf, tmp_path / "scan.pdf", dpi=dpi, skew=skew, noise=6.0, seed=seed)
    doc = read_document(scan, require_tables=False)
    got = L.fact_set(doc)
    p, r, f = L.scores(want, got)
    print(f"\n{variant} scan {dpi} dpi skew {skew}°: P {p:.4f} R {r:.4f} F1 {f:.4f}")
    assert f >= 0.98, (variant, dpi, round(p, 4), round(r, 4), _explain(want, got))
