"""The rule catalog: every rule passes its passing examples and fires on its failing ones."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from juesuan.model import SEVERITY_ORDER
from juesuan.rules import CATALOG, catalog_markdown, check, example_document, get_rule
from juesuan.rules.engine import FAMILIES

ROOT = Path(__file__).resolve().parents[1]

EXAMPLES = [
    pytest.param(rule, kind, example, id=eid)
    for rule in CATALOG
    for kind, ids, examples in (
        ("pass", rule.example_ids()[0], rule.passing),
        ("fail", rule.example_ids()[1], rule.failing),
    )
    for eid, example in zip(ids, examples)
]


@pytest.mark.parametrize("rule", CATALOG, ids=lambda r: r.id)
def test_every_rule_has_passing_and_failing_examples(rule):
    assert rule.passing, f"{rule.id} has no passing example"
    assert rule.failing, f"{rule.id} has no failing example"


@pytest.mark.parametrize(("rule", "kind", "example"), EXAMPLES)
def test_example(rule, kind, example):
    findings = [f for f in check(example_document(example)).findings if f.rule == rule.id]
    if kind == "pass":
        assert findings == [], [f.message for f in findings]
        return
    assert findings, f"{rule.id} did not fire"
    for f in findings:
        assert f.severity == rule.severity
        assert f.title == rule.title
        assert f.family == rule.family
        assert f.message and "{" not in f.message
        assert f.tables


@pytest.mark.parametrize("rule", CATALOG, ids=lambda r: r.id)
def test_rule_metadata(rule):
    assert re.fullmatch(r"JS-(AR|HI|SB|XT|CP|RD|PF|NR|NP|KD|BG|BN)-\d{3}", rule.id)
    assert rule.id[3:5] == rule.family and rule.family in FAMILIES
    assert rule.severity in SEVERITY_ORDER
    assert re.search(r"[\u4e00-\u9fff]", rule.title), "title is Chinese"
    assert rule.doc and rule.message
    if rule.legal_basis:
        assert any(law in rule.legal_basis for law in ("《预算法实施条例》", "财预〔2016〕143号", "财预〔2020〕10号"))


def test_identity_messages_name_the_numbers():
    for rule in CATALOG:
        if rule.family in ("AR", "HI", "SB", "XT", "RD"):
            for field in ("{printed}", "{expected}", "{difference}"):
                assert field in rule.message, (rule.id, field)


def test_ids_unique_and_lookup():
    ids = [r.id for r in CATALOG]
    assert len(ids) == len(set(ids))
    assert get_rule("JS-AR-001") is CATALOG[0]
    with pytest.raises(KeyError):
        get_rule("JS-XX-999")


def test_rules_doc_is_up_to_date():
    doc = ROOT / "docs" / "rules.md"
    assert doc.read_text(encoding="utf-8") == catalog_markdown(), "run: python tools/gen_rules_doc.py"


def test_rules_doc_lists_every_rule_and_example():
    text = catalog_markdown()
    for rule in CATALOG:
        assert f"## {rule.id} {rule.title}" in text
        for eid in [*rule.example_ids()[0], *rule.example_ids()[1]]:
            assert f"**{eid}**" in text


def test_gen_rules_doc_check_mode():
    tool = ROOT / "tools" / "gen_rules_doc.py"
    done = subprocess.run([sys.executable, str(tool), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
