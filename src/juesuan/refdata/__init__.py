"""Reference tables of the two Chinese budget classifications, versioned by year.

* 政府收支分类科目 · 支出功能分类 ("function"): 类 (3 digits) / 款 (5) / 项 (7).
* 部门预算支出经济分类科目 ("economic"): 类 (3 digits) / 款 (5).

The tables live in ``data/<kind>_<year>.csv`` (columns ``code,name,level,parent``);
``data/SOURCES.md`` says where each one comes from. Loading is lazy and happens
once per (kind, year). Pure standard library.

    >>> t = economic_codes(2024)
    >>> t.name("30217")
    '公务接待费'
    >>> t.restore("3021", "公务接待费")
    '30217'
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Iterator

__all__ = [
    "Code",
    "CodeTable",
    "economic_codes",
    "function_codes",
    "normalize_name",
]

KINDS = ("function", "economic")

# Level by digit count, for codes that are not (or not yet) in a table.
_LEVEL_BY_DIGITS = {
    "function": {3: "类", 5: "款", 7: "项"},
    "economic": {3: "类", 5: "款"},
}

# A name truncated by extraction must keep at least this many characters
# before it is matched by prefix; shorter fragments match too much.
_MIN_PREFIX_CHARS = 4

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    level: str  # 类 / 款 / 项
    parent: str | None


def normalize_name(s: str) -> str:
    """Canonical form of a printed subject name, for comparison only.

    Removes all whitespace (also the ideographic space) and folds full-width
    forms to half-width (NFKC: （）→(), full-width digits → ASCII). Trailing
    支出 and similar suffixes are kept: 其他支出 and 其他 are different names.
    """
    s = unicodedata.normalize("NFKC", s)
    return _WHITESPACE.sub("", s)


class CodeTable:
    """One classification for one year.

    ``year`` is the year of the file actually loaded, which may be earlier
    than the year asked for (see :func:`function_codes`).
    """

    def __init__(self, kind: str, year: int, codes: list[Code]):
        self.kind = kind
        self.year = year
        self._codes: dict[str, Code] = {}
        self._children: dict[str, list[Code]] = {}
        for c in codes:
            if c.code in self._codes:
                raise ValueError(f"{kind}_{year}: duplicate code {c.code}")
            self._codes[c.code] = c
            if c.parent:
                self._children.setdefault(c.parent, []).append(c)
        self._normalized = {c.code: normalize_name(c.name) for c in codes}
        self._by_name: dict[str, list[Code]] = {}
        for c in codes:
            self._by_name.setdefault(self._normalized[c.code], []).append(c)

    def __repr__(self) -> str:
        return f"<CodeTable {self.kind} {self.year}: {len(self)} codes>"

    def __len__(self) -> int:
        return len(self._codes)

    def __iter__(self) -> Iterator[Code]:
        return iter(self._codes.values())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._codes

    def get(self, code: str) -> Code | None:
        return self._codes.get(code)

    def name(self, code: str) -> str | None:
        c = self._codes.get(code)
        return c.name if c else None

    def level_of(self, code: str) -> str | None:
        """类/款/项 of a code; by digit count when the code is not in the table."""
        c = self._codes.get(code)
        if c:
            return c.level
        if not code.isdigit():
            return None
        return _LEVEL_BY_DIGITS[self.kind].get(len(code))

    def parent(self, code: str) -> str | None:
        """Parent code; by structure (first 3 or 5 digits) when not in the table."""
        c = self._codes.get(code)
        if c:
            return c.parent
        level = self.level_of(code)
        if level == "款":
            return code[:3]
        if level == "项":
            return code[:5]
        return None

    def children(self, code: str) -> list[Code]:
        return list(self._children.get(code, []))

    def find_by_name(self, name: str, prefix: str = "") -> list[Code]:
        """Codes whose name is ``name`` (normalised), among codes starting with ``prefix``.

        When nothing matches exactly, a name cut short by extraction (at least
        four characters) matches the codes whose name starts with it, e.g.
        ``国有企业退休人员社会化管理补`` → 2230105.
        """
        wanted = normalize_name(name)
        if not wanted:
            return []
        exact = [c for c in self._by_name.get(wanted, ()) if c.code.startswith(prefix)]
        if exact or len(wanted) < _MIN_PREFIX_CHARS:
            return exact
        return [
            c
            for c in self._codes.values()
            if c.code.startswith(prefix) and self._normalized[c.code].startswith(wanted)
        ]

    def restore(self, truncated_code: str, name: str) -> str | None:
        """Full code for a code printed cut short (``3010`` + 基本工资 → ``30101``).

        Returns the one code that starts with the printed digits and carries
        the printed name; ``None`` when there is none or more than one.
        """
        if not truncated_code.isdigit():
            return None
        found = self.find_by_name(name, prefix=truncated_code)
        return found[0].code if len(found) == 1 else None


def _data_dir():
    return resources.files(__package__).joinpath("data")


@functools.cache  # (the package's data files do not change while it runs)
def _available_years(kind: str) -> tuple[int, ...]:
    pattern = re.compile(rf"{kind}_(\d{{4}})\.csv")
    years = []
    for entry in _data_dir().iterdir():
        m = pattern.fullmatch(entry.name)
        if m:
            years.append(int(m.group(1)))
    return tuple(sorted(years))


def _resolve_year(kind: str, year: int) -> int:
    """The year on file for ``year``: itself, else the nearest earlier one, else the nearest later
    one (a document is never left without a classification because its year is not on file)."""
    years = _available_years(kind)
    if not years:
        raise ValueError(f"no {kind} classification on file")
    earlier = [y for y in years if y <= year]
    return earlier[-1] if earlier else years[0]


@functools.cache
def _load(kind: str, year: int) -> CodeTable:
    path = _data_dir().joinpath(f"{kind}_{year}.csv")
    with path.open(encoding="utf-8", newline="") as f:
        codes = [
            Code(
                code=row["code"].strip(),
                name=row["name"].strip(),
                level=row["level"].strip(),
                parent=row["parent"].strip() or None,
            )
            for row in csv.DictReader(f)
        ]
    return CodeTable(kind, year, codes)


def function_codes(year: int = 2024) -> CodeTable:
    """支出功能分类 for ``year``, or for the nearest year on file (earlier first)."""
    return _load("function", _resolve_year("function", year))


def economic_codes(year: int = 2024) -> CodeTable:
    """部门预算支出经济分类 for ``year``, or for the nearest year on file (earlier first)."""
    return _load("economic", _resolve_year("economic", year))
