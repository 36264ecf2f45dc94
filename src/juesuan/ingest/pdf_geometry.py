"""Compatibility name: the PDF table geometry now lives in :mod:`juesuan.layout` (split by
concern into ``pdf_lines``, ``pdf_grids``, ``pdf_columns`` and ``pdf_rows``)."""

from __future__ import annotations

from ..layout.pdf_columns import find_text_tables, infer_columns, table_pieces
from ..layout.pdf_grids import Grid, find_grids, find_rule_stacks, grid_rows, merge_segments, split_rule_stack
from ..layout.pdf_lines import (
    BOT,
    CH,
    CY,
    EM,
    SP,
    TOP,
    X0,
    X1,
    Box,
    Char,
    Line,
    TableRow,
    build_lines,
    cell_text,
    cluster_rows,
    in_box,
    is_amount,
    is_cjk,
    is_value,
    join_wrapped,
    line_text,
    make_line,
    rbox,
    split_gaps,
    tidy,
    union_box,
)
from ..layout.pdf_rows import text_table_rows

__all__ = [
    "BOT", "CH", "CY", "EM", "SP", "TOP", "X0", "X1", "Box", "Char", "Grid", "Line", "TableRow",
    "build_lines", "cell_text", "cluster_rows", "find_grids", "find_rule_stacks", "find_text_tables",
    "grid_rows", "in_box", "infer_columns", "is_amount", "is_cjk", "is_value", "join_wrapped",
    "line_text", "make_line", "merge_segments", "rbox", "split_gaps", "split_rule_stack",
    "table_pieces", "text_table_rows", "tidy", "union_box",
]
