"""The command line's language: Chinese, or English with ``--lang en`` (or ``JUESUAN_LANG=en``).

Help texts are fixed when the commands are defined, so the language is decided once, when this
module is imported, from the command line itself and the environment::

    from .cli_lang import t
    help=t("输出文件", "output file")

Reports stay Chinese in either language (they are what a reviewer files); ``--lang`` changes the
command's own help and messages. Identifiers (table, row and column keys, JSON keys) are English
in both.
"""

from __future__ import annotations

import os
import sys

LANGS: tuple[str, ...] = ("zh", "en")


def detect(argv: list[str], environ: "os._Environ[str] | dict[str, str]") -> str:
    """``en`` when ``--lang en`` / ``--lang=en`` is on the command line or JUESUAN_LANG starts with en."""
    for i, arg in enumerate(argv):
        value = None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value is not None:
            return "en" if value.lower().startswith("en") else "zh"
    return "en" if environ.get("JUESUAN_LANG", "").lower().startswith("en") else "zh"


LANG = detect(sys.argv[1:], os.environ)


def t(zh: str, en: str) -> str:
    """The text in the command's language."""
    return en if LANG == "en" else zh
