"""The report as one self-contained HTML file (Jinja2, autoescape on, inline CSS and JS)."""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, StrictUndefined

from juesuan import __version__
from juesuan.model import CheckResult, Finding
from juesuan.safe_output import file_name

from .common import (
    NARRATIVE,
    SEVERITIES,
    TableGrid,
    build_grids,
    cell_id,
    cell_row_label,
    cell_table_name,
    cell_value_text,
    column_name,
    location,
    missing_standard_tables,
    ordered_findings,
    report_title,
    row_labels,
    sentence_parts,
    severity_name,
    table_name,
)
from .perf import PerfSection, build_perf_sections


@dataclass(slots=True)
class CellLink:
    href: str | None  # "#cell-…", None when the report has no such cell
    table: str
    row: str  # the key, "" when the label already starts with it
    label: str
    column: str
    value: str
    location: str


@dataclass(slots=True)
class SentenceView:
    before: str  # the sentence up to the number
    number: str  # the number the finding is about (highlighted)
    after: str
    location: str


@dataclass(slots=True)
class FindingView:
    number: int
    finding: Finding
    severity_name: str
    table_names: list[str]
    cells: list[CellLink]
    sentence: SentenceView | None = None


def _environment() -> Environment:
    # autoescape=True, not select_autoescape(): every template here is HTML.
    return Environment(
        loader=PackageLoader("juesuan.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def finding_views(
    findings: list[Finding],
    grids: list[TableGrid],
    labels: dict[tuple[str, str], str],
    perf: list[PerfSection] | None = None,
) -> list[FindingView]:
    """The findings as the report and the web app show them: numbered, each cell linked to its
    place in ``grids`` (or in the 绩效自评 sections ``perf``) when it is shown there."""
    targets = {c.id for g in grids for r in g.rows for c in r.cells if c is not None}
    targets |= {c.id for s in perf or [] for b in s.blocks for r in b.rows for c in r.cells if c is not None}
    views = []
    for n, f in enumerate(findings, start=1):
        links = []
        for c in f.cells:
            if c.table == NARRATIVE and f.sentence:
                continue  # shown as the sentence
            cid = cell_id(c.table, c.row, c.column, c.project)
            label = cell_row_label(c, labels)
            links.append(
                CellLink(
                    href=f"#{cid}" if cid in targets else None,
                    table=cell_table_name(c),
                    row="" if c.project or (label and label.startswith(c.row)) else c.row,
                    label=label,
                    column=column_name(c.table, c.column),
                    value=cell_value_text(c),
                    location=location(c.page, c.line, c.ref),
                )
            )
        sentence = None
        parts = sentence_parts(f.sentence)
        if parts is not None:
            where = location(f.sentence.get("page"), f.sentence.get("line"))  # type: ignore[union-attr]
            sentence = SentenceView(*parts, location=where)
        views.append(
            FindingView(n, f, severity_name(f.severity), [table_name(t) for t in f.tables], links, sentence)
        )
    return views


def render_html(result: CheckResult) -> str:
    doc = result.document
    findings = ordered_findings(result)
    grids = build_grids(result, findings)
    perf = build_perf_sections(result, findings)
    labels = row_labels(doc)
    finding_tables = list(dict.fromkeys(t for f in findings for t in f.tables))
    severities = list(dict.fromkeys([*SEVERITIES, *(f.severity for f in findings)]))
    template = _environment().get_template("report.html.j2")
    return template.render(
        doc=doc,
        title=report_title(doc),
        source=file_name(doc.source),
        version=__version__,
        findings=finding_views(findings, grids, labels, perf),
        grids=grids,
        perf=perf,
        perf_counts=(
            sum(1 for x in perf if x.table == "perf_project"),
            sum(1 for x in perf if x.table == "perf_department"),
        ),
        severities=[(s, severity_name(s), result.count(s)) for s in severities],
        filter_tables=[(t, table_name(t)) for t in finding_tables],
        missing=[table_name(t) for t in missing_standard_tables(doc)],
        fact_count=len(doc.facts),
    )
