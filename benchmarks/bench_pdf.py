"""Benchmark the PDF reader on the corpus PDFs (median of 5 runs, in one process).

    .venv/bin/python benchmarks/bench_pdf.py [PDF_DIR_OR_FILES...]

For each PDF: ``juesuan.ingest.pdf.read_pdf`` (chars + rules → rows/text blocks), and, when
``pymupdf`` is importable (it is not a project dependency), PyMuPDF's plain-text extraction of
the same file (``page.get_text()`` for every page) and the ratio of the two. Import times are
reported separately and excluded from the per-file medians.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_DIR = ROOT.parent / "shared" / "corpus" / "pdf"
RUNS = 5


def median_time(fn, runs: int = RUNS) -> tuple[float, float]:
    """Median wall-clock and median CPU (process) time of ``runs`` calls."""
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def main(argv: list[str]) -> int:
    targets: list[Path] = []
    for a in argv or [str(DEFAULT_DIR)]:
        p = Path(a)
        targets.extend(sorted(p.glob("*.pdf")) if p.is_dir() else [p])
    if not targets:
        print(f"no PDFs found (looked in {argv or [DEFAULT_DIR]})")
        return 1

    t = time.perf_counter()
    import pypdfium2  # noqa: F401

    from juesuan.ingest.pdf import read_pdf

    print(f"import pypdfium2 + juesuan.ingest.pdf: {time.perf_counter() - t:.3f} s")

    try:
        t = time.perf_counter()
        import pymupdf  # type: ignore[import-not-found]

        print(f"import pymupdf {pymupdf.__version__}: {time.perf_counter() - t:.3f} s")
    except ImportError:
        pymupdf = None
        print("pymupdf not importable (not a project dependency): PyMuPDF comparison skipped")

    def mupdf_text(path: Path) -> None:
        with pymupdf.open(str(path)) as doc:
            for page in doc:
                page.get_text()

    print()
    header = f"{'file':42} {'pages':>5} {'blocks':>6} {'rows':>5} {'read_pdf':>9} {'(cpu)':>7}"
    if pymupdf:
        header += f" {'pymupdf':>9} {'(cpu)':>7} {'ratio':>6}"
    print(header)
    for path in targets:
        raw = read_pdf(path)  # warm-up, and the counts
        ours, ours_cpu = median_time(lambda: read_pdf(path))
        rows = sum(1 for b in raw.blocks if b.kind == "row")
        line = f"{path.name[:42]:42} {raw.pages:>5} {len(raw.blocks):>6} {rows:>5} {ours:>8.3f}s {ours_cpu:>6.3f}s"
        if pymupdf:
            mupdf_text(path)
            theirs, theirs_cpu = median_time(lambda: mupdf_text(path))
            line += f" {theirs:>8.3f}s {theirs_cpu:>6.3f}s {ours / theirs:>6.2f}"
        print(line)
    print(
        f"\nmedian of {RUNS} runs per file (wall clock, and CPU time of this process); "
        "target for read_pdf on the 25-page finance PDF: ≤ 0.3 s"
    )
    if pymupdf:
        print("ratio = read_pdf / PyMuPDF plain text (PyMuPDF rebuilds no table rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
