"""`juesuan check` of a PDF against bare pypdfium2 character-box extraction of the same file.

    .venv/bin/python benchmarks/bench_pdf_charbox.py [PDF] [--runs 7]

Pinned to one CPU. Alternating run by run (so both meet the same machine load), in one process
with imports warmed up:

* **bare**: pypdfium2 opens the file and, for every page, gets the text page and every
  character's code point and box (``FPDFText_GetUnicode`` + ``FPDFText_GetCharBox``, through
  pypdfium2's raw ctypes bindings, as any reader that wants char boxes must at least do);
* **check**: ``read_document`` + ``rules.check`` (what ``juesuan check`` runs after its imports).

Prints both medians and the ratio check / bare (target ≤ 3×), with the lowest and highest
single-run ratio. Default PDF: the 25-page ``shanghai-putuo-finance-2024.pdf`` of the corpus.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DEFAULT = ROOT.parent / "shared" / "corpus" / "pdf" / "shanghai-putuo-finance-2024.pdf"


def bare_char_boxes(pdf: Path) -> int:
    """Every character and its box on every page with plain pypdfium2; returns the char count."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pc

    doc = pdfium.PdfDocument(str(pdf))
    l, r, b, t = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    refs = [ctypes.byref(v) for v in (l, r, b, t)]
    total = 0
    out = []
    try:
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            n = pc.FPDFText_CountChars(tp.raw)
            for k in range(n):
                u = pc.FPDFText_GetUnicode(tp.raw, k)
                pc.FPDFText_GetCharBox(tp.raw, k, *refs)
                out.append((u, l.value, b.value, r.value, t.value))
            total += n
            tp.close()
            page.close()
    finally:
        doc.close()
    return total


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("pdf", nargs="?", default=str(DEFAULT))
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    pdf = Path(args.pdf)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from juesuan.pipeline import read_document
    from juesuan.rules import check

    n_chars = bare_char_boxes(pdf)
    doc = read_document(pdf)
    check(doc)  # warm up
    bare, ours = [], []
    for _ in range(args.runs):
        bare.append(_timed(lambda: bare_char_boxes(pdf)))
        ours.append(_timed(lambda: check(read_document(pdf))))
    mb, mo = statistics.median(bare), statistics.median(ours)
    ratios = sorted(o / b for o, b in zip(ours, bare))
    print(f"{pdf.name}: {doc.pages} pages, {n_chars} chars, {len(doc.facts)} facts, {args.runs} runs")
    print(f"bare pypdfium2 char boxes: median {mb:.3f} s")
    print(f"read_document + check:     median {mo:.3f} s")
    print(f"ratio check / bare = {mo / mb:.2f}× (single runs {ratios[0]:.2f}–{ratios[-1]:.2f}×; target ≤ 3×)")
    return 0 if mo / mb <= 3.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
