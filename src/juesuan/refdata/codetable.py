"""One classification list for one fiscal year (:class:`CodeTable`) and its entries (:class:`Code`).

Pure standard library; the loading and the choice of year live in :mod:`juesuan.refdata`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterator

# function: 支出功能分类 (类/款/项); economic: 部门预算支出经济分类 (from 2018) or, before 2018, the
# single 支出经济分类 (both 301-399); economic_gov: 政府预算支出经济分类 (501-599, from 2018).
KINDS = ("function", "economic", "economic_gov")

# Printed name of each list, for messages ("2016年支出功能分类科目表中没有 2080505").
KIND_TITLES = {
    "function": "支出功能分类科目",
    "economic": "支出经济分类科目",
    "economic_gov": "政府预算支出经济分类科目",
}

# Level by digit count, for codes that are not (or not yet) in a table.
_LEVEL_BY_DIGITS = {
    "function": {3: "类", 5: "款", 7: "项"},
    "economic": {3: "类", 5: "款"},
    "economic_gov": {3: "类", 5: "款"},
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
    # other names the same code is printed under in this year: the name before or after a
    # rename whose year is not confirmed (see data/SOURCES.md); matched like the name itself
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


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

    ``year`` is the fiscal year whose list this is: the year asked for when it is on file,
    else the nearest year on file (see :func:`juesuan.refdata.resolve`). ``edition`` says
    which 《政府收支分类科目》 edition the list is (``data/editions.csv``).
    """

    def __init__(self, kind: str, year: int, codes: list[Code], edition: str = ""):
        self.kind = kind
        self.year = year
        self.edition = edition
        self._codes: dict[str, Code] = {}
        self._children: dict[str, list[Code]] = {}
        for c in codes:
            if c.code in self._codes:
                raise ValueError(f"{kind}_{year}: duplicate code {c.code}")
            self._codes[c.code] = c
            if c.parent:
                self._children.setdefault(c.parent, []).append(c)
        self._normalized = {c.code: tuple(normalize_name(n) for n in c.names) for c in codes}
        self._by_name: dict[str, list[Code]] = {}
        for c in codes:
            for n in dict.fromkeys(self._normalized[c.code]):
                self._by_name.setdefault(n, []).append(c)

    def __repr__(self) -> str:
        return f"<CodeTable {self.kind} {self.year}: {len(self)} codes>"

    @property
    def title(self) -> str:
        """``2016年支出功能分类科目``: the list named for a message."""
        return f"{self.year}年{KIND_TITLES.get(self.kind, self.kind)}"

    def __len__(self) -> int:
        return len(self._codes)

    def __iter__(self) -> Iterator[Code]:
        return iter(self._codes.values())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._codes

    def known(self, code: str) -> bool:
        """True when ``code`` is in this year's list (printed spacing ignored)."""
        return isinstance(code, str) and code.replace(" ", "") in self._codes

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
            if c.code.startswith(prefix) and any(n.startswith(wanted) for n in self._normalized[c.code])
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
