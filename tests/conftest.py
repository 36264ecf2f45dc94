from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
EXPECTED = Path(__file__).resolve().parent / "expected"

CORPUS_TEXTS = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []


def need_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present beside the project checkout")


def expected_facts(name: str, folder: Path = EXPECTED) -> set[tuple[str, str, str, Decimal]]:
    with (folder / f"{name}.facts.csv").open(encoding="utf-8") as fh:
        return {
            (r["table"], r["row"], r["column"], Decimal(r["value"])) for r in csv.DictReader(fh)
        }


@pytest.fixture(scope="session")
def corpus_docs():
    """Every corpus text document parsed once per session: {stem: Document}."""
    need_corpus()
    from juesuan.pipeline import read_document

    return {p.stem: read_document(p) for p in CORPUS_TEXTS}
