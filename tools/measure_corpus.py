"""Measure the reader and the rules on a folder of documents against a saved baseline.

    python tools/measure_corpus.py DOCS_DIR... [--baseline DIR] [--expected DIR] [--save DIR]

For every document: fact precision / recall / F1 against an expected facts CSV of the same stem
(``--expected``, searched recursively; ``table,row,column,value`` — other columns ignored), the
fact count against the baseline, and the findings by rule against the baseline's check JSON
(``--baseline`` holds ``<name>.json`` and ``<name>.facts.csv`` as ``--save`` writes them).
Prints one line per document and the rule counts that changed.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

EXTS = {".txt", ".pdf", ".docx", ".xlsx", ".xls", ".html", ".htm"}


def _run(args: list[str]) -> str:
    exe = Path(sys.executable).with_name("juesuan")
    out = subprocess.run([str(exe), *args], capture_output=True, text=True, encoding="utf-8-sig")
    if out.returncode not in (0, 1):
        raise RuntimeError(f"juesuan {' '.join(args)}: exit {out.returncode}: {out.stderr.strip()[:300]}")
    return out.stdout


def _facts(text: str) -> set[tuple[str, str, str, str]]:
    rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return {(r["table"], r["row"], r["column"], r["value"]) for r in rows}


def _rules(check_json: str) -> Counter[str]:
    data = json.loads(check_json)
    return Counter(f"{f['rule']}:{f['severity']}" for f in data.get("findings", []))


def _prf(got: set, want: set) -> tuple[float, float, float]:
    tp = len(got & want)
    p = tp / len(got) if got else 1.0
    r = tp / len(want) if want else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("docs", nargs="+", type=Path)
    ap.add_argument("--baseline", type=Path)
    ap.add_argument("--expected", type=Path)
    ap.add_argument("--save", type=Path, help="write this run as a baseline into DIR")
    a = ap.parse_args()
    files = sorted(p for d in a.docs for p in (d.rglob("*") if d.is_dir() else [d]) if p.suffix.lower() in EXTS)
    expected = {p.name.split(".facts.csv")[0]: p for p in a.expected.rglob("*.facts.csv")} if a.expected else {}
    for f in files:
        facts_csv = _run(["parse", str(f), "--format", "csv"])
        check = _run(["check", str(f), "--format", "json", "--fail-on", "never"])
        got = _facts(facts_csv)
        doc = json.loads(check).get("document", {})
        line = [f.name, f"facts={len(got)}", f"kind={doc.get('kind')}", f"family={doc.get('family')}",
                f"dept={doc.get('department')}", f"year={doc.get('year')}"]
        if f.stem in expected:
            want = _facts(expected[f.stem].read_text(encoding="utf-8-sig"))
            tables = {w[0] for w in want}  # an expected file may cover some tables only (perf apart)
            p, r, f1 = _prf({g for g in got if g[0] in tables}, want)
            line.append(f"P={p:.4f} R={r:.4f} F1={f1:.4f}")
        now = _rules(check)
        if a.baseline and (a.baseline / f"{f.name}.json").exists():
            base_facts = _facts((a.baseline / f"{f.name}.facts.csv").read_text(encoding="utf-8-sig"))
            line.append(f"facts_vs_base=+{len(got - base_facts)}/-{len(base_facts - got)}")
            base = _rules((a.baseline / f"{f.name}.json").read_text(encoding="utf-8-sig"))
            line.append(f"findings {sum(base.values())}→{sum(now.values())}")
            changed = {k: (base[k], now[k]) for k in sorted(set(base) | set(now)) if base[k] != now[k]}
            print("  ".join(line))
            for k, (b, n) in changed.items():
                print(f"    {k}: {b} → {n}")
        else:
            print("  ".join(line), dict(now))
        if a.save:
            a.save.mkdir(parents=True, exist_ok=True)
            (a.save / f"{f.name}.json").write_text(check, encoding="utf-8")
            (a.save / f"{f.name}.facts.csv").write_text(facts_csv, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
