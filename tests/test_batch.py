"""``juesuan batch``: every input gets a row, bad ones fail with a reason, reruns skip, zips, Ray."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from juesuan.batch import BatchConfig, run_batch
from juesuan.batch.inputs import discover, extract_zip
from juesuan.cli import app
from juesuan.factsio import fact_dict
from juesuan.pipeline import read_document

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus")
TEXTS = sorted(CORPUS.glob("*.txt"))
PDFS = sorted((CORPUS / "pdf").glob("*.pdf"))
pytestmark = pytest.mark.skipif(len(TEXTS) < 3 or not PDFS, reason="corpus not available")


def _table_pdf() -> Path:
    """A corpus PDF with tables (the smallest that has facts)."""
    for pdf in sorted(PDFS, key=lambda p: p.stat().st_size):
        try:
            if read_document(pdf).facts:
                return pdf
        except Exception:  # noqa: BLE001
            continue
    pytest.skip("no corpus PDF with tables")


def _rows(path: Path, sort: tuple[str, ...] = ()) -> list[dict]:
    rows = pq.read_table(path).to_pylist()
    return sorted(rows, key=lambda r: tuple(str(r[k]) for k in sort)) if sort else rows


FACT_KEY = ("sha256", "table", "row", "column", "project", "line", "page", "ref", "raw")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("inputs")
    sub = d / "sub"
    sub.mkdir()
    for i, txt in enumerate(TEXTS[:3]):
        shutil.copy(txt, (sub if i == 0 else d) / txt.name)  # a subfolder: discovery is recursive
    shutil.copy(_table_pdf(), d / "table.pdf")
    (d / "broken.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    (d / "empty.txt").write_bytes(b"")
    (d / "notes.bin").write_bytes(b"not a document")  # not a document suffix: not an input
    return d


def test_folder_rows_failures_db_and_rerun(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    db = tmp_path / "store.db"
    runner = CliRunner()
    first = runner.invoke(app, ["batch", str(folder), "--out", str(out), "--workers", "2", "--db", f"sqlite:///{db}"])
    assert first.exit_code == 1, first.output  # corpus documents have error findings
    docs = {Path(r["path"]).name: r for r in _rows(out / "documents.parquet")}
    assert set(docs) == {t.name for t in TEXTS[:3]} | {"table.pdf", "broken.pdf", "empty.txt"}
    for bad in ("broken.pdf", "empty.txt"):
        assert docs[bad]["status"] == "failed" and docs[bad]["reason"], docs[bad]
    good = [r for n, r in docs.items() if n not in ("broken.pdf", "empty.txt")]
    assert all(r["status"] == "ok" and not r["reason"] for r in good)
    assert docs["table.pdf"]["pages"] and docs["table.pdf"]["pages"] > 0
    # the facts are what `parse` reads, document by document
    facts = _rows(out / "facts.parquet")
    for r in good:
        doc = read_document(r["path"])
        mine = sorted((f["table"], f["row"], f["column"], f["value"]) for f in facts if f["sha256"] == r["sha256"])
        want = sorted((d["table"], d["row"], d["column"], d["value"]) for d in map(fact_dict, doc.facts))
        assert mine == want, r["path"]
    findings = _rows(out / "findings.parquet")
    for r in good:
        mine = [f for f in findings if f["sha256"] == r["sha256"]]
        assert sum(f["severity"] == "error" for f in mine) == r["errors"]
        assert all(len(f["fingerprint"]) == 16 for f in mine)
    assert (out / "summary.html").read_text(encoding="utf-8").count("批量检查汇总") >= 1
    assert (out / "summary.xlsx").stat().st_size > 0
    from juesuan.store import open_store

    with open_store(f"sqlite:///{db}") as store:
        assert store.count_documents() == len(good)

    before = {n: _rows(out / f"{n}.parquet", FACT_KEY if n == "facts" else ("sha256", "path")) for n in ("facts", "claims")}
    second = runner.invoke(app, ["batch", str(folder), "--out", str(out), "--workers", "2"])
    assert second.exit_code == 1, second.output
    again = _rows(out / "documents.parquet")
    assert len(again) == len(docs) and all(r["status"] == "skipped" for r in again)
    assert {r["sha256"]: r["errors"] for r in again} == {r["sha256"]: r["errors"] for r in docs.values()}
    for n, rows in before.items():  # nothing lost: the earlier rows are carried over
        assert _rows(out / f"{n}.parquet", FACT_KEY if n == "facts" else ("sha256", "path")) == rows


def test_no_usable_input_exits_2(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert _rows(tmp_path / "out" / "documents.parquet")[0]["status"] == "failed"


def test_zip_input_and_timeout(tmp_path: Path) -> None:
    archive = tmp_path / "docs.zip"
    big = TEXTS[-1].read_text(encoding="utf-8") * 60  # takes seconds to read: past a 2 s limit
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(TEXTS[0], f"a/{TEXTS[0].name}")
        zf.writestr("slow.txt", big)
        zf.writestr("../escape.txt", "x")
        zf.writestr("readme.bin", "not a document")
    out = tmp_path / "out"
    outcome = run_batch([str(archive)], BatchConfig(out_dir=out, workers=2, seconds=2))
    rows = {r["path"].split("!")[-1]: r for r in _rows(out / "documents.parquet")}
    assert set(rows) == {f"a/{TEXTS[0].name}", "slow.txt", "../escape.txt"}
    assert rows[f"a/{TEXTS[0].name}"]["status"] == "ok"
    slow = rows["slow.txt"]
    assert slow["status"] == "failed" and ("时间" in slow["reason"] and "2" in slow["reason"]), slow
    assert rows["../escape.txt"]["status"] == "failed" and "不安全" in rows["../escape.txt"]["reason"]
    assert outcome.ok == 1 and outcome.failed == 2


def test_zip_bomb_refused(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb.txt", "0" * (8 << 20))
    (item,) = extract_zip(archive, tmp_path)
    assert item.problem and "压缩" in item.problem
    assert not list(tmp_path.rglob("bomb.txt"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet="ab./\\:_", min_size=1, max_size=12), min_size=1, max_size=4, unique=True))
def test_zip_members_never_leave_the_folder(tmp_path: Path, names: list[str]) -> None:
    work = tmp_path / "w"
    work.mkdir(exist_ok=True)
    archive = tmp_path / "names.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for n in names:
            zf.writestr(n + ".txt", "x")
    items, _ = discover([str(archive)], work)
    root = work.resolve()
    for item in items:
        if not item.problem:
            assert Path(item.path).resolve().is_relative_to(root)
    outside = {p for p in tmp_path.rglob("*.txt") if not p.resolve().is_relative_to(root)}
    assert not outside


def test_ray_writes_the_same_facts_as_local(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    d = tmp_path / "in"
    d.mkdir()
    for txt in TEXTS[:2]:
        shutil.copy(txt, d / txt.name)
    (d / "empty.txt").write_bytes(b"")
    (d / "slow.txt").write_text(TEXTS[-1].read_text(encoding="utf-8") * 60, encoding="utf-8")  # past 2 s
    run_batch([str(d)], BatchConfig(out_dir=tmp_path / "local", workers=2, seconds=2, summary=False))
    ray_outcome = run_batch([str(d)], BatchConfig(out_dir=tmp_path / "ray", workers=2, seconds=2, engine="ray", summary=False))
    assert ray_outcome.ok == 2 and ray_outcome.failed == 2, ray_outcome.failures
    assert any("时间" in reason for path, reason in ray_outcome.failures if path.endswith("slow.txt"))
    for name, key in (("facts", FACT_KEY), ("findings", ("sha256", "fingerprint", "message")), ("claims", ("sha256", "line", "subject", "raw"))):
        assert _rows(tmp_path / "ray" / f"{name}.parquet", key) == _rows(tmp_path / "local" / f"{name}.parquet", key)
    docs = lambda p: sorted((r["path"], r["status"], r["errors"]) for r in _rows(p / "documents.parquet"))  # noqa: E731
    assert docs(tmp_path / "ray") == docs(tmp_path / "local")


def stuck_or_crashing(task, options):  # noqa: ANN001, ANN201 - run in the pool's workers
    """A per-document function that hangs where the time limit's alarm cannot reach it, or dies."""
    import os
    import signal
    import time

    from juesuan.batch.process import DocResult

    if "hang" in task.shown:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(60)
    if "crash" in task.shown:
        os._exit(1)
    return DocResult(task.shown, task.sha256, "ok")


def test_local_pool_ends_stuck_and_crashing_workers_and_goes_on() -> None:
    from juesuan.batch.engines import CRASH_REASON, EngineOptions, LocalEngine
    from juesuan.batch.process import Task

    tasks = [Task(f"/none/{n}", n, n) for n in ("a", "hang", "b", "crash", "c", "d")]
    engine = LocalEngine(EngineOptions(workers=2, seconds=1, grace=0.5, memory_bytes=0), stuck_or_crashing)
    started = __import__("time").monotonic()
    results = {r.path: r for r in engine.run(tasks)}
    assert __import__("time").monotonic() - started < 30
    assert set(results) == {t.shown for t in tasks}
    assert results["hang"].status == "failed" and "1 秒" in results["hang"].reason
    assert results["crash"].status == "failed" and results["crash"].reason == CRASH_REASON
    assert all(results[n].status == "ok" for n in "abcd")


def test_workers_that_cannot_start_are_an_error_not_a_failure_per_document() -> None:
    from juesuan.batch.engines import EngineOptions, LocalEngine, WorkerStartError
    from juesuan.batch.process import Task

    tasks = [Task(f"/none/{n}", n, n) for n in "abc"]
    engine = LocalEngine(EngineOptions(workers=1, seconds=5, memory_bytes=16 * 1024 * 1024))  # too small to import
    with pytest.raises(WorkerStartError):
        list(engine.run(tasks))
