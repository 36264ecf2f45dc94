"""Reference tables of the Chinese budget classifications, for every fiscal year 2015–2026.

* 支出功能分类 (``function``): 类 (3 digits) / 款 (5) / 项 (7).
* 支出经济分类 (``economic``): 类 (3) / 款 (5), codes 301–399. From 2018 this is the
  部门预算支出经济分类 of the 2018 reform (财预〔2017〕98号); before 2018 the single
  支出经济分类 that preceded it (e.g. 30311 住房公积金, 304 对企事业单位的补贴).
* 政府预算支出经济分类 (``economic_gov``): 类 (3) / 款 (5), codes 501–599, from 2018.

Every list is one file, ``data/<kind>.csv`` (``code,name,level,parent,from,to,aliases``): a row
holds in the fiscal years ``from``–``to`` (blank: open). ``data/editions.csv`` names the
《政府收支分类科目》 edition behind each span of years and bounds the years on file;
``data/SOURCES.md`` says where every entry comes from and how sure it is.

A year on file gets exactly its own list. A year outside the years on file gets the nearest
year on file (the nearest earlier one, else the nearest later one) — a document is never left
without a classification — and :func:`resolve` / :func:`lookup` say which year was used.

    >>> t = economic_codes(2024)
    >>> t.name("30217")
    '公务接待费'
    >>> t.restore("3021", "公务接待费")
    '30217'
    >>> economic_codes(2017).name("30311"), economic_codes(2019).name("30113")
    ('住房公积金', '住房公积金')
    >>> lookup("2080505", 2031).note
    '2026年支出功能分类科目中有 2080505 机关事业单位基本养老保险缴费支出（2031年无科目表，按2026年）'
    >>> known("20139", 2023), known("20139", 2024)
    (False, True)
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

from .codetable import KIND_TITLES, KINDS, Code, CodeTable, normalize_name

__all__ = [
    "Code",
    "CodeTable",
    "Edition",
    "KINDS",
    "Lookup",
    "Resolution",
    "codes",
    "economic_codes",
    "editions",
    "function_codes",
    "government_economic_codes",
    "kind_of",
    "known",
    "lookup",
    "normalize_name",
    "resolve",
    "years_on_file",
]


@dataclass(frozen=True)
class Edition:
    """A span of fiscal years that share one list (one line of ``data/editions.csv``)."""

    kind: str
    first: int
    last: int
    title: str

    def __contains__(self, year: object) -> bool:
        return isinstance(year, int) and self.first <= year <= self.last


@dataclass(frozen=True)
class Resolution:
    """Which year's list serves a document of year ``asked``."""

    kind: str
    asked: int
    used: int
    edition: Edition

    @property
    def exact(self) -> bool:
        """True when the year asked for is on file (no nearest-year fallback)."""
        return self.asked == self.used


@dataclass(frozen=True)
class Lookup:
    """A code looked up in the list of a year: is it there, and in which year's list it was looked up."""

    code: str
    kind: str
    resolution: Resolution
    entry: Code | None

    @property
    def known(self) -> bool:
        return self.entry is not None

    @property
    def name(self) -> str | None:
        return self.entry.name if self.entry else None

    @property
    def year_used(self) -> int:
        return self.resolution.used

    @property
    def note(self) -> str:
        """``2016年支出功能分类科目中没有 2080599`` (and the year fallback, if any)."""
        r = self.resolution
        title = f"{r.used}年{KIND_TITLES[self.kind]}"
        said = f"{title}中有 {self.code} {self.entry.name}" if self.entry else f"{title}中没有 {self.code}"
        if not r.exact:
            said += f"（{r.asked}年无科目表，按{r.used}年）"
        return said


def _data_dir():
    return resources.files(__package__).joinpath("data")


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown classification {kind!r} (expected one of {', '.join(KINDS)})")


@functools.cache  # (the package's data files do not change while it runs)
def editions(kind: str) -> tuple[Edition, ...]:
    """The editions on file for ``kind``, earliest first; together they cover one unbroken span."""
    _check_kind(kind)
    with _data_dir().joinpath("editions.csv").open(encoding="utf-8", newline="") as f:
        found = [
            Edition(kind, int(r["from"]), int(r["to"]), r["edition"].strip())
            for r in csv.DictReader(f)
            if r["kind"].strip() == kind
        ]
    if not found:
        raise ValueError(f"no {kind} classification on file")
    found.sort(key=lambda e: e.first)
    for a, b in zip(found, found[1:]):
        if b.first != a.last + 1:
            raise ValueError(f"editions.csv: {kind} editions {a.first}-{a.last} and {b.first}-{b.last} do not join")
    return tuple(found)


def years_on_file(kind: str) -> range:
    """The fiscal years that have their own list, e.g. ``range(2015, 2027)``."""
    eds = editions(kind)
    return range(eds[0].first, eds[-1].last + 1)


def resolve(kind: str, year: int) -> Resolution:
    """The year whose ``kind`` list serves ``year``: itself when on file, else the nearest
    year on file (the nearest earlier one, else the nearest later one). Never raises for an
    integer year."""
    years = years_on_file(kind)
    used = min(max(int(year), years.start), years.stop - 1)
    edition = next(e for e in editions(kind) if used in e)
    return Resolution(kind, int(year), used, edition)


def _year_bound(text: str, default: int) -> int:
    text = text.strip()
    return int(text) if text else default


@functools.cache
def _rows(kind: str) -> tuple[tuple[Code, int, int], ...]:
    """Every row of ``data/<kind>.csv`` with the years (first, last) it holds in."""
    _check_kind(kind)
    years = years_on_file(kind)
    out = []
    with _data_dir().joinpath(f"{kind}.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            code = Code(
                code=row["code"].strip(),
                name=row["name"].strip(),
                level=row["level"].strip(),
                parent=row["parent"].strip() or None,
                aliases=aliases,
            )
            first = _year_bound(row["from"], years.start)
            last = _year_bound(row["to"], years.stop - 1)
            if first > last:
                raise ValueError(f"{kind}.csv: {code.code} holds in no year ({first}-{last})")
            out.append((code, first, last))
    return tuple(out)


@functools.cache
def _table(kind: str, year: int) -> CodeTable:
    edition = next(e for e in editions(kind) if year in e)
    return CodeTable(
        kind, year, [c for c, first, last in _rows(kind) if first <= year <= last], edition=edition.title
    )


def codes(kind: str, year: int = 2024) -> CodeTable:
    """The ``kind`` list for ``year`` (or for the nearest year on file: see :func:`resolve`)."""
    return _table(kind, resolve(kind, year).used)


def function_codes(year: int = 2024) -> CodeTable:
    """支出功能分类 for ``year``, or for the nearest year on file (earlier first)."""
    return codes("function", year)


def economic_codes(year: int = 2024) -> CodeTable:
    """支出经济分类 (301–399) for ``year``: the 部门预算支出经济分类 from 2018, the pre-reform
    single classification before; nearest year on file outside 2015–2026."""
    return codes("economic", year)


def government_economic_codes(year: int = 2024) -> CodeTable:
    """政府预算支出经济分类 (501–599) for ``year`` (it exists from 2018; earlier years get 2018's)."""
    return codes("economic_gov", year)


def kind_of(code: str) -> str | None:
    """The classification a printed code belongs to, by its first digit: 2 → function,
    3 → economic, 5 → economic_gov; ``None`` for anything else."""
    code = code.replace(" ", "") if isinstance(code, str) else ""
    if not code.isdigit() or len(code) not in (3, 5, 7):
        return None
    kind = {"2": "function", "3": "economic", "5": "economic_gov"}.get(code[0])
    if kind != "function" and len(code) == 7:
        return None
    return kind


def lookup(code: str, year: int, kind: str | None = None) -> Lookup:
    """``code`` in the ``kind`` list of ``year`` (kind from the code when not given)."""
    code = code.replace(" ", "")
    kind = kind or kind_of(code)
    if kind is None:
        raise ValueError(f"cannot tell the classification of code {code!r}; pass kind")
    resolution = resolve(kind, year)
    return Lookup(code, kind, resolution, _table(kind, resolution.used).get(code))


def known(code: str, year: int, kind: str | None = None) -> bool:
    """True when ``code`` is in the ``kind`` list of ``year`` (nearest year on file outside the
    years on file). A code whose classification cannot be told is not known."""
    kind = kind or kind_of(code)
    if kind is None:
        return False
    return lookup(code, year, kind).known
