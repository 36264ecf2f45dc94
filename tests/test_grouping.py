"""Findings of one cause become one finding listing every place (rules.grouping)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from juesuan.model import CellRef, Finding
from juesuan.rules import check, example_document, get_rule
from juesuan.rules.engine import ex
from juesuan.rules.grouping import group_findings

HEAD = "一、收入支出决算总体情况说明"
SUBJECTS = ["收入总计", "支出总计", "本年收入合计", "本年支出合计", "财政拨款收入", "基本支出", "项目支出"]


def _bare_changes(n: int) -> tuple[str, ...]:
    lines = [HEAD]
    for k in range(n):
        lines.append(f"{SUBJECTS[k]} {100 + k}.00 万元，比上年增加 {10 + k}.00 万元，增长 {k + 1}.00%。")
    return tuple(lines)


@settings(max_examples=8, deadline=None)
@given(st.integers(min_value=2, max_value=len(SUBJECTS)))
def test_bare_changes_become_one_finding_with_every_place(n):
    doc = example_document(ex(text=_bare_changes(n)))
    got = [f for f in check(doc).findings if f.rule == "JS-NP-004"]
    assert len(got) == 1
    f = got[0]
    assert f.message.startswith(f"共 {n} 处：") and f.message.count("未说明原因") == n
    lines = sorted({c.line for c in f.cells if c.table == "narrative"})
    assert lines == list(range(1002, 1002 + n))  # every sentence's place is kept
    assert f.severity == get_rule("JS-NP-004").severity and f.title == get_rule("JS-NP-004").title


def test_one_bare_change_is_left_as_it_is():
    doc = example_document(ex(text=_bare_changes(1)))
    (f,) = [f for f in check(doc).findings if f.rule == "JS-NP-004"]
    assert not f.message.startswith("共") and f.sentence and f.sentence["line"] == 1002


def _finding(rule: str, n: int, sentence: dict | None = None) -> Finding:
    return Finding(rule, "warning", "t", f"m{n}", ["narrative"], [CellRef("narrative", "s", "k", str(n), line=n)],
                   family=rule[3:5], sentence=sentence)


def test_group_findings_keeps_order_cells_and_other_rules():
    fs = [_finding("JS-NP-004", 1), _finding("JS-NR-001", 2), _finding("JS-NP-004", 3), _finding("JS-NP-004", 4)]
    out = group_findings(fs, {"JS-NP-004"})
    assert [f.rule for f in out] == ["JS-NP-004", "JS-NR-001"]
    g = out[0]
    assert g.message == "共 3 处：m1；m3；m4"
    assert [c.line for c in g.cells] == [1, 3, 4]
    assert group_findings(fs, set()) == fs  # no rule opts in: untouched


def test_one_sentence_is_kept_when_all_places_share_it():
    s = {"text": "x", "line": 7, "page": None, "number": "1"}
    out = group_findings([_finding("JS-NP-004", 1, s), _finding("JS-NP-004", 2, s)], {"JS-NP-004"})
    assert out[0].sentence == s
    out = group_findings([_finding("JS-NP-004", 1, s), _finding("JS-NP-004", 2, {**s, "line": 8})], {"JS-NP-004"})
    assert out[0].sentence is None  # several sentences: each is named by its cell instead


def test_grouped_finding_renders_in_every_report_format():
    from juesuan.report import render

    result = check(example_document(ex(text=_bare_changes(3))))
    for fmt in ("text", "json", "md", "html"):
        out = render(result, fmt)
        text = out if isinstance(out, str) else out.decode("utf-8", "ignore")
        assert "共 3 处" in text, fmt
