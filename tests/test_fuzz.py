"""Hostile and broken inputs: ``juesuan check`` never crashes, hangs or blows up memory.

Every case runs ``juesuan check FILE --format json`` in a subprocess under ``resource`` limits
(address space ~1.5 GiB, CPU time, wall-clock timeout) and must end with exit 0/1/2 (never 3 or
a signal), no "Traceback" on stderr, exactly one line on stderr for exit 2, and strict JSON on
stdout for exit 0/1.

* the hostile cases (every one named in issue 12) are built here, in the test: no committed
  binaries;
* hypothesis mutates the corpus files of every format (text, PDF, DOCX, XLSX, HTML; the Office
  files rendered from the corpus text by ``tests/render_office.py``): raw byte damage, and for
  the ZIP formats damage inside a package part.

CI runs a fixed small budget; ``make fuzz`` runs many more examples
(``JUESUAN_FUZZ_EXAMPLES``, default 2 per format here). Outcomes are counted by format and exit
code and printed at the end of the session (``-s`` shows them; ``JUESUAN_FUZZ_REPORT=path``
writes them as JSON).
"""

from __future__ import annotations

import atexit
import collections
import io
import json
import os
import random
import re
import resource
import shutil
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path("/work/shared/corpus")
EXAMPLES = int(os.environ.get("JUESUAN_FUZZ_EXAMPLES", "2"))
TIMEOUT = float(os.environ.get("JUESUAN_FUZZ_TIMEOUT", "60"))
MEMORY = int(1.5 * 1024**3)  # RLIMIT_AS of the child

OUTCOMES: collections.Counter[tuple[str, str]] = collections.Counter()


def _report() -> None:  # pragma: no cover - output only
    if not OUTCOMES:
        return
    table = {f"{fmt}/{outcome}": n for (fmt, outcome), n in sorted(OUTCOMES.items())}
    out = os.environ.get("JUESUAN_FUZZ_REPORT")
    if out:
        Path(out).write_text(json.dumps(table, ensure_ascii=False, indent=1))
    sys.stderr.write("\nfuzz outcomes: " + json.dumps(table, ensure_ascii=False) + "\n")


atexit.register(_report)


def _limit_child() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    cpu = int(TIMEOUT) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _strict_json(text: str) -> object:
    def bad_constant(name: str) -> object:
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=bad_constant)


def run_check(path: Path, fmt: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """``juesuan check path --format json`` under the harness limits; asserts the property."""
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    full_env.pop("JUESUAN_DEBUG", None)
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "juesuan.cli", "check", str(path), "--format", "json"],
            capture_output=True, timeout=TIMEOUT, preexec_fn=_limit_child, env=full_env, stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        OUTCOMES[(fmt, "hang")] += 1
        pytest.fail(f"{path.name}: still running after {TIMEOUT:.0f} s")
    elapsed = time.monotonic() - started
    stderr = proc.stderr.decode("utf-8", "replace")
    outcome = {0: "clean", 1: "findings", 2: "refused"}.get(proc.returncode, f"exit {proc.returncode}")
    OUTCOMES[(fmt, outcome)] += 1
    assert proc.returncode in (0, 1, 2), f"{path.name}: exit {proc.returncode} after {elapsed:.1f} s\n{stderr[-3000:]}"
    assert "Traceback" not in stderr, stderr[-3000:]
    if proc.returncode == 2:
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert len(lines) == 1, f"{path.name}: {len(lines)} lines on stderr:\n{stderr[-3000:]}"
        for needle in ("Error:", "Errno", "Exception", "zlib", "Traceback"):
            assert needle not in lines[0], lines[0]
    else:
        _strict_json(proc.stdout.decode("utf-8"))
    return proc


# --------------------------------------------------------------------------- hostile files


def _zip(path: Path, parts: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


_CT_DOCX = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/></Types>'
)
_RELS_DOCX = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(path: Path, body: str) -> Path:
    doc = f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>{body}</w:body></w:document>'
    return _zip(path, {"[Content_Types].xml": _CT_DOCX, "_rels/.rels": _RELS_DOCX, "word/document.xml": doc})


def _docx_table(path: Path, tr_pr: str = "", tc_pr: str = "", rows: int = 3) -> Path:
    row = (
        f"<w:tr>{tr_pr}<w:tc>{tc_pr}<w:p><w:r><w:t>项目</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>100.00</w:t></w:r></w:p></w:tc></w:tr>"
    )
    body = "<w:p><w:r><w:t>收入支出决算总表</w:t></w:r></w:p><w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
    return _docx(path, body + row * rows + "</w:tbl>")


def _xlsx(path: Path, build: Callable) -> Path:  # type: ignore[type-arg]
    from openpyxl import Workbook

    wb = Workbook()
    build(wb)
    wb.save(path)
    return path


def _xlsx_parts(path: Path, sheets: list[str], merges: list[list[str]] | None = None) -> Path:
    """A minimal workbook written part by part (openpyxl would refuse to write some hostile ones)."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
                f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(len(sheets))
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} {rns}><sheets>'
            + "".join(f'<sheet name="S{i + 1}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i in range(len(sheets)))
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                f'relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                for i in range(len(sheets))
            )
            + "</Relationships>"
        ),
    }
    for i, data in enumerate(sheets):
        merge = ""
        if merges and merges[i]:
            merge = f'<mergeCells count="{len(merges[i])}">' + "".join(
                f'<mergeCell ref="{m}"/>' for m in merges[i]
            ) + "</mergeCells>"
        parts[f"xl/worksheets/sheet{i + 1}.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><sheetData>{data}</sheetData>{merge}</worksheet>'
        )
    return _zip(path, parts)


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


_TABLE_TXT = (
    "收入支出决算总表\n公开01表\n金额单位：万元\n"
    "项目\t\t本年收入合计\t财政拨款收入\n"
    "合计\t\t{a}\t{a}\n"
    "208\t社会保障和就业支出\t{a}\t{a}\n"
)


def _text(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _zip_bomb(path: Path, member: str, size: int, prefix: bytes = b"", parts: dict | None = None) -> Path:  # type: ignore[type-arg]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in (parts or {}).items():
            zf.writestr(name, data)
        with zf.open(member, "w", force_zip64=True) as out:
            out.write(prefix)
            chunk = b" " * (1 << 22)
            left = size
            while left > 0:
                out.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
    return path


def _pdf_bomb(path: Path, inflated: int) -> Path:
    import zlib

    comp = zlib.compressobj(1)
    chunk = b"0 0 m\n" * (1 << 18)
    blob = b"".join(comp.compress(chunk) for _ in range(inflated // len(chunk))) + comp.flush()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(blob) + blob + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


def _deep_html(path: Path, depth: int, encoding: str = "utf-8") -> Path:
    html = "<html><body>" + "<div>" * depth + "收入支出决算总表" + "</div>" * depth + "</body></html>"
    path.write_bytes(html.encode(encoding))
    return path


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _full_width_merged_rows(path: Path) -> Path:
    rows = "".join(f'<row r="{r}">{_cell(f"A{r}", f"第{r}行")}</row>' for r in range(1, 2001))
    return _xlsx_parts(path, [rows], [[f"A{r}:XFD{r}" for r in range(1, 2001)]])


def _many_empty_rows(path: Path, n: int) -> Path:
    rows = _cell("A1", "收入决算表")
    data = f'<row r="1">{rows}</row>' + "".join(f'<row r="{r}"/>' for r in range(2, n))
    return _xlsx_parts(path, [data])


def _xlsx_numbers(path: Path) -> Path:
    def build(wb):  # type: ignore[no-untyped-def]
        ws = wb.active
        ws.title = "收入决算表"
        ws.append(["项目", "金额", "比例"])
        ws.append(["合计", 1e300, 1e300])
        ws.append(["其他", 1234.5, 0.5])
        ws["B2"].number_format = "0.00"
        ws["C2"].number_format = "0." + "0" * 30
        ws["C3"].number_format = "0." + "0" * 30 + "%"
        ws["B3"].number_format = "#,##0.00,,,,,,,,,,,,"

    return _xlsx(path, build)


def _sheets(path: Path, n: int) -> Path:
    def build(wb):  # type: ignore[no-untyped-def]
        wb.active.title = "S0"
        wb.active["A1"] = "收入决算表"
        for i in range(1, n):
            wb.create_sheet(f"S{i}")["A1"] = i

    return _xlsx(path, build)


BIG5_TABLE = (
    "收入支出決算總表\n公開01表\n金額單位：萬元\n項目\t\t本年收入合計\t財政撥款收入\n"
    "合計\t\t10.00\t10.00\n208\t社會保障和就業支出\t10.00\t10.00\n"
)


def _big5(path: Path) -> Path:
    return _text(path, BIG5_TABLE.encode("big5"))


TABLE = _TABLE_TXT.format(a="10.00")

HOSTILE: dict[str, tuple[str, Callable[[Path], Path], dict[str, str]]] = {
    # text: amounts outside the money range, encodings, damage
    "amount-29-digits": ("text", lambda d: _text(d / "a.txt", _TABLE_TXT.format(a="1" * 29 + ".00").encode()), {}),
    "amount-1e300": ("text", lambda d: _text(d / "a.txt", _TABLE_TXT.format(a="1" + "0" * 300).encode()), {}),
    "amount-nan-inf": ("text", lambda d: _text(d / "a.txt", TABLE.replace("\t10.00\t10.00\n", "\tNaN\tInfinity\n", 1).encode()), {}),
    "amount-long-fraction": ("text", lambda d: _text(d / "a.txt", _TABLE_TXT.format(a="1." + "3" * 40).encode()), {}),
    "one-bad-byte": ("text", lambda d: _text(d / "a.txt", TABLE.encode().replace("社会".encode(), "社".encode() + b"\xff", 1)), {}),
    "three-bad-bytes": ("text", lambda d: _text(d / "a.txt", TABLE.encode().replace("社会".encode(), b"\xff\xfe\x80", 1)), {}),
    "final-char-cut": ("text", lambda d: _text(d / "a.txt", (TABLE + "说明").encode()[:-1]), {}),
    "utf16-bom": ("text", lambda d: _text(d / "a.txt", TABLE.encode("utf-16")), {}),
    "utf16le-no-bom": ("text", lambda d: _text(d / "a.txt", TABLE.encode("utf-16-le")), {}),
    "utf16be-no-bom": ("text", lambda d: _text(d / "a.txt", TABLE.encode("utf-16-be")), {}),
    "utf16-odd-length": ("text", lambda d: _text(d / "a.txt", TABLE.encode("utf-16")[:-1]), {}),
    "utf16-lone-surrogate": ("text", lambda d: _text(d / "a.txt", TABLE.encode("utf-16-le") + b"\x00\xd8a\x00"), {}),
    "utf32": ("text", lambda d: _text(d / "a.txt", TABLE.encode("utf-32")), {}),
    "big5": ("text", lambda d: _big5(d / "a.txt"), {}),
    "binary": ("text", lambda d: _text(d / "a.txt", random.Random(1).randbytes(20000)), {}),
    "empty": ("text", lambda d: _text(d / "a.txt", b""), {}),
    "text-past-limit": ("text", lambda d: _text(d / "a.txt", TABLE.encode() * 20000), {"JUESUAN_MAX_TEXT_BYTES": "100000"}),
    "two-million-lines": ("text", lambda d: _text(d / "a.txt", TABLE.encode() + b"a\n" * 2_000_000), {}),
    "very-wide-tab-row": ("text", lambda d: _text(d / "a.txt", TABLE.encode() + b"\t" * 3_000_000 + b"x\n"), {}),
    "markup-in-name": ("text", lambda d: (d / "[").mkdir() or _text(d / "[" / "x][bold]a.txt", TABLE.replace("社会", "[/x]社会").encode()), {}),
    # file-system oddities
    "fifo": ("fs", lambda d: _fifo(d / "pipe.txt"), {}),
    "directory": ("fs", lambda d: (d / "dir.pdf").mkdir() or d / "dir.pdf", {}),
    "device": ("fs", lambda d: Path("/dev/zero"), {}),
    "symlink-to-device": ("fs", lambda d: (d / "z.txt").symlink_to("/dev/zero") or d / "z.txt", {}),
    "missing": ("fs", lambda d: d / "missing.txt", {}),
    # HTML
    "html-deep-100k": ("html", lambda d: _deep_html(d / "a.html", 100_000), {}),
    "html-deep-3k": ("html", lambda d: _deep_html(d / "a.html", 3_000), {}),
    "html-utf16-odd": ("html", lambda d: _text(d / "a.html", ("<html><body><p>收入</p></body></html>").encode("utf-16")[:-1]), {}),
    "html-huge-spans": ("html", lambda d: _text(d / "a.html", ("<table>" + "<tr>" + '<td colspan="999999" rowspan="999999">x</td>' * 200 + "</tr>" * 50 + "</table>").encode()), {}),
    "html-past-size-limit": ("html", lambda d: _text(d / "a.html", b"<html><body>" + b"<p>x</p>" * 300_000), {"JUESUAN_MAX_HTML_BYTES": "1000000"}),
    "html-past-time-limit": ("html", lambda d: _text(d / "a.html", b"<html><body>" + b"<b>x</b>" * 600_000), {"JUESUAN_MAX_SECONDS": "2"}),
    "html-bad-charset": ("html", lambda d: _text(d / "a.html", b'<html><meta charset="rot13"><body><p>\xd5\xe2</p></body></html>'), {}),
    # DOCX
    "docx-gridspan-huge": ("docx", lambda d: _docx_table(d / "a.docx", tc_pr='<w:tcPr><w:gridSpan w:val="200000000"/></w:tcPr>'), {}),
    "docx-gridbefore-huge": ("docx", lambda d: _docx_table(d / "a.docx", tr_pr='<w:trPr><w:gridBefore w:val="200000000"/></w:trPr>'), {}),
    "docx-gridspan-many": ("docx", lambda d: _docx_table(d / "a.docx", tc_pr='<w:tcPr><w:gridSpan w:val="16000"/></w:tcPr>', rows=2000), {}),
    "docx-zip-bomb": ("docx", lambda d: _zip_bomb(d / "a.docx", "word/document.xml", 300 * 1024**2, b"<?xml version='1.0'?>",
                                                   {"[Content_Types].xml": _CT_DOCX, "_rels/.rels": _RELS_DOCX}), {}),
    "docx-truncated": ("docx", lambda d: _text(d / "a.docx", _docx_table(d / "b.docx").read_bytes()[:300]), {}),
    "docx-not-zip": ("docx", lambda d: _text(d / "a.docx", b"PK\x03\x04" + b"\x00" * 100), {}),
    # XLSX
    "xlsx-merge-whole-sheet": ("xlsx", lambda d: _xlsx_parts(d / "a.xlsx", [f'<row r="1">{_cell("A1", "收入决算表")}</row>'], [["A1:XFD1048576"]]), {}),
    "xlsx-full-width-merged-rows": ("xlsx", lambda d: _full_width_merged_rows(d / "a.xlsx"), {}),
    "xlsx-1000-sheets": ("xlsx", lambda d: _xlsx_parts(d / "a.xlsx", [f'<row r="1">{_cell("A1", str(i))}</row>' for i in range(1000)]), {}),
    "xlsx-300-sheets-openpyxl": ("xlsx", lambda d: _sheets(d / "a.xlsx", 300), {}),
    "xlsx-many-empty-rows": ("xlsx", lambda d: _many_empty_rows(d / "a.xlsx", 1_000_000), {}),
    "xlsx-numbers-1e300-30-decimals": ("xlsx", lambda d: _xlsx_numbers(d / "a.xlsx"), {}),
    "xlsx-zip-bomb": ("xlsx", lambda d: _zip_bomb(d / "a.xlsx", "xl/worksheets/sheet1.xml", 64 * 1024**2, b"<?xml version='1.0'?>"), {"JUESUAN_MAX_PART_BYTES": str(32 * 1024**2)}),
    # PDF
    "pdf-stream-bomb": ("pdf", lambda d: _pdf_bomb(d / "a.pdf", 512 * 1024**2), {}),
    "pdf-truncated": ("pdf", lambda d: _text(d / "a.pdf", (CORPUS / "pdf" / "shanghai-putuo-socialwork-2024.pdf").read_bytes()[:5000]), {}),
    "pdf-header-only": ("pdf", lambda d: _text(d / "a.pdf", b"%PDF-1.7\n"), {}),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_case(case, tmp_path):
    fmt, build, env = HOSTILE[case]
    if fmt == "pdf" and not (CORPUS / "pdf").is_dir() and case == "pdf-truncated":
        pytest.skip("corpus not available")
    path = build(tmp_path)
    started = time.monotonic()
    proc = run_check(path, fmt, env)
    if fmt == "fs":
        assert proc.returncode == 2
        assert time.monotonic() - started < 20  # refused at once, never read
    if case.startswith(("utf16", "utf32", "one-bad-byte", "three-bad-bytes", "final-char-cut")):
        assert proc.returncode in (0, 1), proc.stderr.decode()  # read, not refused
    if env:  # a limit lowered for the case: refused, naming it
        assert proc.returncode == 2 and "JUESUAN_MAX_" in proc.stderr.decode(), proc.stderr.decode()
    if case == "big5":  # decoded (traditional table names may still not be recognised)
        assert "不是文本" not in proc.stderr.decode() and "编码" not in proc.stderr.decode()


# --------------------------------------------------------------------------- mutations of the corpus


def _seeds(tmp: Path) -> dict[str, Path]:
    """One seed file per format: a corpus text, its DOCX/XLSX/HTML renderings, the smallest PDF."""
    sys.path.insert(0, str(Path(__file__).parent))
    from render_office import load_parts, render_docx, render_html, render_xlsx

    txt = CORPUS / "henan-anyang-beiguan-hrss-2024.txt"
    parts = load_parts(txt)
    seeds = {"text": txt}
    seeds["docx"] = render_docx(parts, tmp / "seed.docx")
    seeds["xlsx"] = render_xlsx(parts, tmp / "seed.xlsx")
    seeds["html"] = render_html(parts, tmp / "seed.html")
    try:
        from render_office import xlsx_to_xls

        seeds["xls"] = xlsx_to_xls(seeds["xlsx"], tmp / "seed.xls")
    except ImportError:  # xlwt missing
        pass
    pdfs = sorted((CORPUS / "pdf").glob("*.pdf"), key=lambda p: p.stat().st_size)
    if pdfs:
        seeds["pdf"] = pdfs[0]
    return seeds


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    if not CORPUS.is_dir():
        pytest.skip("corpus not available")
    return _seeds(tmp_path_factory.mktemp("seeds"))


def _mutate(data: bytes, ops: list[tuple[str, float, int, bytes]]) -> bytes:
    buf = bytearray(data)
    for op, where, n, blob in ops:
        i = int(where * len(buf)) if buf else 0
        if op == "flip":
            for k in range(i, min(i + n, len(buf))):
                buf[k] ^= 0xFF
        elif op == "truncate":
            del buf[max(i, 1):]
        elif op == "insert":
            buf[i:i] = blob
        elif op == "duplicate":
            buf[i:i] = buf[i : i + n * 64]
        elif op == "delete":
            del buf[i : i + n]
    return bytes(buf)


_OPS = st.lists(
    st.tuples(
        st.sampled_from(["flip", "truncate", "insert", "duplicate", "delete"]),
        st.floats(0, 1, allow_nan=False),
        st.integers(1, 64),
        st.binary(min_size=1, max_size=64),
    ),
    min_size=1,
    max_size=4,
)

_XML_OPS = st.lists(
    st.tuples(
        st.sampled_from(["flip", "truncate", "insert", "duplicate", "delete"]),
        st.floats(0, 1, allow_nan=False),
        st.integers(1, 16),
        st.sampled_from([b"<", b">", b"</w:tc>", b"<w:tr>", b'w:val="99999999"', b"&#0;", b"\x00",
                         b'<mergeCell ref="A1:XFD9"/>', b"<row>", b"1E+300", b"NaN", b"\xff"]),
    ),
    min_size=1,
    max_size=3,
)

_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/worksheets/sheet1.xml"}

# Damage that keeps the XML well-formed: values in text nodes and attributes (what reaches the
# readers' own logic rather than the XML parser).
_TEXT_NODE = re.compile(rb">([^<]+)<")
_ATTR_VALUE = re.compile(rb'((?:w:val|ref|r|s|t|colspan|rowspan|gridSpan)=")([^"]*)(")')
_VALUES = st.sampled_from([
    b"1E+300", b"-1E+300", b"NaN", b"inf", b"1" * 29, b"0." + b"0" * 40 + b"1", b"99999999", b"200000000", b"-1",
    b"", b"A1:XFD1048576", b"XFD1048576", b"[/x]", b"[bold]", b"=HYPERLINK(&quot;x&quot;)", b"&#xFFFD;", b"\xe4\xb8",
    "收入合计".encode(), b"0", b"e", b"n", b"str",
])
_VALUE_OPS = st.lists(
    st.tuples(st.sampled_from(["text", "attr"]), st.floats(0, 1, allow_nan=False), _VALUES), min_size=1, max_size=6
)


def _mutate_values(data: bytes, ops: list[tuple[str, float, bytes]]) -> bytes:
    for where_kind, where, value in ops:
        pattern = _TEXT_NODE if where_kind == "text" else _ATTR_VALUE
        matches = list(pattern.finditer(data))
        if not matches:
            continue
        m = matches[int(where * (len(matches) - 1))]
        if where_kind == "text":
            data = data[: m.start(1)] + value.replace(b"<", b"&lt;") + data[m.end(1) :]
        else:
            data = data[: m.start(2)] + value.replace(b'"', b"&quot;").replace(b"<", b"&lt;") + data[m.end(2) :]
    return data


def _fuzz_settings(n: int):  # type: ignore[no-untyped-def]
    return settings(max_examples=n, deadline=None, derandomize=not os.environ.get("JUESUAN_FUZZ_RANDOM"),
                    suppress_health_check=list(HealthCheck), database=None)


@pytest.mark.parametrize("fmt", ["text", "html", "docx", "xlsx", "pdf"])
def test_mutated_corpus_file(fmt, seeds, tmp_path_factory):
    if fmt not in seeds:
        pytest.skip(f"no {fmt} seed")
    seed = seeds[fmt].read_bytes()
    suffix = {"text": ".txt"}.get(fmt, "." + fmt)

    @_fuzz_settings(EXAMPLES)
    @given(ops=_OPS)
    def bytes_damage(ops):  # type: ignore[no-untyped-def]
        out = tmp_path_factory.mktemp("mut") / f"m{suffix}"
        out.write_bytes(_mutate(seed, ops))
        run_check(out, fmt)

    bytes_damage()


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_mutated_package_part(fmt, seeds, tmp_path_factory):
    src = seeds[fmt]
    with zipfile.ZipFile(src) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    main = _MAIN_PART[fmt]

    @_fuzz_settings(EXAMPLES)
    @given(ops=_XML_OPS)
    def part_damage(ops):  # type: ignore[no-untyped-def]
        out = tmp_path_factory.mktemp("mut") / f"m.{fmt}"
        _zip(out, {**members, main: _mutate(members[main], ops)})
        run_check(out, fmt)

    part_damage()


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "html"])
def test_mutated_values(fmt, seeds, tmp_path_factory):
    """Well-formed documents with hostile values: huge spans and merges, 1E+300, NaN, markup."""
    src = seeds[fmt]
    if fmt == "html":
        members, main = {}, None
        original = src.read_bytes()
    else:
        with zipfile.ZipFile(src) as zf:
            members = {i.filename: zf.read(i) for i in zf.infolist()}
        main = _MAIN_PART[fmt]
        original = members[main]

    @_fuzz_settings(EXAMPLES)
    @given(ops=_VALUE_OPS)
    def value_damage(ops):  # type: ignore[no-untyped-def]
        out = tmp_path_factory.mktemp("mut") / f"m.{fmt}"
        damaged = _mutate_values(original, ops)
        if main is None:
            out.write_bytes(damaged)
        else:
            _zip(out, {**members, main: damaged})
        run_check(out, fmt)

    value_damage()


@pytest.mark.parametrize("fmt", ["xls"])
def test_mutated_legacy_workbook(fmt, seeds, tmp_path_factory):
    seed = seeds.get("xls")
    if seed is None:
        pytest.skip("xlwt not installed: no .xls seed")
    data = seed.read_bytes()

    @_fuzz_settings(EXAMPLES)
    @given(ops=_OPS)
    def bytes_damage(ops):  # type: ignore[no-untyped-def]
        out = tmp_path_factory.mktemp("mut") / "m.xls"
        out.write_bytes(_mutate(data, ops))
        run_check(out, fmt)

    bytes_damage()
