"""The store at scale: ingest of the corpus, 10,000 synthetic documents, the comparison query.

    .venv/bin/python benchmarks/bench_store.py [--docs 10000] [--db URL] [--runs 50]

1. ingests every corpus document (texts and PDFs; parse + rules + one transaction each);
2. makes ``--docs`` synthetic documents from the corpus facts (values scaled by a random factor,
   2,500 departments × 4 years by default) and inserts them in bulk (one transaction per batch);
3. times ``Store.compare`` (5 random departments, one year: totals, basic vs project, 三公,
   机关运行经费, spending by function class) — target: median ≤ 300 ms on SQLite — and, for
   reference, ``department_years`` and a facts query.

Without ``--db`` a fresh SQLite file in a temp dir is used (and deleted afterwards).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from juesuan.model import Document, Fact  # noqa: E402
from juesuan.store import open_store  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
PROVINCES = ["河北省", "山西省", "辽宁省", "河南省", "湖南省", "广东省", "四川省", "云南省"]
BUREAUS = ["财政局", "教育局", "人力资源和社会保障局", "卫生健康委员会", "民政局", "交通运输局"]
YEARS = (2021, 2022, 2023, 2024)
CENT = Decimal("0.01")


def median_ms(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def department_names(n: int) -> list[str]:
    names = []
    i = 0
    while len(names) < n:
        prov = PROVINCES[i % len(PROVINCES)]
        city = f"第{i // len(BUREAUS) + 1}市"
        names.append(f"{prov}{city}{BUREAUS[i % len(BUREAUS)]}")
        i += 1
    return names


def perturb(doc: Document, rng: random.Random, department: str, year: int) -> Document:
    """The document's facts with every amount scaled by one random factor in [0.80, 1.20]."""
    factor = Decimal(rng.randint(80, 120)) / 100
    facts = []
    for f in doc.facts:
        v = (f.value * factor).quantize(CENT) if f.value else f.value
        facts.append(Fact(f.table, f.row, f.column, v, format(v, "f"), f.prov, f.label, f.project))
    return replace(doc, department=department, year=year, facts=facts, claims=list(doc.claims))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--db", default=None, help="database URL (default: a temp SQLite file)")
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--batch", type=int, default=250, help="synthetic documents per transaction")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    files = sorted(CORPUS.glob("*.txt")) + sorted((CORPUS / "pdf").glob("*.pdf"))
    if not files:
        sys.exit(f"no corpus at {CORPUS}")
    tmp = tempfile.TemporaryDirectory(prefix="bench-store-")
    url = args.db or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    store = open_store(url)
    print(f"store: {store.url} ({store.dialect})")

    # 1. the corpus, through the whole ingest path
    t0 = time.perf_counter()
    corpus_docs = []
    for path in files:
        t = time.perf_counter()
        try:
            o = store.ingest_path(path)
        except Exception as exc:  # a reader that is not there yet must not stop the benchmark
            print(f"  {path.name:<48} failed: {exc}")
            continue
        corpus_docs.append(store.load_document(o.document_id))
        print(f"  {path.name:<48} {o.facts:>5} facts {o.findings if o.findings is not None else '-':>4} findings "
              f"{(time.perf_counter() - t) * 1000:8.1f} ms")  # fmt: skip
    print(f"corpus ingest: {len(corpus_docs)} documents in {time.perf_counter() - t0:.2f} s")
    bases = [d for d in corpus_docs if d.facts]

    # 2. synthetic documents, inserted in bulk
    rng = random.Random(args.seed)
    n_deps = max(1, args.docs // len(YEARS))
    names = department_names(n_deps)
    t0 = time.perf_counter()
    made = facts = 0
    while made < args.docs:
        batch = []
        for _ in range(min(args.batch, args.docs - made)):
            base = bases[made % len(bases)]
            doc = perturb(base, rng, names[made % n_deps], YEARS[(made // n_deps) % len(YEARS)])
            sha = f"{made:064x}"
            batch.append((doc, sha, f"synthetic-{made}.txt", None))
            facts += len(doc.facts)
            made += 1
        store.ingest_many(batch)
        if made % 2000 < args.batch:
            print(f"  {made} documents, {facts} facts, {time.perf_counter() - t0:.1f} s", flush=True)
    elapsed = time.perf_counter() - t0
    print(f"bulk insert: {made} documents, {facts} facts in {elapsed:.1f} s ({facts / elapsed:,.0f} facts/s)")

    # 3. the queries
    picks = [rng.sample(names, 5) for _ in range(args.runs)]
    years = [rng.choice(YEARS) for _ in range(args.runs)]
    it = iter(range(10**9))

    def compare_once() -> None:
        i = next(it) % args.runs
        cmp = store.compare(picks[i], years[i])
        assert len(cmp.rows) == 5 and all(r.expense_total is not None for r in cmp.rows), cmp.missing

    compare_once()  # warm
    cmp_ms = median_ms(compare_once, args.runs)
    years_ms = median_ms(lambda: store.department_years(rng.choice(names)), args.runs)
    some_doc = store.documents(limit=1)[0].id
    facts_ms = median_ms(lambda: store.facts(some_doc, table="expenditure", level="类"), args.runs)
    total = store.count_documents()
    print(f"documents in store: {total}")
    print(f"compare (5 departments, one year): median {cmp_ms:.1f} ms  (target ≤ 300 ms)")
    print(f"department_years (one department, {len(YEARS)} years): median {years_ms:.1f} ms")
    print(f"facts(document, table, level=类): median {facts_ms:.1f} ms")
    store.close()
    tmp.cleanup()
    if store.dialect == "sqlite" and cmp_ms > 300:
        sys.exit("compare median above 300 ms")


if __name__ == "__main__":
    main()
