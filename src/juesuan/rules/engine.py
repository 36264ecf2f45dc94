"""The rule engine: what a rule is, how identities are judged, how findings are written.

A rule's check function reads a :class:`Context` and yields

- :class:`Identity` objects (``printed = Σ terms`` or ``printed ≥ Σ terms`` over fact keys); the
  engine judges them with :func:`juesuan.money.compare` / :func:`~juesuan.money.compare_ge`: a
  mismatch becomes an error under the rule, a difference inside the rounding interval becomes
  one ``info`` finding under the rounding rule (尾差) that names the identity;
- :class:`Issue` objects (completeness rules): a finding with the rule's own severity.

Missing facts are zero (facts contract). An identity none of whose cells were printed is skipped,
as is one that reads a table the document does not have (the completeness rules report that) or,
for an identity inside one table, a table marked empty.

A table recognised from a fragment (title and header lost in extraction, usually with its first
rows) is incomplete: a row missing from it is unknown, not zero. Identities that read a row a
fragment does not have, or that sum "every printed row" of a fragment (``Identity.whole``), are
skipped rather than reported as errors the document does not contain.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Callable, Iterable, Literal

from ..model import (
    SEVERITY_ORDER,
    TABLE_IDS,
    Block,
    Cell,
    CellRef,
    Document,
    Fact,
    Finding,
    Provenance,
    Severity,
    TableInfo,
)
from ..money import Comparison, compare, compare_ge, fmt
from .names import column_name, default_row_name, table_name

Key = tuple[str, str, str]  # (table, row, column)

FAMILIES: dict[str, str] = {
    "AR": "行内运算",
    "HI": "科目层级",
    "SB": "总表平衡",
    "XT": "表间勾稽",
    "CP": "完整性",
    "RD": "尾差",
    "PF": "绩效自评",
    "NR": "叙述一致",
    "NP": "叙述完整",
    "KD": "文件类型",
    "BG": "预算表",
    "BN": "预算说明",
}

_ZERO_2DP = Decimal("0.00")


# --------------------------------------------------------------------------- what rules yield


@dataclass(slots=True)
class Identity:
    """``printed = Σ sign·term`` (op "eq") or ``printed ≥ Σ sign·term`` (op "ge")."""

    printed: Key
    terms: list[tuple[int, Key]]
    op: Literal["eq", "ge"] = "eq"
    fields: dict[str, str] = field(default_factory=dict)  # extra message fields
    whole: tuple[str, ...] = ()  # tables whose every printed row the terms were collected from
    unit: Decimal | None = None  # per-value half-unit when not the printed precision (0 for counts)

    def keys(self) -> list[Key]:
        return [self.printed, *(k for _, k in self.terms)]


@dataclass(slots=True)
class Issue:
    """A finding that is not an identity (completeness rules)."""

    fields: dict[str, str]
    tables: list[str]
    cells: list[CellRef] = field(default_factory=list)
    row: str | None = None  # for ordering findings
    expected: str | None = None  # the computed side, when the issue is arithmetic (family PF)
    printed: str | None = None
    difference: str | None = None
    sentence: dict | None = None  # the narrative sentence it is about (families NR, NP): text, line, page


# --------------------------------------------------------------------------- examples


@dataclass(frozen=True, slots=True)
class Example:
    """A tiny document: cells written ``"table/row/column=value"``."""

    cells: tuple[str, ...]
    tables: tuple[str, ...] = ()  # tables present without any printed cell
    empty: tuple[str, ...] = ()  # tables present and marked empty
    toc: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()  # ("table/row", printed name)
    note: str = ""
    text: tuple[str, ...] = ()  # narrative lines (情况说明), read into claims
    meta: tuple[tuple[str, object], ...] = ()  # Document attributes: kind, template, family, unreadable


def ex(
    *cells: str,
    tables: Iterable[str] = (),
    empty: Iterable[str] = (),
    toc: Iterable[str] = (),
    labels: dict[str, str] | None = None,
    note: str = "",
    text: Iterable[str] = (),
    meta: dict[str, object] | None = None,
) -> Example:
    return Example(
        tuple(cells), tuple(tables), tuple(empty), tuple(toc), tuple((labels or {}).items()), note,
        tuple(text), tuple((meta or {}).items()),
    )


def example_document(example: Example, year: int = 2024) -> Document:
    labels = dict(example.labels)
    facts: list[Fact] = []
    for i, spec in enumerate(example.cells, start=1):
        where, _, raw = spec.partition("=")
        table, row, column = where.split("/")
        facts.append(
            Fact(table, row, column, Decimal(raw), raw, Provenance(line=i), labels.get(f"{table}/{row}", ""))
        )
    order: list[str] = []
    for t in [*(f.table for f in facts), *example.tables, *example.empty]:
        if t not in order:
            order.append(t)
    tables = []
    for t in order:
        row_labels = {k.split("/")[1]: v for k, v in labels.items() if k.split("/")[0] == t}
        tables.append(
            TableInfo(t, table_name(t), None, "万元", Provenance(), empty=t in example.empty, row_labels=row_labels)
        )
    doc = Document(
        source="example", format="text", department="示例部门", year=year, unit="万元",
        tables=tables, facts=facts, toc=list(example.toc), text=_example_text(example.text),
    )
    for name, value in example.meta:
        setattr(doc, name, list(value) if isinstance(value, tuple) else value)
    if example.text:
        from ..extract.claims import extract_claims_from_blocks

        doc.claims = extract_claims_from_blocks(doc.text, year=year)
    return doc


def _example_text(lines: tuple[str, ...]) -> list[Block]:
    """Narrative lines as text blocks, numbered from line 1001 (apart from the cells' lines)."""
    return [
        Block("text", [Cell(line, Provenance(line=n))], Provenance(line=n))
        for n, line in enumerate(lines, start=1001)
    ]


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: Severity
    family: str
    legal_basis: str
    message: str  # str.format template with named fields
    doc: str
    check: Callable[["Context"], Iterable[Identity | Issue]] | None
    passing: tuple[Example, ...] = ()
    failing: tuple[Example, ...] = ()
    # rules that yield issues rather than identities (families NR/NP): the printed cells they
    # compare with, so that ``reads`` knows which rules a planted value can concern
    cells_read: Callable[["Context"], Iterable[Key]] | None = None
    # the document kinds the rule applies to (Document.kind): final-accounts rules by default
    kinds: tuple[str, ...] = ("final",)
    # findings of one cause (one per bare change, one per placeholder): merged into one finding
    # per document that lists every place and keeps every cell (:mod:`.grouping`)
    group: bool = False

    @property
    def family_name(self) -> str:
        return FAMILIES[self.family]

    def example_ids(self) -> tuple[list[str], list[str]]:
        return (
            [f"{self.id}-P{i}" for i in range(1, len(self.passing) + 1)],
            [f"{self.id}-F{i}" for i in range(1, len(self.failing) + 1)],
        )

    def identities(self, ctx: "Context") -> list[Identity]:
        """The identities this rule checks in the document (skipped ones left out)."""
        if self.check is None:
            return []
        return [i for i in self.check(ctx) if isinstance(i, Identity) and ctx.checkable(i)]

    def reads(self, doc: Document) -> set[Key]:
        """Keys of the printed facts that take part in at least one of this rule's identities."""
        ctx = Context(doc)
        keys = {k for i in self.identities(ctx) for k in i.keys() if k in ctx.index}
        if self.cells_read is not None:
            keys.update(k for k in self.cells_read(ctx) if k in ctx.index)
        return keys


# --------------------------------------------------------------------------- context


class Context:
    """A document, indexed for the rules."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.index: dict[Key, Fact] = doc.index()
        self.infos: dict[str, TableInfo] = {}
        for t in doc.tables:
            self.infos.setdefault(t.id, t)
        self._rows: dict[str, list[str]] = {}
        self._row_pos: dict[tuple[str, str], int] = {}
        self._row_sets: dict[str, set[str]] = {}
        self._labels: dict[tuple[str, str], str] = {}
        for f in doc.facts:
            if f.project:
                continue  # 绩效自评表 facts: rows repeat per project; family PF indexes them itself
            if (f.table, f.row) not in self._row_pos:
                self._row_pos[f.table, f.row] = len(self._row_pos)
                self._rows.setdefault(f.table, []).append(f.row)
            if f.label and (f.table, f.row) not in self._labels:
                self._labels[f.table, f.row] = f.label
        self._coded: dict[str, list[str]] = {}
        self._parent: dict[tuple[str, str], str] = {}  # nearest printed ancestor ("" for none)
        self._children: dict[tuple[str, str], list[str]] = {}
        for t, rows in self._rows.items():
            self._row_sets[t] = row_set = set(rows)
            self._coded[t] = coded = [r for r in rows if r.isdigit()]
            for r in coded:
                parent = next((r[:n] for n in range(len(r) - 1, 0, -1) if r[:n] in row_set), "")
                self._parent[t, r] = parent
                self._children.setdefault((t, parent), []).append(r)
        self._amounts: dict[Key, Decimal] = {k: _precise(f.value) for k, f in self.index.items()}
        self._nonzero = {k[0] for k, v in self._amounts.items() if v != 0}

    # tables
    def column_absent(self, key: Key) -> bool:
        """Whether the table of ``key`` is known to print no column ``key[2]`` (its header)."""
        info = self.infos.get(key[0])
        return info is not None and info.columns is not None and key[2] not in info.columns

    def present(self, table: str) -> bool:
        return table in self.infos or table in self._rows

    def is_empty(self, table: str) -> bool:
        """Marked empty (本表无数据) and printing nothing but zeros: a table marked empty that
        does print an amount is checked like any other."""
        info = self.infos.get(table)
        return info is not None and info.empty and table not in self._nonzero

    def is_fragment(self, table: str) -> bool:
        info = self.infos.get(table)
        return info is not None and info.fragment

    def has_data(self, table: str) -> bool:
        """Present, not marked empty, and with at least one printed cell."""
        return self.present(table) and not self.is_empty(table) and table in self._rows

    # rows and cells
    def rows(self, table: str) -> list[str]:
        return self._rows.get(table, [])

    def coded_rows(self, table: str) -> list[str]:
        return self._coded.get(table, [])

    def has_row(self, table: str, row: str) -> bool:
        return row in self._row_sets.get(table, ())

    def printed(self, key: Key) -> bool:
        return key in self.index

    def row_pos(self, table: str, row: str) -> int:
        return self._row_pos.get((table, row), -1)

    def printed_name(self, table: str, row: str) -> str:
        """The row's name as the document printed it ("" when none)."""
        info = self.infos.get(table)
        name = info.row_labels.get(row, "") if info else ""
        return name or self._labels.get((table, row), "")

    def label(self, table: str, row: str) -> str:
        """The row as a reviewer names it: ``2080101 行政运行``, ``合计``, ``本年收入合计``."""
        name = self.printed_name(table, row) or default_row_name(table, row)
        if row.isdigit():
            return f"{row} {name}".strip()
        return name or row

    def table_title(self, table: str) -> str:
        info = self.infos.get(table)
        name = table_name(table)
        return f"{name}（{info.number}）" if info and info.number else name

    def cell_name(self, key: Key, with_table: bool = True, with_column: bool = True) -> str:
        table, row, column = key
        col = column_name(table, column) if with_column else ""
        text = f"「{self.label(table, row)}」" + (f"「{col}」" if col else "")
        return f"《{table_name(table)}》{text}" if with_table else text

    def describe_terms(self, terms: list[tuple[int, Key]], printed: Key | None = None, limit: int = 8) -> str:
        """``「a」＋「b」－「c」`` — table named when it changes; the column left out when every
        term sits in the printed cell's table and column."""
        if not terms:
            return "（无）"
        same = printed is not None and all(k[0] == printed[0] and k[2] == printed[2] for _, k in terms)
        parts: list[str] = []
        last_table = None if printed is None else printed[0]
        for i, (sign, key) in enumerate(terms):
            if i == limit:
                parts.append(f"…等{len(terms)}项")
                break
            op = "" if i == 0 and sign > 0 else ("＋" if sign > 0 else "－")
            prefix = f"《{table_name(key[0])}》" if key[0] != last_table else ""
            last_table = key[0]
            parts.append(op + prefix + self.cell_name(key, with_table=False, with_column=not same))
        return "".join(parts)

    def amount(self, key: Key) -> Decimal | None:
        """The printed value of a cell with its printed precision; None when not printed."""
        return self._amounts.get(key)

    def cellref(self, key: Key) -> CellRef:
        fact = self.index.get(key)
        if fact is not None:
            return CellRef.of(fact)
        return CellRef(key[0], key[1], key[2], "", label=self.label(key[0], key[1]))

    def checkable(self, ident: Identity) -> bool:
        keys = ident.keys()
        if not any(k in self.index for k in keys):
            return False
        tables = {k[0] for k in keys}
        if not all(self.present(t) for t in tables):
            return False
        if len(tables) == 1 and self.is_empty(next(iter(tables))):
            return False
        if any(self.is_fragment(t) for t in ident.whole):
            return False
        if any(self.column_absent(k) for k in keys):
            return False  # the table prints no such column: nothing to check, no 0 invented
        # a row a fragment does not have was lost in extraction: unknown, not zero
        return not any(
            k not in self.index and self.is_fragment(k[0]) and not self.has_row(k[0], k[1]) for k in keys
        )

    # hierarchy
    def roots_under(self, table: str, code: str) -> list[str]:
        """Printed coded rows below ``code`` ("" for all) whose parent below ``code`` is not printed."""
        if code == "" or self.has_row(table, code):
            return self._children.get((table, code), [])
        return [
            r for r in self.coded_rows(table)
            if r.startswith(code) and len(r) > len(code) and len(self._parent[table, r]) < len(code)
        ]

    def class_terms(self, table: str, code: str, column: str) -> list[tuple[int, Key]]:
        """The cells that make up code ``code`` in ``table``: its own row if printed, else its
        nearest printed descendants (documents that print only 项-level rows). In a fragment the
        descendants may be incomplete, and a table the document lacks has none: there the code's
        own (unprinted) row stands, so that the identity is skipped rather than summed to zero."""
        if self.has_row(table, code) or self.is_fragment(table) or not self.present(table):
            return [(1, (table, code, column))]
        return [(1, (table, r, column)) for r in self.roots_under(table, code)]


# --------------------------------------------------------------------------- judging


def _precise(value: Decimal) -> Decimal:
    """A zero printed as ``-``/``—``/``0`` taken at the table's precision (0.00), so that a dash does
    not widen the rounding interval to ±0.5."""
    if value != 0:
        return value
    exp = value.as_tuple().exponent
    return _ZERO_2DP if isinstance(exp, int) and exp > -2 else value


def judge(ctx: Context, ident: Identity) -> Comparison:
    printed = ctx.amount(ident.printed)
    if printed is None:
        printed = _ZERO_2DP
    terms = [(s, v) for s, k in ident.terms if (v := ctx.amount(k)) is not None]
    if ident.op == "eq":
        return compare(printed, terms, unit=ident.unit)
    if len(terms) == 1 and terms[0][0] > 0 and ident.unit is None:
        return compare_ge(printed, terms[0][1])
    # printed ≥ Σ terms: the interval test of compare() applies when the sum exceeds printed
    result = compare(printed, terms, unit=ident.unit)
    return replace(result, outcome="exact") if result.difference >= 0 else result


def _identity_fields(ctx: Context, ident: Identity, result: Comparison) -> dict[str, str]:
    table, row, column = ident.printed
    col = column_name(table, column)
    places = 0 if ident.unit == 0 else 2  # counts (vehicles) are whole numbers
    fields = {
        "table_name": ctx.table_title(table),
        "row_label": ctx.label(table, row),
        "column_name": col,
        "column": f"「{col}」列" if col else "",
        "cell": ctx.cell_name(ident.printed),
        "other": ctx.describe_terms(ident.terms, ident.printed),
        "printed": fmt(result.printed, places),
        "expected": fmt(result.expected, places),
        "difference": fmt(result.difference, places),
        "tolerance": fmt(result.tolerance, 3),
    }
    fields.update(ident.fields)
    return fields


def _tables_of(keys: Iterable[Key]) -> list[str]:
    out: list[str] = []
    for k in keys:
        if k[0] not in out:
            out.append(k[0])
    return out


def _sort_key(ctx: Context, finding: Finding, row: str | None) -> tuple:
    table = finding.tables[0] if finding.tables else ""
    t_pos = TABLE_IDS.index(table) if table in TABLE_IDS else len(TABLE_IDS)
    r_pos = ctx.row_pos(table, row) if row is not None else -1
    return (SEVERITY_ORDER[finding.severity], t_pos, r_pos, finding.rule)


def run(doc: Document, rules: Iterable[Rule], rounding: Rule) -> list[Finding]:
    """All findings of ``rules`` on ``doc``, sorted by severity, table, row."""
    from .grouping import group_findings
    from .reading import RULE as READING, collapse_unread

    rules = list(rules)
    ctx = Context(doc)
    keyed: list[tuple[tuple, Finding]] = []
    inside: dict[int, str] = {}  # id(finding) → the one table whose identity it judges (families AR, HI)
    row_checks: dict[str, dict[str, bool]] = {}  # table → row → some row identity (AR) fails
    for rule in rules:
        if rule.check is None:
            continue
        for item in rule.check(ctx):
            if isinstance(item, Issue):
                f = Finding(
                    rule.id, rule.severity, rule.title, rule.message.format(**item.fields),
                    list(item.tables), list(item.cells), expected=item.expected, printed=item.printed,
                    difference=item.difference, family=rule.family, sentence=item.sentence,
                )
                keyed.append((_sort_key(ctx, f, item.row), f))
                continue
            if not ctx.checkable(item):
                continue
            result = judge(ctx, item)
            one = item.printed[0] if rule.family in ("AR", "HI") and len({k[0] for k in item.keys()}) == 1 else None
            if one is not None and rule.family == "AR" and any(k in ctx.index for _, k in item.terms):
                rows = row_checks.setdefault(one, {})
                rows[item.printed[1]] = rows.get(item.printed[1], False) or result.outcome == "mismatch"
            if result.outcome == "exact":
                continue
            fields = _identity_fields(ctx, item, result)
            if result.outcome == "rounding":
                fields.update(identity_rule=rule.id, identity_title=rule.title)
                about = rounding
            else:
                about = rule
            keys = item.keys()
            f = Finding(
                about.id,
                about.severity,
                about.title,
                about.message.format(**fields),
                _tables_of(keys),
                [ctx.cellref(k) for k in keys],
                expected=fmt(result.expected),
                printed=fmt(result.printed),
                difference=fmt(result.difference),
                family=about.family,
            )
            keyed.append((_sort_key(ctx, f, item.printed[1]), f))
            if one is not None:
                inside[id(f)] = one
    if any(r.id == READING.id for r in rules):
        for f in collapse_unread(ctx, keyed, inside, row_checks):
            keyed.append((_sort_key(ctx, f, None), f))
    keyed.sort(key=lambda kf: kf[0])
    return group_findings([f for _, f in keyed], {r.id for r in rules if r.group})


def identity_cells(doc: Document, rules: Iterable[Rule]) -> set[Key]:
    """Printed cells taking part in at least one checked equality.

    A cell that only an inequality reads (机关运行经费 ≤ 公用经费, 三公 ≥ 30217 …) is left out: a
    wrong value there is caught only when it happens to cross the bound.
    """
    ctx = Context(doc)
    return {
        k for r in rules for i in r.identities(ctx) if i.op == "eq" for k in i.keys() if k in ctx.index
    }
