"""Write a synthetic corpus of converter-text disclosures, with planted errors and their answer key.

    python tools/synth_corpus.py 500 --out /tmp/synth [--seed 1] [--error-rate 0.5] [TEMPLATE.txt …]

Every document is a variant of a corpus text document (the templates; default: the .txt corpus):

- amounts scaled by a whole factor (2–9, or 1): every amount of the tables and every amount the
  narrative states is multiplied, so every accounting identity that held still holds exactly
  (sums of multiples are multiples of sums; shares and growth rates are unchanged); counts
  (vehicles, batches, people) and the self-evaluations' scores and weights stay as printed;
- the department renamed (another province and city, the same agency), the years shifted;
- two adjacent tables swapped;
- with probability ``--error-rate``, one planted error: a table cell printed larger than its true
  value (by 1–50 万元 before scaling), recorded in ``answer_key.csv`` (file, table, row, column,
  printed, true, line, template).

Every kind of variation is checked once per template before anything is written: a variant must
read back to the template's facts (scaled) and its findings by rule; a cell is only planted into
when planting into it alone gives a finding that names it and no finding of the template already
names it (so "found" means found because of the plant). The tool prints what it dropped.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from juesuan.ingest.text import decode  # noqa: E402
from juesuan.model import Document  # noqa: E402
from juesuan.pipeline import read_document  # noqa: E402
from juesuan.rules import check  # noqa: E402
from juesuan.store.regions import region_of  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
FACTORS = (1, 2, 3, 4, 5, 6, 7, 8, 9)
YEAR_SHIFTS = (0, -1, -2, -3, 1)
PLACES = (
    ("河北省", ("石家庄市", "保定市", "邯郸市", "唐山市")), ("山东省", ("济南市", "潍坊市", "临沂市")),
    ("湖南省", ("长沙市", "株洲市", "衡阳市")), ("四川省", ("绵阳市", "德阳市", "宜宾市")),
    ("江西省", ("赣州市", "九江市")), ("甘肃省", ("天水市", "张掖市")), ("广东省", ("韶关市", "湛江市", "肇庆市")),
    ("浙江省", ("湖州市", "金华市")), ("云南省", ("曲靖市", "玉溪市")), ("吉林省", ("四平市", "通化市")),
)  # fmt: skip
PLANT_DELTAS = (Decimal("1.00"), Decimal("2.50"), Decimal("5.00"), Decimal("12.34"), Decimal("50.00"))
CANDIDATES = 40  # cells tried per template for planting
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?=\s*年)")
_NUMBER = re.compile(r"^-?[\d,]*\d(\.\d+)?$")


@dataclass
class Slot:
    """Where a value is printed: line index, cell index (a table cell) or the k-th occurrence in a line."""

    line: int
    cell: int | None
    occurrence: int
    raw: str
    value: Decimal


@dataclass
class Template:
    path: Path
    name: str
    lines: list[list[str]]  # each line split on tabs (ending kept apart)
    endings: list[str]
    doc: Document
    department: str
    agency: str
    facts: dict[tuple[str, str, str], Slot] = field(default_factory=dict)  # scaled table cells
    claims: list[Slot] = field(default_factory=list)  # scaled narrative amounts
    sections: list[tuple[int, int]] = field(default_factory=list)  # swappable table line ranges
    factors: list[int] = field(default_factory=list)
    shifts: list[int] = field(default_factory=list)
    swaps: list[int | None] = field(default_factory=list)
    plantable: list[tuple[str, str, str]] = field(default_factory=list)
    rules: Counter[str] = field(default_factory=Counter)


def _scaled_fact(table: str, column: str, raw: str) -> bool:
    if not _NUMBER.match(raw.replace(" ", "")):
        return False
    if table.startswith("perf_"):
        return column.startswith("budget") or column in ("executed", "balance")
    return "." in raw  # amounts print decimals; counts (vehicles, batches, people) do not


def fmt_like(raw: str, value: Decimal) -> str:
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    return format(value, f"{',' if ',' in raw else ''}.{decimals}f")


def load_template(path: Path) -> Template:
    text = decode(path.read_bytes(), path.name)
    raw_lines = text.splitlines(keepends=True)
    endings = [ln[len(ln.rstrip("\r\n")) :] for ln in raw_lines]
    lines = [ln.rstrip("\r\n").split("\t") for ln in raw_lines]
    doc = read_document(path)
    dept = doc.department or ""
    region = region_of(dept).region or ""
    agency = dept[len(region) :] if region and dept.startswith(region) else dept
    t = Template(path, path.stem, lines, endings, doc, dept, agency)
    seen: Counter[tuple[int, str]] = Counter()
    for f in doc.facts:
        if f.prov.line is None or not _scaled_fact(f.table, f.column, f.raw):
            continue
        idx = f.prov.line - 1
        k = seen[(idx, f.raw)]
        seen[(idx, f.raw)] += 1
        hits = [i for i, c in enumerate(lines[idx]) if c.strip() == f.raw]
        if k < len(hits):
            t.facts[(f.table, f.row, f.column)] = Slot(idx, hits[k], 0, f.raw, f.value)
    counted: Counter[tuple[int, str]] = Counter()
    for c in doc.claims:
        if c.prov.line is None or c.unit not in ("万元", "元") or c.kind not in ("amount", "change_amount"):
            continue
        if not _NUMBER.match(c.raw):
            continue
        idx = c.prov.line - 1
        t.claims.append(Slot(idx, None, counted[(idx, c.raw)], c.raw, c.value))
        counted[(idx, c.raw)] += 1
    starts = sorted(x.prov.line - 1 for x in doc.tables if x.prov.line)
    t.sections = [(a, b) for a, b in zip(starts, starts[1:])]
    t.rules = Counter(f.rule for f in check(doc).findings)
    return t


def render(t: Template, *, factor: int = 1, shift: int = 0, swap: int | None = None,
           department: str | None = None, plant: tuple[tuple[str, str, str], Decimal] | None = None) -> str:  # fmt: skip
    lines = [list(cells) for cells in t.lines]
    for key, s in t.facts.items():
        value = s.value * factor
        if plant is not None and plant[0] == key:
            value = (s.value + plant[1]) * factor
        if value != s.value or plant is not None and plant[0] == key:
            lines[s.line][s.cell] = fmt_like(s.raw, value)  # type: ignore[index]
    if factor != 1:
        for s in t.claims:
            _replace_nth(lines[s.line], s.raw, fmt_like(s.raw, s.value * factor), s.occurrence)
    out = ["\t".join(cells) + end for cells, end in zip(lines, t.endings)]
    if swap is not None:
        (a, b), (_, c) = t.sections[swap], t.sections[swap + 1]
        out[a:c] = out[b:c] + out[a:b]
    text = "".join(out)
    if department and t.department:
        text = text.replace(t.department, department)
    if shift:
        text = _YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)
    return text


def _replace_nth(cells: list[str], raw: str, new: str, n: int) -> None:
    """The n-th occurrence of ``raw`` (not inside a longer number) across a line's cells."""
    pattern = re.compile(rf"(?<![\d.,]){re.escape(raw)}(?![\d])")
    seen = 0
    for i, cell in enumerate(cells):
        for m in pattern.finditer(cell):
            if seen == n:
                cells[i] = cell[: m.start()] + new + cell[m.end() :]
                return
            seen += 1


def _read(text: str, work: Path) -> Document:
    p = work / "variant.txt"
    p.write_text(text, encoding="utf-8")
    return read_document(p)


def _consistent(t: Template, doc: Document, factor: int) -> bool:
    got = {(f.table, f.row, f.column): f.value for f in doc.facts}
    for key, s in t.facts.items():
        if got.get(key) != s.value * factor:
            return False
    return Counter(f.rule for f in check(doc).findings) == t.rules


def validate(t: Template, rnd: random.Random, work: Path) -> list[str]:
    """Keep the variations that read back consistently; the notes about those dropped."""
    notes = []
    t.factors = [k for k in FACTORS if _consistent(t, _read(render(t, factor=k), work), k)]
    t.shifts = [s for s in YEAR_SHIFTS if _consistent(t, _read(render(t, shift=s), work), 1)]
    t.swaps = [None] + [i for i in range(len(t.sections) - 1) if _consistent(t, _read(render(t, swap=i), work), 1)]
    name = _department_name(t, rnd)
    if not _consistent(t, _read(render(t, department=name), work), 1):
        notes.append(f"{t.name}: 改名后读取不一致，不改名")
        t.agency = ""
    base = check(t.doc).findings
    cited = {(c.table, c.row, c.column) for f in base for c in f.cells}
    keys = [k for k in t.facts if k not in cited and not k[0].startswith("perf_")]
    rnd.shuffle(keys)
    for key in keys[:CANDIDATES]:
        doc = _read(render(t, plant=(key, PLANT_DELTAS[0])), work)
        if any((c.table, c.row, c.column) == key for f in check(doc).findings for c in f.cells):
            t.plantable.append(key)
    notes.append(
        f"{t.name}: 倍数 {t.factors}，年份 {t.shifts}，可交换 {len(t.swaps) - 1}/{max(0, len(t.sections) - 1)}，"
        f"可植入单元格 {len(t.plantable)}/{min(len(keys), CANDIDATES)}"
    )
    return notes


def _department_name(t: Template, rnd: random.Random) -> str | None:
    if not t.agency:
        return None
    province, cities = rnd.choice(PLACES)
    return province + rnd.choice(cities) + t.agency


def generate(templates: list[Template], n: int, out: Path, rnd: random.Random, error_rate: float) -> int:
    out.mkdir(parents=True, exist_ok=True)
    planted = 0
    with open(out / "answer_key.csv", "w", newline="", encoding="utf-8") as fh:
        key_csv = csv.writer(fh)
        key_csv.writerow(["file", "table", "row", "column", "printed", "true", "line", "template"])
        for i in range(n):
            t = templates[i % len(templates)]
            factor = rnd.choice(t.factors or [1])
            shift = rnd.choice(t.shifts or [0])
            swap = rnd.choice(t.swaps or [None])
            plant = None
            if t.plantable and rnd.random() < error_rate:
                plant = (rnd.choice(t.plantable), rnd.choice(PLANT_DELTAS))
            name = f"{i:05d}-{t.name}-x{factor}.txt"
            text = render(t, factor=factor, shift=shift, swap=swap, department=_department_name(t, rnd), plant=plant)
            (out / name).write_text(text, encoding="utf-8")
            if plant is not None:
                (table, row, column), delta = plant
                s = t.facts[plant[0]]
                line = s.line + 1
                if swap is not None:
                    (a, b), (_, c) = t.sections[swap], t.sections[swap + 1]
                    line = s.line + 1 + (c - b) if a <= s.line < b else (s.line + 1 - (b - a) if b <= s.line < c else line)
                key_csv.writerow([name, table, row, column, fmt_like(s.raw, (s.value + delta) * factor),
                                  fmt_like(s.raw, s.value * factor), line, t.path.name])  # fmt: skip
                planted += 1
    return planted


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="how many documents")
    ap.add_argument("templates", nargs="*", type=Path, help="corpus .txt documents (default: the .txt corpus)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--error-rate", type=float, default=0.5, help="share of documents with a planted error")
    args = ap.parse_args(argv)
    rnd = random.Random(args.seed)
    paths = args.templates or sorted(DEFAULT_CORPUS.glob("*.txt"))
    if not paths:
        ap.error("no template documents")
    templates = []
    with tempfile.TemporaryDirectory() as tmp:
        for p in paths:
            t = load_template(p)
            for note in validate(t, rnd, Path(tmp)):
                print(note, file=sys.stderr)
            templates.append(t)
    planted = generate(templates, args.n, args.out, rnd, args.error_rate)
    print(f"{args.n} 个文件，植入错误 {planted} 个 → {args.out}（答案：answer_key.csv）", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
