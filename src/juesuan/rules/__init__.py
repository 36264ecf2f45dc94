"""The rule engine and catalog: accounting identities and table completeness of a disclosure.

    >>> from juesuan.rules import check, CATALOG, get_rule
    >>> result = check(doc)            # CheckResult, findings sorted by severity, table, row
    >>> get_rule("JS-AR-001").title

``identity_cells(doc)`` lists the printed cells that take part in at least one identity (what
fault injection with :func:`mutate` should be able to catch); ``catalog_markdown()`` renders
docs/rules.md.
"""

from .catalog import CATALOG, check, get_rule, identity_cells
from .docs import catalog_markdown
from .engine import Example, Identity, Issue, Rule, example_document
from .mutate import Mutation, mutate

__all__ = [
    "CATALOG",
    "Example",
    "Identity",
    "Issue",
    "Mutation",
    "Rule",
    "catalog_markdown",
    "check",
    "example_document",
    "get_rule",
    "identity_cells",
    "mutate",
]
