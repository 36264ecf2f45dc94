"""Grid → facts, one reader per table shape (a facade over the readers' modules).

Shapes: coded (function-code rows × amount columns named by the header, ``extract.coded``),
two-sided (收入 | 支出 halves, ``extract.two_sided``), gpb_basic (side-by-side groups of
code/name/amount, ``extract.basic``), three_public (vertical list or one wide row,
``extract.three_public``), disclosure_stats (labelled lines, ``extract.stats``). Header rows are
resolved to leaf columns in ``extract.headers``; ambiguous readings are chosen by the identities
in ``extract.scoring``. Each reader returns facts, the printed row labels and the column keys the
header names, and collects what it could not read as warnings rather than failing.
"""

from __future__ import annotations

from .basic import read_gpb_basic
from .builder import Builder, Extracted, is_amount_cell
from .coded import ALL_CODED_COLUMNS, CODED_COLUMNS, read_coded
from .stats import read_disclosure_stats
from .three_public import read_three_public
from .two_sided import read_two_sided

__all__ = [
    "ALL_CODED_COLUMNS",
    "Builder",
    "CODED_COLUMNS",
    "Extracted",
    "is_amount_cell",
    "read_coded",
    "read_disclosure_stats",
    "read_gpb_basic",
    "read_three_public",
    "read_two_sided",
]
