"""Findings of one cause become one finding that lists the places.

A rule whose findings share one cause — each bare change without a reason (JS-NP-004), each
template placeholder left in the text — opts in with ``Rule(group=True)``. After the identities
are judged, the engine (:func:`juesuan.rules.engine.run`) merges all findings of such a rule (and
severity) on one document into one, at the place of the first:

* ``message``: :data:`GROUP_MESSAGE` — how many places, then each finding's own message;
* ``cells``: every cell of every finding, in order (the provenance of each place stays, so the
  reports and the workbench still point at each one); ``tables``: their union;
* ``sentence``: kept when all the places are in one sentence, else none (the report then lists
  each narrative cell with its page or line instead of quoting one sentence);
* ``expected`` / ``printed`` / ``difference``: kept only when every finding has the same.

A rule with a single finding on the document is left as it is.
"""

from __future__ import annotations

from ..model import CellRef, Finding

__all__ = ["GROUP_MESSAGE", "group_findings"]

GROUP_MESSAGE = "共 {count} 处：{places}"


def _same(values: list) -> object:
    first = values[0]
    return first if all(v == first for v in values) else None


def _merge(group: list[Finding]) -> Finding:
    first = group[0]
    cells: list[CellRef] = []
    seen: set[tuple] = set()
    for f in group:
        for c in f.cells:
            k = (c.table, c.row, c.column, c.project, c.value, c.page, c.line, c.ref)
            if k not in seen:
                seen.add(k)
                cells.append(c)
    tables = list(dict.fromkeys(t for f in group for t in f.tables))
    sentences = [f.sentence for f in group]
    sentence = sentences[0] if all(s == sentences[0] for s in sentences) else None
    message = GROUP_MESSAGE.format(count=len(group), places="；".join(f.message for f in group))
    return Finding(
        first.rule, first.severity, first.title, message, tables, cells,
        expected=_same([f.expected for f in group]),  # type: ignore[arg-type]
        printed=_same([f.printed for f in group]),  # type: ignore[arg-type]
        difference=_same([f.difference for f in group]),  # type: ignore[arg-type]
        family=first.family, sentence=sentence,
    )


def group_findings(findings: list[Finding], grouped: set[str]) -> list[Finding]:
    """``findings`` with those of each rule in ``grouped`` merged into one per (rule, severity),
    placed where the first of them was."""
    if not grouped:
        return findings
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.rule in grouped:
            groups.setdefault((f.rule, f.severity), []).append(f)
    if all(len(g) < 2 for g in groups.values()):
        return findings
    out: list[Finding] = []
    done: set[tuple[str, str]] = set()
    for f in findings:
        key = (f.rule, f.severity)
        g = groups.get(key) if f.rule in grouped else None
        if g is None or len(g) < 2:
            out.append(f)
        elif key not in done:
            done.add(key)
            out.append(_merge(g))
    return out
