"""The document as a flat list of parts, which every writer (DOCX, HTML) renders in order."""

from __future__ import annotations

from dataclasses import dataclass

from .layouts import PrintedTable


@dataclass
class Heading:
    text: str
    level: int = 1  # 0: cover title, 1: 第N部分, 2: 一、, 3: （一）


@dataclass
class Para:
    text: str
    style: str = ""  # "", "cover", "toc", "meta", "note"


@dataclass
class TableBlock:
    table: PrintedTable
    department: str
    year: int


@dataclass
class PageBreak:
    pass


Part = Heading | Para | TableBlock | PageBreak
