"""Median time to parse (and check) each corpus document, on one core.

    .venv/bin/python benchmarks/bench_parse.py [--runs 15] [FILES…]

Reports per document: size; median CPU time of the standard tables (ingest → layout → extract),
of the self-evaluation tables, of the narrative claims, and of the whole parse; median rules
time; documents per second (whole parse); peak Python memory of one parse (tracemalloc). Targets from the
issues: a 250 KB document parsed in ≤ 50 ms median within ≤ 100 MB; rules add ≤ 10 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from juesuan.extract import extract  # noqa: E402
from juesuan.extract.claims import extract_claims  # noqa: E402
from juesuan.extract.perf import extract_perf  # noqa: E402
from juesuan.ingest import read_raw  # noqa: E402
from juesuan.layout import build_layout  # noqa: E402
from juesuan.pipeline import read_document  # noqa: E402


def tables_only(path: Path) -> None:
    """ingest → layout → the standard tables' facts (no self-evaluations, no claims)."""
    raw = read_raw(path)
    extract(build_layout(raw))


def median_ms(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    """Median CPU time of one call (process time: robust to other load on the machine)."""
    times = []
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        times.append((time.process_time() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    files = args.files or sorted((ROOT.parent / "shared" / "corpus").glob("*.txt"))
    if not files:
        sys.exit("no input files (pass some, or put ../shared/corpus beside the checkout)")
    from juesuan.rules import CATALOG, check

    table_rules = [r for r in CATALOG if r.family in ("AR", "HI", "SB", "XT", "CP", "RD")]
    calib = median_ms(lambda: sum(range(10**6)), args.runs)
    print(f"machine: sum(range(10**6)) takes {calib:.1f} ms CPU: scale the figures below by it to compare machines")

    print(
        f"{'document':<36} {'KB':>5} {'tables ms':>9} {'perf ms':>8} {'claims ms':>9} "
        f"{'parse ms':>9} {'tbl rules':>9} {'all rules':>9} {'docs/s':>7} {'peak MB':>8}"
    )
    for path in files:
        read_document(path)  # warm caches (reference data, imports)
        raw = read_raw(path)
        doc = read_document(path)
        tables_ms = median_ms(lambda: tables_only(path), args.runs)
        perf_ms = median_ms(lambda: extract_perf(raw.blocks), args.runs)
        claims_ms = median_ms(lambda: extract_claims(doc), args.runs)
        parse_ms = median_ms(lambda: read_document(path), args.runs)
        table_rules_ms = median_ms(lambda: check(doc, table_rules), args.runs)
        rules_ms = median_ms(lambda: check(doc), args.runs)
        tracemalloc.start()
        read_document(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{path.name[:36]:<36} {path.stat().st_size / 1024:>5.0f} {tables_ms:>9.1f} {perf_ms:>8.1f} "
            f"{claims_ms:>9.1f} {parse_ms:>9.1f} {table_rules_ms:>9.2f} {rules_ms:>9.2f} {1000 / parse_ms:>7.1f} "
            f"{peak / 2**20:>8.1f}"
        )


if __name__ == "__main__":
    main()
