"""Reference classifications: internal consistency and agreement with real documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from juesuan.refdata import (
    Code,
    CodeTable,
    economic_codes,
    function_codes,
    normalize_name,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"

DIGITS_BY_LEVEL = {"类": 3, "款": 5, "项": 7}


def corpus_files() -> list[Path]:
    files = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
    if not files:
        pytest.skip(f"corpus not found at {CORPUS} (needs the shared workspace)")
    return files


# ---------------------------------------------------------------------------
# Internal consistency of every table on file


@pytest.fixture(params=["function", "economic"])
def table(request) -> CodeTable:
    return function_codes() if request.param == "function" else economic_codes()


def test_parents_exist_and_are_prefixes(table):
    for c in table:
        if c.level == "类":
            assert c.parent is None, c
            continue
        assert c.parent in table, f"{c.code}: parent {c.parent} missing"
        assert c.code.startswith(c.parent), c
        parent = table.get(c.parent)
        assert DIGITS_BY_LEVEL[parent.level] == len(c.code) - 2, c


def test_levels_match_digit_counts(table):
    allowed = {"类", "款"} if table.kind == "economic" else {"类", "款", "项"}
    for c in table:
        assert c.level in allowed, c
        assert c.code.isdigit() and len(c.code) == DIGITS_BY_LEVEL[c.level], c


def test_no_duplicates_and_clean_names(table):
    codes = [c.code for c in table]
    assert len(codes) == len(set(codes))
    for c in table:
        assert c.name and c.name == c.name.strip(), c
        assert "," not in c.name, c


def test_function_classes_and_required_depth():
    t = function_codes(2024)
    classes = {c.code for c in t if c.level == "类"}
    expected = {str(n) for n in range(201, 235)} - {"218", "225", "226", "228"}
    assert classes == expected
    assert t.name("220") == "自然资源海洋气象等支出"
    assert t.name("22006") == "耕地保护考核奖惩基金支出"  # 2024 addition
    assert t.name("234") == "抗疫特别国债安排的支出"
    # every class has 款, and the classes departments use most are filled to 项
    for cls in classes - {"227"}:
        assert t.children(cls), cls
    # 21211 has no 项; the 项 of 22006 (added 2024-03) are not transcribed yet
    without_xiang = {"21211", "22006"}
    for cls in ["201", "205", "206", "207", "208", "210", "211", "212",
                "213", "220", "221", "222", "223", "224", "229"]:
        for kuan in t.children(cls):
            if kuan.code in without_xiang:
                continue
            assert t.children(kuan.code), kuan


def test_economic_classes():
    t = economic_codes(2024)
    assert [c.code for c in t if c.level == "类"] == [
        "301", "302", "303", "307", "309", "310", "311", "312", "313", "399"]
    assert t.name("30101") == "基本工资"
    assert t.name("39999") == "其他支出"


# ---------------------------------------------------------------------------
# Loader behaviour


def test_lookup_api():
    t = function_codes()
    assert t.year == 2024
    assert "2080101" in t and "2089998" not in t and 2080101 not in t
    assert t.get("2080101") == Code("2080101", "行政运行", "项", "20801")
    assert t.parent("2080101") == "20801"
    assert t.parent("208") is None
    assert t.parent("2089998") == "20899"  # unknown code: by structure
    assert t.level_of("2089998") == "项"
    assert t.level_of("20899") == "款"
    assert t.level_of("12") is None
    assert economic_codes().level_of("30198") == "款"
    assert economic_codes().level_of("3019899") is None
    assert [c.code for c in t.children("20808")][:2] == ["2080801", "2080802"]


def test_year_resolution():
    assert function_codes(2031).year == 2024
    assert economic_codes(2025).year == 2024
    assert function_codes(2024) is function_codes(2024)
    # a year before every file takes the earliest one: no table is dropped for its year
    assert function_codes(1999).year == min(y for y in range(1990, 2040) if function_codes(y).year == y)
    assert economic_codes(2000).year >= 2000


def test_normalize_name():
    assert normalize_name(" 因公出国（境）费用 ") == "因公出国(境)费用"
    assert normalize_name("维修(护)费") == normalize_name("维修（护）费")
    assert normalize_name("其他\u3000支出") == "其他支出"
    assert normalize_name("其他支出") != normalize_name("其他")


def test_find_by_name():
    f, e = function_codes(), economic_codes()
    assert [c.code for c in f.find_by_name("行政运行", prefix="20801")] == ["2080101"]
    assert len(f.find_by_name("行政运行")) > 20
    assert [c.code for c in f.find_by_name("国有企业退休人员社会化管理补")] == ["2230105"]
    assert [c.code for c in e.find_by_name("机关事业单位基本养老保险")] == ["30108"]
    assert [c.code for c in e.find_by_name("维修(护)费")] == ["30213"]
    assert e.find_by_name("") == []
    assert e.find_by_name("其他") == []  # too short to match by prefix


def test_restore():
    e = economic_codes()
    assert e.restore("3010", "基本工资") == "30101"
    assert e.restore("3021", "公务接待费") == "30217"
    assert e.restore("3023", "公务用车运行维护费") == "30231"
    assert e.restore("3101", "公务用车购置") == "31013"
    assert e.restore("3011", "住房公积金") == "30113"
    assert e.restore("3010", "机关事业单位基本养老保险") == "30108"  # name cut too
    assert e.restore("301", "工资福利支出") == "301"
    assert e.restore("3010", "公务接待费") is None
    assert e.restore("", "基本工资") is None
    assert function_codes().restore("208010", "行政运行") == "2080101"


# ---------------------------------------------------------------------------
# Cross-check against what real documents print

FUNCTION_ROW = re.compile(r"^(2\d{2}(?:\d{2}){0,2})\t([^\t]+)")


def printed_function_pairs(files):
    """(file:line, code, name) for every coded row of a function-classified table."""
    classes = {c.code for c in function_codes() if c.level == "类"}
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines, start=1):
            m = FUNCTION_ROW.match(line)
            if m and m.group(1)[:3] in classes:
                yield f"{path.name}:{i}", m.group(1), m.group(2).strip()


def test_function_names_agree_with_corpus():
    table = function_codes(2024)
    pairs = list(printed_function_pairs(corpus_files()))
    assert len(pairs) > 100
    disagreements = []
    for where, code, printed in pairs:
        ref = table.name(code)
        if ref is None or normalize_name(ref) != normalize_name(printed):
            disagreements.append((code, printed, ref, where))
    for d in disagreements:
        print("disagreement: %s printed %r, reference %r (%s)" % d)
    agreement = 1 - len(disagreements) / len(pairs)
    print(f"{len(pairs)} printed pairs, agreement {agreement:.2%}")
    assert agreement >= 0.98, disagreements
    # whatever disagrees must at least be a known code
    assert all(ref is not None for _, _, ref, _ in disagreements), disagreements


ECONOMIC_CODE = re.compile(r"3\d{2,4}")


def printed_economic_triples(lines):
    """(code, name) from gpb_basic lines: side-by-side groups of (code, name, amount)."""
    for line in lines:
        cells = [c.strip() for c in line.split("\t")]
        for k in range(0, len(cells) - 1, 3):
            if ECONOMIC_CODE.fullmatch(cells[k]) and cells[k + 1]:
                yield cells[k], cells[k + 1]


def gpb_basic_block(path: Path) -> list[str]:
    """Lines of the 一般公共预算财政拨款基本支出决算(明细)表, title to 注."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for start, line in enumerate(lines):
        if re.fullmatch(r"一般公共预算财政拨款基本支出决算(明细)?表", line.strip()):
            block = []
            for line in lines[start + 1:]:
                if line.startswith("注"):
                    break
                block.append(line)
            if any(ECONOMIC_CODE.match(l) for l in block):
                return block
    return []


def test_shanxi_prints_the_full_economic_list():
    path = CORPUS / "shanxi-jincheng-hrss-2024.txt"
    if not path.is_file():
        pytest.skip(f"{path} not found (needs the shared workspace)")
    table = economic_codes(2024)
    printed = list(printed_economic_triples(gpb_basic_block(path)))
    assert len(printed) >= 100
    for code, name in printed:
        assert code in table, (code, name)
        assert normalize_name(table.name(code)) == normalize_name(name), (code, name)
    # …and the document prints the whole list: nothing in the table is missing
    assert {c for c, _ in printed} == {c.code for c in table}


def test_every_printed_economic_code_resolves():
    """Full codes must match the reference name; cut codes must restore uniquely."""
    table = economic_codes(2024)
    seen = 0
    for path in corpus_files():
        for code, name in printed_economic_triples(gpb_basic_block(path)):
            seen += 1
            if len(code) in (3, 5):
                assert table.name(code) is not None, (path.name, code, name)
                assert normalize_name(table.name(code)) == normalize_name(name), (
                    path.name, code, name)
            else:
                assert table.restore(code, name) is not None, (path.name, code, name)
    assert seen > 150
