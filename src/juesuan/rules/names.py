"""How rows and columns are named in messages: the shared vocabulary (juesuan.vocab)."""

from __future__ import annotations

from ..vocab import COLUMN_NAMES, ROW_NAMES, column_name, row_name, table_name

default_row_name = row_name

__all__ = ["COLUMN_NAMES", "ROW_NAMES", "column_name", "default_row_name", "table_name"]
