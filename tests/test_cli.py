"""The command line as a reviewer uses it: exit codes, narrative-only documents, planted errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import CORPUS, need_corpus


def juesuan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "juesuan.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_narrative_only_document_is_checked_and_its_tables_reported_missing(tmp_path):
    need_corpus()
    src = (CORPUS / "liaoning-fushun-hrss-2024.txt").read_text(encoding="utf-8")
    prose = "\n".join(line for line in src.splitlines() if "\t" not in line)
    path = tmp_path / "prose-only.txt"
    path.write_text(prose, encoding="utf-8")
    proc = juesuan("check", str(path), "--format", "json")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert len(report["summary"]["tables_missing"]) == 9
    assert any(f["rule"].startswith("JS-NR") for f in report["findings"])


def test_fail_on_controls_the_exit_code():
    need_corpus()
    path = str(CORPUS / "shanxi-jincheng-hrss-2024.txt")
    assert juesuan("check", path, "--fail-on", "never", "--format", "json").returncode == 0
    assert juesuan("check", path, "--format", "json").returncode == 1  # it has real errors


@pytest.mark.parametrize("value", ["1234.56"])
def test_mutate_then_check_finds_the_planted_cell(tmp_path, value):
    need_corpus()
    src = CORPUS / "henan-anyang-beiguan-hrss-2024.txt"
    out = tmp_path / "planted.txt"
    proc = juesuan("mutate", str(src), "--table", "gpb_expenditure", "--row", "2080101",
                   "--column", "basic", "--value", value, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(juesuan("check", str(out), "--format", "json").stdout)
    hit = [
        f for f in report["findings"]
        if f["severity"] == "error"
        and any(c["table"] == "gpb_expenditure" and c["row"] == "2080101" and c["column"] == "basic"
                and c["value"] == value for c in f["cells"])
    ]
    assert hit, [f["message"] for f in report["findings"] if f["severity"] == "error"]


def test_rules_lists_the_catalog():
    proc = juesuan("rules", "--markdown")
    assert proc.returncode == 0 and "JS-XT-001" in proc.stdout and "JS-NR-001" in proc.stdout
