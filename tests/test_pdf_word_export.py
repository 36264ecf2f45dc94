"""PDFs exported by a word processor: the corpus texts as Word documents, printed to PDF by
LibreOffice (Debian's ``libreoffice-writer-nogui`` with ``fonts-noto-cjk``; ``make test``
installs them when run as root).

This is the way most disclosures are published: a .docx of ruled tables saved as PDF. Unlike the
ReportLab renderings (``tests/render_pdf.py``), the layout is the word processor's own: its
fonts and line breaking, cell padding, rows that break across pages (a long name continued at
the top of the next page), tables that continue without a repeated header.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

import render_office as R
from juesuan.pipeline import read_document

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
# liaoning's converter text holds its attachment as one 1,967-row table, which no one would
# print as one Word table: left out
STEMS = ("henan-anyang-beiguan-hrss-2024", "shanxi-jincheng-hrss-2024")

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice not installed (Debian: libreoffice-writer-nogui fonts-noto-cjk; `make test` as root)",
)


def _facts(doc):  # type: ignore[no-untyped-def]
    return {(f.table, f.row, f.column, Decimal(f.value), re.sub(r"\s+", "", f.project)) for f in doc.facts}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):  # type: ignore[no-untyped-def]
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    out = tmp_path_factory.mktemp("word")
    docs = []
    for stem in STEMS:
        R.render_docx(R.load_parts(CORPUS / f"{stem}.txt"), out / f"{stem}.docx")
        docs.append(str(out / f"{stem}.docx"))
    profile = out / "profile"  # a LibreOffice profile of its own: no clash with a running one
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(out), *docs],
        check=True, capture_output=True, timeout=600,
    )
    return {stem: (read_document(CORPUS / f"{stem}.txt"), read_document(out / f"{stem}.pdf")) for stem in STEMS}


@pytest.mark.parametrize("stem", STEMS)
def test_standard_tables_identical(exported, stem):  # type: ignore[no-untyped-def]
    text, pdf = exported[stem]
    keep = lambda facts: {f for f in facts if not f[0].startswith("perf")}  # noqa: E731
    assert keep(_facts(pdf)) == keep(_facts(text))


@pytest.mark.parametrize("stem", STEMS)
def test_all_facts_precision_and_recall(exported, stem):  # type: ignore[no-untyped-def]
    """With the 绩效自评 forms: ≥ 99.5 % (henan: all; shanxi misses one funds row whose two
    rows LibreOffice prints without the rule between them)."""
    text, pdf = exported[stem]
    want, got = _facts(text), _facts(pdf)
    hit = len(want & got)
    assert hit / len(got) >= 0.995 and hit / len(want) >= 0.995, (sorted(want - got)[:5], sorted(got - want)[:5])


def test_row_broken_over_a_page_is_whole(exported):  # type: ignore[no-untyped-def]
    """henan's 财政拨款收入支出决算总表 has rows that LibreOffice breaks across pages (十四、资源勘探工业 /
    信息等支出): each is one row with its facts."""
    text, pdf = exported["henan-anyang-beiguan-hrss-2024"]
    rows = {f.row for f in pdf.facts if f.table == "fiscal_summary"}
    assert rows == {f.row for f in text.facts if f.table == "fiscal_summary"}
