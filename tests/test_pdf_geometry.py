"""Geometry of the PDF reader on hand-made coordinates (no PDF engine involved)."""

from __future__ import annotations

from juesuan.layout.pdf_columns import find_text_tables, infer_columns
from juesuan.layout.pdf_grids import _split_code_heads, find_grids, find_rule_stacks, grid_rows, merge_segments
from juesuan.layout.pdf_lines import TableRow, build_lines, cell_text, is_amount, is_value, join_wrapped, tidy
from juesuan.layout.pdf_rows import text_table_rows


def chars(text: str, x: float, base: float, em: float = 10.0, advance: float | None = None) -> list:
    """Character tuples as the reader makes them: CJK one em wide, ASCII half an em."""
    out = []
    for ch in text:
        w = advance if advance is not None else (em if ord(ch) > 0x2E80 else em / 2)
        if ch != " ":
            out.append((x, base - 0.88 * em, x + w, base + 0.12 * em, base - 0.38 * em, em, ch))
        x += w
    return out


def test_text_helpers():
    assert tidy("收 入 支 出  决算表") == "收入支出决算表"
    assert tidy("2024 年度 ") == "2024 年度"
    assert join_wrapped(["机关事业单位基本养老保险", "缴费支出"]) == "机关事业单位基本养老保险缴费支出"
    assert join_wrapped(["annual", "report"]) == "annual report"
    for t in ("2,940.05", "0.00", "-", "——", "2972. 73", "-3.5", "100.00%"):
        assert is_amount(t), t
    for t in ("合计", "2024年度", "一、"):
        assert not is_amount(t), t
    assert is_value("2080101") and is_value("6.20") and not is_value("1") and not is_value("12")


def test_lines_split_at_wide_gaps_and_drop_overprint():
    cs = chars("部门名称：财政局", 72, 100) + chars("单位：万元", 450, 100)
    cs += [c[:1] + (c[1] + 0.2,) + c[2:] for c in chars("部门", 72.3, 100)]  # fake bold
    lines = build_lines(cs)
    assert [ln.text for ln in lines] == ["部门名称：财政局", "单位：万元"]


def test_cell_text_joins_wrapped_lines():
    cs = chars("机关事业单位基本养", 100, 100) + chars("老保险缴费支出", 100, 112)
    text, box = cell_text(cs)
    assert text == "机关事业单位基本养老保险缴费支出"
    assert box[0] == 100 and box[1] < 100 < 112 < box[3]


def test_merge_segments():
    segs = [(100.0, 0, 50), (100.4, 50.5, 120), (100.2, 200, 300), (140, 0, 300)]
    assert merge_segments(segs) == [
        (100.2, 0, 120),
        (100.2, 200, 300),
        (140, 0, 300),
    ]


def test_grid_with_spanning_header():
    # 4 columns; the top header cell spans columns 2-3; the first two header cells span 2 rows
    hs = [(100, 60, 400), (120, 240, 400), (140, 60, 400), (160, 60, 400)]
    vs = [(60, 100, 160), (120, 100, 160), (240, 100, 160), (320, 120, 160), (400, 100, 160)]
    [grid] = find_grids(hs, vs)
    assert grid.xs == [60, 120, 240, 320, 400] and grid.ys == [100, 120, 140, 160]
    cs = (
        chars("编码", 65, 125) + chars("名称", 125, 125) + chars("本年支出", 260, 114)
        + chars("基本", 245, 134) + chars("项目", 325, 134)
        + chars("2080101", 65, 154) + chars("行政运行", 125, 154) + chars("798.39", 280, 154)
    )
    rows = grid_rows(grid, cs)
    assert [[t for t, _b in r.cells] for r in rows] == [
        ["编码", "名称", "本年支出", ""],
        ["", "", "基本", "项目"],
        ["2080101", "行政运行", "798.39", ""],
    ]
    # an empty cell's box is the grid cell
    assert rows[2].cells[3][1] == (320, 140, 400, 160)


def test_single_box_is_not_a_table():
    hs = [(100, 60, 400), (200, 60, 400)]
    vs = [(60, 100, 200), (400, 100, 200)]
    assert find_grids(hs, vs) == []


def test_code_heads_split_from_total_row():
    row = TableRow([(t, (0, 0, 1, 1)) for t in ["类", "款", "项", "合计", "2,946.25"]], (0, 0, 9, 9))
    a, b = _split_code_heads(row)
    assert [t for t, _ in a.cells] == ["类", "款", "项", "", ""]
    assert [t for t, _ in b.cells] == ["", "", "", "合计", "2,946.25"]
    plain = TableRow([(t, (0, 0, 1, 1)) for t in ["301", "01", "基本工资", "262.33"]], (0, 0, 9, 9))
    assert _split_code_heads(plain) == [plain]


def _amount(text, right, base):
    return chars(text, right - len(text) * 5, base)


def test_columns_from_alignment_with_a_name_close_to_its_amount():
    lines = [
        chars("2080101", 60, 100) + chars("行政运行", 120, 100) + _amount("798.39", 330, 100),
        # a long name ending just 3 pt before the widest amount of the column
        chars("2080505", 60, 115) + chars("机关事业单位基本养老保险缴费", 120, 115) + _amount("1,160.75", 330, 115),
        chars("2080199", 60, 130) + chars("其他", 120, 130) + _amount("5.50", 330, 130) + _amount("5.50", 420, 130),
    ]
    seps = infer_columns(lines)
    assert len(seps) == 3
    rows = text_table_rows(lines, seps=seps)
    assert [[t for t, _b in r.cells] for r in rows] == [
        ["2080101", "行政运行", "798.39", ""],
        ["2080505", "机关事业单位基本养老保险缴费", "1,160.75", ""],
        ["2080199", "其他", "5.50", "5.50"],
    ]


def test_text_table_run_takes_aligned_rows_without_values():
    lines = [
        chars("收入支出决算总表", 200, 60, em=14),
        chars("一、财政拨款收入", 60, 100) + _amount("2,940.05", 260, 100) + chars("一、一般公共服务支出", 280, 100) + _amount("2,106.66", 520, 100),
        chars("二、事业收入", 60, 115) + chars("二、外交支出", 280, 115),
        chars("三、国防支出", 280, 130),
        chars("本年收入合计", 60, 145) + _amount("2,946.25", 260, 145) + chars("本年支出合计", 280, 145) + _amount("2,940.05", 520, 145),
        chars("注：本表反映部门本年度的总收支和年末结转结余情况，本表金额单位为万元。", 60, 175),
    ]
    assert find_text_tables(lines) == [(1, 5)]
    rows = text_table_rows(lines[1:5])
    assert [[t for t, _b in r.cells] for r in rows] == [
        ["一、财政拨款收入", "2,940.05", "一、一般公共服务支出", "2,106.66"],
        ["二、事业收入", "", "二、外交支出", ""],
        ["", "", "三、国防支出", ""],
        ["本年收入合计", "2,946.25", "本年支出合计", "2,940.05"],
    ]


def test_rule_stacks():
    hs = [(100, 60, 500), (120, 60, 500), (300, 61, 499), (400, 200, 300)]
    assert find_rule_stacks(hs, [], 595) == [[100, 120, 300, 60, 500]]
    assert find_rule_stacks(hs, [(50, 90, 510, 310)], 595) == []


def test_table_of_contents_is_not_a_table():
    lines = [
        chars("一、收入支出决算总表", 60, 100) + chars("............", 200, 100) + chars("5", 400, 100),
        chars("二、收入决算表", 60, 115) + chars("...............", 170, 115) + chars("6", 400, 115),
        chars("三、支出决算表", 60, 130) + chars("...............", 170, 130) + chars("7", 400, 130),
    ]
    assert find_text_tables(lines) == []
