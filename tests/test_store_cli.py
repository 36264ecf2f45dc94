"""``juesuan ingest`` / ``export`` / ``serve`` (the functions the main app registers)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from test_store import CORPUS, CORPUS_TEXTS
from typer.testing import CliRunner

from juesuan.cli_store import register
from juesuan.store import open_store
from juesuan.store import schema as S

app = typer.Typer()
register(app)
runner = CliRunner()


def need_corpus() -> None:
    if not CORPUS_TEXTS:
        pytest.skip(f"corpus texts not found at {CORPUS}")


def test_commands_are_registered() -> None:
    names = {c.name for c in app.registered_commands}
    assert names == {"ingest", "export", "serve"}


def test_ingest_continues_past_failures(tmp_path: Path) -> None:
    need_corpus()
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    bad = tmp_path / "prose.txt"
    bad.write_text("没有表格。\n", encoding="utf-8")
    texts = CORPUS_TEXTS[:2]
    args = ["ingest", *map(str, texts), str(bad), str(tmp_path / "missing.txt"), "--db", db]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "2 个文件失败" in r.output and "prose.txt" in r.output and "missing.txt" in r.output
    assert f"新入库 {len(texts)}" in r.output
    st = open_store(db)
    assert st.count_documents() == len(texts)
    st.close()
    # again: everything already there, still a success
    again = runner.invoke(app, ["ingest", str(CORPUS_TEXTS[0]), "--db", db])
    assert again.exit_code == 0 and "已存在 1" in again.output
    # only failures: exit 2
    allbad = runner.invoke(app, ["ingest", str(bad), "--db", db])
    assert allbad.exit_code == 2 and "失败 1" in allbad.output
    assert runner.invoke(app, ["ingest", "--db", db]).exit_code == 2  # nothing to do
    # --recheck: documents not yet checked under the current rules version get checked
    st = open_store(db)
    with st.engine.begin() as conn:
        conn.execute(S.findings.delete())
        conn.execute(S.checks.delete())
    st.close()
    re = runner.invoke(app, ["ingest", "--recheck", "--db", db])
    assert re.exit_code == 0 and f"重新检查 {len(texts)} 个文档" in re.output, re.output


def test_ingest_uses_env_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    need_corpus()
    monkeypatch.setenv("JUESUAN_DB", f"sqlite:///{tmp_path / 'env.db'}")
    r = runner.invoke(app, ["ingest", str(CORPUS_TEXTS[0])])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "env.db").exists()


def test_export_formats(tmp_path: Path) -> None:
    need_corpus()
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["ingest", str(CORPUS_TEXTS[0]), "--db", db]).exit_code == 0
    for what, fmt, out in (  # every format's content is tested in test_export.py
        ("facts", "csv", "f.csv"),
        ("findings", "datapackage", "dp"),
        ("findings", "xlsx", "g.xlsx"),
    ):
        target = tmp_path / out
        r = runner.invoke(app, ["export", "--db", db, "--what", what, "--format", fmt, "-o", str(target)])
        assert r.exit_code == 0, r.output
        assert target.exists()
    assert (tmp_path / "f.csv").read_bytes().startswith(b"\xef\xbb\xbfdocument_id,")
    assert (tmp_path / "dp" / "datapackage.json").exists()
    bad = runner.invoke(app, ["export", "--db", db, "--format", "ods", "-o", str(tmp_path / "x")])
    assert bad.exit_code != 0


def test_serve_refuses_open_bind_without_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.delenv("JUESUAN_TOKEN", raising=False)
    db = f"sqlite:///{tmp_path / 's.db'}"
    r = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--db", db])
    assert r.exit_code == 2 and "JUESUAN_TOKEN" in r.output and not calls

    r = runner.invoke(app, ["serve", "--db", db, "--port", "8123", "--uploads", str(tmp_path / "up")])
    assert r.exit_code == 0, r.output
    # proxy headers are read by the app (only from --forwarded-allow-ips), never by uvicorn
    assert calls[-1][1] == {"host": "127.0.0.1", "port": 8123, "log_level": "info", "proxy_headers": False}
    assert calls[-1][0].state.require_token is False

    monkeypatch.setenv("JUESUAN_TOKEN", "tok")
    r = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--db", db])
    assert r.exit_code == 0 and calls[-1][0].state.require_token is True


def test_serve_off_loopback_with_users_needs_no_shared_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from juesuan.store import open_store

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.delenv("JUESUAN_TOKEN", raising=False)
    db = f"sqlite:///{tmp_path / 's.db'}"
    with open_store(db) as store:
        store.add_user("审核员甲", "reviewer", password="a long enough password")
    r = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--db", db, "--uploads", str(tmp_path / "up")])
    assert r.exit_code == 0, r.output
    assert calls and calls[-1][1]["host"] == "0.0.0.0"
