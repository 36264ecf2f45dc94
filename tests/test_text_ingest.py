"""Converter-text quirks, amount parsing, and bad input (one clear line, exit code 2)."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juesuan.ingest.errors import InputError
from juesuan.ingest.text import blocks_from_text, clean_line, decode
from juesuan.money import parse_amount

# ------------------------------------------------------------------ cleaning


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("<b>收入决算表</b>", "收入决算表"),
        ("完成率$\\geq 90\\%$", "完成率≥ 90%"),
        ("$\\leq$5%", "≤5%"),
        ("a<br/>b", "ab"),
        ("\u3000 合计 ", "合计"),
    ],
)
def test_clean_line(raw, clean):
    assert clean_line(raw) == clean


def test_blocks_drop_watermarks_headings_and_keep_line_numbers():
    text = "仅供内部审核\n\n## 收入决算表\n合计\t\t1.00\n- 一、收入支出决算总表\n"
    blocks = blocks_from_text(text)
    assert [b.text for b in blocks] == ["收入决算表", "合计\t\t1.00", "一、收入支出决算总表"]
    assert [b.prov.line for b in blocks] == [3, 4, 5]
    assert [b.kind for b in blocks] == ["text", "row", "text"]


# ------------------------------------------------------------------ amounts


@pytest.mark.parametrize(
    "text, value",
    [
        ("21,302.34", "21302.34"),
        ("2972. 73", "2972.73"),
        ("0.00", "0.00"),
        ("-3.5", "-3.5"),
        ("——", "0"),
        ("-", "0"),
        ("—", "0"),
        ("１２３．４５", "123.45"),
        ("12", "12"),
    ],
)
def test_parse_amount(text, value):
    assert parse_amount(text) == Decimal(value)
    assert str(parse_amount(text)) == value


@pytest.mark.parametrize("text", ["", "  ", "\u3000"])
def test_blank_is_no_value(text):
    assert parse_amount(text) is None


@pytest.mark.parametrize("text", ["abc", "12.3.4", "合计", "1e5"])
def test_not_an_amount(text):
    with pytest.raises(ValueError):
        parse_amount(text)


@given(
    st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["plain", "thousands", "space"]),
)
def test_amount_round_trip(value, style):
    s = format(value, "f")
    if style == "thousands":
        s = format(value, ",.2f")
    elif style == "space" and "." in s:
        whole, frac = s.split(".")
        s = f"{whole}. {frac}"
    assert parse_amount(s) == value


# ------------------------------------------------------------------ encodings


def test_gb18030_text_is_decoded():
    text = "收入决算表\n合计\t\t1.00\n"
    assert decode(text.encode("gb18030"), "x") == text
    assert decode(text.encode("gbk"), "x") == text
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8"), "x") == text


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\x00\x01\x02binary\x00" * 20])
def test_unusable_bytes_raise_input_error(data):
    with pytest.raises(InputError):
        decode(data, "x")


# ------------------------------------------------------------------ CLI on bad input


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "juesuan.cli", *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    "name, content, needle",
    [
        ("empty.txt", b"", "空"),
        ("binary.txt", bytes(range(256)) * 8, "不是文本"),
        ("notable.txt", "第一部分 概况\n本部门职责是……\n".encode("gb18030"), "未找到可识别的决算表格"),
        ("fake.pdf", b"this is not a pdf", "fake.pdf"),
    ],
)
def test_cli_bad_input_one_line_exit_2(tmp_path, name, content, needle):
    path = tmp_path / name
    path.write_bytes(content)
    proc = run_cli("parse", str(path))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and needle in lines[0], proc.stderr


def test_cli_missing_file(tmp_path):
    proc = run_cli("parse", str(tmp_path / "nope.txt"))
    assert proc.returncode == 2 and "不存在" in proc.stderr and "Traceback" not in proc.stderr


def test_gbk_document_parses(tmp_path):
    text = (
        "收入决算表\n公开02表\n金额单位：万元\n"
        "项目\t\t本年收入合计\t财政拨款收入\t上级补助收入\t事业收入\t经营收入\t附属单位上缴收入\t其他收入\n"
        "合计\t\t10.00\t10.00\t\t\t\t\t\n"
        "208\t社会保障和就业支出\t10.00\t10.00\t\t\t\t\t\n"
        "注：本表反映部门本年度取得的各项收入情况。\n"
    )
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gbk"))
    proc = run_cli("parse", str(path), "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = proc.stdout.splitlines()
    assert rows[0].startswith("table,row,column,value")
    assert "income,208,fiscal,10.00,6" in proc.stdout


def test_unreadable_table_is_named_and_the_rest_is_kept(tmp_path):
    text = (
        "收入决算表\n公开02表\n金额单位：万元\n"
        "项目\t\t本年收入合计\t财政拨款收入\t上级补助收入\t事业收入\t经营收入\t附属单位上缴收入\t其他收入\n"
        "合计\t\t10.00\t10.00\t\t\t\t\t\n"
        "208\t社会保障和就业支出\t10.00\t10.00\t\t\t\t\t\n"
        "注：本表反映部门本年度取得的各项收入情况。\n"
        "一般公共预算财政拨款支出决算表\n公开05表\n金额单位：万元\n"
        "项目\t本年支出\t\t\n"
        "＃＃＃\t乱码\t乱码\t乱码\n"
        "？？？\t乱码\t乱码\t乱码\n"
        "＊＊＊\t乱码\t乱码\t乱码\n"
        "＠＠＠\t乱码\t乱码\t乱码\n"
        "＆＆＆\t乱码\t乱码\t乱码\n"
        "注：本表反映部门本年度一般公共预算财政拨款支出情况。\n"
    )
    path = tmp_path / "partial.txt"
    path.write_text(text, encoding="utf-8")
    proc = run_cli("parse", str(path), "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert "income,208,fiscal,10.00" in proc.stdout
    assert "gpb_expenditure" in proc.stderr and "未能读取" in proc.stderr


def test_a_table_printed_in_yuan_is_converted_and_keeps_its_printed_text(tmp_path):
    text = (
        "一般公共预算财政拨款支出决算表\n公开05表\n金额单位：元\n"
        "项目\t\t本年支出\t\t\n科目代码\t科目名称\t小计\t基本支出\t项目支出\n"
        "合计\t\t1,234,567.89\t1,000,000.00\t234,567.89\n"
        "208\t社会保障和就业支出\t1,234,567.89\t1,000,000.00\t234,567.89\n"
        "注：本表反映部门本年度一般公共预算财政拨款支出情况。\n"
    )
    path = tmp_path / "yuan.txt"
    path.write_text(text, encoding="utf-8")
    from juesuan.pipeline import read_document
    from juesuan.rules import check

    doc = read_document(path)
    f = doc.index()[("gpb_expenditure", "208", "total")]
    assert f.value == Decimal("123.456789") and f.raw == "1,234,567.89"
    assert doc.table("gpb_expenditure").unit == "元"
    # the identities hold at the printed precision (0.01 元): no finding at all
    assert [x for x in check(doc).findings if "gpb_expenditure" in x.tables and x.family != "CP"] == []


# --------------------------------------------------------------------------- encodings

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from juesuan.ingest.text import decode, detect_text  # noqa: E402

_WORDS = ["收入", "支出", "决算", "合计", "财政拨款", "社会保障和就业", "项目", "本年", "年初结转", "基本支出",
          "单位：万元", "208", "10.00", "1,234.56", "Total", "（一）", "说明", "%"]
_LINES = st.lists(
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6).map("\t".join), min_size=3, max_size=30
).map(lambda lines: "\n".join(lines) + "\n")


@settings(max_examples=40, deadline=None)
@given(_LINES, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gb18030"]))
def test_text_encodings_are_detected(text, encoding):
    found = detect_text(text.encode(encoding))
    assert found is not None and found[0] == text


def test_big5_text_is_read():
    text = "收入支出決算總表\n金額單位：萬元\n項目\t本年收入合計\t財政撥款收入\n合計\t10.00\t10.00\n社會保障和就業支出\t10.00\t10.00\n"
    assert decode(text.encode("big5"), "b.txt") == text


def test_one_bad_byte_is_marked_not_refused():
    good = "收入决算表\n项目\t合计\n社会保障和就业支出\t10.00\n".encode()
    i = good.index("社".encode())
    text = decode(good[:i] + b"\xff" + good[i:], "x.txt")
    assert text == "收入决算表\n项目\t合计\n\ufffd社会保障和就业支出\t10.00\n"
    gbk = "收入决算表\n项目\t合计\n社会保障和就业支出\t10.00\n".encode("gb18030")
    assert "社会保障" in decode(gbk + b"\xff", "g.txt")  # GB18030 with a stray byte


def test_a_final_character_cut_in_half_is_tolerated():
    data = "收入决算表\n项目\t合计\n说明".encode()
    assert decode(data[:-1], "x.txt") == "收入决算表\n项目\t合计\n说\ufffd"
    utf16 = "收入决算表\n项目\t合计\n".encode("utf-16")
    assert decode(utf16[:-1], "y.txt").startswith("收入决算表\n项目\t合计")


def test_binary_data_is_still_refused():
    import random

    for seed in range(5):
        data = random.Random(seed).randbytes(4000)
        with pytest.raises(InputError):
            decode(data, "b.bin")


def test_utf16_prose_without_bom_is_read():
    text = "第一部分 部门概况\n本部门主要职责是负责全市人力资源和社会保障工作，贯彻执行国家有关方针政策。\n" * 20
    for enc in ("utf-16-le", "utf-16-be"):
        assert decode(text.encode(enc), "p.txt") == text  # few NUL bytes: mostly CJK
