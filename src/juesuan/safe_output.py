"""Text that is safe to write where people open it.

- :func:`encodable`: lone surrogates (from a damaged PDF ToUnicode map, a cut UTF-16 text) become
  U+FFFD, so that no stream or file write can fail with an encoding error.
- :func:`csv_text` / :func:`is_formula_like`: document text that a spreadsheet would run as a
  formula (starting with ``= + - @``, tab or CR) is neutralised; numbers are left alone.
- :func:`file_name`: a path reduced to its file name (reports never name a reviewer's folders).
"""

from __future__ import annotations

import re

_SURROGATES = re.compile("[\ud800-\udfff]")

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

# A number as a spreadsheet reads it: signs, thousands separators, a percent; also a lone sign or
# dash (printed for zero). Such text is data, not a formula, whatever its first character.
_NUMBER = re.compile(r"[+-]?(\d[\d,]*)?(\.\d+)?%?")


def encodable(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD."""
    return _SURROGATES.sub("\ufffd", text)


def is_formula_like(text: str) -> bool:
    """Whether Excel/WPS would read ``text`` as a formula (and it is not simply a number)."""
    return bool(text) and text.startswith(FORMULA_PREFIXES) and _NUMBER.fullmatch(text) is None


def csv_text(text: str) -> str:
    """A text cell for a CSV file: encodable, and prefixed with ``'`` when it looks like a formula."""
    text = encodable(text)
    return "'" + text if is_formula_like(text) else text


_SEPARATORS = re.compile(r"[\\/]")


def file_name(path: str | None) -> str:
    """The last part of a path, with either separator: ``C:\\a\\b.pdf`` and ``/a/b.pdf`` → ``b.pdf``."""
    if not path:
        return ""
    parts = [p for p in _SEPARATORS.split(str(path)) if p]
    return parts[-1] if parts else str(path)
