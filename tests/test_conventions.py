"""Outputs that open right and a command line that follows conventions (issues 17 and 12).

BOM on every CSV, the format from ``-o``'s extension, binary formats kept off terminals,
``--version``, unwrapped text in pipes, exit 3 with a crash report for a bug, user text never read
as markup, encodable output, file names only in reports, unknown ids exit 2, formula
neutralisation, printed cell names for ``mutate``, JSON amounts without separators.
"""

from __future__ import annotations

import io
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from juesuan.cli import app
from juesuan.safe_output import csv_text, encodable, file_name, is_formula_like

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "henan-anyang-beiguan-hrss-2024.txt"


@pytest.fixture(autouse=True)
def _plain_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("JUESUAN_DEBUG", raising=False)
    monkeypatch.delenv("JUESUAN_LANG", raising=False)
    monkeypatch.setenv("JUESUAN_CRASH_DIR", str(tmp_path / "crash"))


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample copied under an absolute temporary folder."""
    folder = tmp_path_factory.mktemp("reviewer-private-folder")
    path = folder / SAMPLE.name
    shutil.copy(SAMPLE, path)
    return path


# --------------------------------------------------------------------------- CSV, formats


def test_parse_csv_starts_with_a_bom_to_a_file_and_to_stdout(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "facts.csv"
    r = run("parse", str(sample), "-o", str(out))  # no --format: the extension says csv
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbftable,row,column,value")
    redirected = tmp_path / "redirected.csv"
    with redirected.open("wb") as fh:  # juesuan parse FILE --format csv > redirected.csv
        proc = subprocess.run([sys.executable, "-m", "juesuan.cli", "parse", str(sample), "-f", "csv"],
                              stdout=fh, stderr=subprocess.PIPE, timeout=120)  # fmt: skip
    assert proc.returncode == 0 and redirected.read_bytes().startswith(b"\xef\xbb\xbftable,")
    r = run("parse", str(sample), "--format", "csv")  # a pipe to another program: no BOM
    assert r.stdout_bytes.startswith(b"table,")


def test_check_csv_report_has_a_bom(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "findings.csv"
    r = run("check", str(sample), "-o", str(out), "--fail-on", "never")
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbfsource,rule,")


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("r.html", b"<!DOCTYPE html>"),
        ("r.HTM", b"<!DOCTYPE html>"),
        ("r.xlsx", b"PK\x03\x04"),
        ("r.md", "# 部门决算检查报告".encode()),
        ("r.json", b"{"),
        ("r.txt", "部门决算检查报告".encode()),
    ],
)
def test_output_extension_picks_the_report_format(sample: Path, tmp_path: Path, name: str, start: bytes) -> None:
    out = tmp_path / name
    r = run("check", str(sample), "-o", str(out), "--fail-on", "never")
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(start)


def test_explicit_format_wins_over_the_extension(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert run("check", str(sample), "-f", "json", "-o", str(out), "--fail-on", "never").exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["schema_version"]
    out = tmp_path / "f.csv"
    assert run("parse", str(sample), "-f", "json", "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith(b"{")


def test_unknown_extension_is_refused_in_one_line(sample: Path, tmp_path: Path) -> None:
    r = run("check", str(sample), "-o", str(tmp_path / "r.docx"))
    assert r.exit_code == 2
    assert ".docx" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r.docx").exists()


def _run_on_terminal(*args: str) -> tuple[int, str]:
    """The command with its stdout on a pseudo-terminal: (exit code, what the terminal showed)."""
    master, slave = pty.openpty()
    env = {**os.environ, "JUESUAN_CRASH_DIR": os.environ["JUESUAN_CRASH_DIR"]}
    proc = subprocess.Popen(
        [sys.executable, "-m", "juesuan.cli", *args], stdout=slave, stderr=subprocess.PIPE, env=env
    )
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    _, stderr = proc.communicate(timeout=120)
    return proc.returncode, shown.decode("utf-8", "replace") + stderr.decode("utf-8", "replace")


def test_binary_formats_refuse_to_go_to_a_terminal(sample: Path) -> None:
    code, shown = _run_on_terminal("check", str(sample), "-f", "xlsx")
    assert code == 2
    assert "XLSX" in shown and "PK" not in shown and "Traceback" not in shown


def test_binary_format_may_go_to_a_pipe(sample: Path) -> None:
    r = run("check", str(sample), "-f", "xlsx", "--fail-on", "never")
    assert r.exit_code == 0 and r.stdout_bytes.startswith(b"PK")


def test_version() -> None:
    from juesuan import __version__

    r = run("--version")
    assert r.exit_code == 0 and r.stdout.strip() == f"juesuan {__version__}"


def test_text_in_a_pipe_is_not_wrapped(sample: Path) -> None:
    r = run("check", str(sample), "--fail-on", "never")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert max(len(x) for x in lines) > 80  # long lines stay long
    report = json.loads(run("check", str(sample), "-f", "json", "--fail-on", "never").stdout)
    for f in report["findings"]:
        message = " ".join(f["message"].split())
        assert any(message in line for line in lines), message  # each message on one line
    assert all(line == line.rstrip() for line in lines)  # no padding to a width


# --------------------------------------------------------------------------- errors


def test_a_bug_exits_3_with_a_crash_report_and_no_traceback(
    sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import juesuan.rules

    def broken(doc):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("injected for the test")

    monkeypatch.setattr(juesuan.rules, "check", broken)
    r = run("check", str(sample), "-f", "json")
    assert r.exit_code == 3
    assert "Traceback" not in r.stderr and "ZeroDivisionError" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and r.stdout == ""
    reports = list((tmp_path / "crash").glob("juesuan-crash-*.txt"))
    assert len(reports) == 1 and str(reports[0]) in r.stderr
    text = reports[0].read_text(encoding="utf-8")
    assert "Traceback" in text and "ZeroDivisionError: injected for the test" in text


_MARKUP = st.text(alphabet="[]/ab ", min_size=1, max_size=12).map(lambda s: f"x{s}[/bold]y")


@settings(max_examples=15, deadline=None)
@given(name=_MARKUP)
def test_file_names_are_never_read_as_markup(name: str) -> None:
    name = name.replace("/", "_")
    r = run("check", f"/nonexistent-folder/{name}.txt")
    assert r.exit_code == 2, r.stderr
    assert f"{name}.txt" in r.stderr and "Traceback" not in r.stderr


def test_markup_in_a_stored_file_name_and_department(tmp_path: Path) -> None:
    folder = tmp_path / "in [red]x"  # a file name cannot hold "/", so no closing tags here
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "[bold]a[i] [link=x].txt")
    r = run("ingest", str(folder), "--db", str(tmp_path / "j.db"))
    assert r.exit_code == 0, r.stderr
    assert "[bold]a[i] [link=x].txt" in r.stderr and "新入库 1" in r.stderr


def test_messages_never_name_exception_classes(tmp_path: Path) -> None:
    r = run("ingest", str(SAMPLE), "--db", "nosuchdialect://x")
    assert r.exit_code == 2
    assert not re.search(r"\b[A-Z]\w+(Error|Exception)\b", r.stderr), r.stderr


def test_output_is_always_encodable(tmp_path: Path) -> None:
    from juesuan.cli_output import write_output

    out = tmp_path / "x.txt"
    write_output(out, "坏\udcff字")
    assert out.read_text(encoding="utf-8") == "坏\ufffd字"
    assert encodable("a\ud800b") == "a\ufffdb"


# --------------------------------------------------------------------------- reports


def _all_text(data: bytes) -> str:
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return data.decode("utf-8", "replace")


def test_no_report_names_the_folder_of_its_input(sample: Path, tmp_path: Path) -> None:
    folder = str(sample.parent)
    outputs = []
    for name in ("r.txt", "r.json", "r.md", "r.html", "r.xlsx", "r.csv"):
        out = tmp_path / name
        assert run("check", str(sample), "-o", str(out), "--fail-on", "never").exit_code == 0
        outputs.append((name, out.read_bytes()))
    for args in (("-f", "json"), ("-f", "csv"), ("--claims",)):
        outputs.append((" ".join(args), run("parse", str(sample), *args).stdout_bytes))
    outputs.append(("terminal", run("check", str(sample), "--fail-on", "never").stdout_bytes))
    for name, data in outputs:
        text = _all_text(data)
        assert folder not in text and "reviewer-private-folder" not in text, name
    assert SAMPLE.name in _all_text(outputs[0][1])


def test_json_amounts_have_no_separators_and_keep_the_printed_text(sample: Path) -> None:
    report = json.loads(run("check", str(sample), "-f", "json", "--fail-on", "never").stdout)
    assert report["schema_version"]
    cells = [c for f in report["findings"] for c in f["cells"]]
    assert cells and all("raw" in c for c in cells)
    assert any("," in c["raw"] for c in cells)  # the sample prints thousands separators
    for c in cells:
        assert "," not in c["value"]
        if c["value"] and c["raw"].replace(",", "").replace("-", "").replace(".", "").isdigit():
            assert Decimal(c["value"]) == Decimal(c["raw"].replace(",", ""))
    for f in report["findings"]:
        for k in ("expected", "printed", "difference"):
            assert f[k] is None or "," not in f[k]
    facts = json.loads(run("parse", str(sample)).stdout)
    assert facts["schema_version"] and facts["document"]["source"] == SAMPLE.name


# --------------------------------------------------------------------------- store commands


def test_unknown_document_id_exits_2_and_empty_exports_say_so(tmp_path: Path) -> None:
    db = str(tmp_path / "j.db")
    r = run("export", "-o", str(tmp_path / "f.csv"), "--db", db)
    assert r.exit_code == 0 and "没有" in r.stderr
    assert (tmp_path / "f.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    r = run("export", "-o", str(tmp_path / "g.csv"), "--db", db, "--document", "12345")
    assert r.exit_code == 2 and "12345" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_export_format_from_the_extension(tmp_path: Path) -> None:
    db = str(tmp_path / "j.db")
    assert run("ingest", str(SAMPLE), "--db", db).exit_code == 0
    assert run("export", "-o", str(tmp_path / "f.xlsx"), "--db", db).exit_code == 0
    assert (tmp_path / "f.xlsx").read_bytes().startswith(b"PK")
    assert run("export", "-o", str(tmp_path / "pkg"), "--db", db).exit_code == 0
    assert (tmp_path / "pkg" / "datapackage.json").is_file()


# --------------------------------------------------------------------------- mutate


def test_mutate_takes_printed_names(tmp_path: Path) -> None:
    out = tmp_path / "planted.txt"
    r = run("mutate", str(SAMPLE), "--table", "支出决算表", "--row", "合计", "--column", "基本支出",
            "--value", "1.23", "-o", str(out))  # fmt: skip
    assert r.exit_code == 0, r.stderr
    assert "expenditure/total/basic" in r.stderr
    report = json.loads(run("check", str(out), "-f", "json").stdout)
    assert any(
        c["table"] == "expenditure" and c["row"] == "total" and c["column"] == "basic" and c["value"] == "1.23"
        for f in report["findings"] if f["severity"] == "error" for c in f["cells"]
    )  # fmt: skip


def test_mutate_lists_valid_keys_when_a_name_is_wrong(tmp_path: Path) -> None:
    r = run("mutate", str(SAMPLE), "--table", "expenditure", "--row", "total", "--column", "奖金",
            "--value", "1", "-o", str(tmp_path / "x.txt"))  # fmt: skip
    assert r.exit_code == 2
    assert "奖金" in r.stderr and "basic（基本支出）" in r.stderr and "Traceback" not in r.stderr
    r = run("mutate", str(SAMPLE), "--table", "决算表X", "--row", "total", "--column", "basic",
            "--value", "1", "-o", str(tmp_path / "x.txt"))  # fmt: skip
    assert r.exit_code == 2 and "expenditure（支出决算表）" in r.stderr


# --------------------------------------------------------------------------- language


def test_help_is_chinese_and_english_on_request() -> None:
    r = run("check", "--help")
    assert r.exit_code == 0 and "按全部规则检查" in r.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "juesuan.cli", "--lang", "en", "check", "--help"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0 and "Run every rule" in proc.stdout and "按全部规则检查" not in proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "juesuan.cli", "--lang", "en", "check", str(SAMPLE), "-o", "r.docx"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2 and "cannot tell the output format" in proc.stderr


# --------------------------------------------------------------------------- neutralisation


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["=", "+", "-", "@", "\t", "\r"]), st.text(min_size=1, max_size=10))
def test_formula_prefixes_are_neutralised_in_text(prefix: str, rest: str) -> None:
    text = prefix + rest
    if re.fullmatch(r"[+-]?(\d[\d,]*)?(\.\d+)?%?", text):
        assert csv_text(text) == text  # a number
    else:
        assert is_formula_like(text) and csv_text(text) == "'" + encodable(text)


@settings(max_examples=40, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**9, max_value=10**9))
def test_numbers_are_never_neutralised(value: Decimal) -> None:
    text = format(value, "f")
    assert csv_text(text) == text and csv_text(f"{value:,f}") == f"{value:,f}"


def test_parse_csv_neutralises_labels() -> None:
    from juesuan.factsio import to_csv
    from juesuan.model import Document, Fact, Provenance

    fact = Fact("perf_project", "ind.1", "actual", Decimal(1), "=100%", Provenance(line=3), "@SUM(A1)")
    doc = Document("/home/someone/x.txt", "text", None, None, "万元", [], [fact])
    text = to_csv(doc)
    assert "'=100%" in text and "'@SUM(A1)" in text and ",1," in text


def test_file_name_handles_both_separators() -> None:
    assert file_name("C:\\Users\\张三\\决算.pdf") == "决算.pdf"
    assert file_name("/home/a/b.txt") == "b.txt" and file_name("b.txt") == "b.txt"


def test_resolve_cell_by_code_label_and_ambiguity() -> None:
    from juesuan.model import Document, Fact, Provenance
    from juesuan.mutate_text import CellNameError, resolve_cell

    def fact(row: str, label: str) -> Fact:
        return Fact("gpb_expenditure", row, "basic", Decimal(1), "1.00", Provenance(line=1), label)

    doc = Document("x.txt", "text", None, None, "万元", [], [fact("2010101", "行政运行"), fact("2080101", "行政运行")])
    assert resolve_cell(doc, "一般公共预算财政拨款支出决算表", "2080101 行政运行", "基本支出") == (
        "gpb_expenditure", "2080101", "basic",
    )  # fmt: skip
    with pytest.raises(CellNameError, match="不唯一") as info:
        resolve_cell(doc, "gpb_expenditure", "行政运行", "basic")
    assert "2010101" in str(info.value) and "2080101" in str(info.value)


def test_pdf_report_needs_a_browser_and_says_so(sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUESUAN_CHROMIUM", str(tmp_path / "no-such-browser"))
    r = run("check", str(sample), "-o", str(tmp_path / "r.pdf"))
    assert r.exit_code == 2 and "Chromium" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_pdf_report_from_the_extension(sample: Path, tmp_path: Path) -> None:
    from juesuan.report.pdf import find_browser

    if find_browser() is None:
        pytest.skip("no Chromium/Chrome to print the PDF report with")
    out = tmp_path / "r.pdf"
    r = run("check", str(sample), "-o", str(out), "--fail-on", "never")
    assert r.exit_code == 0, r.stderr
    assert out.read_bytes().startswith(b"%PDF-")
