"""The rule engine, imported lazily, and the version its findings are stored under."""

from __future__ import annotations

import hashlib
from typing import Callable

from ..model import CheckResult, Document

Checker = Callable[[Document], CheckResult]


def default_checker() -> Checker | None:
    """``juesuan.rules.check`` (or ``juesuan.rules.catalog.check``); None when neither exists."""
    try:
        import juesuan.rules as rules
    except ImportError:  # pragma: no cover
        return None
    fn = getattr(rules, "check", None)
    if callable(fn):
        return fn
    try:
        from juesuan.rules.catalog import check
    except ImportError:
        return None
    return check


def current_rules_version() -> str | None:
    """The version findings are stored under.

    ``juesuan.rules.RULES_VERSION`` (or ``__version__``) when the rule engine declares one; else
    ``<juesuan version>+<fingerprint of the catalog>`` (rule ids, severities, titles), so that a
    changed catalog is a new version. None when there is no rule engine.
    """
    try:
        import juesuan.rules as rules
    except ImportError:  # pragma: no cover
        return None
    declared = getattr(rules, "RULES_VERSION", None) or getattr(rules, "__version__", None)
    if declared:
        return str(declared)
    catalog = getattr(rules, "CATALOG", None)
    if catalog is None:
        try:
            from juesuan.rules.catalog import CATALOG as catalog
        except ImportError:
            return None
    from juesuan import __version__

    h = hashlib.sha256()
    for r in catalog:
        h.update(f"{getattr(r, 'id', r)}\x1f{getattr(r, 'severity', '')}\x1f{getattr(r, 'title', '')}\x1e".encode())
    return f"{__version__}+{h.hexdigest()[:10]}"
