"""A finding's stable identity: the same problem in a resubmitted version gets the same fingerprint.

Built from what the finding is about, never from where it was stored: the rule id, the cells
involved (table, row, column, printed value, self-evaluation project) and the printed and expected
values; a narrative finding adds its sentence (whitespace removed). Page and line numbers are left
out on purpose, so a finding keeps its identity when a resubmission moves it to another page. A
value that changes (the department corrected the cell) gives a new fingerprint: the old finding is
then gone (fixed) and a new one, if any, is open.
"""

from __future__ import annotations

import hashlib
import re

from ..model import Finding

_SPACES = re.compile(r"\s+")


def fingerprint(finding: Finding) -> str:
    """16 hex digits (64 bits) identifying ``finding`` across versions of one document."""
    parts = [finding.rule]
    cells = sorted(
        (c.table, c.row, c.column, _SPACES.sub("", c.value or ""), c.project) for c in finding.cells
    )
    parts.extend("\x1f".join(c) for c in cells)
    parts.append(finding.printed or "")
    parts.append(finding.expected or "")
    if finding.sentence:
        parts.append(_SPACES.sub("", str(finding.sentence.get("text") or "")))
    if not finding.cells and not finding.sentence:
        parts.append(",".join(sorted(finding.tables)))
        parts.append(_SPACES.sub("", finding.message))
    return hashlib.sha256("\x1e".join(parts).encode("utf-8")).hexdigest()[:16]


__all__ = ["fingerprint"]
