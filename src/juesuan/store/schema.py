"""The database schema (SQLAlchemy Core). Alembic migrations in ``migrations/`` create it.

Amounts are exact: ``DecimalText`` is ``NUMERIC`` (no fixed scale) on PostgreSQL and the
decimal string on SQLite (whose NUMERIC affinity would turn values into binary floats). Either way
Python sees :class:`decimal.Decimal`, never ``float``; sums are done in Python, exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import true
from sqlalchemy.types import TypeDecorator

from ..model import format_decimal

# Naming convention: constraint names are stable across SQLite and PostgreSQL (and Alembic).
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# A 64-bit surrogate key that is still SQLite's rowid alias (autoincrementing).
BigId = BigInteger().with_variant(Integer(), "sqlite")


class DecimalText(TypeDecorator[Decimal]):
    """An exact decimal: NUMERIC on PostgreSQL, its plain string on SQLite."""

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(48))
        return dialect.type_descriptor(Numeric(asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, float):  # never let a binary float in
            raise TypeError("DecimalText takes Decimal or str, not float")
        d = value if isinstance(value, Decimal) else Decimal(str(value))
        return format_decimal(d) if dialect.name == "sqlite" else d

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(str(value))


def _fk(target: str) -> ForeignKey:
    return ForeignKey(target, ondelete="CASCADE")


departments = Table(
    "departments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("region", String(100)),  # e.g. 辽宁省抚顺市 (best effort, from the name)
    Column("province", String(40)),
    Column("city", String(40)),
    Column("county", String(40)),
    Column("level", String(10)),  # 省级 / 市级 / 县级 (best effort)
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("file_name", String(500)),
    Column("format", String(16), nullable=False),
    Column("pages", Integer),
    Column("department_id", Integer, ForeignKey("departments.id", ondelete="SET NULL")),
    Column("department", String(200)),  # as printed
    Column("year", Integer),
    Column("unit", String(16), nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("parser_version", String(40), nullable=False),
    Column("fact_count", Integer, nullable=False, default=0),
    Column("toc", JSON),
    Column("unreadable", JSON),
    Column("warnings", JSON),
    # the workbench (migration 0004): 决算 / 预算 (Document.kind) and the review status
    Column("kind", String(10)),
    Column("status", String(16), nullable=False, default="new", server_default="new"),
    # the upload queue and corpus rules (migration 0003): 部门 department / 单位 unit, template family
    Column("scope", String(16)),
    Column("family", String(40)),
    Index(None, "department_id", "year"),
    Index(None, "year"),
)

# The bulky parts a re-check needs, apart so that `documents` stays small and fast to scan.
document_content = Table(
    "document_content",
    metadata,
    Column("document_id", Integer, _fk("documents.id"), primary_key=True),
    Column("text_blocks", JSON),  # the narrative blocks (Document.text)
    Column("perf", JSON),  # 绩效自评表 objects (see perfjson); their facts live in `facts`
)

tables_found = Table(
    "tables_found",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, _fk("documents.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("table_id", String(40), nullable=False),
    Column("title", Text),
    Column("number", String(40)),
    Column("unit", String(16)),
    Column("page", Integer),
    Column("line", Integer),
    Column("ref", String(120)),
    Column("empty", Boolean, nullable=False, default=False),
    Column("fragment", Boolean, nullable=False, default=False),
    Column("layout", String(20)),
    Column("notes", JSON),
    Column("row_labels", JSON),
    Index(None, "document_id"),
)

facts = Table(
    "facts",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("document_id", Integer, _fk("documents.id"), nullable=False),
    Column("table_id", String(40), nullable=False),
    Column("row_key", String(80), nullable=False),
    Column("column_key", String(40), nullable=False),
    Column("value", DecimalText, nullable=False),
    Column("raw", Text, nullable=False),
    Column("label", Text, nullable=False, default=""),
    Column("project", Text, nullable=False, default=""),
    Column("level", String(2)),  # 类 / 款 / 项 for classification-coded rows
    Column("line", Integer),
    Column("page", Integer),
    Column("ref", String(120)),
    Index(None, "document_id", "table_id", "row_key"),
)

claims = Table(
    "claims",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("document_id", Integer, _fk("documents.id"), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("value", DecimalText, nullable=False),
    Column("raw", String(80), nullable=False),
    Column("unit", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("direction", String(20)),
    Column("whole", String(200)),
    Column("fact_table", String(40)),
    Column("fact_row", String(80)),
    Column("fact_column", String(40)),
    Column("line", Integer),
    Column("page", Integer),
    Index(None, "document_id"),
)

checks = Table(
    "checks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, _fk("documents.id"), nullable=False),
    Column("rules_version", String(64), nullable=False),
    Column("checked_at", DateTime(timezone=True), nullable=False),
    Column("errors", Integer, nullable=False, default=0),
    Column("warnings", Integer, nullable=False, default=0),
    Column("infos", Integer, nullable=False, default=0),
    UniqueConstraint("document_id", "rules_version"),
)

findings = Table(
    "findings",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("document_id", Integer, _fk("documents.id"), nullable=False),
    Column("check_id", Integer, _fk("checks.id"), nullable=False),
    Column("rules_version", String(64), nullable=False),
    Column("position", Integer, nullable=False),
    Column("rule", String(40), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("family", String(40), nullable=False, default=""),
    Column("title", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("tables", JSON, nullable=False),
    Column("cells", JSON, nullable=False),
    Column("expected", String(80)),
    Column("printed", String(80)),
    Column("difference", String(80)),
    Column("extra", JSON),  # Finding fields without a column of their own, e.g. the narrative sentence
    Index(None, "document_id", "rules_version"),
    Index(None, "check_id"),
)

# ---------------------------------------------------------------- the workbench (migration 0004)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # admin | reviewer | department | viewer
    Column("department_id", Integer, ForeignKey("departments.id", ondelete="SET NULL")),
    Column("password_hash", String(200)),  # argon2id; None: token-only user
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("active", Boolean, nullable=False, default=True, server_default=true()),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, _fk("users.id"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 of the token
    Column("label", String(100)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),  # sha256 of the cookie's random id
    Column("user_id", Integer, _fk("users.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Index(None, "user_id"),
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, _fk("documents.id"), nullable=False),
    Column("fingerprint", String(32), nullable=False),
    Column("status", String(16), nullable=False),  # open | confirmed | dismissed | fixed
    Column("comment", Text),
    Column("reply", Text),  # 部门回复
    Column("user_id", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("user_name", String(100)),
    Column("reply_user_name", String(100)),
    Column("decided_at", DateTime(timezone=True)),
    Column("replied_at", DateTime(timezone=True)),
    UniqueConstraint("document_id", "fingerprint"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="SET NULL")),
    Column("user_name", String(100)),  # kept when the user is gone
    Column("action", String(40), nullable=False),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="SET NULL")),
    Column("details", JSON),
    Index(None, "document_id"),
    Index(None, "at"),
)

# ---------------------------------------------------------------- the upload queue (migration 0003)

# One row per uploaded file, claimed by the web server's worker threads (queued → running → done |
# failed); a job left running by a server that stopped is queued again when the next one starts.
jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("status", String(16), nullable=False),  # queued | running | done | failed
    Column("file_name", String(500), nullable=False),  # the user's name (display text only)
    Column("sha256", String(64), nullable=False),
    Column("path", Text, nullable=False),  # the stored upload (<sha256>.<suffix>)
    Column("batch", String(40)),  # the upload (one form post) the job came with
    Column("reason", Text),  # why it failed (Chinese, for the reviewer)
    Column("http_status", Integer),  # what a waiting request answers (201, 200, 400, 422, 500)
    Column("outcome", String(16)),  # ingested | exists, once done
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="SET NULL")),
    Column("progress", Integer, nullable=False, default=0, server_default="0"),  # percent
    Column("attempts", Integer, nullable=False, default=0, server_default="0"),
    Column("warnings", JSON),
    Column("user_id", Integer),  # who uploaded it (the workbench's users.id; no key: users come later)
    Column("user_name", String(100)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Index(None, "status", "id"),
    Index(None, "batch"),
)

ALL_TABLES = (
    departments, documents, document_content, tables_found, facts, claims, checks, findings, jobs,
    users, api_tokens, sessions, reviews, audit_log,
)  # fmt: skip
