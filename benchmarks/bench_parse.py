"""Median time to parse (and check) each corpus document, on one core.

    .venv/bin/python benchmarks/bench_parse.py [--runs 15] [FILES…]

Reports per document: size, median CPU time of a parse (ingest → layout → extract), median rules time,
documents per second, and peak Python memory of one parse (tracemalloc). Targets from the
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

from juesuan.pipeline import read_document  # noqa: E402


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
    try:
        from juesuan.rules import check
    except ImportError:  # rules stage not installed
        check = None  # type: ignore[assignment]

    print(f"{'document':<40} {'KB':>6} {'parse ms':>9} {'rules ms':>9} {'docs/s':>7} {'peak MB':>8}")
    for path in files:
        read_document(path)  # warm caches (reference data, imports)
        parse_ms = median_ms(lambda: read_document(path), args.runs)
        doc = read_document(path)
        rules_ms = median_ms(lambda: check(doc), args.runs) if check else float("nan")
        tracemalloc.start()
        read_document(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{path.name[:40]:<40} {path.stat().st_size / 1024:>6.0f} {parse_ms:>9.1f} "
            f"{rules_ms:>9.2f} {1000 / parse_ms:>7.1f} {peak / 2**20:>8.1f}"
        )


if __name__ == "__main__":
    main()
