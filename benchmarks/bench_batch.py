"""Throughput of ``juesuan batch``: documents/s and pages/s, scaling, Ray overhead, memory, recall.

    python benchmarks/bench_batch.py [--runs 3] [--text-copies 20] [--pdf-copies 3] [--no-ray]
    python benchmarks/bench_batch.py --synthetic 500 [--workers 2]

Inputs are copies of the corpus (.txt, and the PDFs with tables), each made distinct by trailing
bytes (else a batch would process one and skip the rest as duplicates). Every run writes to a fresh
output folder. Reported: the median of ``--runs`` runs of the whole batch (pool start included) at
1 and 2 workers — whole run, and steady (between the first and the last result: no pool start) —
scaling efficiency (rate at 2 ÷ 2 × rate at 1), the Ray engine on the same inputs
(Ray started beforehand; its start-up time is reported apart) and the largest peak RSS of a worker.

``--synthetic N`` generates N documents with ``tools/synth_corpus.py`` and runs them once: aborts
(documents that failed) and planted-error recall (a planted cell named by a finding of its
document).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

from juesuan.batch import BatchConfig, run_batch  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"


def make_inputs(sources: list[Path], copies: int, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        for src in sources:
            data = src.read_bytes()
            tail = b"\n" * (i + 1) if src.suffix == ".txt" else b"\n%" + str(i).encode() + b"\n"
            (folder / f"{i:03d}-{src.name}").write_bytes(data + tail)
    return folder


def one_run(folder: Path, workers: int, engine: str, work: Path) -> tuple[float, int, int, int, int, float, float, float]:
    out = Path(tempfile.mkdtemp(dir=work))
    started, cpu = time.perf_counter(), time.process_time()
    o = run_batch([str(folder)], BatchConfig(out_dir=out, workers=workers, engine=engine, summary=False))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    shutil.rmtree(out, ignore_errors=True)
    steady = (o.ok + o.failed - 1) / (o.last_result - o.first_result) if o.last_result > o.first_result else 0.0
    return seconds, o.ok + o.failed, o.pages, o.failed, o.peak_rss_kb, o.cpu_seconds, steady, cpu


def measure(label: str, folder: Path, workers: int, engine: str, runs: int, work: Path) -> dict:
    results = [one_run(folder, workers, engine, work) for _ in range(runs)]
    seconds = statistics.median(r[0] for r in results)
    docs, pages = results[0][1], results[0][2]
    row = {
        "inputs": label, "engine": engine, "workers": workers, "documents": docs, "pages": pages,
        "seconds": round(seconds, 2), "docs_per_s": round(docs / seconds, 2),
        "pages_per_s": round(pages / seconds, 2) if pages else None,
        "failed": results[0][3], "peak_rss_mb": round(max(r[4] for r in results) / 1024, 1),
        "all_seconds": [round(r[0], 2) for r in results],
        "steady_docs_per_s": round(statistics.median(r[6] for r in results), 2),
        "worker_cpu_s_per_doc": round(statistics.median(r[5] for r in results) / docs, 4),
        "parent_cpu_s_per_doc": round(statistics.median(r[7] for r in results) / docs, 4),
    }  # fmt: skip
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def throughput(args: argparse.Namespace, work: Path) -> None:
    texts = sorted(CORPUS.glob("*.txt"))
    pdfs = [p for p in sorted((CORPUS / "pdf").glob("*.pdf")) if "altered" not in p.name]
    sets = {
        "text": make_inputs(texts, args.text_copies, work / "text"),
        "pdf": make_inputs(pdfs, args.pdf_copies, work / "pdf"),
    }
    rows = {}
    for label, folder in sets.items():
        for w in (1, 2):
            rows[(label, "local", w)] = measure(label, folder, w, "local", args.runs, work)
        one, two = rows[(label, "local", 1)], rows[(label, "local", 2)]
        print(json.dumps({
            "inputs": label, "scaling_efficiency_2_workers": round(two["docs_per_s"] / (2 * one["docs_per_s"]), 3),
            "steady_scaling_efficiency_2_workers": round(two["steady_docs_per_s"] / (2 * one["steady_docs_per_s"]), 3),
        }))  # fmt: skip
    if not args.no_ray:
        import ray

        started = time.perf_counter()
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        print(json.dumps({"ray_init_seconds": round(time.perf_counter() - started, 2)}))
        for label, folder in sets.items():
            r = measure(label, folder, 2, "ray", args.runs, work)
            local = rows[(label, "local", 2)]
            print(json.dumps({"inputs": label, "ray_overhead_vs_local_2_workers": round(r["seconds"] / local["seconds"] - 1, 3)}))
        ray.shutdown()


def synthetic(args: argparse.Namespace, work: Path) -> None:
    import synth_corpus

    folder = work / "synth"
    started = time.perf_counter()
    synth_corpus.main([str(args.synthetic), "--out", str(folder), "--seed", str(args.seed)])
    generated = time.perf_counter() - started
    out = work / "synth-out"
    started = time.perf_counter()
    o = run_batch([str(folder)], BatchConfig(out_dir=out, workers=args.workers))
    seconds = time.perf_counter() - started
    import pyarrow.parquet as pq

    cited: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for f in pq.read_table(out / "findings.parquet", columns=["path", "cells"]).to_pylist():
        for c in json.loads(f["cells"]):
            cited[Path(f["path"]).name].add((c["table"], c["row"], c["column"]))
    with open(folder / "answer_key.csv", encoding="utf-8") as fh:
        key = list(csv.DictReader(fh))
    found = sum((k["table"], k["row"], k["column"]) in cited[k["file"]] for k in key)
    print(json.dumps({
        "synthetic_documents": args.synthetic, "workers": args.workers, "generate_seconds": round(generated, 1),
        "batch_seconds": round(seconds, 1), "docs_per_s": round(args.synthetic / seconds, 2),
        "worker_cpu_s_per_doc": round(o.cpu_seconds / max(1, o.ok + o.failed), 4), "aborts": o.failed, "planted": len(key), "found": found,
        "recall": round(found / len(key), 4) if key else None, "peak_rss_mb": round(o.peak_rss_kb / 1024, 1),
    }, ensure_ascii=False))  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--text-copies", type=int, default=20)
    ap.add_argument("--pdf-copies", type=int, default=3)
    ap.add_argument("--no-ray", action="store_true")
    ap.add_argument("--synthetic", type=int, default=0, help="run a generated corpus of N documents instead")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        (synthetic if args.synthetic else throughput)(args, Path(tmp))


if __name__ == "__main__":
    main()
